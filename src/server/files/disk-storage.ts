import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import type { FileStorage } from "./storage.js";

const MB = 1024 * 1024;

/** Keys are the server's own (`firm/xx/id`), but a key must still never reach outside the directory. */
const safeKey = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/** Files under a local directory (`DATA_DIR/files` by default): one file per key. */
export function createDiskStorage(directory: string): FileStorage {
  const root = resolve(directory);
  const pathOf = (key: string) => {
    const path = resolve(root, key);
    if (!safeKey.test(key) || !path.startsWith(root + sep)) {
      throw new Error(`not a storage key: ${key}`);
    }
    return path;
  };

  return {
    description: `files in ${root}`,

    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      try {
        // `flush` syncs the file before the upload counts as stored, as the database row will.
        // A 1 MB buffer lets the next chunks arrive while one is being written (then written
        // together), instead of each chunk waiting for the write before it: bounded, still streamed.
        await pipeline(
          body,
          createWriteStream(path, { flags: "w", flush: true, highWaterMark: MB }),
        );
      } catch (error) {
        await rm(path, { force: true });
        throw error;
      }
    },

    async get(key, range) {
      const path = pathOf(key);
      const found = await stat(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return null;
        throw error;
      });
      if (!found?.isFile()) return null;
      if (!range) return { body: createReadStream(path), size: found.size };
      return { body: createReadStream(path, range), size: range.end - range.start + 1 };
    },

    async delete(keys) {
      await Promise.all(keys.map((key) => rm(pathOf(key), { force: true })));
    },

    async close() {},
  };
}
