/** Limits on a message body, checked on the server and shown by the composer (no zod here). */
export const MAX_MESSAGE_TEXT_LENGTH = 10_000;
export const MAX_MESSAGE_JSON_BYTES = 100 * 1024;
