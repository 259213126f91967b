import { AppError } from "../http/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSTGRES_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

/** A keyset position: a timestamp as PostgreSQL printed it (microseconds kept) and a row id. */
export type KeysetPosition = { at: string; id: string };

/** Opaque to clients; the timestamp stays exact, so no row is skipped or repeated. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at}|${position.id}`).toString("base64url");
}

/** Reads a cursor this server wrote; anything else answers 400. */
export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  if (cursor === undefined) return undefined;
  const [at, id, extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (extra !== undefined || !at || !id || !UUID.test(id) || !POSTGRES_TIMESTAMP.test(at)) {
    throw new AppError("invalid_input", 400, "The page cursor is not valid.", {
      before: "Not a valid page cursor.",
    });
  }
  return { at, id };
}
