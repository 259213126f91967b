import type { Node as ProseMirrorNode } from "@tiptap/pm/model";

/**
 * A body's plain text as its length limit counts it: blocks on lines of their own, a mention as
 * "@Name" (the name in `names` by lower-cased id when given, else its label). The server stores
 * and checks it; the composer counts with it as you type.
 */
export function plainTextOf(doc: ProseMirrorNode, names?: ReadonlyMap<string, string>): string {
  return doc.textBetween(0, doc.content.size, "\n", (leaf) =>
    leaf.type.name === "mention"
      ? `@${names?.get(String(leaf.attrs.id).toLowerCase()) ?? leaf.attrs.label ?? ""}`
      : "",
  );
}
