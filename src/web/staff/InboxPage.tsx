import { Tabs } from "radix-ui";
import { useState } from "react";
import { Link } from "react-router";
import type { InboxFilter, InboxRow } from "../../shared/api/notifications.js";
import { ActivityTime, LastMessageLine } from "../messages/ConversationSummary.js";
import { UnreadBadge } from "../messages/UnreadBadge.js";
import { useNow } from "../messages/useNow.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { conversationHref, useInbox } from "./notifications.queries.js";

const filters: { value: InboxFilter; label: string }[] = [
  { value: "unread", label: "Unread" },
  { value: "waiting", label: "Waiting on us" },
  { value: "mentions", label: "Mentions" },
  { value: "all", label: "All" },
];

const emptyText: Record<InboxFilter, string> = {
  unread: "Nothing unread.",
  waiting: "No client is waiting on you.",
  mentions: "No unread mentions.",
  all: "No conversations yet.",
};

function InboxItem({ row, now }: { row: InboxRow; now: number }) {
  return (
    <li>
      <Link
        to={conversationHref(row.clientId, row.conversationId)}
        className="flex flex-col gap-0.5 rounded-md px-3 py-2 text-slate-900 hover:bg-slate-100"
      >
        <span className="flex items-baseline justify-between gap-2">
          <span className={`truncate text-sm ${row.unreadCount > 0 ? "font-bold" : "font-medium"}`}>
            {row.clientName} · {row.title}
          </span>
          <ActivityTime at={row.lastActivityAt} now={now} />
        </span>
        <span className="flex items-center justify-between gap-2">
          <LastMessageLine last={row.lastMessage} />
          <span className="flex shrink-0 items-center gap-2">
            {row.waitingOn === "us" && (
              <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900">
                Waiting on us
              </span>
            )}
            {row.mentioned && (
              <span className="rounded bg-blue-100 px-1.5 text-xs text-blue-900">Mentioned</span>
            )}
            <UnreadBadge count={row.unreadCount} />
          </span>
        </span>
      </Link>
    </li>
  );
}

function InboxList({ filter }: { filter: InboxFilter }) {
  const inbox = useInbox(filter);
  const now = useNow();
  const rows = inbox.data?.pages.flatMap((page) => page.rows) ?? [];
  if (inbox.isError) {
    return (
      <p role="alert" className="mt-4 text-red-800">
        {inbox.error.message}
      </p>
    );
  }
  if (inbox.isSuccess && rows.length === 0) {
    return <p className="mt-4 text-slate-700">{emptyText[filter]}</p>;
  }
  return (
    <>
      <ul aria-label="Conversations" className="mt-4 flex flex-col gap-1">
        {rows.map((row) => (
          <InboxItem key={row.conversationId} row={row} now={now} />
        ))}
      </ul>
      {inbox.hasNextPage && (
        <button
          type="button"
          className="mt-2 text-sm text-blue-800 hover:underline"
          onClick={() => void inbox.fetchNextPage()}
        >
          Show older
        </button>
      )}
    </>
  );
}

/** Every conversation of the firm the signed-in member should look at, across clients. */
export function InboxPage() {
  usePageTitle("Inbox");
  const [filter, setFilter] = useState<InboxFilter>("unread");
  return (
    <main className="mx-auto w-full max-w-4xl p-6">
      <h1 className="text-2xl font-semibold">Inbox</h1>
      <Tabs.Root value={filter} onValueChange={(value) => setFilter(value as InboxFilter)}>
        <Tabs.List
          aria-label="Show"
          className="mt-4 inline-flex flex-wrap gap-1 rounded-md bg-slate-100 p-1"
        >
          {filters.map((option) => (
            <Tabs.Trigger
              key={option.value}
              value={option.value}
              className="rounded px-3 py-1 text-sm text-slate-800 data-[state=active]:bg-white data-[state=active]:font-semibold data-[state=active]:text-blue-900 data-[state=active]:shadow"
            >
              {option.label}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {filters.map((option) => (
          <Tabs.Content key={option.value} value={option.value}>
            {filter === option.value && <InboxList filter={option.value} />}
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </main>
  );
}
