import { z } from "zod";
import { clientParamsSchema } from "./clients.js";
import { type Endpoint, fileBytesSchema } from "./endpoint.js";
import { type RouteName, routes } from "./routes.js";

/** A message carries at most this many files. */
export {
  type AttachmentContentType,
  attachmentContentTypes,
  MAX_ATTACHMENTS_PER_MESSAGE,
  previewableImageTypes,
  THUMBNAIL_MAX_PX,
} from "../files/attachment-types.js";

/** A file as a message (or the upload answer) shows it: enough for a card and a download link. */
export const attachmentSchema = z.object({
  id: z.uuid(),
  /** The name the file was uploaded with, cleaned of control characters, for display. */
  name: z.string(),
  /** Decided from the file's content, never from the name the browser sent. */
  contentType: z.string(),
  size: z.number().int().positive(),
  /** A WebP thumbnail is served at the attachment's `/thumbnail` path. */
  hasThumbnail: z.boolean(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const attachmentParamsSchema = z.object({
  attachmentId: z.uuid("Not a valid attachment id."),
});

/** A contact uploads for one of the clients whose portal they use. */
export const portalUploadQuerySchema = z.object({
  clientId: z.uuid("Choose the client this file is for."),
});

/** Files listed per page in a client's Files view. */
export const FILE_PAGE_SIZE = 50;

/** One sent file of a client, with where and by whom it was sent. */
export const clientFileSchema = z.object({
  attachment: attachmentSchema,
  messageId: z.uuid(),
  conversationId: z.uuid(),
  /**
   * The thread's title as the reader sees it: "All Contacts", or for a direct thread its contact
   * (to staff) or the firm (to a contact).
   */
  conversationTitle: z.string(),
  conversationKind: z.enum(["all_contacts", "direct"]),
  /** Whether the file sits on an internal note (staff only ever see these). */
  internal: z.boolean(),
  sentBy: z.object({ kind: z.enum(["staff", "contact"]), name: z.string() }),
  sentAt: z.iso.datetime(),
});
export type ClientFile = z.infer<typeof clientFileSchema>;

export const clientFilesQuerySchema = z.object({
  limit: z.coerce.number<number>().int().min(1).max(FILE_PAGE_SIZE).default(FILE_PAGE_SIZE),
  /** Where the previous page ended (its `nextCursor`). */
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, "Not a position in this list.")
    .optional(),
});

export const clientFilePageSchema = z.object({
  /** Newest first. */
  files: z.array(clientFileSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type ClientFilePage = z.infer<typeof clientFilePageSchema>;

const download = { 200: fileBytesSchema, 206: fileBytesSchema, 304: fileBytesSchema };
const downloadErrors = [400, 401, 403, 404, 416] as const;

export const fileEndpoints = {
  uploadFile: {
    ...routes.uploadFile,
    access: "staff",
    tags: ["files"],
    summary: "Upload a file (multipart, field `file`) to attach to a message later",
    upload: true,
    responses: { 201: attachmentSchema },
    errors: [400, 401, 403, 413],
  },
  downloadAttachment: {
    ...routes.downloadAttachment,
    access: "staff",
    tags: ["files"],
    summary: "Download a file of a message, or one's own upload not sent yet",
    params: attachmentParamsSchema,
    responses: download,
    errors: downloadErrors,
  },
  downloadThumbnail: {
    ...routes.downloadThumbnail,
    access: "staff",
    tags: ["files"],
    summary: "An image attachment's thumbnail (WebP)",
    params: attachmentParamsSchema,
    responses: download,
    errors: downloadErrors,
  },
  listClientFiles: {
    ...routes.listClientFiles,
    access: "staff",
    tags: ["files"],
    summary: "Every file sent in the client's conversations, notes included, newest first",
    params: clientParamsSchema,
    query: clientFilesQuerySchema,
    responses: { 200: clientFilePageSchema },
    errors: [400, 401, 403, 404],
  },
  uploadPortalFile: {
    ...routes.uploadPortalFile,
    access: "contact",
    tags: ["portal"],
    summary: "Upload a file (multipart, field `file`) for one of the contact's clients",
    upload: true,
    query: portalUploadQuerySchema,
    responses: { 201: attachmentSchema },
    errors: [400, 401, 403, 404, 413],
  },
  downloadPortalAttachment: {
    ...routes.downloadPortalAttachment,
    access: "contact",
    tags: ["portal"],
    summary: "Download a file of a message the contact sees, or their own upload not sent yet",
    params: attachmentParamsSchema,
    responses: download,
    errors: downloadErrors,
  },
  downloadPortalThumbnail: {
    ...routes.downloadPortalThumbnail,
    access: "contact",
    tags: ["portal"],
    summary: "An image attachment's thumbnail (WebP)",
    params: attachmentParamsSchema,
    responses: download,
    errors: downloadErrors,
  },
  listPortalClientFiles: {
    ...routes.listPortalClientFiles,
    access: "contact",
    tags: ["portal"],
    summary: "The files of the client's messages the contact may see, newest first",
    params: clientParamsSchema,
    query: clientFilesQuerySchema,
    responses: { 200: clientFilePageSchema },
    errors: [400, 401, 403, 404],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
