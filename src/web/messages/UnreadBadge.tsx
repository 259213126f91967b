import { formatUnreadCount } from "./format.js";

/** A count badge whose text alternative reads "3 unread"; renders nothing at zero. */
export function UnreadBadge({ count, className = "" }: { count: number; className?: string }) {
  if (count <= 0) return null;
  return (
    <span
      className={`inline-flex min-w-5 items-center justify-center rounded-full bg-blue-700 px-1.5 text-xs leading-5 font-semibold text-white ${className}`}
    >
      {formatUnreadCount(count)}
      <span className="sr-only"> unread</span>
    </span>
  );
}
