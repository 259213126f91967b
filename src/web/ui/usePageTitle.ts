import { useEffect } from "react";

/** Sets the browser tab title, so each screen is announced and findable among tabs. */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Portico`;
  }, [title]);
}
