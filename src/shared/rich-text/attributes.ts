import type { RichTextDoc, RichTextMark, RichTextNode } from "./document.js";

/**
 * The attributes our renderer reads, by node or mark type. A stored body keeps only these, so
 * what a client adds (a link's `rel`, `target` or `class`, a code block's `language`) is dropped.
 */
export const renderedAttributes: Readonly<Record<string, readonly string[]>> = {
  link: ["href"],
  orderedList: ["start"],
  mention: ["id", "label"],
};

function keptAttributes(type: string, attrs: Record<string, unknown> | undefined) {
  const names = renderedAttributes[type];
  if (!attrs || !names) return undefined;
  const kept = Object.fromEntries(
    names.filter((name) => attrs[name] !== undefined).map((name) => [name, attrs[name]]),
  );
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function withAttributes<T extends RichTextNode | RichTextMark>(item: T): T {
  const { attrs, ...rest } = item;
  const kept = keptAttributes(item.type, attrs);
  return (kept ? { ...rest, attrs: kept } : rest) as T;
}

function strip(node: RichTextNode): RichTextNode {
  const copy = withAttributes(node);
  if (node.marks) copy.marks = node.marks.map(withAttributes);
  if (node.content) copy.content = node.content.map(strip);
  return copy;
}

/** A copy of the document carrying only the attributes the renderer uses. */
export function withRenderedAttributesOnly(doc: RichTextDoc): RichTextDoc {
  return strip(doc) as RichTextDoc;
}
