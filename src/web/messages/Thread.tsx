import { ArrowDown } from "lucide-react";
import {
  Fragment,
  lazy,
  Suspense,
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useState,
} from "react";
import type { Message, TeamMember } from "../../shared/api/messaging.js";
import { dayKey, formatDayLabel, prepareThreadFormats } from "./format.js";
import { MessageItem } from "./MessageItem.js";
import { flattenThread, useThreadMessages } from "./messageHooks.js";
import { NewDivider } from "./NewDivider.js";
import { useReadReceipts } from "./readReceipts.js";
import { useArrivalAnnouncement, useMarkReadWhileVisible, useThreadScroll } from "./threadHooks.js";
import { useNewDivider } from "./useNewDivider.js";
import { useNow } from "./useNow.js";
import { useRovingMessageFocus } from "./useRovingMessageFocus.js";
import { useShownHistory } from "./useShownHistory.js";

// Loaded on the first Delete, then kept mounted so the dialog opens and closes as usual.
const DeleteMessageDialog = lazy(() =>
  import("./DeleteMessageDialog.js").then((module) => ({ default: module.DeleteMessageDialog })),
);

type DayGroup = { key: string; label: string; messages: Message[] };

function groupByDay(messages: Message[], now: number): DayGroup[] {
  const groups: DayGroup[] = [];
  for (const message of messages) {
    const key = dayKey(message.createdAt);
    const group = groups.at(-1);
    if (group?.key === key) group.messages.push(message);
    else groups.push({ key, label: formatDayLabel(message.createdAt, now), messages: [message] });
  }
  return groups;
}

/** Messages of one author this close together show one name and avatar. */
const continuationWindowMs = 5 * 60_000;

/** Whether `message` continues `previous` (same author, same day, a few minutes later). */
function continues(message: Message, previous: Message | undefined): boolean {
  return (
    previous !== undefined &&
    previous.author.kind === message.author.kind &&
    previous.author.id === message.author.id &&
    Date.parse(message.createdAt) - Date.parse(previous.createdAt) < continuationWindowMs
  );
}

/**
 * A conversation's messages, oldest to newest, with day separators. Loads older pages as you
 * scroll up, marks what you see as read, and announces messages from others as they arrive.
 */
export function Thread({
  conversationId,
  clientId,
  team,
  isMine,
  onActionFinished,
}: {
  conversationId: string;
  clientId: string;
  team: TeamMember[];
  isMine: (author: Message["author"]) => boolean;
  /** After a send, edit or delete: the page puts focus back in the composer. */
  onActionFinished: () => void;
}) {
  const query = useThreadMessages(conversationId);
  // Shown as a transition, so React builds a page of history in short slices and the screen
  // stays responsive while it appears; everything below works from what is shown.
  const shown = useDeferredValue(query.data);
  useEffect(() => {
    if (query.data) return;
    const prepare = window.setTimeout(prepareThreadFormats, 0);
    return () => window.clearTimeout(prepare);
  }, [query.data]);
  const loaded = shown !== undefined;
  const loadedMessages = useMemo(() => flattenThread(shown), [shown]);
  const now = useNow();
  const [deleting, setDeleting] = useState<Message | null>(null);
  const [deleteDialogLoaded, setDeleteDialogLoaded] = useState(false);
  if (deleting && !deleteDialogLoaded) setDeleteDialogLoaded(true);
  const isMineMessage = useCallback((message: Message) => isMine(message.author), [isMine]);
  const firstUnreadId = useNewDivider(conversationId, clientId, loadedMessages, isMineMessage);
  const history = useShownHistory(loadedMessages, firstUnreadId);
  const messages = history.shown;
  const groups = useMemo(() => groupByDay(messages, now), [messages, now]);
  const messageIds = useMemo(() => messages.map((message) => message.id), [messages]);
  const roving = useRovingMessageFocus(messageIds);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const { showOlder } = history;
  const loadOlder = useCallback(() => {
    if (!showOlder()) void fetchNextPage();
  }, [showOlder, fetchNextPage]);
  const receipts = useReadReceipts(conversationId);
  const scroll = useThreadScroll({
    firstUnreadId,
    messages,
    // Only once what is loaded is on screen: a page still being built cannot be scrolled past.
    canLoadOlder:
      shown === query.data && (history.hasHiddenOlder || (hasNextPage && !isFetchingNextPage)),
    loadOlder,
    isMine: isMineMessage,
  });
  const announcement = useArrivalAnnouncement(loadedMessages, loaded, isMineMessage);
  const newest = loadedMessages.at(-1);
  useMarkReadWhileVisible(conversationId, clientId, {
    seq: newest?.seq ?? 0,
    mine: newest ? isMine(newest.author) : false,
  });

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div aria-live="polite" className="sr-only">
        <span key={announcement.count}>{announcement.text}</span>
      </div>
      {/* Messages take focus one at a time (roving), so the history itself is no Tab stop;
          `isolate` keeps the sticky day headings under dialogs and menus. */}
      <section
        ref={scroll.scrollRef}
        onScroll={scroll.onScroll}
        onFocus={roving.onFocus}
        onKeyDown={roving.onKeyDown}
        aria-label="Message history"
        className="isolate min-h-0 flex-1 overflow-y-auto [overflow-anchor:none]"
      >
        <div ref={scroll.contentRef} className="flex min-h-full flex-col justify-end px-2 py-3">
          {!loaded && !query.isError && (
            <p className="p-4 text-sm text-slate-600">Loading messages…</p>
          )}
          {query.isError && (
            <p role="alert" className="p-4 text-sm text-red-800">
              {query.error.message}
            </p>
          )}
          {isFetchingNextPage && (
            <output className="block p-2 text-center text-xs text-slate-600">
              Loading older messages…
            </output>
          )}
          {loaded && !hasNextPage && !history.hasHiddenOlder && messages.length > 0 && (
            <p className="p-2 text-center text-xs text-slate-600">Start of the conversation</p>
          )}
          {loaded && messages.length === 0 && (
            <p className="p-4 text-center text-sm text-slate-600">
              No messages yet. Write the first one below.
            </p>
          )}
          {groups.map((group) => (
            <section key={group.key} aria-labelledby={`day-${conversationId}-${group.key}`}>
              <h3
                id={`day-${conversationId}-${group.key}`}
                className="sticky top-0 z-10 my-2 flex items-center gap-3 bg-white py-1 text-xs font-semibold text-slate-700 before:h-px before:flex-1 before:bg-slate-200 after:h-px after:flex-1 after:bg-slate-200"
              >
                {group.label}
              </h3>
              <ol className="flex flex-col">
                {group.messages.map((message, index) => (
                  <Fragment key={message.id}>
                    {message.id === firstUnreadId && <NewDivider />}
                    <MessageItem
                      message={message}
                      mine={isMine(message.author)}
                      // The first unread message starts afresh below the divider.
                      continued={
                        message.id !== firstUnreadId &&
                        continues(message, group.messages[index - 1])
                      }
                      tabbable={message.id === roving.activeId}
                      clientId={clientId}
                      team={team}
                      onFinished={onActionFinished}
                      onDelete={setDeleting}
                      receipts={receipts.get(message.id)}
                    />
                  </Fragment>
                ))}
              </ol>
            </section>
          ))}
        </div>
      </section>
      {scroll.hasUnseenBelow && (
        <button
          type="button"
          onClick={() => {
            scroll.scrollToBottom();
            roving.focusNewest(scroll.scrollRef.current);
          }}
          className="absolute bottom-3 left-1/2 inline-flex -translate-x-1/2 items-center gap-1.5 rounded-full bg-blue-700 px-3 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-blue-800"
        >
          <ArrowDown aria-hidden size={14} /> New messages
        </button>
      )}
      {deleteDialogLoaded && (
        <Suspense fallback={null}>
          <DeleteMessageDialog
            message={deleting}
            clientId={clientId}
            onClose={() => setDeleting(null)}
            onDeleted={onActionFinished}
          />
        </Suspense>
      )}
    </div>
  );
}
