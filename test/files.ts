import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { join } from "node:path";
import sharp from "sharp";
import type { Attachment } from "../src/shared/api/files.js";
import { TEST_ORIGIN } from "./app.js";

export type UploadAnswer = {
  status: number;
  /** The JSON answer: the attachment on success, `{ error }` otherwise. */
  body: Attachment & { error?: { code: string; message: string } };
};

export type FileToSend = {
  name: string;
  content: Buffer | AsyncIterable<Buffer>;
  /** What the browser claims the type is; the server decides from the bytes anyway. */
  type?: string;
};

export const uploadPath = "/api/uploads";
export const portalUploadPath = (clientId: string) => `/api/portal/uploads?clientId=${clientId}`;
export const attachmentPath = (id: string) => `/api/attachments/${id}`;
export const portalAttachmentPath = (id: string) => `/api/portal/attachments/${id}`;

async function readAll(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Uploads one file over real HTTP as a browser's form would (multipart, streamed as it is
 * produced), and resolves with the server's answer even when it comes before the body ends.
 */
export async function uploadFile(
  origin: string,
  path: string,
  cookie: string,
  file: FileToSend,
): Promise<UploadAnswer> {
  const boundary = `----portico-test-${randomUUID()}`;
  const request = httpRequest(`${origin}${path}`, {
    method: "POST",
    headers: {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      origin: TEST_ORIGIN,
      cookie,
    },
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request.once("response", resolve);
    request.once("error", reject);
  });
  const writable = () =>
    new Promise<void>((resolve) => {
      const go = () => {
        request.off("drain", go);
        request.off("close", go);
        resolve();
      };
      request.on("drain", go);
      request.on("close", go);
    });
  const send = async () => {
    // Browsers put the name's UTF-8 bytes in the header and escape quotes.
    const name = file.name.replaceAll('"', "%22");
    request.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
        `Content-Type: ${file.type ?? "application/octet-stream"}\r\n\r\n`,
    );
    const chunks = Buffer.isBuffer(file.content) ? [file.content] : file.content;
    for await (const chunk of chunks) {
      if (request.destroyed) return;
      if (!request.write(chunk)) await writable();
    }
    request.end(`\r\n--${boundary}--\r\n`);
  };
  // The server may answer (413, 400) before the whole body is sent; its answer is what counts.
  send().catch(() => {});
  const response = await answered;
  const text = (await readAll(response)).toString("utf8");
  return { status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null };
}

export type Download = { status: number; headers: Headers; bytes: Buffer };

export async function download(
  origin: string,
  path: string,
  cookie: string,
  headers: Record<string, string> = {},
): Promise<Download> {
  const response = await fetch(`${origin}${path}`, { headers: { cookie, ...headers } });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** Every file under a storage directory, as paths relative to it. */
export async function filesIn(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
    .sort();
}

export const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/**
 * `size` bytes of a PDF (its signature, then random bytes) produced chunk by chunk, so the
 * sender never holds the file; `digest()` is the SHA-256 of what was produced.
 */
export function generatedPdf(size: number, chunkSize = 64 * 1024) {
  const hash = createHash("sha256");
  async function* chunks() {
    let sent = 0;
    while (sent < size) {
      const length = Math.min(chunkSize, size - sent);
      const chunk = randomBytes(length);
      if (sent === 0) chunk.write("%PDF-1.7\n", "latin1");
      hash.update(chunk);
      sent += length;
      yield chunk;
    }
  }
  return { chunks: chunks(), digest: () => hash.digest("hex") };
}

/** A small real PDF document. */
export const pdfBytes = (text = "Invoice") =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
    "latin1",
  );

/** A PNG photo-sized image of one colour. */
export const pngBytes = (width = 1200, height = 800) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .png()
    .toBuffer();

/** The first bytes of a Linux program (ELF). */
export const elfBytes = () =>
  Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(4096)]);

/** A Windows program (MZ/PE header). */
export const exeBytes = () => {
  const bytes = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(4094)]);
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write("PE\0\0", 0x80, "latin1");
  return bytes;
};
