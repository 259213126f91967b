import type { Node as ProseMirrorNode } from "@tiptap/pm/model";

/**
 * A body's plain text as its length limit counts it: blocks on lines of their own, a mention as
 * "@Name". The server stores and checks it; the composer counts with it as you type.
 */
export function plainTextOf(doc: ProseMirrorNode): string {
  return doc.textBetween(0, doc.content.size, "\n", (leaf) =>
    leaf.type.name === "mention" ? `@${leaf.attrs.label ?? ""}` : "",
  );
}
