import { fromNodeHeaders } from "better-auth/node";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { errorBody, notFound } from "../http/errors.js";
import { permissionsOf } from "../team/policy.js";
import { CLIENT_IP_HEADER } from "./auth.js";
import { AUTH_BODY_LIMIT_BYTES, checkAuthBody } from "./auth-body-guard.js";
import { isUsedAuthEndpoint } from "./auth-endpoints.js";
import { requireStaff, staffOf } from "./principal.js";

/** Better Auth answers `{ code, message }`; we answer every error as `{ error: { code, message } }`. */
async function toApiError(response: Response): Promise<string> {
  const text = await response.text();
  let message = "The request could not be completed.";
  let code = response.status === 429 ? "rate_limited" : "auth_error";
  let fields: Record<string, string> | undefined;
  try {
    const body = JSON.parse(text) as {
      code?: string;
      message?: string;
      fields?: Record<string, string>;
    };
    if (body.message) message = body.message;
    if (body.code) code = body.code.toLowerCase();
    fields = body.fields;
  } catch {
    // Not JSON: keep the generic message.
  }
  if (response.status === 429) message = "Too many attempts. Wait a minute and try again.";
  return JSON.stringify(errorBody(code, message, fields));
}

const isJson = (response: Response) =>
  response.headers.get("content-type")?.startsWith("application/json") ?? false;

/** Every `token` field, at any depth, removed: tokens belong in the httpOnly cookie only. */
function withoutTokens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTokens);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "token")
      .map(([key, child]) => [key, withoutTokens(child)]),
  );
}

/** The session token (in get-session, list-sessions, sign-in) never reaches page scripts. */
function withoutSessionTokens(body: Buffer): string {
  return JSON.stringify(withoutTokens(JSON.parse(body.toString("utf8"))));
}

async function forwardToAuth(request: FastifyRequest, reply: FastifyReply) {
  const { auth } = request.server.deps;
  const headers = fromNodeHeaders(request.headers);
  headers.set(CLIENT_IP_HEADER, request.ip);
  const url = new URL(request.url, request.server.deps.config.publicUrl);
  if (!isUsedAuthEndpoint(request.method, url.pathname)) {
    throw notFound(`${request.method} ${url.pathname}`);
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const response = await auth.handler(
    new Request(url, {
      method: request.method,
      headers,
      body: hasBody && Buffer.isBuffer(request.body) ? new Uint8Array(request.body) : undefined,
    }),
  );
  reply.status(response.status);
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie" && name !== "content-length") reply.header(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header("set-cookie", cookies);
  if (response.status >= 400) {
    return reply.type("application/json; charset=utf-8").send(await toApiError(response));
  }
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  return reply.send(body && isJson(response) ? withoutSessionTokens(body) : body);
}

export async function authRoutes(app: FastifyInstance) {
  await app.register(async (scope) => {
    // Better Auth parses its own bodies, so this scope hands it the raw bytes, once checked.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => {
      const problem = checkAuthBody(body as Buffer);
      if (problem) done(problem);
      else done(null, body);
    });
    scope.route({
      method: ["GET", "POST"],
      url: "/api/auth/*",
      bodyLimit: AUTH_BODY_LIMIT_BYTES,
      schema: { hide: true },
      handler: forwardToAuth,
    });
  });

  addEndpointRoute(app, "getStaffSession", {
    preHandler: requireStaff,
    handler: async (request) => {
      const principal = staffOf(request);
      return {
        kind: "staff" as const,
        staffId: principal.staffId,
        name: principal.name,
        email: principal.email,
        role: principal.role,
        firm: { id: principal.firmId, name: principal.firmName },
        can: permissionsOf(principal),
      };
    },
  });
}
