import { fromNodeHeaders } from "better-auth/node";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  acceptedInvitationSchema,
  acceptInvitationBodySchema,
  invitationStateSchema,
  invitationTokenParamsSchema,
} from "../../shared/api/portal.js";
import { type ContactSession, contactSessionSchema } from "../../shared/api/session.js";
import { publishContactChanged, renewExpiredInvitation } from "../clients/portal-access.service.js";
import { AppError } from "../http/errors.js";
import { CLIENT_IP_HEADER } from "./auth.js";
import {
  acceptInvitationAsSignedIn,
  acceptInvitationWithPassword,
  describeInvitation,
} from "./invitations.service.js";
import { type ContactPrincipal, contactOf, requireContact } from "./principal.js";

function toContactSession(principal: ContactPrincipal): ContactSession {
  return {
    kind: "contact",
    name: principal.name,
    email: principal.email,
    clients: principal.links.map(({ contactId, clientId, clientName, firmName }) => ({
      contactId,
      clientId,
      clientName,
      firmName,
    })),
  };
}

export async function portalAuthRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db, auth, config, bus } = app.deps;
  const invitationMailing = {
    publicUrl: config.publicUrl,
    smtpConfigured: config.smtpUrl !== undefined,
  };
  /** Accepting is limited per client address (or person, once signed in), before any work. */
  const acceptLimit = { rateLimit: { max: 10, timeWindow: 60_000 } };

  routes.get(
    "/api/portal/invitations/:token",
    {
      schema: {
        tags: ["portal"],
        summary: "Who an invitation link is for, or why it no longer works",
        params: invitationTokenParamsSchema,
        response: { 200: invitationStateSchema },
      },
    },
    async (request) => describeInvitation(db, request.params.token),
  );

  routes.post(
    "/api/portal/invitations/:token/accept",
    {
      schema: {
        tags: ["portal"],
        summary: "Accept an invitation with a new password, and sign in",
        params: invitationTokenParamsSchema,
        body: acceptInvitationBodySchema,
        response: { 200: z.object({ signedIn: z.literal(true) }) },
      },
      config: acceptLimit,
    },
    async (request, reply) => {
      const { email, contact } = await acceptInvitationWithPassword(
        db,
        request.params.token,
        request.body.password,
      );
      await publishContactChanged(bus, contact);
      const headers = fromNodeHeaders(request.headers);
      headers.set(CLIENT_IP_HEADER, request.ip);
      const signedIn = await auth.api.signInEmail({
        body: { email, password: request.body.password },
        headers,
        asResponse: true,
      });
      if (!signedIn.ok) {
        throw new AppError("sign_in_failed", 500, "Your password is set, but signing in failed.");
      }
      reply.header("set-cookie", signedIn.headers.getSetCookie());
      return { signedIn: true as const };
    },
  );

  routes.post(
    "/api/portal/invitations/:token/accept-signed-in",
    {
      schema: {
        tags: ["portal"],
        summary: "Accept an invitation with the sign-in of this session",
        params: invitationTokenParamsSchema,
        response: { 200: acceptedInvitationSchema },
      },
      onRequest: requireContact,
      config: acceptLimit,
    },
    async (request) => {
      const { contact } = await acceptInvitationAsSignedIn(
        db,
        request.params.token,
        contactOf(request),
      );
      await publishContactChanged(bus, contact);
      return { clientId: contact.clientId };
    },
  );

  routes.post(
    "/api/portal/invitations/:token/renewal",
    {
      schema: {
        tags: ["portal"],
        summary: "Ask for a new invitation when this one expired (sent to the invited address)",
        params: invitationTokenParamsSchema,
        response: { 202: z.object({ requested: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      await renewExpiredInvitation(db, invitationMailing, request.params.token);
      return reply.status(202).send({ requested: true as const });
    },
  );

  routes.get(
    "/api/portal/session",
    {
      schema: {
        tags: ["portal"],
        summary: "The signed-in contact and the clients they can see",
        response: { 200: contactSessionSchema },
      },
      onRequest: requireContact,
    },
    async (request) => toContactSession(contactOf(request)),
  );
}
