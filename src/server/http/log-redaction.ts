/** The parts of a Fastify request the request serializer reads. */
type LoggedRequest = {
  method: string;
  url: string;
  host: string;
  ip: string;
  socket?: { remotePort?: number };
};

/** Path segments that are followed by a secret: invitation, password-reset and unsubscribe tokens. */
const secretFollows = new Set([
  "invitation",
  "invitations",
  "reset-password",
  "unsubscribe",
  "mail-subscriptions",
]);

/** Query parameters whose values are never secret; every other value is redacted. */
const harmlessQueryParameters = new Set(["before", "limit"]);

const REDACTED = "[redacted]";

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/**
 * A URL as it may be logged: the segment after `/invitation/` (and the like) and the value of
 * every query parameter but a few harmless ones (`token`, `callbackURL`, search text …) redacted.
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf("?");
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const segments = path.split("/");
  const safePath = segments
    .map((segment, index) =>
      index > 0 && secretFollows.has(decoded(segments[index - 1] ?? "")) ? REDACTED : segment,
    )
    .join("/");
  if (queryStart === -1) return safePath;
  const safeQuery = url
    .slice(queryStart + 1)
    .split("&")
    .map((pair) => {
      const name = pair.split("=", 1)[0] ?? "";
      return harmlessQueryParameters.has(decoded(name)) ? pair : `${name}=${REDACTED}`;
    })
    .join("&");
  return `${safePath}?${safeQuery}`;
}

/** Names on a PostgreSQL error (either driver) that say what failed without carrying a value. */
const databaseErrorFields = ["code", "severity", "constraint", "table", "column", "routine"];

type ErrorFields = Error & Record<string, unknown>;
type SerializedError = { type: string; message: string; stack: string; [key: string]: unknown };

/** A failed query's parameters, detail and message can carry what was written: bodies, tokens. */
const isDatabaseError = (error: ErrorFields) =>
  "params" in error || (typeof error.severity === "string" && typeof error.code === "string");

const stackFrames = (stack: string | undefined) =>
  stack
    ?.split("\n")
    .filter((line) => line.trimStart().startsWith("at "))
    .join("\n");

/**
 * Errors as they are logged. A database error keeps its SQL text (placeholders only), its
 * SQLSTATE and the names of what failed, never the values; other errors keep message and stack.
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { type: typeof error, message: "", stack: "" };
  const fields = error as ErrorFields;
  const serialized: SerializedError = { type: error.name, message: "", stack: "" };
  if (isDatabaseError(fields)) {
    const query = typeof fields.query === "string" ? fields.query : undefined;
    serialized.message = query ? `Failed query: ${query}` : "Database error";
    for (const name of databaseErrorFields) {
      if (fields[name] !== undefined) serialized[name] = fields[name];
    }
    serialized.stack = stackFrames(error.stack) ?? "";
  } else {
    serialized.message = error.message;
    if (typeof fields.code === "string") serialized.code = fields.code;
    if (typeof fields.statusCode === "number") serialized.statusCode = fields.statusCode;
    serialized.stack = error.stack ?? "";
  }
  if (error.cause !== undefined && depth < 5) {
    serialized.cause = serializeError(error.cause, depth + 1);
  }
  return serialized;
}

/** pino serializers for the app's logger: request URLs and errors without secrets. */
export const logSerializers = {
  req: (request: LoggedRequest) => ({
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }),
  err: (error: unknown) => serializeError(error),
};
