export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** Thumbnails fit inside a square of this many pixels (WebP). */
export const THUMBNAIL_MAX_PX = 400;

/**
 * Every content type an attachment may have, each decided from the file's bytes (text and the
 * legacy Office formats also use the name's extension to tell CSV from plain text, or a Word
 * file from an Excel one). The composer can offer these extensions in its file picker.
 */
export const attachmentContentTypes = {
  "application/pdf": { label: "PDF", extensions: [".pdf"] },
  "image/png": { label: "PNG image", extensions: [".png"] },
  "image/jpeg": { label: "JPEG image", extensions: [".jpg", ".jpeg"] },
  "image/gif": { label: "GIF image", extensions: [".gif"] },
  "image/webp": { label: "WebP image", extensions: [".webp"] },
  "image/heic": { label: "HEIC photo", extensions: [".heic"] },
  "image/heif": { label: "HEIF photo", extensions: [".heif"] },
  "image/tiff": { label: "TIFF image", extensions: [".tif", ".tiff"] },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
    label: "Word document",
    extensions: [".docx"],
  },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
    label: "Excel workbook",
    extensions: [".xlsx"],
  },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": {
    label: "PowerPoint presentation",
    extensions: [".pptx"],
  },
  "application/msword": { label: "Word 97–2003 document", extensions: [".doc"] },
  "application/vnd.ms-excel": { label: "Excel 97–2003 workbook", extensions: [".xls"] },
  "application/vnd.ms-powerpoint": {
    label: "PowerPoint 97–2003 presentation",
    extensions: [".ppt"],
  },
  "application/vnd.ms-outlook": { label: "Outlook message", extensions: [".msg"] },
  "application/vnd.oasis.opendocument.text": { label: "OpenDocument text", extensions: [".odt"] },
  "application/vnd.oasis.opendocument.spreadsheet": {
    label: "OpenDocument spreadsheet",
    extensions: [".ods"],
  },
  "application/vnd.oasis.opendocument.presentation": {
    label: "OpenDocument presentation",
    extensions: [".odp"],
  },
  "application/rtf": { label: "Rich text", extensions: [".rtf"] },
  "application/xml": { label: "XML (e-invoices, tax filings)", extensions: [".xml"] },
  "application/zip": { label: "ZIP archive", extensions: [".zip"] },
  "text/csv": { label: "CSV", extensions: [".csv"] },
  "text/tab-separated-values": { label: "Tab-separated values", extensions: [".tsv"] },
  "text/plain": { label: "Text", extensions: [".txt"] },
} as const;

export type AttachmentContentType = keyof typeof attachmentContentTypes;

/** Image types the browser shows and the server makes thumbnails of. */
export const previewableImageTypes: readonly string[] = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
];
