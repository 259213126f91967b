import { Lock } from "lucide-react";
import { formatFullDate, formatRelativeTime } from "./format.js";

/** When a conversation last moved: relative on screen, the full date on hover and to machines. */
export function ActivityTime({ at, now }: { at: string; now: number }) {
  return (
    <time dateTime={at} title={formatFullDate(at)} className="shrink-0 text-xs text-slate-700">
      {formatRelativeTime(at, now)}
    </time>
  );
}

/** A conversation's newest message on one line: its author and preview, a note with its lock. */
export function LastMessageLine({
  last,
}: {
  last: { authorName: string; preview: string; internal: boolean } | null | undefined;
}) {
  return (
    <span className="flex min-w-0 items-center gap-1 text-sm text-slate-700">
      {last?.internal && (
        <>
          <Lock aria-hidden size={12} className="shrink-0 text-amber-800" />
          <span className="sr-only">Internal note:</span>
        </>
      )}
      <span className="truncate">
        {last ? `${last.authorName}: ${last.preview}` : "No messages yet"}
      </span>
    </span>
  );
}
