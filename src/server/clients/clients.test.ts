import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";

let t: TestApp;
let firm: TestFirm;
let cookie: string;
let otherCookie: string;
let otherClient: Awaited<ReturnType<typeof buildClient>>;

beforeAll(async () => {
  t = await createTestApp();
  firm = await buildFirm(t.database.db, "Clients Firm");
  cookie = await t.signIn((await buildStaff(t.database.db, firm)).email);
  // A second firm, with its own staff, client and contact, is always there to leak from.
  const otherFirm = await buildFirm(t.database.db, "Other Firm");
  otherCookie = await t.signIn((await buildStaff(t.database.db, otherFirm)).email);
  otherClient = await buildClient(t.database.db, otherFirm, "Other Firm Client");
  await buildContact(t.database.db, otherClient, { name: "Olive Other" });
});
afterAll(() => t.close());

/** A firm with nothing in it yet and a signed-in staff member, for tests that read exact lists. */
async function emptyFirm() {
  const fresh = await buildFirm(t.database.db);
  const member = await buildStaff(t.database.db, fresh);
  return { firm: fresh, cookie: await t.signIn(member.email) };
}

const listClients = (as: string, query?: Record<string, string>) =>
  t.request({ method: "GET", url: "/api/clients", query, cookie: as });

const clientsOf = async (as: string, query?: Record<string, string>) => {
  const response = await listClients(as, query);
  expect(response.statusCode).toBe(200);
  return response.json().clients as {
    id: string;
    name: string;
    contactCount: number;
    unreadCount: number;
  }[];
};

const namesOf = async (as: string, query?: Record<string, string>) =>
  (await clientsOf(as, query)).map((client) => client.name);

/** Posts a new client; `as` is the session cookie, or undefined to send none. */
const addClient = (
  as: string | undefined,
  payload: unknown,
  headers: Record<string, string> = {},
) =>
  t.request({
    method: "POST",
    url: "/api/clients",
    payload: payload as object,
    cookie: as,
    headers,
  });

describe("client list", () => {
  it("lists the firm's clients with their number of contacts, sorted by name", async () => {
    const own = await emptyFirm();
    const charlie = await buildClient(t.database.db, own.firm, "Charlie Co");
    const alpha = await buildClient(t.database.db, own.firm, "Alpha Co");
    const bravo = await buildClient(t.database.db, own.firm, "Bravo Co");
    await buildContact(t.database.db, alpha);
    await buildContact(t.database.db, alpha, { email: null });
    await buildContact(t.database.db, bravo);

    const response = await listClients(own.cookie);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      clients: [
        { id: alpha.id, name: "Alpha Co", contactCount: 2, unreadCount: 0 },
        { id: bravo.id, name: "Bravo Co", contactCount: 1, unreadCount: 0 },
        { id: charlie.id, name: "Charlie Co", contactCount: 0, unreadCount: 0 },
      ],
    });
  });

  it("answers an empty list for a firm without clients", async () => {
    const own = await emptyFirm();
    const response = await listClients(own.cookie);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ clients: [] });
  });

  it("filters by name, ignoring case and surrounding spaces", async () => {
    const own = await emptyFirm();
    await buildClient(t.database.db, own.firm, "Harbour Bakery");
    await buildClient(t.database.db, own.firm, "Northwind Traders");
    await buildClient(t.database.db, own.firm, "Bakers Guild");

    expect(await namesOf(own.cookie, { q: "BAKER" })).toEqual(["Bakers Guild", "Harbour Bakery"]);
    expect(await namesOf(own.cookie, { q: "  wind " })).toEqual(["Northwind Traders"]);
    expect(await namesOf(own.cookie, { q: "nobody" })).toEqual([]);
    expect(await namesOf(own.cookie, { q: "" })).toEqual([
      "Bakers Guild",
      "Harbour Bakery",
      "Northwind Traders",
    ]);
  });

  it("treats % and _ in the search as literal characters, not wildcards", async () => {
    const own = await emptyFirm();
    await buildClient(t.database.db, own.firm, "Fifty% Partners");
    await buildClient(t.database.db, own.firm, "Snake_Case Ltd");
    await buildClient(t.database.db, own.firm, "Plain Name");
    await buildClient(t.database.db, own.firm, "Back\\Slash Inc");

    expect(await namesOf(own.cookie, { q: "%" })).toEqual(["Fifty% Partners"]);
    expect(await namesOf(own.cookie, { q: "_" })).toEqual(["Snake_Case Ltd"]);
    expect(await namesOf(own.cookie, { q: "e_c" })).toEqual(["Snake_Case Ltd"]);
    expect(await namesOf(own.cookie, { q: "\\" })).toEqual(["Back\\Slash Inc"]);
    // Without escaping, "a%e" would match "Plain Name" too.
    expect(await namesOf(own.cookie, { q: "a%e" })).toEqual([]);
  });

  it("never shows another firm's clients, even when the search matches them", async () => {
    const own = await emptyFirm();
    const mine = await buildClient(t.database.db, own.firm, "Other Firm Client");

    expect(await clientsOf(own.cookie, { q: "other firm" })).toEqual([
      { id: mine.id, name: "Other Firm Client", contactCount: 0, unreadCount: 0 },
    ]);
    const body = (await listClients(own.cookie)).body;
    expect(body).not.toContain(otherClient.id);
    // The other firm sees its own client and nothing of ours.
    const theirs = await clientsOf(otherCookie);
    expect(theirs).toEqual([
      { id: otherClient.id, name: "Other Firm Client", contactCount: 1, unreadCount: 0 },
    ]);
  });

  it("rejects a search longer than 200 characters", async () => {
    const response = await listClients(cookie, { q: "a".repeat(201) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: "invalid_input",
        message: "Some of the values are not valid.",
        fields: { q: "Search text is too long." },
      },
    });
  });
});

describe("adding a client", () => {
  it("adds a client with a trimmed name that then shows in the list", async () => {
    const own = await emptyFirm();
    const response = await addClient(own.cookie, { name: "  Juniper Legal  " });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toEqual({ id: expect.any(String), name: "Juniper Legal" });

    const read = await t.request({
      method: "GET",
      url: `/api/clients/${created.id}`,
      cookie: own.cookie,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ id: created.id, name: "Juniper Legal" });
    expect(await clientsOf(own.cookie)).toEqual([
      { id: created.id, name: "Juniper Legal", contactCount: 0, unreadCount: 0 },
    ]);
  });

  it("accepts a name of exactly 200 characters", async () => {
    const own = await emptyFirm();
    const name = "N".repeat(200);
    const response = await addClient(own.cookie, { name });
    expect(response.statusCode).toBe(201);
    expect(response.json().name).toBe(name);
    expect(await namesOf(own.cookie)).toEqual([name]);
  });

  it("adds the client to the signed-in staff member's firm only", async () => {
    const response = await addClient(cookie, { name: "Only Ours Ltd" });
    expect(response.statusCode).toBe(201);
    const { id } = response.json();
    expect((await clientsOf(cookie)).map((client) => client.id)).toContain(id);
    expect((await clientsOf(otherCookie)).map((client) => client.id)).not.toContain(id);
  });

  it.each([
    { rule: "a missing name", payload: {}, message: "Enter the client's name." },
    { rule: "a name that is not text", payload: { name: 42 }, message: "Enter the client's name." },
    { rule: "an empty name", payload: { name: "" }, message: "Enter the client's name." },
    { rule: "a blank name", payload: { name: "   " }, message: "Enter the client's name." },
    {
      rule: "a name over 200 characters",
      payload: { name: "N".repeat(201) },
      message: "Use at most 200 characters.",
    },
  ])("rejects $rule and adds nothing", async ({ payload, message }) => {
    const own = await emptyFirm();
    await buildClient(t.database.db, own.firm, "Existing Client");
    const before = await clientsOf(own.cookie);

    const response = await addClient(own.cookie, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: "invalid_input",
        message: "Some of the values are not valid.",
        fields: { name: message },
      },
    });
    expect(await clientsOf(own.cookie)).toEqual(before);
  });
});

describe("one client", () => {
  it("returns the client's id and name", async () => {
    const client = await buildClient(t.database.db, firm, "Single Client Co");
    const response = await t.request({ method: "GET", url: `/api/clients/${client.id}`, cookie });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: client.id, name: "Single Client Co" });
  });

  it("answers 404 for another firm's client, without showing it", async () => {
    const response = await t.request({
      method: "GET",
      url: `/api/clients/${otherClient.id}`,
      cookie,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: "not_found", message: "Client was not found." },
    });
    expect(response.body).not.toContain(otherClient.name);
  });

  it("answers 404 for a client id that does not exist", async () => {
    const response = await t.request({
      method: "GET",
      url: `/api/clients/${crypto.randomUUID()}`,
      cookie,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: "not_found", message: "Client was not found." },
    });
  });

  it("answers 400 for a client id that is not a uuid", async () => {
    const response = await t.request({ method: "GET", url: "/api/clients/not-a-uuid", cookie });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: "invalid_input",
        message: "Some of the values are not valid.",
        fields: { clientId: "Not a valid client id." },
      },
    });
  });
});

describe("without a session", () => {
  const unauthenticated = {
    error: { code: "unauthenticated", message: "Sign in to continue." },
  };

  it("answers 401 to the client list", async () => {
    const response = await t.request({ method: "GET", url: "/api/clients" });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthenticated);
  });

  it("answers 401 to one client, even of an existing client", async () => {
    const client = await buildClient(t.database.db, firm);
    const response = await t.request({ method: "GET", url: `/api/clients/${client.id}` });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthenticated);
  });

  it("answers 401 to adding a client and adds nothing", async () => {
    const response = await addClient(undefined, { name: "Sneaky Client" });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthenticated);
    expect(await namesOf(cookie, { q: "Sneaky" })).toEqual([]);
    expect(await namesOf(otherCookie, { q: "Sneaky" })).toEqual([]);
  });

  it("answers 401 before looking at the input, so nothing about it is revealed", async () => {
    const badBody = await addClient(undefined, {});
    expect(badBody.statusCode).toBe(401);
    expect(badBody.json()).toEqual(unauthenticated);
    const badId = await t.request({ method: "GET", url: "/api/clients/not-a-uuid" });
    expect(badId.statusCode).toBe(401);
    expect(badId.json()).toEqual(unauthenticated);
  });

  it("answers 401 to a made-up session cookie", async () => {
    const response = await t.request({
      method: "GET",
      url: "/api/clients",
      cookie: "better-auth.session_token=made-up.value",
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthenticated);
  });
});

describe("from another site", () => {
  it("refuses to add a client and adds nothing", async () => {
    const own = await emptyFirm();
    const response = await addClient(
      own.cookie,
      { name: "Forged Client" },
      { origin: "http://evil.example" },
    );
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      error: { code: "bad_origin", message: "This request did not come from a Portico page." },
    });
    expect(await namesOf(own.cookie)).toEqual([]);
  });
});
