import { accountEndpoints } from "./account.js";
import { clientEndpoints } from "./clients.js";
import type { Endpoint } from "./endpoint.js";
import { fileEndpoints } from "./files.js";
import { mailPreferenceEndpoints } from "./mail-preferences.js";
import { messagingEndpoints, portalMessagingEndpoints } from "./messaging.js";
import { inboxEndpoints, messageAlertEndpoints, notificationEndpoints } from "./notifications.js";
import { outboxEndpoints } from "./outbox.js";
import { invitationEndpoints } from "./portal.js";
import type { RouteName, routes } from "./routes.js";
import { sessionEndpoints } from "./session.js";
import { teamEndpoints } from "./team.js";

/**
 * The API contract: every endpoint by its name (its OpenAPI `operationId`). The server registers
 * its routes from it and the web client's calls are typed by it.
 */
export const endpoints = {
  ...sessionEndpoints,
  ...accountEndpoints,
  ...clientEndpoints,
  ...invitationEndpoints,
  ...outboxEndpoints,
  ...mailPreferenceEndpoints,
  ...messagingEndpoints,
  ...portalMessagingEndpoints,
  ...fileEndpoints,
  ...teamEndpoints,
  ...notificationEndpoints,
  ...inboxEndpoints,
  ...messageAlertEndpoints,
} satisfies { [Name in RouteName]: Endpoint & (typeof routes)[Name] };

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;
