import { fromNodeHeaders } from "better-auth/node";
import type { FastifyInstance } from "fastify";
import type { ContactSession } from "../../shared/api/session.js";
import { publishContactChanged, renewExpiredInvitation } from "../clients/portal-access.service.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { AppError } from "../http/errors.js";
import { CLIENT_IP_HEADER } from "./auth.js";
import {
  acceptInvitationAsSignedIn,
  acceptInvitationWithPassword,
  describeInvitation,
} from "./invitations.service.js";
import { type ContactPrincipal, contactOf, requireContact } from "./principal.js";
import { announcePrincipalChanged } from "./principal-cache.js";

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
  const { db, auth, config, bus } = app.deps;
  const invitationMailing = {
    publicUrl: config.publicUrl,
    smtpConfigured: config.smtpUrl !== undefined,
  };
  /** Accepting is limited per client address (or person, once signed in), before any work. */
  const acceptLimit = { rateLimit: { max: 10, timeWindow: 60_000 } };

  addEndpointRoute(app, "getInvitation", {
    handler: async (request) => describeInvitation(db, request.params.token),
  });

  addEndpointRoute(app, "acceptInvitation", {
    config: acceptLimit,
    handler: async (request, reply) => {
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
  });

  addEndpointRoute(app, "acceptInvitationSignedIn", {
    onRequest: requireContact,
    config: acceptLimit,
    handler: async (request) => {
      const principal = contactOf(request);
      const { contact } = await acceptInvitationAsSignedIn(db, request.params.token, principal);
      // The new link is part of the principal of every session of this sign-in.
      await announcePrincipalChanged(bus, principal.userId);
      await publishContactChanged(bus, contact);
      return { clientId: contact.clientId };
    },
  });

  addEndpointRoute(app, "requestInvitationRenewal", {
    handler: async (request, reply) => {
      await renewExpiredInvitation(db, invitationMailing, request.params.token);
      return reply.status(202).send({ requested: true as const });
    },
  });

  addEndpointRoute(app, "getPortalSession", {
    onRequest: requireContact,
    handler: async (request) => toContactSession(contactOf(request)),
  });
}
