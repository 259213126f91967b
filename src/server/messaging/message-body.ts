import { getSchema } from "@tiptap/core";
import { Node as ProseMirrorNode } from "@tiptap/pm/model";
import { isStorableText } from "../../shared/api/fields.js";
import { withRenderedAttributesOnly } from "../../shared/rich-text/attributes.js";
import {
  MAX_MESSAGE_JSON_BYTES,
  MAX_MESSAGE_TEXT_LENGTH,
  type RichTextDoc,
  type RichTextNode,
} from "../../shared/rich-text/document.js";
import { richTextExtensions } from "../../shared/rich-text/extensions.js";
import { isAllowedHref } from "../../shared/rich-text/links.js";
import { plainTextOf } from "../../shared/rich-text/plain-text.js";
import { AppError } from "../http/errors.js";

const schema = getSchema(richTextExtensions());

const invalidBody = (message: string) => new AppError("invalid_body", 400, message);

export type ParsedMessageBody = {
  /** The document as the schema understands it (unknown attributes dropped). */
  doc: RichTextDoc;
  /** Plain text with mentions as "@Name": previews, e-mails and search. */
  text: string;
  /** Staff ids named by mentions, without duplicates. */
  mentionedStaffIds: string[];
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Nesting of objects and arrays allowed in a body. A linked text in a paragraph sits 12 deep
 * and each level of a nested list adds 4, so this allows lists nested about 29 deep.
 */
const MAX_JSON_DEPTH = 128;

/** True when `json` nests objects and arrays deeper than `limit`; walks without recursion. */
function jsonDepthExceeds(json: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[json, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value !== "object" || value === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return false;
}

/** Looks up the names of the given staff ids within the sender's firm; unknown ids are absent. */
export type MentionDirectory = (staffIds: string[]) => Promise<Map<string, string>>;

/**
 * Checks a message body against the editor's schema and our own limits, and writes each
 * mention's label from the directory, so a mention always shows the member's real name.
 * Throws a 400 AppError with a specific code; the caller stores nothing when this throws.
 */
export async function parseMessageBody(
  json: unknown,
  mentionDirectory: MentionDirectory,
  options: { allowEmpty?: boolean } = {},
): Promise<ParsedMessageBody> {
  // Checked first, without recursion: measuring or parsing a deeply nested body would
  // otherwise exhaust the stack (a 500) well below the size limit.
  if (jsonDepthExceeds(json, MAX_JSON_DEPTH)) {
    throw invalidBody("The message is nested more deeply than the editor allows.");
  }
  if (Buffer.byteLength(JSON.stringify(json)) > MAX_MESSAGE_JSON_BYTES) {
    throw new AppError("message_too_large", 400, "The message is too large to send.");
  }
  const content = (json as { content?: unknown[] } | null)?.content;
  if (content === undefined || (Array.isArray(content) && content.length === 0)) {
    if (!options.allowEmpty) {
      throw new AppError("empty_message", 400, "Write something before sending.");
    }
    // A message of files only: the document the editor writes when nothing was typed.
    json = { type: "doc", content: [{ type: "paragraph" }] };
  }
  let doc: ProseMirrorNode;
  try {
    doc = ProseMirrorNode.fromJSON(schema, json);
    doc.check();
  } catch (error) {
    throw invalidBody(
      `The message contains something the editor does not allow (${(error as Error).message}).`,
    );
  }
  if (doc.type.name !== "doc") throw invalidBody("A message body must be a document.");

  const mentionedStaffIds = new Set<string>();
  doc.descendants((node) => {
    if (!hasStorableStrings(node)) {
      throw new AppError(
        "invalid_character",
        400,
        "The message contains a character that cannot be stored (a NUL or a broken Unicode character).",
      );
    }
    for (const mark of node.marks) {
      if (mark.type.name === "link" && !isAllowedHref(mark.attrs.href)) {
        throw new AppError(
          "unsafe_link",
          400,
          "Links must start with http://, https:// or mailto:.",
        );
      }
    }
    if (node.type.name === "mention") {
      const id = node.attrs.id;
      if (typeof id !== "string" || !uuidPattern.test(id)) {
        throw new AppError("unknown_mention", 400, "A mention does not name a team member.");
      }
      mentionedStaffIds.add(id.toLowerCase());
    }
  });

  const names = await mentionDirectory([...mentionedStaffIds]);
  if ([...mentionedStaffIds].some((id) => !names.has(id))) {
    throw new AppError("unknown_mention", 400, "A mention does not name a member of your team.");
  }
  const text = plainTextOf(doc, names);
  if (text.trim().length === 0 && !options.allowEmpty) {
    throw new AppError("empty_message", 400, "Write something before sending.");
  }
  if (text.length > MAX_MESSAGE_TEXT_LENGTH) {
    throw new AppError(
      "message_too_long",
      400,
      `A message can have at most ${MAX_MESSAGE_TEXT_LENGTH.toLocaleString("en")} characters.`,
    );
  }
  return {
    doc: withRenderedAttributesOnly(relabelMentions(doc.toJSON() as RichTextDoc, names)),
    text,
    mentionedStaffIds: [...mentionedStaffIds],
  };
}

/** A node's text and its and its marks' string attributes are all text PostgreSQL can store. */
function hasStorableStrings(node: ProseMirrorNode): boolean {
  const strings = [node.text ?? "", ...Object.values(node.attrs)];
  for (const mark of node.marks) strings.push(...Object.values(mark.attrs));
  return strings.every((value) => typeof value !== "string" || isStorableText(value));
}

/** Plain text of a stored, already valid body (for data written without a request, like the demo). */
export function messagePlainText(doc: RichTextDoc): string {
  return plainTextOf(ProseMirrorNode.fromJSON(schema, doc));
}

/** Sets each mention's label to the member's current name, on the document's JSON form. */
function relabelMentions(json: RichTextDoc, names: Map<string, string>): RichTextDoc {
  if (names.size === 0) return json;
  const visit = (node: RichTextNode) => {
    if (node.type === "mention" && node.attrs) {
      node.attrs.label = names.get(String(node.attrs.id).toLowerCase());
    }
    node.content?.forEach(visit);
  };
  visit(json);
  return json;
}
