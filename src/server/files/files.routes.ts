import multipart from "@fastify/multipart";
import { create as contentDisposition } from "content-disposition";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import parseRange from "range-parser";
import {
  contactOf,
  type Principal,
  requireContact,
  requireStaff,
  staffOf,
} from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { AppError, errorBody, notFound } from "../http/errors.js";
import { actorFor } from "../messaging/actor.js";
import { findVisibleAttachment } from "./attachments.service.js";
import { listClientFiles } from "./client-files.service.js";
import { opensInline } from "./content-types.js";
import type { ByteRange } from "./storage.js";
import { type IncomingFile, storeUpload } from "./uploads.service.js";

/** Downloads may not run as a page of ours; a PDF keeps the viewer's own styles working. */
const sandboxPolicy = "default-src 'none'; sandbox";
const pdfPolicy = "default-src 'none'; style-src 'unsafe-inline'";

/**
 * After a refused upload, reads and drops what the client is still sending (up to `limit` bytes,
 * then the connection is closed), so it can read our answer and its connection is not left stuck
 * half-way through a request body.
 */
function discardRestOfBody(request: FastifyRequest, limit: number) {
  const raw = request.raw;
  if (raw.readableEnded || raw.destroyed) return;
  let discarded = 0;
  raw.unpipe();
  raw.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) raw.socket.destroy();
  });
  raw.resume();
}

/** Runs an upload, making sure a refusal does not leave the rest of the request body unread. */
async function handleUpload<T>(request: FastifyRequest, upload: () => Promise<T>): Promise<T> {
  try {
    return await upload();
  } catch (error) {
    discardRestOfBody(request, request.server.deps.config.attachmentMaxBytes);
    throw error;
  }
}

async function receiveFile(request: FastifyRequest): Promise<IncomingFile> {
  const missing = new AppError(
    "file_missing",
    400,
    "Send one file as multipart/form-data (a form field named file).",
  );
  if (!request.isMultipart()) throw missing;
  const part = await request.file();
  if (!part) throw missing;
  return { stream: part.file, name: part.filename, truncated: () => part.file.truncated };
}

/**
 * The one byte range a request asks for (PDF viewers fetch large files in pieces), null for the
 * whole file, or "unsatisfiable". Several ranges at once, or a range of an older copy than this
 * one (`If-Range`), get the whole file.
 */
function requestedRange(
  request: FastifyRequest,
  size: number,
  etag: string,
): ByteRange | null | "unsatisfiable" {
  const header = request.headers.range;
  if (!header) return null;
  const ifRange = request.headers["if-range"];
  if (ifRange !== undefined && ifRange !== etag) return null;
  const ranges = parseRange(size, header, { combine: true });
  if (ranges === -1) return "unsatisfiable";
  if (ranges === -2 || ranges.type !== "bytes" || ranges.length !== 1) return null;
  return ranges[0] ?? null;
}

/**
 * Answers an attachment's bytes (or its thumbnail's) to a principal who may see it, else 404.
 * Headers keep a browser from ever running an uploaded file as a page of this site.
 */
async function sendAttachment(
  request: FastifyRequest<{ Params: { attachmentId: string } }>,
  reply: FastifyReply,
  principal: Principal,
  variant: "file" | "thumbnail",
) {
  const { db, storage } = request.server.deps;
  const attachment = await findVisibleAttachment(db, principal, request.params.attachmentId);
  if (!attachment) throw notFound("File");
  const key = variant === "file" ? attachment.storageKey : attachment.thumbnailKey;
  if (!key) throw notFound("Thumbnail");
  const contentType = variant === "file" ? attachment.contentType : "image/webp";
  // The bytes behind an id never change, so the id is the entity tag; access is checked each time.
  const etag = `"${attachment.id}${variant === "file" ? "" : "-thumbnail"}"`;
  reply
    .header("cache-control", "private, no-cache")
    .header("etag", etag)
    .header("x-content-type-options", "nosniff")
    .header(
      "content-security-policy",
      contentType === "application/pdf" ? pdfPolicy : sandboxPolicy,
    );
  if (request.headers["if-none-match"] === etag) return reply.status(304).send();

  const range = variant === "file" ? requestedRange(request, attachment.size, etag) : null;
  if (variant === "file") reply.header("accept-ranges", "bytes");
  if (range === "unsatisfiable") {
    return reply
      .status(416)
      .header("content-range", `bytes */${attachment.size}`)
      .send(errorBody("range_not_satisfiable", "The file is shorter than the range asked for."));
  }
  const object = await storage.get(key, range ?? undefined);
  if (!object) throw notFound("File");
  if (range) {
    reply
      .status(206)
      .header("content-range", `bytes ${range.start}-${range.end}/${attachment.size}`);
  }
  const disposition =
    variant === "thumbnail" || opensInline(contentType)
      ? contentDisposition(attachment.name, { type: "inline" })
      : contentDisposition(attachment.name);
  return reply
    .header("content-type", contentType)
    .header("content-length", object.size)
    .header("content-disposition", disposition)
    .send(object.body);
}

async function staffFileRoutes(app: FastifyInstance) {
  const { db, storage, config } = app.deps;
  app.addHook("onRequest", requireStaff);

  addEndpointRoute(app, "uploadFile", {
    handler: async (request, reply) => {
      const principal = staffOf(request);
      const attachment = await handleUpload(request, async () =>
        storeUpload(
          { db, storage, log: request.log },
          {
            firmId: principal.firmId,
            uploader: { kind: "staff", staffId: principal.staffId },
            userId: principal.userId,
            file: await receiveFile(request),
            maxBytes: config.attachmentMaxBytes,
          },
        ),
      );
      return reply.status(201).send(attachment);
    },
  });
  addEndpointRoute(app, "downloadAttachment", {
    handler: async (request, reply) => sendAttachment(request, reply, staffOf(request), "file"),
  });
  addEndpointRoute(app, "downloadThumbnail", {
    handler: async (request, reply) =>
      sendAttachment(request, reply, staffOf(request), "thumbnail"),
  });
  addEndpointRoute(app, "listClientFiles", {
    handler: async (request) =>
      listClientFiles(
        app.deps.db,
        actorFor(staffOf(request)),
        request.params.clientId,
        request.query,
      ),
  });
}

async function portalFileRoutes(app: FastifyInstance) {
  const { db, storage, config } = app.deps;
  app.addHook("onRequest", requireContact);

  addEndpointRoute(app, "uploadPortalFile", {
    handler: async (request, reply) => {
      const principal = contactOf(request);
      const attachment = await handleUpload(request, async () => {
        const link = principal.links.find((each) => each.clientId === request.query.clientId);
        if (!link) throw notFound("Client");
        return storeUpload(
          { db, storage, log: request.log },
          {
            firmId: link.firmId,
            uploader: { kind: "contact", contactId: link.contactId },
            userId: principal.userId,
            file: await receiveFile(request),
            maxBytes: config.attachmentMaxBytes,
          },
        );
      });
      return reply.status(201).send(attachment);
    },
  });
  addEndpointRoute(app, "downloadPortalAttachment", {
    handler: async (request, reply) => sendAttachment(request, reply, contactOf(request), "file"),
  });
  addEndpointRoute(app, "downloadPortalThumbnail", {
    handler: async (request, reply) =>
      sendAttachment(request, reply, contactOf(request), "thumbnail"),
  });
  addEndpointRoute(app, "listPortalClientFiles", {
    handler: async (request) =>
      listClientFiles(db, actorFor(contactOf(request)), request.params.clientId, request.query),
  });
}

/** Uploads and downloads for staff (`/api/…`) and contacts (`/api/portal/…`). */
export async function fileRoutes(app: FastifyInstance) {
  // Multipart is parsed only on these routes; the parser stops one byte past the limit, which the
  // upload service counts and refuses.
  await app.register(multipart, {
    limits: {
      fileSize: app.deps.config.attachmentMaxBytes + 1,
      files: 1,
      fields: 10,
      fieldSize: 1024,
      parts: 11,
      headerPairs: 50,
    },
  });
  // A download still streaming when shutdown begins is not idle when the server closes idle
  // connections; once it ends, its keep-alive connection would hold the close until it times out.
  app.addHook("onResponse", async (request) => {
    if (!app.server.listening) request.raw.socket?.end();
  });
  await app.register(staffFileRoutes);
  await app.register(portalFileRoutes);
}
