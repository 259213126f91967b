import type { FileStorageConfig } from "../config.js";
import { createDiskStorage } from "./disk-storage.js";
import { createS3Storage } from "./s3-storage.js";
import type { FileStorage } from "./storage.js";

/** The storage the configuration names: a directory on local disk, or an S3-compatible bucket. */
export function createFileStorage(config: FileStorageConfig): FileStorage {
  return config.kind === "disk" ? createDiskStorage(config.directory) : createS3Storage(config);
}
