import { z } from "zod";
import type { HttpMethod } from "./routes.js";

/** What each 4xx answer means; its body is always `{ error: { code, message, fields? } }`. */
export const errorStatusMeanings = {
  400: "The input is not valid; `fields` names each rejected input.",
  401: "There is no valid session: sign in first.",
  403: "This session may not do this, or the request did not come from a Portico page.",
  404: "Not found. Ids that belong to another firm are not found either.",
  409: "Conflicts with the current state.",
  410: "No longer available.",
  413: "The upload is larger than the server accepts.",
  416: "The byte range asked for lies beyond the end of the file.",
  429: "Too many requests; wait before trying again.",
} as const;
export type ErrorStatus = keyof typeof errorStatusMeanings;

export const successStatusMeanings = {
  200: "Done.",
  201: "Created.",
  202: "Accepted; it will be carried out shortly.",
  204: "Done; there is nothing to return.",
  206: "Part of the file: the byte range asked for.",
  304: "Not modified since the copy the client holds.",
} as const;
export type SuccessStatus = keyof typeof successStatusMeanings;

/** The answer of an endpoint that has nothing to return (204). */
export const noContentSchema = z.null();

/** The answer of a download: the file's bytes, typed by the `content-type` header. */
export const fileBytesSchema = z
  .string()
  .meta({ format: "binary", description: "The file's bytes, of the type its header names." });

/**
 * One endpoint of the API: the single source for the server's validation and serialization, the
 * OpenAPI document, and the types of the web client's calls.
 */
export type Endpoint = {
  method: HttpMethod;
  /** Fastify's form: `:name` marks a path parameter. */
  path: string;
  summary: string;
  tags: readonly [string];
  /** Who may call it: signed-in staff, a signed-in contact (the portal), or anyone. */
  access: "staff" | "contact" | "anyone";
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /**
   * Takes state-changing requests from other sites (no Origin check): it uses no cookie, only the
   * token in its path, as mail clients posting a one-click unsubscribe (RFC 8058) need.
   */
  crossSite?: true;
  /** The request is `multipart/form-data` with one file in the field `file`, instead of a JSON body. */
  upload?: true;
  responses: { [Status in SuccessStatus]?: z.ZodType };
  /** Every 4xx status the endpoint may answer. */
  errors: readonly ErrorStatus[];
};

type Slot<Name extends string, Schema> = Schema extends z.ZodType
  ? object extends z.input<Schema>
    ? { [Key in Name]?: z.input<Schema> }
    : { [Key in Name]: z.input<Schema> }
  : { [Key in Name]?: never };

/** What a caller passes: the inputs of the endpoint's params, query and body schemas. */
export type EndpointInput<E extends Endpoint> = Slot<"params", E["params"]> &
  Slot<"query", E["query"]> &
  Slot<"body", E["body"]>;

/** What a successful call answers, whichever success status it is. */
export type EndpointOutput<E extends Endpoint> = {
  [Status in keyof E["responses"]]: E["responses"][Status] extends z.ZodType
    ? z.output<E["responses"][Status]>
    : never;
}[keyof E["responses"]];
