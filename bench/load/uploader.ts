import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DeleteObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { serveCalls } from "../lib/rpc.js";
import { nowMs } from "../lib/stats.js";

/**
 * A load process for file uploads: holds one generated file and sends it to the server as a
 * browser's form does, or writes the same bytes straight to disk or S3 for the baseline.
 */

const CHUNK = 64 * 1024;
let file = Buffer.alloc(0);

function* chunks() {
  for (let at = 0; at < file.length; at += CHUNK) yield file.subarray(at, at + CHUNK);
}

type S3Target = {
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
};

serveCalls({
  /** Makes the file: a PDF signature, then random bytes. Answers its SHA-256. */
  prepare(params: { size: number }) {
    file = randomBytes(params.size);
    file.write("%PDF-1.7\n", "latin1");
    return createHash("sha256").update(file).digest("hex");
  },

  /** POSTs the file as multipart form data, 64 KB at a time, honouring back-pressure. */
  async upload(params: { url: string; origin: string; cookie: string; name: string }) {
    const boundary = `----portico-bench-${randomUUID()}`;
    const start = nowMs();
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const sending = request(params.url, {
        method: "POST",
        headers: {
          "content-type": `multipart/form-data; boundary=${boundary}`,
          origin: params.origin,
          cookie: params.cookie,
        },
      });
      sending.once("error", reject);
      sending.once("response", (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(parts).toString("utf8"),
          }),
        );
      });
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${params.name}"\r\nContent-Type: application/pdf\r\n\r\n`;
      const body = Readable.from(
        (function* () {
          yield Buffer.from(head);
          yield* chunks();
          yield Buffer.from(`\r\n--${boundary}--\r\n`);
        })(),
      );
      body.pipe(sending);
    });
    const ms = nowMs() - start;
    const parsed = answer.text ? (JSON.parse(answer.text) as { id?: string; size?: number }) : {};
    return { status: answer.status, ms, id: parsed.id ?? null, size: parsed.size ?? null };
  },

  /** Downloads a file and answers the SHA-256 and length of what came back. */
  async download(params: { url: string; origin: string; cookie: string }) {
    const response = await fetch(params.url, {
      headers: { cookie: params.cookie, origin: params.origin },
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      length: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    };
  },

  /** Writes the same bytes to a file as the disk storage does (streamed, flushed); answers ms. */
  async writeDisk(params: { directory: string }) {
    const path = join(params.directory, `direct-${randomUUID()}`);
    const start = nowMs();
    await pipeline(Readable.from(chunks()), createWriteStream(path, { flags: "w", flush: true }));
    const ms = nowMs() - start;
    await rm(path, { force: true });
    return ms;
  },

  /** Puts the same bytes in the bucket as the S3 storage does (5 MB parts, one at a time). */
  async writeS3(params: S3Target) {
    const client = new S3Client({
      region: params.region,
      endpoint: params.endpoint,
      forcePathStyle: true,
      credentials: params.credentials,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    const key = `direct/${randomUUID()}`;
    const start = nowMs();
    await new Upload({
      client,
      params: { Bucket: params.bucket, Key: key, Body: Readable.from(chunks()) },
      partSize: 5 * 1024 * 1024,
      queueSize: 1,
    }).done();
    const ms = nowMs() - start;
    await client.send(new DeleteObjectCommand({ Bucket: params.bucket, Key: key }));
    client.destroy();
    return ms;
  },
});
