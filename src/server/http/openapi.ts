import swagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import { z } from "zod";
import { clientSchema, clientSummarySchema, contactSchema } from "../../shared/api/clients.js";
import { errorStatusMeanings, successStatusMeanings } from "../../shared/api/endpoint.js";
import {
  conversationContactSchema,
  conversationListSchema,
  conversationSchema,
  messagePageSchema,
  messageSchema,
  teamMemberSchema,
} from "../../shared/api/messaging.js";
import { outboxMailSchema } from "../../shared/api/outbox.js";
import { invitationStateSchema } from "../../shared/api/portal.js";
import {
  contactSessionSchema,
  portalClientSchema,
  staffSessionSchema,
} from "../../shared/api/session.js";
import {
  pendingStaffInvitationSchema,
  staffInvitationStateSchema,
  staffMemberSchema,
} from "../../shared/api/team.js";
import { apiErrorSchema } from "../../shared/errors.js";
import { richTextDocSchema } from "../../shared/rich-text/document.js";

const meanings: Record<string, string> = { ...successStatusMeanings, ...errorStatusMeanings };

/** Shapes the document names as components, so clients generated from it can name them too. */
const namedSchemas = {
  ApiError: apiErrorSchema,
  Client: clientSchema,
  ClientSummary: clientSummarySchema,
  Contact: contactSchema,
  Conversation: conversationSchema,
  ConversationContact: conversationContactSchema,
  ConversationList: conversationListSchema,
  Message: messageSchema,
  MessagePage: messagePageSchema,
  TeamMember: teamMemberSchema,
  OutboxMail: outboxMailSchema,
  StaffSession: staffSessionSchema,
  ContactSession: contactSessionSchema,
  PortalClient: portalClientSchema,
  InvitationState: invitationStateSchema,
  StaffMember: staffMemberSchema,
  PendingStaffInvitation: pendingStaffInvitationSchema,
  StaffInvitationState: staffInvitationStateSchema,
  RichTextDoc: richTextDocSchema,
};

function nameSchemas() {
  for (const [id, schema] of Object.entries(namedSchemas)) {
    if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });
  }
}

type Document = { components?: { schemas?: Record<string, unknown> } };

/**
 * Named schemas get an input and an output component each; the ones no operation refers to
 * (an answer-only shape's input twin) are dropped.
 */
function withoutUnusedSchemas<D extends object>(document: D): D {
  const { components } = document as Document;
  const schemas = components?.schemas ?? {};
  const text = JSON.stringify({ ...document, components: { ...components, schemas: {} } });
  const used = new Set<string>();
  const visit = (json: string) => {
    for (const [, name] of json.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !used.has(name)) {
        used.add(name);
        visit(JSON.stringify(schemas[name] ?? {}));
      }
    }
  };
  visit(text);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...components, schemas: kept } };
}

/**
 * Serves the OpenAPI document of every contract endpoint at `/api/openapi.json`, in OpenAPI 3.1
 * (its schemas are JSON Schema, so nullable fields need no dialect of their own).
 */
export async function serveOpenApiDocument(app: FastifyInstance, publicUrl: string) {
  nameSchemas();
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Portico API", version: "0.1.0" },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "better-auth.session_token" },
        },
      },
      security: [{ session: [] }],
    },
    transform: (route) => {
      const transformed = jsonSchemaTransform(route);
      const response = transformed.schema?.response as Record<string, object> | undefined;
      // Each answer says what its status means, instead of swagger's "Default Response".
      for (const [status, schema] of Object.entries(response ?? {})) {
        if (meanings[status]) Object.assign(schema, { description: meanings[status] });
      }
      return transformed;
    },
    transformObject: (input) => withoutUnusedSchemas(jsonSchemaTransformObject(input)),
  });
  app.get("/api/openapi.json", { schema: { hide: true } }, () => app.swagger());
}
