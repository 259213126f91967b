import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import type { ApiError } from "../../shared/errors.js";

/** An error a user can act on: mapped to `{ error: { code, message } }` with its HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError("not_found", 404, `${what} was not found.`);
export const forbidden = (message = "You are not allowed to do that.") =>
  new AppError("forbidden", 403, message);
export const unauthenticated = () => new AppError("unauthenticated", 401, "Sign in to continue.");

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.status).send(errorBody(error.code, error.message, error.fields));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields: Record<string, string> = {};
      for (const issue of error.validation) {
        const path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".") || "body";
        fields[path] ??= issue.message ?? "Not valid.";
      }
      return reply
        .status(400)
        .send(errorBody("invalid_input", "Some of the values are not valid.", fields));
    }
    const status = error.statusCode ?? 500;
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply
        .status(413)
        .send(errorBody("body_too_large", "The request body is larger than this request allows."));
    }
    if (status >= 500) {
      request.log.error({ err: error }, "request failed");
      return reply.status(500).send(errorBody("internal", "Something went wrong on our side."));
    }
    return reply
      .status(status)
      .send(errorBody(error.code?.toLowerCase() ?? "bad_request", error.message));
  });
}

export function errorBody(code: string, message: string, fields?: Record<string, string>) {
  const error: ApiError = fields ? { code, message, fields } : { code, message };
  return { error };
}
