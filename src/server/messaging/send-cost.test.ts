import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { messagingApi } from "../../../test/messaging.js";
import { portalApi } from "../../../test/portal.js";
import { countStatements } from "../../../test/statement-counter.js";
import { EVERYONE } from "../auth/principal-cache.js";

let t: TestApp;
let counter: ReturnType<typeof countStatements>;

beforeAll(async () => {
  t = await createTestApp();
  counter = countStatements();
});
afterAll(async () => {
  counter.stop();
  await t.close();
});

describe("what one send costs the database", () => {
  // The clock stands still, so a principal remembered at the warm-up is still fresh when counted.
  afterEach(() => vi.useRealTimers());

  it("counts the statements of a staff send and of a contact send", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const api = messagingApi(t);
    const portal = portalApi(t);
    const contactApi = messagingApi(t, "contact");
    const firm = await buildFirm(t.database.db);
    const ada = await t.signIn((await buildStaff(t.database.db, firm)).email);
    const client = await buildClient(t.database.db, firm);
    const contact = await buildContact(t.database.db, client);
    const contactCookie = await portal.grantAccess(client, contact, ada);
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, ada);
    await api.send(thread.id, "warm-up", ada);
    await contactApi.send(thread.id, "warm-up", contactCookie);

    const staffSend = await counter.during(() => api.send(thread.id, "Hello", ada));
    const contactSend = await counter.during(() => contactApi.send(thread.id, "Hi", contactCookie));
    const list = await counter.during(() => api.listConversations(client.id, ada));
    const read = await counter.during(() => api.markRead(thread.id, 1, ada));
    console.log(
      `statements per send: staff ${staffSend}, contact ${contactSend}; list ${list}, read ${read}`,
    );
    // The session was resolved moments ago: one statement numbers, stores and marks it read.
    expect(staffSend).toBe(1);
    expect(contactSend).toBe(1);
    // With nothing remembered, one more resolves the session.
    t.app.deps.principals.forget(EVERYONE);
    expect(await counter.during(() => api.send(thread.id, "Again", ada))).toBe(2);
    expect(list).toBeLessThanOrEqual(4);
    expect(read).toBeLessThanOrEqual(4);
  });
});
