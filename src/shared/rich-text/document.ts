import { z } from "zod";

/** Limits on a message body, checked on the server and shown by the composer. */
export const MAX_MESSAGE_TEXT_LENGTH = 10_000;
export const MAX_MESSAGE_JSON_BYTES = 100 * 1024;

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
