/**
 * Formatters are made on first use and kept: making one costs far more than formatting with it
 * (the first of the page also loads the locale data), and a thread formats two dates a message.
 */
function cached<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

const relativeFormat = cached(() => new Intl.RelativeTimeFormat("en", { numeric: "auto" }));
const clockFormat = cached(
  () => new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" }),
);
const shortDateFormat = cached(
  () => new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" }),
);
/** The one date-and-time format of the app, in the browser's locale (messages, files, Outbox). */
const dateTimeFormat = cached(
  () => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }),
);
const dayLabelFormat = cached(
  () => new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" }),
);
const dayLabelWithYearFormat = cached(
  () =>
    new Intl.DateTimeFormat(undefined, {
      weekday: "long",
      month: "long",
      day: "numeric",
      year: "numeric",
    }),
);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 minutes ago", "yesterday", then a short date for anything older than a week. */
export function formatRelativeTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  const elapsed = now - then;
  if (elapsed < MINUTE) return "just now";
  if (elapsed < HOUR) return relativeFormat().format(-Math.floor(elapsed / MINUTE), "minute");
  if (elapsed < DAY) return relativeFormat().format(-Math.floor(elapsed / HOUR), "hour");
  const days = calendarDaysBetween(new Date(then), new Date(now));
  if (days < 7) return relativeFormat().format(-days, "day");
  return shortDateFormat().format(then);
}

/**
 * Makes the formats a thread needs first. The page's first date format loads the locale's data
 * (tens of milliseconds on a phone): better while the messages are on their way than in the
 * middle of showing them.
 */
export function prepareThreadFormats() {
  clockFormat();
  dayLabelFormat();
}

export const formatClockTime = (iso: string) => clockFormat().format(Date.parse(iso));
export const formatFullDate = (iso: string) => dateTimeFormat().format(Date.parse(iso));

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Whole calendar days, so 23:50 → 00:10 counts as one day even though it is 20 minutes. */
function calendarDaysBetween(from: Date, to: Date): number {
  return Math.round((startOfDay(to) - startOfDay(from)) / DAY);
}

export const dayKey = (iso: string) => new Date(startOfDay(new Date(iso))).toISOString();

/** The label of a day separator in a thread: "Today", "Yesterday", or the date. */
export function formatDayLabel(iso: string, now: number): string {
  const date = new Date(iso);
  const days = calendarDaysBetween(date, new Date(now));
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return (sameYear ? dayLabelFormat() : dayLabelWithYearFormat()).format(date);
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : [words[0]];
  return letters
    .map((word) => word?.[0] ?? "")
    .join("")
    .toUpperCase();
}

/**
 * The server's UNREAD_CAP (src/shared/api/messaging.ts), repeated here because importing that
 * module would pull zod and every schema into the browser bundle. At the cap the exact count
 * is unknown.
 */
export const UNREAD_DISPLAY_CAP = 100;
export const formatUnreadCount = (count: number) =>
  count >= UNREAD_DISPLAY_CAP ? "99+" : String(count);
