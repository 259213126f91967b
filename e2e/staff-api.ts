import type { APIRequestContext } from "playwright-core";
import { expect } from "vitest";

/**
 * Staff API calls from a signed-in page's context, as its own scripts make them: for setting a
 * scene quickly where the screen under test is not the one that writes.
 */
export function staffApi(request: APIRequestContext, origin: string) {
  const headers = { origin };
  return {
    clientId: async (name: string) => {
      const response = await request.get("/api/clients");
      const { clients } = (await response.json()) as { clients: { id: string; name: string }[] };
      const client = clients.find((candidate) => candidate.name === name);
      if (!client) throw new Error(`no client ${name}`);
      return client.id;
    },
    openAllContacts: async (clientId: string) => {
      const response = await request.post(`/api/clients/${clientId}/conversations`, {
        headers,
        data: { kind: "all_contacts" },
      });
      expect([200, 201]).toContain(response.status());
      return ((await response.json()) as { id: string }).id;
    },
    send: async (conversationId: string, text: string, internal = false) => {
      const response = await request.post(`/api/conversations/${conversationId}/messages`, {
        headers,
        data: {
          id: crypto.randomUUID(),
          internal,
          body: {
            type: "doc",
            content: [{ type: "paragraph", content: [{ type: "text", text }] }],
          },
        },
      });
      expect(response.status(), await response.text()).toBe(201);
    },
  };
}
