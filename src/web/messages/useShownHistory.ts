import { useCallback, useMemo, useRef, useState } from "react";
import type { Message } from "../../shared/api/messaging.js";

/** Messages shown when a thread opens: more than a phone holds; a taller screen fills itself. */
const FIRST_SHOWN = 20;
/** Older loaded messages added each time the reader nears the top. */
const SHOWN_MORE = 20;

/**
 * Which of the loaded messages are in the page. A thread opens with its newest few (and
 * everything from the New divider on) and adds the older loaded ones as the reader scrolls up,
 * before the server is asked for more: building fifty messages that nobody has scrolled to yet
 * is the largest part of opening a thread on a phone.
 */
export function useShownHistory(messages: Message[], firstUnreadId: string | null) {
  // The oldest shown is kept by its number, so new messages below never push one out above;
  // 0 once all are shown, so older pages appear as they load.
  const [oldestSeq, setOldestSeq] = useState<number | null>(null);
  let from =
    oldestSeq === null
      ? Math.max(0, messages.length - FIRST_SHOWN)
      : messages.findIndex((message) => message.seq >= oldestSeq);
  if (from < 0) from = messages.length;
  const unreadIndex = firstUnreadId
    ? messages.findIndex((message) => message.id === firstUnreadId)
    : -1;
  if (unreadIndex >= 0) from = Math.min(from, unreadIndex);
  const oldest = messages[from];
  if (oldestSeq === null && oldest) setOldestSeq(oldest.seq);

  const latest = useRef({ messages, from });
  latest.current = { messages, from };
  /** Shows more of what is loaded; false when all of it already shows (time to fetch). */
  const showOlder = useCallback(() => {
    const { messages: loaded, from: first } = latest.current;
    const next = first > SHOWN_MORE ? loaded[first - SHOWN_MORE] : undefined;
    setOldestSeq(next ? next.seq : 0);
    return first > 0;
  }, []);

  const shown = useMemo(() => (from === 0 ? messages : messages.slice(from)), [messages, from]);
  return { shown, hasHiddenOlder: from > 0, showOlder };
}
