import type { Readable } from "node:stream";

/** A stored file read back: its bytes (or the asked-for range of them) as a stream, and how many. */
export type StoredObject = { body: Readable; size: number };

/** Bytes `start` to `end`, both included, as in an HTTP Range header. */
export type ByteRange = { start: number; end: number };

/**
 * Where uploaded bytes live. Keys are chosen by the server (never from a file's name); values are
 * streamed both ways, so no file is ever held whole in memory.
 */
export interface FileStorage {
  /** Where files are kept, for the start-up message. */
  readonly description: string;
  /** Streams `body` to `key`. If the stream fails, nothing is left at `key`. */
  put(key: string, body: Readable, contentType: string): Promise<void>;
  /** The object at `key` (only `range` of it, when given), or null when nothing is stored there. */
  get(key: string, range?: ByteRange): Promise<StoredObject | null>;
  /** Removes the objects; keys with nothing stored are skipped, so a removal can be repeated. */
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
