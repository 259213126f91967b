import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import { messagingApi } from "../../../test/messaging.js";
import { listen, openSocket, portalApi } from "../../../test/portal.js";
import type { ReadReceipt } from "../../shared/api/messaging.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let contactApi: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof portalApi>;
let firm: TestFirm;
let adaCookie: string;
let otherFirmCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  contactApi = messagingApi(t, "contact");
  portal = portalApi(t);
  firm = await buildFirm(t.database.db, "Receipts Firm");
  adaCookie = await t.signIn((await buildStaff(t.database.db, firm, { name: "Ada Archer" })).email);
  const otherFirm = await buildFirm(t.database.db, "Other Firm");
  otherFirmCookie = await t.signIn((await buildStaff(t.database.db, otherFirm)).email);
});
afterAll(() => t.close());

const unique = () => crypto.randomUUID().slice(0, 8);

/** A fresh client whose contacts Dana and Eli are on the portal, with its All Contacts thread. */
async function newScene() {
  const client = await buildClient(t.database.db, firm, `Client ${unique()}`);
  const inviterCookie = await t.signIn((await buildStaff(t.database.db, firm)).email);
  const dana = await buildContact(t.database.db, client, { name: "Dana Fox" });
  const eli = await buildContact(t.database.db, client, { name: "Eli Stone" });
  const danaCookie = await portal.grantAccess(client, dana, inviterCookie);
  const eliCookie = await portal.grantAccess(client, eli, inviterCookie);
  const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
  return { client, thread, dana, eli, danaCookie, eliCookie };
}

const receiptsUrl = (conversationId: string) =>
  `/api/conversations/${conversationId}/read-receipts`;

async function receiptsOf(conversationId: string, cookie: string): Promise<ReadReceipt[]> {
  const response = await t.request({ method: "GET", url: receiptsUrl(conversationId), cookie });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().receipts;
}

/** The contact's own numbering of their newest visible message: what their portal reports. */
async function newestSeqFor(conversationId: string, cookie: string) {
  const page = await contactApi.listMessages(conversationId, cookie);
  return page.messages.at(-1)?.seq ?? 0;
}

describe("read receipts", () => {
  it("show staff the newest staff message each contact has read, with the time", async () => {
    const { thread, dana, danaCookie } = await newScene();
    const first = await api.send(thread.id, "First", adaCookie);
    const second = await api.send(thread.id, "Second", adaCookie);
    expect(await receiptsOf(thread.id, adaCookie)).toEqual([]);

    const read = await contactApi.markRead(thread.id, 1, danaCookie);
    expect(read.statusCode, read.body).toBe(204);
    expect(await receiptsOf(thread.id, adaCookie)).toEqual([
      { contactId: dana.id, name: "Dana Fox", messageId: first.id, readAt: expect.any(String) },
    ]);

    await contactApi.markRead(thread.id, await newestSeqFor(thread.id, danaCookie), danaCookie);
    const [receipt] = await receiptsOf(thread.id, adaCookie);
    expect(receipt?.messageId).toBe(second.id);
    expect(Number.isNaN(Date.parse(receipt?.readAt ?? ""))).toBe(false);
  });

  it("never sit on an internal note, even one newer than what the contact read", async () => {
    const { thread, eli, eliCookie } = await newScene();
    const visible = await api.send(thread.id, "For the client", adaCookie);
    const note = await api.send(thread.id, "Staff only", adaCookie, { internal: true });

    // The contact's newest position (they cannot know a note came after it).
    await contactApi.markRead(thread.id, await newestSeqFor(thread.id, eliCookie), eliCookie);
    const receipts = await receiptsOf(thread.id, adaCookie);
    expect(receipts).toEqual([
      expect.objectContaining({ contactId: eli.id, messageId: visible.id }),
    ]);
    expect(receipts.map((receipt) => receipt.messageId)).not.toContain(note.id);
  });

  it("cannot be obtained by a contact, nor by another firm's staff", async () => {
    const { thread, danaCookie } = await newScene();
    await api.send(thread.id, "Hello", adaCookie);
    await contactApi.markRead(thread.id, 1, danaCookie);

    const asContact = await t.request({
      method: "GET",
      url: receiptsUrl(thread.id),
      cookie: danaCookie,
    });
    expect([401, 403]).toContain(asContact.statusCode);
    expect(asContact.body).not.toContain("Dana Fox");
    const portalPath = await t.request({
      method: "GET",
      url: `/api/portal${receiptsUrl(thread.id).slice("/api".length)}`,
      cookie: danaCookie,
    });
    expect(portalPath.statusCode).toBe(404);
    const otherFirm = await t.request({
      method: "GET",
      url: receiptsUrl(thread.id),
      cookie: otherFirmCookie,
    });
    expect(otherFirm.statusCode).toBe(404);
  });

  it("reach staff sockets live, and no contact's socket (nor staff read state either)", async () => {
    const { thread, dana, danaCookie, eliCookie } = await newScene();
    const message = await api.send(thread.id, "Please confirm", adaCookie);
    const origin = await listen(t);
    const staffSocket = await openSocket(origin, adaCookie);
    const eliSocket = await openSocket(origin, eliCookie);
    const danaSocket = await openSocket(origin, danaCookie);
    try {
      await contactApi.markRead(thread.id, 1, danaCookie);
      const event = await staffSocket.waitFor(
        (frame) => frame.type === "conversation.receipt",
        "receipt event",
      );
      expect(event.data).toEqual({
        clientId: thread.clientId,
        conversationId: thread.id,
        receipt: {
          contactId: dana.id,
          name: "Dana Fox",
          messageId: message.id,
          readAt: expect.any(String),
        },
      });
      // Staff read too; then a later message shows both sides' sockets have caught up.
      await api.markRead(thread.id, message.seq, adaCookie);
      await api.send(thread.id, "Later", adaCookie);
      for (const socket of [eliSocket, danaSocket]) {
        await socket.waitFor((frame) => frame.type === "message.created", "later message");
        expect(socket.frames.map((frame) => frame.type)).not.toContain("conversation.receipt");
        // Dana hears of her own read position only; nobody's else reaches a contact.
        const reads = socket.frames.filter((frame) => frame.type === "conversation.read");
        expect(reads.length).toBe(socket === danaSocket ? 1 : 0);
      }
    } finally {
      for (const socket of [staffSocket, eliSocket, danaSocket]) socket.socket.close();
    }
  });
});
