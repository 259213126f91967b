import { isStorableText } from "../../shared/api/fields.js";
import { AppError } from "../http/errors.js";

/** Better Auth's request bodies are a handful of short fields; anything bigger is not ours. */
export const AUTH_BODY_LIMIT_BYTES = 16 * 1024;

/** Better Auth's bodies are flat objects; this leaves room and stops absurd nesting early. */
const MAX_AUTH_BODY_DEPTH = 16;

const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when brackets outside JSON strings nest deeper than `limit`; one pass, no recursion. */
export function nestingExceeds(bytes: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte !== undefined && OPEN.has(byte)) {
      if (++depth > limit) return true;
    } else if (byte !== undefined && CLOSE.has(byte)) {
      depth--;
    }
  }
  return false;
}

function hasUnstorableString(value: unknown): boolean {
  if (typeof value === "string") return !isStorableText(value);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(
    ([key, child]) => !isStorableText(key) || hasUnstorableString(child),
  );
}

/**
 * Checks a body before Better Auth parses it: absurd nesting, and text PostgreSQL cannot hold
 * (NUL, unpaired surrogates), which would otherwise fail in its queries as a server error.
 * Bodies that are not JSON are left to Better Auth to refuse.
 */
export function checkAuthBody(bytes: Buffer): AppError | null {
  if (nestingExceeds(bytes, MAX_AUTH_BODY_DEPTH)) {
    return new AppError("body_too_deep", 400, "The request body is nested too deeply.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    return null;
  }
  if (hasUnstorableString(parsed)) {
    return new AppError(
      "invalid_character",
      400,
      "The request contains a character that cannot be stored (a NUL or a broken Unicode character).",
    );
  }
  return null;
}
