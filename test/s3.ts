import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import type { FileStorageConfig } from "../src/server/config.js";

export type TestS3 = {
  /** What `S3_*` configuration pointing at this server becomes. */
  storage: Extract<FileStorageConfig, { kind: "s3" }>;
  /** Every key in the bucket under `prefix`, read through S3 itself. */
  keys: (prefix?: string) => Promise<string[]>;
  close: () => Promise<void>;
};

const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** An S3-compatible server (s3rver) on 127.0.0.1 with one empty bucket, its data in a temporary directory. */
export async function startTestS3(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), "portico-s3-"));
  const bucket = "portico-test-files";
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const storage: TestS3["storage"] = {
    kind: "s3",
    bucket,
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    credentials,
    forcePathStyle: true,
  };
  const client = new S3Client({
    region: storage.region,
    endpoint: storage.endpoint,
    forcePathStyle: true,
    credentials,
  });
  return {
    storage,
    keys: async (prefix) => {
      const listed = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }),
      );
      return (listed.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
    },
    close: async () => {
      client.destroy();
      server.httpServer.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
