import { z } from "zod";

export { MAX_MESSAGE_JSON_BYTES, MAX_MESSAGE_TEXT_LENGTH } from "./limits.js";

export type RichTextMark = { type: string; attrs?: Record<string, unknown> };
export type RichTextNode = {
  type: string;
  attrs?: Record<string, unknown>;
  content?: RichTextNode[];
  marks?: RichTextMark[];
  text?: string;
};
export type RichTextDoc = RichTextNode & { type: "doc" };

/**
 * A message body as the editor's JSON document. zod checks the outline here; the server then
 * checks it node by node against the editor's own schema (see `richTextExtensions`).
 */
export const richTextDocSchema = z
  .object({
    type: z.literal("doc", "A message body must be a document."),
    content: z.array(z.looseObject({ type: z.string() })).optional(),
  })
  .loose();
