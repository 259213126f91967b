import { Lock } from "lucide-react";
import { lazy, memo, Suspense, useState } from "react";
import type { Message, ReadReceipt, TeamMember } from "../../shared/api/messaging.js";
import { Avatar } from "./Avatar.js";
import { formatClockTime, formatFullDate } from "./format.js";
import { MessageActions } from "./MessageActions.js";
import { RichTextView } from "./RichTextView.js";

const MessageEditForm = lazy(() => import("./MessageEditForm.js"));
const ReadReceiptLine = lazy(() => import("./ReadReceiptLine.js"));
// Most messages carry no files, so a thread paints without the cards' and image dialog's code.
const AttachmentList = lazy(() =>
  import("./AttachmentList.js").then((module) => ({ default: module.AttachmentList })),
);

function MessageAttachments({ attachments }: { attachments: Message["attachments"] }) {
  if (attachments.length === 0) return null;
  return (
    <Suspense fallback={null}>
      <AttachmentList attachments={attachments} />
    </Suspense>
  );
}

type MessageItemProps = {
  message: Message;
  mine: boolean;
  /** Follows a message of the same author a few minutes earlier: no avatar or name repeated. */
  continued: boolean;
  /** The message list's one Tab stop (roving focus); the others are reached with the arrow keys. */
  tabbable: boolean;
  clientId: string;
  team: TeamMember[];
  onFinished: () => void;
  onDelete: (message: Message) => void;
  /** Staff only: the contacts whose newest read staff message this is. */
  receipts?: ReadReceipt[];
};

/**
 * One message in a thread; your own get an actions menu (edit in place, delete). The item itself
 * takes focus in the list, named by its author and time, described by its text.
 */
export const MessageItem = memo(function MessageItem({
  message,
  mine,
  continued,
  tabbable,
  clientId,
  team,
  onFinished,
  onDelete,
  receipts,
}: MessageItemProps) {
  const [editing, setEditing] = useState(false);
  const ids = `message-${message.id}`;

  const finishEditing = () => {
    setEditing(false);
    onFinished();
  };

  const time = (
    <time
      id={`${ids}-time`}
      dateTime={message.createdAt}
      title={formatFullDate(message.createdAt)}
      className="text-xs text-slate-600"
    >
      {formatClockTime(message.createdAt)}
    </time>
  );
  const edited = message.editedAt && (
    <span className="text-xs text-slate-600" title={formatFullDate(message.editedAt)}>
      (edited)
    </span>
  );

  return (
    <li
      data-message-id={message.id}
      // Roving focus: one Tab stop into the list, arrow keys between messages.
      tabIndex={tabbable ? 0 : -1}
      aria-labelledby={`${ids}-author ${ids}-time`}
      aria-describedby={`${ids}-body`}
      className={`group relative flex gap-3 rounded-md px-3 hover:bg-slate-100 focus-within:bg-slate-100 focus-visible:outline-offset-[-2px] ${
        continued ? "py-0.5" : "mt-1 py-1.5"
      } ${mine ? "pointer-coarse:pr-12" : ""}`}
    >
      {continued ? (
        // The time sits where the avatar would be, shown on hover or focus (always on touch screens).
        <span className="flex w-9 shrink-0 justify-end pt-0.5 whitespace-nowrap opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 pointer-coarse:opacity-100">
          {time}
        </span>
      ) : (
        <Avatar id={message.author.id} name={message.author.name} />
      )}
      <div className="min-w-0 flex-1">
        {continued ? (
          <span id={`${ids}-author`} className="sr-only">
            {message.author.name}
          </span>
        ) : (
          <div className="flex flex-wrap items-baseline gap-x-2">
            <span id={`${ids}-author`} className="text-sm font-semibold text-slate-900">
              {message.author.name}
            </span>
            {time}
            {edited}
          </div>
        )}
        <div id={`${ids}-body`}>
          {editing ? (
            <Suspense fallback={<p className="text-sm text-slate-600">Loading editor…</p>}>
              <MessageEditForm
                message={message}
                clientId={clientId}
                team={team}
                onDone={finishEditing}
              />
            </Suspense>
          ) : message.internal ? (
            <div className="mt-1 rounded-md border-2 border-dashed border-amber-500 bg-amber-50 px-3 py-2">
              <p className="mb-1 flex items-center gap-1 text-xs font-semibold text-amber-900">
                <Lock aria-hidden size={12} /> Internal note
              </p>
              <RichTextView doc={message.body} />
              <MessageAttachments attachments={message.attachments} />
            </div>
          ) : (
            <>
              <RichTextView doc={message.body} />
              <MessageAttachments attachments={message.attachments} />
            </>
          )}
        </div>
        {continued && edited}
        {receipts && (
          <Suspense fallback={null}>
            <ReadReceiptLine receipts={receipts} />
          </Suspense>
        )}
      </div>
      {mine && !editing && (
        <MessageActions
          tabbable={tabbable}
          onEdit={() => setEditing(true)}
          onDelete={() => onDelete(message)}
        />
      )}
    </li>
  );
});
