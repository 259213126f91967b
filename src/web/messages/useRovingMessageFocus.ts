import { type FocusEvent, type KeyboardEvent, useCallback, useState } from "react";

const itemSelector = "li[data-message-id]";

/**
 * Roving focus over a thread's messages (WAI-ARIA roving tabindex): the list is one Tab stop,
 * the newest message until another is focused; Up/Down/Home/End move between messages, and Tab
 * from a message reaches its own actions.
 */
export function useRovingMessageFocus(messageIds: string[]) {
  const [chosenId, setChosenId] = useState<string | null>(null);
  const activeId =
    chosenId && messageIds.includes(chosenId) ? chosenId : (messageIds.at(-1) ?? null);

  const onFocus = useCallback((event: FocusEvent<HTMLElement>) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>(itemSelector);
    if (item?.dataset.messageId) setChosenId(item.dataset.messageId);
  }, []);

  const onKeyDown = useCallback((event: KeyboardEvent<HTMLElement>) => {
    const item = event.target as HTMLElement;
    // Only the message itself moves focus: inside it (the editor, a menu) the keys are theirs.
    if (!item.matches(itemSelector) || event.altKey || event.ctrlKey || event.metaKey) return;
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>(itemSelector)];
    const index = items.indexOf(item);
    const targets: Record<string, HTMLElement | undefined> = {
      ArrowDown: items[index + 1],
      ArrowUp: items[index - 1],
      Home: items[0],
      End: items.at(-1),
    };
    if (!Object.hasOwn(targets, event.key)) return;
    event.preventDefault();
    targets[event.key]?.focus();
  }, []);

  /** Puts focus on the newest message, e.g. after jumping to the bottom. */
  const focusNewest = useCallback((container: HTMLElement | null) => {
    const items = container?.querySelectorAll<HTMLElement>(itemSelector);
    items?.[items.length - 1]?.focus();
  }, []);

  return { activeId, onFocus, onKeyDown, focusNewest };
}
