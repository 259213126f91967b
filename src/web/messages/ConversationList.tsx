import { Users } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Conversation } from "../../shared/api/messaging.js";
import { Avatar } from "./Avatar.js";
import { ActivityTime, LastMessageLine } from "./ConversationSummary.js";
import { UnreadBadge } from "./UnreadBadge.js";
import { useNow } from "./useNow.js";

function ConversationRow({
  conversation,
  href,
  selected,
  now,
}: {
  conversation: Conversation;
  href: string;
  selected: boolean;
  now: number;
}) {
  const last = conversation.lastMessage;
  const unread = conversation.unreadCount > 0;
  return (
    <Link
      to={href}
      aria-current={selected ? "page" : undefined}
      className={`flex gap-3 rounded-md px-3 py-2 ${
        selected ? "bg-blue-100 text-blue-950" : "text-slate-900 hover:bg-slate-100"
      }`}
    >
      {conversation.kind === "all_contacts" ? (
        <span
          aria-hidden
          className="flex size-9 shrink-0 items-center justify-center rounded-full bg-slate-200 text-slate-800"
        >
          <Users size={18} />
        </span>
      ) : (
        <Avatar id={conversation.contact?.id ?? conversation.id} name={conversation.title} />
      )}
      <span className="flex min-w-0 flex-1 flex-col">
        <span className="flex items-baseline justify-between gap-2">
          <span className={`truncate text-sm ${unread ? "font-bold" : "font-medium"}`}>
            {conversation.title}
          </span>
          {last && <ActivityTime at={last.createdAt} now={now} />}
        </span>
        <span className="flex items-center justify-between gap-2">
          <LastMessageLine last={last} />
          {conversation.waitingOn && (
            <span className="shrink-0 text-xs text-slate-700">
              {conversation.waitingOn === "us" ? "Waiting on us" : "Waiting on client"}
            </span>
          )}
          <UnreadBadge count={conversation.unreadCount} className="shrink-0" />
        </span>
      </span>
    </Link>
  );
}

/**
 * The conversations of one client, as links: the page decides the address of each one and
 * what sits under the list (staff get "New Direct Message" there).
 */
export function ConversationList({
  conversations,
  selectedId,
  hrefFor,
  footer,
}: {
  conversations: Conversation[];
  selectedId: string | undefined;
  hrefFor: (conversation: Conversation) => string;
  footer?: ReactNode;
}) {
  const now = useNow();
  return (
    <nav aria-label="Conversations" className="flex min-h-0 flex-col">
      <ul className="flex min-h-0 flex-1 flex-col gap-0.5 overflow-y-auto p-2">
        {conversations.map((conversation) => (
          <li key={conversation.id}>
            <ConversationRow
              conversation={conversation}
              href={hrefFor(conversation)}
              selected={conversation.id === selectedId}
              now={now}
            />
          </li>
        ))}
      </ul>
      {footer}
    </nav>
  );
}
