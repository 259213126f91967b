import { useEffect, useState } from "react";

/** True while the CSS media query matches; follows changes (resizes, rotation, a mouse plugged in). */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener("change", update);
    return () => list.removeEventListener("change", update);
  }, [query]);
  return matches;
}

/** Wide enough for the conversation list and the thread side by side (Tailwind's `md`). */
export const twoPaneScreen = "(min-width: 768px)";

/** A keyboard is likely: a precise pointer that can hover, as on a laptop or desktop. */
export const keyboardLikely = "(hover: hover) and (pointer: fine)";
