import type { RichTextDoc } from "../../shared/rich-text/document.js";

/**
 * An unsent message kept in localStorage, so it survives switching conversations and reloads.
 * `messageId` is set once a send was tried: a retry after a reload must reuse it, or a send
 * that did reach the server would be stored twice.
 */
export type Draft = { body: RichTextDoc; internal: boolean; messageId: string | null };

const storageKey = (key: string) => `portico.draft.${key}`;

export function loadDraft(key: string): Draft | null {
  try {
    const raw = window.localStorage.getItem(storageKey(key));
    if (!raw) return null;
    const draft = JSON.parse(raw) as Partial<Draft>;
    if (draft.body?.type !== "doc") return null;
    return {
      body: draft.body,
      internal: draft.internal === true,
      messageId: typeof draft.messageId === "string" ? draft.messageId : null,
    };
  } catch {
    return null;
  }
}

export function saveDraft(key: string, draft: Draft) {
  try {
    window.localStorage.setItem(storageKey(key), JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the draft still lives in the editor until the page closes.
  }
}

export function clearDraft(key: string) {
  try {
    window.localStorage.removeItem(storageKey(key));
  } catch {
    // Nothing to clear when storage is unavailable.
  }
}
