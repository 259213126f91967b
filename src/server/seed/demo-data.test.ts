import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildFirm } from "../../../test/factories.js";
import type { Database } from "../db/connect.js";
import { firms, user } from "../db/schema.js";
import {
  DEMO_PASSWORD,
  isDatabaseEmpty,
  seedDemoData,
  seedDemoDataIfEmpty,
  seedDemoDataOnStart,
} from "./demo-data.js";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await seedDemoData(t.database.db);
});
afterAll(() => t.close());

const get = async (cookie: string, url: string) => {
  const response = await t.request({ method: "GET", url, cookie });
  expect(response.statusCode).toBe(200);
  return response.json();
};

describe("demo data", () => {
  it("is what the README promises to Northwind staff", async () => {
    expect(await isDatabaseEmpty(t.database.db)).toBe(false);
    const ada = await t.signIn("ada@northwind.test", DEMO_PASSWORD);
    expect(await get(ada, "/api/session")).toMatchObject({
      name: "Ada Park",
      role: "owner",
      firm: { name: "Northwind Accounting" },
    });
    const { clients } = await get(ada, "/api/clients");
    expect(
      clients.map((c: { name: string; contactCount: number }) => [c.name, c.contactCount]),
    ).toEqual([
      ["Acme Bakery", 3],
      ["Globex Ltd", 1],
    ]);
    const acme = clients[0].id;
    const { contacts } = await get(ada, `/api/clients/${acme}/contacts`);
    expect(
      contacts.map((c: { name: string; email: string; portalStatus: string }) => [
        c.name,
        c.email,
        c.portalStatus,
      ]),
    ).toEqual([
      ["Dana Fox", "dana@acme.test", "active"],
      ["Eli Stone", "eli@acme.test", "active"],
      ["Fay Lin", "fay@acme.test", "none"],
    ]);
    const team = await get(ada, "/api/team");
    expect(team.members.map((m: { name: string }) => m.name)).toEqual([
      "Ada Park",
      "Ben Ortiz",
      "Chloe Reyes",
    ]);
    for (const email of ["ben@northwind.test", "chloe@northwind.test"]) {
      await expect(t.signIn(email, DEMO_PASSWORD)).resolves.toContain("session_token");
    }
  });

  it("leaves Acme Bakery without conversations and gives Globex a lived-in thread", async () => {
    const ben = await t.signIn("ben@northwind.test", DEMO_PASSWORD);
    const { clients } = await get(ben, "/api/clients");
    const [acme, globex] = clients;
    expect((await get(ben, `/api/clients/${acme.id}/conversations`)).conversations).toEqual([]);

    const list = await get(ben, `/api/clients/${globex.id}/conversations`);
    expect(list.conversations.map((c: { title: string }) => c.title)).toEqual([
      "All Contacts",
      "Gus Hale",
    ]);
    const thread = await get(ben, `/api/conversations/${list.conversations[0].id}/messages`);
    const authors = new Set(
      thread.messages.map((m: { author: { name: string } }) => m.author.name),
    );
    expect(authors).toEqual(new Set(["Ada Park", "Ben Ortiz", "Gus Hale"]));
    const notes = thread.messages.filter((m: { internal: boolean }) => m.internal);
    expect(notes).toHaveLength(1);
    expect(JSON.stringify(notes[0].body)).toContain('"type":"mention"');
    expect(JSON.stringify(notes[0].body)).toContain("Ben Ortiz");
  });

  it("lets Southside Legal see only its own client", async () => {
    const sol = await t.signIn("sol@southside.test", DEMO_PASSWORD);
    const { clients } = await get(sol, "/api/clients");
    expect(clients.map((c: { name: string }) => c.name)).toEqual(["Initech"]);
    const { contacts } = await get(sol, `/api/clients/${clients[0].id}/contacts`);
    expect(contacts).toMatchObject([
      { name: "Ivy Chen", email: "ivy@initech.test", portalStatus: "active" },
    ]);
  });
});

describe("seeding at start", () => {
  const firmCount = async (db: Database) => (await db.select({ n: count() }).from(firms))[0]?.n;
  const demoUsers = (db: Database) =>
    db.select({ id: user.id }).from(user).where(eq(user.email, "ada@northwind.test"));

  it("never seeds a database that has a firm", async () => {
    const own = await createTestApp({}, { ownDatabase: true });
    try {
      await buildFirm(own.database.db, "A Real Firm");
      const warnings: string[] = [];
      expect(await seedDemoDataOnStart(own.database.db, (m) => warnings.push(m))).toBe(false);
      expect(warnings).toEqual([]);
      expect(await firmCount(own.database.db)).toBe(1);
      expect(await demoUsers(own.database.db)).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it("seeds an empty database once, even when two processes start together", async () => {
    const own = await createTestApp({}, { ownDatabase: true });
    try {
      const db = own.database.db;
      const results = await Promise.all([seedDemoDataIfEmpty(db), seedDemoDataIfEmpty(db)]);
      expect(results.sort()).toEqual(["not empty", "seeded"]);
      expect(await firmCount(db)).toBe(2);

      // Someone removes the demo firms; their sign-ins stay. The next start neither brings the
      // demo back nor fails on the addresses that are still taken.
      await db.delete(firms);
      const warnings: string[] = [];
      expect(await seedDemoDataOnStart(db, (m) => warnings.push(m))).toBe(false);
      expect(warnings).toEqual([]);
      expect(await firmCount(db)).toBe(0);
    } finally {
      await own.close();
    }
  });

  it("lets the start go on when the database cannot be seeded", async () => {
    const own = await createTestApp({}, { ownDatabase: true });
    const db = own.database.db;
    await own.close();
    const warnings: string[] = [];
    expect(await seedDemoDataOnStart(db, (m) => warnings.push(m))).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Demo data was not added: /);
  });
});
