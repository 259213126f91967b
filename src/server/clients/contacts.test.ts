import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import { contacts } from "../db/schema.js";

type ContactRow = Awaited<ReturnType<typeof buildContact>>;

let t: TestApp;
let firm: TestFirm;
let cookie: string;
/** Removing contacts is for owners and admins; `cookie` is a member's. */
let adminCookie: string;
let otherCookie: string;
let otherClient: Awaited<ReturnType<typeof buildClient>>;
let otherContact: ContactRow;

beforeAll(async () => {
  t = await createTestApp();
  firm = await buildFirm(t.database.db, "Contacts Firm");
  cookie = await t.signIn((await buildStaff(t.database.db, firm)).email);
  adminCookie = await t.signIn((await buildStaff(t.database.db, firm, { role: "admin" })).email);
  // A second firm, with its own staff, client and contact, is always there to leak from.
  const otherFirm = await buildFirm(t.database.db, "Other Firm");
  otherCookie = await t.signIn((await buildStaff(t.database.db, otherFirm)).email);
  otherClient = await buildClient(t.database.db, otherFirm, "Other Firm Client");
  otherContact = await buildContact(t.database.db, otherClient, {
    name: "Olive Other",
    email: "olive@other.example",
  });
});
afterAll(() => t.close());

const unique = () => crypto.randomUUID().slice(0, 8);

/** A fresh client of our firm, so each test reads an exact contact list. */
const newClient = (name = `Client ${unique()}`) => buildClient(t.database.db, firm, name);

/** A contact as the API shows it. */
const shown = (contact: ContactRow) => ({
  id: contact.id,
  clientId: contact.clientId,
  name: contact.name,
  email: contact.email,
  portalStatus: contact.portalStatus,
  former: false,
});

const contactsUrl = (clientId: string) => `/api/clients/${clientId}/contacts`;
const contactUrl = (clientId: string, contactId: string) =>
  `/api/clients/${clientId}/contacts/${contactId}`;

const contactsOf = async (clientId: string, as = cookie) => {
  const response = await t.request({ method: "GET", url: contactsUrl(clientId), cookie: as });
  expect(response.statusCode).toBe(200);
  return response.json().contacts;
};

const contactCountOf = async (client: { id: string; name: string }) => {
  const response = await t.request({
    method: "GET",
    url: "/api/clients",
    query: { q: client.name },
    cookie,
  });
  expect(response.statusCode).toBe(200);
  const found = response.json().clients.find((row: { id: string }) => row.id === client.id);
  return found?.contactCount;
};

/** `cookie: null` sends no session; leaving it out signs the request in as our firm's staff. */
type RequestOptions = { cookie?: string | null; headers?: Record<string, string> };
const sessionOf = (options: RequestOptions) =>
  options.cookie === null ? undefined : (options.cookie ?? cookie);

const addContact = (clientId: string, payload: unknown, options: RequestOptions = {}) =>
  t.request({
    method: "POST",
    url: contactsUrl(clientId),
    payload: payload as object,
    cookie: sessionOf(options),
    headers: options.headers,
  });

const changeContact = (
  clientId: string,
  contactId: string,
  payload: unknown,
  options: RequestOptions = {},
) =>
  t.request({
    method: "PUT",
    url: contactUrl(clientId, contactId),
    payload: payload as object,
    cookie: sessionOf(options),
    headers: options.headers,
  });

const removeContact = (clientId: string, contactId: string, options: RequestOptions = {}) =>
  t.request({
    method: "DELETE",
    url: contactUrl(clientId, contactId),
    cookie: options.cookie === null ? undefined : (options.cookie ?? adminCookie),
    headers: options.headers,
  });

const invalidInput = (fields: Record<string, string>) => ({
  error: { code: "invalid_input", message: "Some of the values are not valid.", fields },
});
const clientNotFound = { error: { code: "not_found", message: "Client was not found." } };
const contactNotFound = { error: { code: "not_found", message: "Contact was not found." } };
const unauthenticated = { error: { code: "unauthenticated", message: "Sign in to continue." } };
const badOrigin = {
  error: { code: "bad_origin", message: "This request did not come from a Portico page." },
};
const emailTaken = {
  error: {
    code: "email_taken",
    message: "Another contact of this client already uses this e-mail.",
    fields: { email: "Another contact of this client already uses this e-mail." },
  },
};

const contactValidationCases: {
  rule: string;
  payload: Record<string, unknown>;
  fields: Record<string, string>;
}[] = [
  {
    rule: "a missing name",
    payload: { email: "a@example.test" },
    fields: { name: "Enter the contact's name." },
  },
  { rule: "an empty name", payload: { name: "" }, fields: { name: "Enter the contact's name." } },
  { rule: "a blank name", payload: { name: "   " }, fields: { name: "Enter the contact's name." } },
  {
    rule: "a name over 200 characters",
    payload: { name: "N".repeat(201) },
    fields: { name: "Use at most 200 characters." },
  },
  {
    rule: "an invalid e-mail",
    payload: { name: "Valid Name", email: "not-an-email" },
    fields: { email: "Enter a valid e-mail address, like name@example.com." },
  },
  {
    rule: "an e-mail without a domain",
    payload: { name: "Valid Name", email: "someone@" },
    fields: { email: "Enter a valid e-mail address, like name@example.com." },
  },
];

describe("contact list", () => {
  it("lists the client's contacts, sorted by name, and no one else's", async () => {
    const client = await newClient();
    const zoe = await buildContact(t.database.db, client, { name: "Zoe Zimmer" });
    const adam = await buildContact(t.database.db, client, { name: "Adam Abbott", email: null });
    const neighbour = await newClient();
    await buildContact(t.database.db, neighbour, { name: "Nina Neighbour" });

    const response = await t.request({ method: "GET", url: contactsUrl(client.id), cookie });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      contacts: [
        {
          id: adam.id,
          clientId: client.id,
          name: "Adam Abbott",
          email: null,
          portalStatus: "none",
          former: false,
        },
        {
          id: zoe.id,
          clientId: client.id,
          name: "Zoe Zimmer",
          email: zoe.email,
          portalStatus: "none",
          former: false,
        },
      ],
    });
  });

  it("answers an empty list for a client without contacts", async () => {
    const client = await newClient();
    const response = await t.request({ method: "GET", url: contactsUrl(client.id), cookie });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ contacts: [] });
  });

  it("answers 404 for another firm's client, without showing its contacts", async () => {
    const response = await t.request({ method: "GET", url: contactsUrl(otherClient.id), cookie });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(clientNotFound);
    expect(response.body).not.toContain(otherContact.id);
    expect(response.body).not.toContain("Olive");
  });

  it("answers 404 for a client id that does not exist", async () => {
    const response = await t.request({
      method: "GET",
      url: contactsUrl(crypto.randomUUID()),
      cookie,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(clientNotFound);
  });

  it("answers 400 for a client id that is not a uuid", async () => {
    const response = await t.request({ method: "GET", url: contactsUrl("12345"), cookie });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(invalidInput({ clientId: "Not a valid client id." }));
  });
});

describe("adding a contact", () => {
  it("adds a contact with a trimmed name and lower-cased e-mail", async () => {
    const client = await newClient();
    const response = await addContact(client.id, {
      name: "  Ann Archer ",
      email: "  Ann.Archer@Example.COM ",
    });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toEqual({
      id: expect.any(String),
      clientId: client.id,
      name: "Ann Archer",
      email: "ann.archer@example.com",
      portalStatus: "none",
      former: false,
    });
    expect(await contactsOf(client.id)).toEqual([created]);
    expect(await contactCountOf(client)).toBe(1);
  });

  it.each([
    { how: "an empty e-mail", payload: { name: "No Mail", email: "" } },
    { how: "a null e-mail", payload: { name: "No Mail", email: null } },
    { how: "no e-mail at all", payload: { name: "No Mail" } },
  ])("stores $how as no e-mail", async ({ payload }) => {
    const client = await newClient();
    const response = await addContact(client.id, payload);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: "No Mail", email: null });
    expect(await contactsOf(client.id)).toEqual([response.json()]);
  });

  it("allows several contacts without an e-mail at one client", async () => {
    const client = await newClient();
    expect((await addContact(client.id, { name: "First Blank", email: "" })).statusCode).toBe(201);
    expect((await addContact(client.id, { name: "Second Blank", email: "" })).statusCode).toBe(201);
    const names = (await contactsOf(client.id)).map((contact: { name: string }) => contact.name);
    expect(names).toEqual(["First Blank", "Second Blank"]);
  });

  it("refuses an e-mail another contact of the same client has, in any case", async () => {
    const client = await newClient();
    const existing = await buildContact(t.database.db, client, {
      name: "Existing Person",
      email: "Dup.Person@Example.test",
    });

    for (const email of ["dup.person@example.test", "DUP.PERSON@EXAMPLE.TEST"]) {
      const response = await addContact(client.id, { name: "Copy Cat", email });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual(emailTaken);
    }
    expect(await contactsOf(client.id)).toEqual([shown(existing)]);
    expect(await contactCountOf(client)).toBe(1);
  });

  it("allows the same e-mail at another client, also of another firm", async () => {
    const first = await newClient();
    const second = await newClient();
    await buildContact(t.database.db, first, { email: "shared@example.test" });

    const response = await addContact(second.id, {
      name: "Shared Mail",
      email: "shared@example.test",
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ clientId: second.id, email: "shared@example.test" });
    expect(await contactsOf(second.id)).toEqual([response.json()]);

    const sameAsOtherFirm = await addContact(second.id, {
      name: "Olive Lookalike",
      email: otherContact.email,
    });
    expect(sameAsOtherFirm.statusCode).toBe(201);
    expect(sameAsOtherFirm.json()).toMatchObject({
      clientId: second.id,
      email: otherContact.email,
    });
    expect(await contactsOf(second.id)).toHaveLength(2);
  });

  it.each(contactValidationCases)("rejects $rule and adds nothing", async ({ payload, fields }) => {
    const client = await newClient();
    const existing = await buildContact(t.database.db, client, { name: "Already Here" });

    const response = await addContact(client.id, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(invalidInput(fields));
    expect(await contactsOf(client.id)).toEqual([shown(existing)]);
  });

  it("answers 404 for another firm's client and adds nothing there", async () => {
    const before = await contactsOf(otherClient.id, otherCookie);
    const response = await addContact(otherClient.id, {
      name: "Intruder",
      email: "in@example.test",
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(clientNotFound);
    expect(await contactsOf(otherClient.id, otherCookie)).toEqual(before);
  });

  it("answers 400 for a client id that is not a uuid", async () => {
    const response = await addContact("not-a-uuid", { name: "Lost Contact" });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(invalidInput({ clientId: "Not a valid client id." }));
  });
});

describe("changing a contact", () => {
  it("changes the name and e-mail and keeps the portal status", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client, { name: "Old Name" });

    const response = await changeContact(client.id, contact.id, {
      name: " New Name ",
      email: "New.Mail@Example.test",
    });
    expect(response.statusCode).toBe(200);
    const changed = {
      id: contact.id,
      clientId: client.id,
      name: "New Name",
      email: "new.mail@example.test",
      portalStatus: "none",
      former: false,
    };
    expect(response.json()).toEqual(changed);
    expect(await contactsOf(client.id)).toEqual([changed]);
  });

  it("refuses to change the e-mail of a contact who is invited or has portal access", async () => {
    const client = await newClient();
    for (const portalStatus of ["invited", "active"] as const) {
      const contact = await buildContact(t.database.db, client, {
        name: `Portal ${portalStatus}`,
        email: `${portalStatus}-${unique()}@example.test`,
      });
      await t.database.db.update(contacts).set({ portalStatus }).where(eq(contacts.id, contact.id));
      const response = await changeContact(client.id, contact.id, {
        name: "Renamed",
        email: `someone-else-${unique()}@example.test`,
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe("email_locked");
      expect(response.json().error.fields.email).toContain("Revoke their access");
      // The name may still change while the e-mail stays.
      const renamed = await changeContact(client.id, contact.id, {
        name: "Renamed",
        email: contact.email,
      });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toMatchObject({ name: "Renamed", email: contact.email, portalStatus });
    }
  });

  it("lets a contact keep its own e-mail, written in another case", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client, { email: "keep.me@example.test" });

    const response = await changeContact(client.id, contact.id, {
      name: "Renamed Keeper",
      email: "KEEP.ME@example.test",
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ...shown(contact),
      name: "Renamed Keeper",
      email: "keep.me@example.test",
    });
    expect(await contactsOf(client.id)).toEqual([response.json()]);
  });

  it("clears the e-mail when it is sent empty", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client, { name: "Clear Me" });

    const response = await changeContact(client.id, contact.id, { name: "Clear Me", email: "" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...shown(contact), email: null });
    expect(await contactsOf(client.id)).toEqual([{ ...shown(contact), email: null }]);
  });

  it("refuses an e-mail another contact of the same client has and changes nothing", async () => {
    const client = await newClient();
    const first = await buildContact(t.database.db, client, {
      name: "First Person",
      email: "first@example.test",
    });
    const second = await buildContact(t.database.db, client, {
      name: "Second Person",
      email: "second@example.test",
    });

    const response = await changeContact(client.id, second.id, {
      name: "Second Renamed",
      email: "FIRST@example.test",
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual(emailTaken);
    expect(await contactsOf(client.id)).toEqual([shown(first), shown(second)]);
  });

  it("allows an e-mail a contact of another client has", async () => {
    const client = await newClient();
    const neighbour = await newClient();
    await buildContact(t.database.db, neighbour, { email: "neighbour@example.test" });
    const contact = await buildContact(t.database.db, client, { name: "Mover" });

    const response = await changeContact(client.id, contact.id, {
      name: "Mover",
      email: "neighbour@example.test",
    });
    expect(response.statusCode).toBe(200);
    expect(await contactsOf(client.id)).toEqual([
      { ...shown(contact), email: "neighbour@example.test" },
    ]);
  });

  it.each(contactValidationCases)("rejects $rule and changes nothing", async ({
    payload,
    fields,
  }) => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client, { name: "Stays Same" });

    const response = await changeContact(client.id, contact.id, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(invalidInput(fields));
    expect(await contactsOf(client.id)).toEqual([shown(contact)]);
  });

  it("answers 404 for another firm's contact and changes nothing there", async () => {
    const before = await contactsOf(otherClient.id, otherCookie);
    const payload = { name: "Hijacked", email: "hijack@example.test" };

    const underTheirClient = await changeContact(otherClient.id, otherContact.id, payload);
    expect(underTheirClient.statusCode).toBe(404);
    expect(underTheirClient.json()).toEqual(contactNotFound);

    const underOurClient = await changeContact((await newClient()).id, otherContact.id, payload);
    expect(underOurClient.statusCode).toBe(404);
    expect(underOurClient.json()).toEqual(contactNotFound);

    expect(await contactsOf(otherClient.id, otherCookie)).toEqual(before);
    expect(before).toEqual([shown(otherContact)]);
  });

  it("answers 404 for a contact of another client of the same firm, and changes nothing", async () => {
    const client = await newClient();
    const neighbour = await newClient();
    const contact = await buildContact(t.database.db, neighbour, { name: "Belongs Elsewhere" });

    const response = await changeContact(client.id, contact.id, { name: "Moved Over" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(contactNotFound);
    expect(await contactsOf(neighbour.id)).toEqual([shown(contact)]);
    expect(await contactsOf(client.id)).toEqual([]);
  });

  it("answers 404 for a contact id that does not exist", async () => {
    const client = await newClient();
    const response = await changeContact(client.id, crypto.randomUUID(), { name: "Ghost" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(contactNotFound);
    expect(await contactsOf(client.id)).toEqual([]);
  });

  it("answers 400 for ids that are not uuids", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client, { name: "Right Here" });

    const badContact = await changeContact(client.id, "nope", { name: "Changed" });
    expect(badContact.statusCode).toBe(400);
    expect(badContact.json()).toEqual(invalidInput({ contactId: "Not a valid contact id." }));

    const badClient = await changeContact("nope", contact.id, { name: "Changed" });
    expect(badClient.statusCode).toBe(400);
    expect(badClient.json()).toEqual(invalidInput({ clientId: "Not a valid client id." }));

    expect(await contactsOf(client.id)).toEqual([shown(contact)]);
  });
});

describe("removing a contact", () => {
  it("removes the contact from the client's list and count", async () => {
    const client = await newClient();
    const leaving = await buildContact(t.database.db, client, { name: "Leaving Soon" });
    const staying = await buildContact(t.database.db, client, { name: "Staying Put" });

    const response = await removeContact(client.id, leaving.id);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe("");
    expect(await contactsOf(client.id)).toEqual([shown(staying)]);
    expect(await contactCountOf(client)).toBe(1);

    const again = await removeContact(client.id, leaving.id);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual(contactNotFound);
  });

  it("answers 404 for another firm's contact and leaves it there", async () => {
    const underTheirClient = await removeContact(otherClient.id, otherContact.id);
    expect(underTheirClient.statusCode).toBe(404);
    expect(underTheirClient.json()).toEqual(contactNotFound);

    const underOurClient = await removeContact((await newClient()).id, otherContact.id);
    expect(underOurClient.statusCode).toBe(404);
    expect(underOurClient.json()).toEqual(contactNotFound);

    expect(await contactsOf(otherClient.id, otherCookie)).toEqual([shown(otherContact)]);
  });

  it("answers 404 for a contact of another client of the same firm, and leaves it there", async () => {
    const client = await newClient();
    const neighbour = await newClient();
    const contact = await buildContact(t.database.db, neighbour, { name: "Not Yours Here" });

    const response = await removeContact(client.id, contact.id);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(contactNotFound);
    expect(await contactsOf(neighbour.id)).toEqual([shown(contact)]);
  });

  it("answers 400 for ids that are not uuids", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client, { name: "Still Here" });

    const badContact = await removeContact(client.id, "nope");
    expect(badContact.statusCode).toBe(400);
    expect(badContact.json()).toEqual(invalidInput({ contactId: "Not a valid contact id." }));

    const badClient = await removeContact("nope", contact.id);
    expect(badClient.statusCode).toBe(400);
    expect(badClient.json()).toEqual(invalidInput({ clientId: "Not a valid client id." }));

    expect(await contactsOf(client.id)).toEqual([shown(contact)]);
  });
});

describe("without a session", () => {
  it("answers 401 to the contact list", async () => {
    const client = await newClient();
    await buildContact(t.database.db, client);
    const response = await t.request({ method: "GET", url: contactsUrl(client.id) });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthenticated);
  });

  it("answers 401 to adding a contact and adds nothing", async () => {
    const client = await newClient();
    const response = await addContact(client.id, { name: "Anonymous" }, { cookie: null });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthenticated);
    expect(await contactsOf(client.id)).toEqual([]);
  });

  it("answers 401 to changing a contact and changes nothing", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client);
    const response = await changeContact(
      client.id,
      contact.id,
      { name: "Anonymous Edit", email: "" },
      { cookie: null },
    );
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthenticated);
    expect(await contactsOf(client.id)).toEqual([shown(contact)]);
  });

  it("answers 401 to removing a contact and removes nothing", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client);
    const response = await removeContact(client.id, contact.id, { cookie: null });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthenticated);
    expect(await contactsOf(client.id)).toEqual([shown(contact)]);
  });

  it("answers 401 before looking at the input or the ids", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client);
    const responses = [
      await t.request({ method: "GET", url: contactsUrl("not-a-uuid") }),
      await addContact(client.id, { name: "" }, { cookie: null }),
      await changeContact(client.id, "not-a-uuid", { email: "bad" }, { cookie: null }),
      await removeContact("not-a-uuid", contact.id, { cookie: null }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(unauthenticated);
    }
    expect(await contactsOf(client.id)).toEqual([shown(contact)]);
  });
});

describe("from another site", () => {
  const evil = { origin: "http://evil.example" };

  it("refuses to add a contact and adds nothing", async () => {
    const client = await newClient();
    const response = await addContact(client.id, { name: "Forged" }, { headers: evil });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual(badOrigin);
    expect(await contactsOf(client.id)).toEqual([]);
  });

  it("refuses to change a contact and changes nothing", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client);
    const response = await changeContact(
      client.id,
      contact.id,
      { name: "Forged Edit", email: "forged@evil.example" },
      { headers: evil },
    );
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual(badOrigin);
    expect(await contactsOf(client.id)).toEqual([shown(contact)]);
  });

  it("refuses to remove a contact and removes nothing", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client);
    const response = await removeContact(client.id, contact.id, { headers: evil });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual(badOrigin);
    expect(await contactsOf(client.id)).toEqual([shown(contact)]);
  });
});
