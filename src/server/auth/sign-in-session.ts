import { fromNodeHeaders } from "better-auth/node";
import type { FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../http/errors.js";
import { CLIENT_IP_HEADER } from "./auth.js";

/**
 * Signs the person in with the password they just chose (after accepting an invitation or
 * setting up a firm) and puts the session cookie on the reply.
 */
export async function startSessionWithPassword(
  request: FastifyRequest,
  reply: FastifyReply,
  credentials: { email: string; password: string },
): Promise<void> {
  const headers = fromNodeHeaders(request.headers);
  headers.set(CLIENT_IP_HEADER, request.ip);
  const signedIn = await request.server.deps.auth.api.signInEmail({
    body: credentials,
    headers,
    asResponse: true,
  });
  if (!signedIn.ok) {
    throw new AppError("sign_in_failed", 500, "Your password is set, but signing in failed.");
  }
  reply.header("set-cookie", signedIn.headers.getSetCookie());
}
