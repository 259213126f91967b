import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { FileStorageConfig } from "../config.js";
import type { FileStorage } from "./storage.js";

/** S3's smallest multipart part; with one part in flight an upload holds at most this in memory. */
const PART_SIZE = 5 * 1024 * 1024;

/** Files in an S3-compatible bucket (AWS, MinIO, Ceph, R2 …): one object per key. */
export function createS3Storage(config: Extract<FileStorageConfig, { kind: "s3" }>): FileStorage {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
    // Checksums only where S3 requires them: several S3-compatible servers refuse the newer ones.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const bucket = config.bucket;

  return {
    description: `S3 bucket ${bucket}${config.endpoint ? ` at ${config.endpoint}` : ""}`,

    async put(key, body, contentType) {
      // A failed or aborted upload is aborted on the server too (the default `leavePartsOnError: false`).
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
        partSize: PART_SIZE,
        queueSize: 1,
      });
      await upload.done();
    },

    async get(key, range) {
      try {
        const object = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            Range: range ? `bytes=${range.start}-${range.end}` : undefined,
          }),
        );
        if (!(object.Body instanceof Readable) || object.ContentLength === undefined) {
          throw new Error(`S3 answered ${key} without a readable body and length`);
        }
        return { body: object.Body, size: object.ContentLength };
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) {
          return null;
        }
        throw error;
      }
    },

    async delete(keys) {
      // One request per key: batch deletes need a Content-MD5 that not every S3 server accepts.
      await Promise.all(
        keys.map((key) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))),
      );
    },

    async close() {
      client.destroy();
    },
  };
}
