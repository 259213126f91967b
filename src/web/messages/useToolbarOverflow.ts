import { type RefObject, useLayoutEffect, useState } from "react";

/** The group separator's width, in toolbar buttons (a margin either side of a 1 px line). */
const separatorWidth = 0.5;

/**
 * Which toolbar buttons do not fit on one row and move into the "More" menu: as many as needed,
 * taken in `overflowOrder` (least used first). Follows the toolbar's width as it changes.
 */
export function useToolbarOverflow(
  rootRef: RefObject<HTMLElement | null>,
  buttonCount: number,
  overflowOrder: readonly string[],
): Set<string> {
  const [hiddenCount, setHiddenCount] = useState(0);

  useLayoutEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    const measure = () => {
      const button = root.querySelector<HTMLElement>("button");
      const style = getComputedStyle(root);
      const width =
        root.clientWidth -
        Number.parseFloat(style.paddingLeft) -
        Number.parseFloat(style.paddingRight);
      // Each button is square; the gap between buttons comes from the toolbar's CSS.
      const step = (button?.offsetWidth ?? 32) + (Number.parseFloat(style.columnGap) || 0);
      const slots = width / step;
      if (buttonCount + separatorWidth <= slots) setHiddenCount(0);
      // The "More" button takes one slot itself.
      else
        setHiddenCount(
          Math.min(overflowOrder.length, Math.ceil(buttonCount + 1 + separatorWidth - slots)),
        );
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(root);
    return () => observer.disconnect();
  }, [rootRef, buttonCount, overflowOrder]);

  return new Set(overflowOrder.slice(0, hiddenCount));
}
