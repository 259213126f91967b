import { useEffect } from "react";
import { useSearchParams } from "react-router";

const HIGHLIGHT_CLASSES = ["ring-2", "ring-amber-500", "bg-amber-50"];
const HIGHLIGHT_MS = 3000;

/**
 * Scrolls to the message named by `?message=` (a notification's link) once the thread shows it,
 * and highlights it for a moment. Waits for the element, since the thread loads after the page.
 */
export function useHighlightedMessage(conversationId: string | undefined) {
  const [params] = useSearchParams();
  const messageId = params.get("message");
  useEffect(() => {
    if (!messageId || !conversationId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const highlight = () => {
      const element = document.querySelector<HTMLElement>(
        `[data-message-id="${CSS.escape(messageId)}"]`,
      );
      if (!element) return false;
      element.scrollIntoView({ block: "center" });
      element.classList.add(...HIGHLIGHT_CLASSES);
      element.setAttribute("data-highlighted", "true");
      timer = setTimeout(() => {
        element.classList.remove(...HIGHLIGHT_CLASSES);
        element.removeAttribute("data-highlighted");
      }, HIGHLIGHT_MS);
      return true;
    };
    if (highlight()) return () => clearTimeout(timer);
    const observer = new MutationObserver(() => {
      if (highlight()) observer.disconnect();
    });
    observer.observe(document.body, { childList: true, subtree: true });
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [messageId, conversationId]);
}
