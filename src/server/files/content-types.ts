import { fileTypeFromBuffer } from "file-type";
import {
  type AttachmentContentType,
  attachmentContentTypes,
  previewableImageTypes,
} from "../../shared/api/files.js";

/** Bytes read from the start of an upload to decide its type: enough for Office files' first zip entries. */
export const TYPE_SAMPLE_BYTES = 64 * 1024;

/** Legacy Office files share one container format (CFB, as do installers): the extension says which. */
const compoundFileTypes: Record<string, AttachmentContentType> = {
  ".doc": "application/msword",
  ".xls": "application/vnd.ms-excel",
  ".ppt": "application/vnd.ms-powerpoint",
  ".msg": "application/vnd.ms-outlook",
};

/** Text has no signature: the extension only tells CSV from other text. */
const textTypes: Record<string, AttachmentContentType> = {
  ".csv": "text/csv",
  ".tsv": "text/tab-separated-values",
};

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
};

const isAllowed = (mime: string): mime is AttachmentContentType => mime in attachmentContentTypes;

/** Tab, line feed, form feed, carriage return, and DOS's end-of-file mark. */
const textControlBytes = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x1a]);

/**
 * Text as accountants exchange it (UTF-8, UTF-16 with a byte-order mark, or a Windows code page):
 * no NUL bytes and no control characters other than whitespace and the old DOS end-of-file mark.
 */
function looksLikeText(head: Buffer): boolean {
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (utf16) return true;
  return head.every((byte) => byte >= 0x20 || textControlBytes.has(byte));
}

/**
 * The content type of an upload, decided from its first bytes (`head`), or null when it is not a
 * kind of file we accept (programs, scripts in binary form, media, unknown binaries …).
 */
export async function detectContentType(
  head: Buffer,
  name: string,
): Promise<AttachmentContentType | null> {
  const detected = await fileTypeFromBuffer(head);
  if (detected) {
    if (detected.mime === "application/x-cfb") return compoundFileTypes[extensionOf(name)] ?? null;
    return isAllowed(detected.mime) ? detected.mime : null;
  }
  if (!looksLikeText(head)) return null;
  return textTypes[extensionOf(name)] ?? "text/plain";
}

/** Only images a browser shows and PDFs open in the browser; everything else downloads. */
export const opensInline = (contentType: string) =>
  contentType === "application/pdf" || previewableImageTypes.includes(contentType);

export const hasPreviewableImage = (contentType: string) =>
  previewableImageTypes.includes(contentType);
