import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Message } from "../../shared/api/messaging.js";
import { useMarkRead } from "./messageHooks.js";

/** How close to an edge (px) still counts as "at" it. */
const BOTTOM_SLACK = 48;
const LOAD_OLDER_WITHIN = 300;

/**
 * Scrolling of a thread: opens at the first unread message (under its **New** divider) or else
 * at the newest, loads older ones near the top while keeping what you read in place, follows
 * new messages while you are at the bottom, and otherwise offers a "New messages" pill.
 */
export function useThreadScroll({
  firstUnreadId,
  messages,
  canLoadOlder,
  loadOlder,
  isMine,
}: {
  firstUnreadId: string | null;
  messages: Message[];
  canLoadOlder: boolean;
  loadOlder: () => void;
  isMine: (message: Message) => boolean;
}) {
  const scrollRef = useRef<HTMLElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** Whether the view stays on the New divider as content settles, until the reader scrolls. */
  const onDivider = useRef(false);
  const previous = useRef<{ first?: string; last?: string; lastSeq: number; height: number }>({
    lastSeq: 0,
    height: 0,
  });
  const [hasUnseenBelow, setHasUnseenBelow] = useState(false);

  const maybeLoadOlder = useCallback(() => {
    const element = scrollRef.current;
    // While the view holds the New divider, older pages wait for the reader to scroll: loading
    // them would move the divider up page by page, shifting the whole history each time.
    if (onDivider.current) return;
    if (element && canLoadOlder && element.scrollTop < LOAD_OLDER_WITHIN) loadOlder();
  }, [canLoadOlder, loadOlder]);
  const latestMaybeLoadOlder = useRef(maybeLoadOlder);
  latestMaybeLoadOlder.current = maybeLoadOlder;

  const scrollToBottom = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    onDivider.current = false;
    element.scrollTop = element.scrollHeight;
    atBottom.current = true;
    setHasUnseenBelow(false);
  }, []);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const first = messages[0]?.id;
    const last = messages.at(-1);
    const before = previous.current;
    if (before.last === undefined) {
      const divider = firstUnreadId && element.querySelector("[data-new-divider]");
      if (divider) {
        onDivider.current = true;
        atBottom.current = showDivider(element, divider);
      } else {
        scrollToBottom();
      }
    } else if (first !== before.first && last?.id === before.last) {
      // Older messages went in above: keep the ones being read where they were.
      element.scrollTop += element.scrollHeight - before.height;
    } else if (last && last.id !== before.last && last.seq > before.lastSeq) {
      if (atBottom.current || isMine(last)) scrollToBottom();
      else setHasUnseenBelow(true);
    }
    previous.current = {
      first,
      last: last?.id,
      lastSeq: last?.seq ?? 0,
      height: element.scrollHeight,
    };
    maybeLoadOlder();
  }, [messages, isMine, maybeLoadOlder, scrollToBottom, firstUnreadId]);

  // Content that grows later (an edit, the inline editor arriving) and a pane that shrinks
  // (the composer arriving under it) keep the bottom in view.
  useEffect(() => {
    const content = contentRef.current;
    const element = scrollRef.current;
    if (!content || !element) return;
    const observer = new ResizeObserver(() => {
      const divider = onDivider.current && element.querySelector("[data-new-divider]");
      if (divider) atBottom.current = showDivider(element, divider);
      else if (atBottom.current) element.scrollTop = element.scrollHeight;
      previous.current.height = element.scrollHeight;
    });
    observer.observe(content);
    observer.observe(element);
    // The reader's own scrolling ends the hold on the divider.
    const release = () => {
      if (!onDivider.current) return;
      onDivider.current = false;
      latestMaybeLoadOlder.current();
    };
    const readerScrolls = ["wheel", "touchstart", "keydown", "pointerdown"] as const;
    for (const type of readerScrolls) element.addEventListener(type, release, { passive: true });
    return () => {
      observer.disconnect();
      for (const type of readerScrolls) element.removeEventListener(type, release);
    };
  }, []);

  const onScroll = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    atBottom.current =
      element.scrollHeight - element.scrollTop - element.clientHeight < BOTTOM_SLACK;
    if (atBottom.current) setHasUnseenBelow(false);
    maybeLoadOlder();
  }, [maybeLoadOlder]);

  return { scrollRef, contentRef, onScroll, hasUnseenBelow, scrollToBottom };
}

/** Puts the New divider at the top of the history, below the sticky day heading. */
function showDivider(scroller: HTMLElement, divider: Element): boolean {
  // Not scrollIntoView, which would scroll the page around the thread as well.
  const margin = Number.parseFloat(getComputedStyle(divider).scrollMarginTop) || 0;
  scroller.scrollTop +=
    divider.getBoundingClientRect().top - scroller.getBoundingClientRect().top - margin;
  const { scrollTop, scrollHeight, clientHeight } = scroller;
  return scrollHeight - scrollTop - clientHeight < BOTTOM_SLACK;
}

/**
 * Text for a polite live region naming who just wrote, for messages from others that arrive
 * while the thread is open (not for history as it loads, nor for your own).
 */
export function useArrivalAnnouncement(
  messages: Message[],
  loaded: boolean,
  isMine: (message: Message) => boolean,
) {
  const [announcement, setAnnouncement] = useState({ text: "", count: 0 });
  const newestSeen = useRef<number | null>(null);
  useEffect(() => {
    if (!loaded) return;
    const newest = messages.at(-1)?.seq ?? 0;
    const seen = newestSeen.current;
    newestSeen.current = Math.max(seen ?? 0, newest);
    if (seen === null) return;
    const arrived = messages.filter((message) => message.seq > seen && !isMine(message));
    const [only] = arrived;
    if (arrived.length === 0 || !only) return;
    const text =
      arrived.length === 1
        ? `New message from ${only.author.name}`
        : `${arrived.length} new messages`;
    setAnnouncement((current) => ({ text, count: current.count + 1 }));
  }, [messages, loaded, isMine]);
  return announcement;
}

/**
 * Marks the thread read up to its newest message whenever that changes while the page is
 * visible, and again when the page becomes visible. One's own newest message needs no report:
 * storing it already moved one's read position past it (and past everything before it).
 */
export function useMarkReadWhileVisible(
  conversationId: string,
  clientId: string,
  newest: { seq: number; mine: boolean },
) {
  const { mutate } = useMarkRead(conversationId, clientId);
  const markedUpTo = useRef(0);
  const { seq: newestSeq, mine } = newest;
  useEffect(() => {
    if (newestSeq <= 0) return;
    if (mine) {
      markedUpTo.current = Math.max(markedUpTo.current, newestSeq);
      return;
    }
    const markRead = () => {
      if (document.visibilityState !== "visible" || newestSeq <= markedUpTo.current) return;
      markedUpTo.current = newestSeq;
      mutate(newestSeq, {
        onError: () => {
          markedUpTo.current = 0;
        },
      });
    };
    markRead();
    document.addEventListener("visibilitychange", markRead);
    return () => document.removeEventListener("visibilitychange", markRead);
  }, [newestSeq, mine, mutate]);
}
