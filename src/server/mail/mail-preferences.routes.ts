import type { FastifyInstance } from "fastify";
import { contactOf, requireContact } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { AppError, notFound } from "../http/errors.js";
import {
  contactIdOfUnsubscribeToken,
  mailSubscriptionOf,
  setMessageEmails,
} from "./unsubscribe.js";

/** Contacts turn e-mails about new messages off and on: from an e-mail's link, or in the portal. */
export async function mailPreferenceRoutes(app: FastifyInstance) {
  const { db, config } = app.deps;
  const gone = () =>
    new AppError("not_found", 404, "This unsubscribe link does not work any more.");

  const subscriptionOf = async (token: string) => {
    const contactId = contactIdOfUnsubscribeToken(config.authSecret, token);
    if (!contactId) throw gone();
    return { contactId, subscription: await mailSubscriptionOf(db, contactId) };
  };

  // Mail clients post the one-click form (RFC 8058); its content says nothing we need.
  app.addContentTypeParser(
    ["application/x-www-form-urlencoded", "multipart/form-data"],
    { parseAs: "string", bodyLimit: 1024 },
    (_request, _body, done) => done(null, undefined),
  );

  addEndpointRoute(app, "getMailSubscription", {
    handler: async (request) => {
      const { subscription } = await subscriptionOf(request.params.token);
      if (!subscription) throw gone();
      return subscription;
    },
  });

  addEndpointRoute(app, "updateMailSubscription", {
    handler: async (request) => {
      const { contactId } = await subscriptionOf(request.params.token);
      if (!(await setMessageEmails(db, contactId, request.body.messageEmails))) throw gone();
      const subscription = await mailSubscriptionOf(db, contactId);
      if (!subscription) throw gone();
      return subscription;
    },
  });

  addEndpointRoute(app, "unsubscribeOneClick", {
    handler: async (request, reply) => {
      const { contactId } = await subscriptionOf(request.params.token);
      if (!(await setMessageEmails(db, contactId, false))) throw gone();
      return reply.status(204).send(null);
    },
  });

  // The portal's own setting: one contact record, at one client the signed-in person may see.
  const linkOf = (request: Parameters<typeof contactOf>[0], clientId: string) => {
    const link = contactOf(request).links.find((candidate) => candidate.clientId === clientId);
    if (!link) throw notFound("Client");
    return link;
  };

  addEndpointRoute(app, "getPortalMailPreferences", {
    onRequest: requireContact,
    handler: async (request) => {
      const link = linkOf(request, request.params.clientId);
      const subscription = await mailSubscriptionOf(db, link.contactId);
      if (!subscription) throw notFound("Client");
      return { messageEmails: subscription.messageEmails };
    },
  });

  addEndpointRoute(app, "updatePortalMailPreferences", {
    onRequest: requireContact,
    handler: async (request) => {
      const link = linkOf(request, request.params.clientId);
      if (!(await setMessageEmails(db, link.contactId, request.body.messageEmails))) {
        throw notFound("Client");
      }
      return { messageEmails: request.body.messageEmails };
    },
  });
}
