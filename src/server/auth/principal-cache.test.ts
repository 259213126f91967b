/**
 * Each process remembers signed-in principals for a few seconds. These try to make it answer
 * with a principal that no longer holds: after every way access ends or changes, on this process
 * and on another one sharing Redis, with Redis away, and with a lookup racing an invalidation.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecondApp, createTestApp, nextClientIp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  TEST_PASSWORD,
  type TestFirm,
} from "../../../test/factories.js";
import { portalApi } from "../../../test/portal.js";
import { type RunningRedis, startRedisServer } from "../../../test/processes.js";
import { user } from "../db/schema.js";
import { createMemoryEventBus, type EventBus } from "../realtime/event-bus.js";
import { createRedisEventBus } from "../realtime/redis-event-bus.js";
import {
  announcePrincipalChanged,
  createPrincipalCache,
  EVERYONE,
  type LivePrincipal,
} from "./principal-cache.js";
import type { StaffPrincipal } from "./principal-types.js";

let t: TestApp;
let firm: TestFirm;

beforeAll(async () => {
  t = await createTestApp();
  firm = await buildFirm(t.database.db, "Cache Firm");
});
afterAll(() => t.close());

const sessionOn = (app: TestApp, cookie: string) =>
  app.request({ method: "GET", url: "/api/session", cookie });
const session = (cookie: string) => sessionOn(t, cookie);
const post = (url: string, payload: object, cookie?: string) =>
  t.request({
    method: "POST",
    url,
    payload,
    cookie,
    headers: { "x-forwarded-for": nextClientIp() },
  });

/** A member signed in, whose principal this process has already looked up (and may remember). */
async function rememberedMember(role: "owner" | "admin" | "member" = "member", inFirm = firm) {
  const member = await buildStaff(t.database.db, inFirm, { role });
  const cookie = await t.signIn(member.email);
  expect((await session(cookie)).statusCode).toBe(200);
  expect((await session(cookie)).statusCode).toBe(200);
  return { member, cookie };
}

describe("a remembered staff principal, on the process that made the change", () => {
  it("is refused on the next request after signing out", async () => {
    const { cookie } = await rememberedMember();
    expect((await post("/api/auth/sign-out", {}, cookie)).statusCode).toBe(200);
    expect((await session(cookie)).statusCode).toBe(401);
  });

  it("is refused after a password change that ends the other sessions", async () => {
    const { member, cookie: laptop } = await rememberedMember();
    const phone = await t.signIn(member.email);
    expect((await session(phone)).statusCode).toBe(200);
    const changed = await post(
      "/api/auth/change-password",
      {
        currentPassword: TEST_PASSWORD,
        newPassword: "another password 42",
        revokeOtherSessions: true,
      },
      laptop,
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await session(phone)).statusCode).toBe(401);
    expect((await session(laptop)).statusCode).toBe(401);
  });

  it("is refused once the member is deactivated", async () => {
    const { cookie: ownerCookie } = await rememberedMember("owner");
    const { member, cookie } = await rememberedMember();
    const deactivated = await t.request({
      method: "POST",
      url: `/api/team/staff/${member.id}/deactivate`,
      cookie: ownerCookie,
    });
    expect(deactivated.statusCode, deactivated.body).toBe(200);
    expect((await session(cookie)).statusCode).toBe(401);
    expect((await t.request({ method: "GET", url: "/api/clients", cookie })).statusCode).toBe(401);
  });

  it("loses an admin's rights the moment the admin is made a member", async () => {
    const { cookie: ownerCookie } = await rememberedMember("owner");
    const { member: admin, cookie } = await rememberedMember("admin");
    const outbox = () => t.request({ method: "GET", url: "/api/outbox", cookie });
    expect((await outbox()).statusCode).toBe(200);
    const demoted = await t.request({
      method: "PUT",
      url: `/api/team/staff/${admin.id}/role`,
      cookie: ownerCookie,
      payload: { role: "member" },
    });
    expect(demoted.statusCode, demoted.body).toBe(200);
    expect((await outbox()).statusCode).toBe(403);
    expect((await session(cookie)).json()).toMatchObject({ role: "member" });
  });

  it("shows a new name of the member and of the firm at once", async () => {
    const ownFirm = await buildFirm(t.database.db, "Before Rename");
    const { cookie: ownerCookie } = await rememberedMember("owner", ownFirm);
    const { cookie } = await rememberedMember("member", ownFirm);
    const renamedSelf = await t.request({
      method: "PUT",
      url: "/api/account/name",
      cookie,
      payload: { name: "Renamed Member" },
    });
    expect(renamedSelf.statusCode, renamedSelf.body).toBe(200);
    expect((await session(cookie)).json()).toMatchObject({ name: "Renamed Member" });
    const renamedFirm = await t.request({
      method: "PUT",
      url: "/api/firm",
      cookie: ownerCookie,
      payload: { name: "After Rename" },
    });
    expect(renamedFirm.statusCode, renamedFirm.body).toBe(200);
    expect((await session(cookie)).json()).toMatchObject({ firm: { name: "After Rename" } });
  });

  it("follows the firm's two-factor requirement both ways at once", async () => {
    const requiringFirm = await buildFirm(t.database.db);
    const owner = await buildStaff(t.database.db, requiringFirm, { role: "owner" });
    const ownerCookie = await t.signIn(owner.email);
    // Only an owner with two-factor may require it; how they set it up is tested elsewhere.
    await t.database.db
      .update(user)
      .set({ twoFactorEnabled: true })
      .where(eq(user.id, owner.userId));
    const { member, cookie } = await rememberedMember("member", requiringFirm);
    const setRequirement = (requireTwoFactor: boolean) =>
      t.request({
        method: "PUT",
        url: "/api/firm/security",
        cookie: ownerCookie,
        payload: { requireTwoFactor },
      });

    expect((await setRequirement(true)).statusCode).toBe(200);
    expect((await session(cookie)).statusCode).toBe(401);
    // Signed in again, the member is held to setting it up...
    const again = await t.signIn(member.email);
    expect((await session(again)).json().error.code).toBe("two_factor_setup_required");
    expect((await session(again)).statusCode).toBe(403);
    // ...until the firm stops requiring it.
    expect((await setRequirement(false)).statusCode).toBe(200);
    expect((await session(again)).statusCode).toBe(200);
  });
});

describe("a remembered contact principal", () => {
  it("is refused at once when staff revoke portal access, and gains a new client's link at once", async () => {
    const portal = portalApi(t);
    const { cookie: staffCookie } = await rememberedMember("admin");
    const client = await buildClient(t.database.db, firm, "Cached Client A");
    const secondClient = await buildClient(t.database.db, firm, "Cached Client B");
    const email = `cached-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const contact = await buildContact(t.database.db, client, { email });
    const secondContact = await buildContact(t.database.db, secondClient, { email });
    const contactCookie = await portal.grantAccess(client, contact, staffCookie);
    const clientsOf = async () =>
      (await portal.session(contactCookie))
        .json()
        .clients.map((c: { clientId: string }) => c.clientId);
    expect(await clientsOf()).toEqual([client.id]);

    await portal.grantMoreAccess(secondClient, secondContact, staffCookie, contactCookie);
    expect(await clientsOf()).toEqual([client.id, secondClient.id]);

    const threadsOf = () =>
      t.request({
        method: "GET",
        url: `/api/portal/clients/${client.id}/conversations`,
        cookie: contactCookie,
      });
    expect((await threadsOf()).statusCode).toBe(200);
    const revoked = await portal.revoke(client.id, contact.id, staffCookie);
    expect(revoked.statusCode, revoked.body).toBe(200);
    const threads = await threadsOf();
    expect([401, 403, 404]).toContain(threads.statusCode);
  });
});

describe("two sessions, interleaved", () => {
  it("never answers one session's request with another's principal", async () => {
    const otherFirm = await buildFirm(t.database.db, "Other Cache Firm");
    const { member: first, cookie: firstCookie } = await rememberedMember();
    const { member: second, cookie: secondCookie } = await rememberedMember("member", otherFirm);
    for (let round = 0; round < 5; round += 1) {
      const [a, b] = await Promise.all([session(firstCookie), session(secondCookie)]);
      expect(a.json()).toMatchObject({ email: first.email, firm: { id: firm.id } });
      expect(b.json()).toMatchObject({ email: second.email, firm: { id: otherFirm.id } });
    }
    // Ending the first one's session leaves the second's untouched, and vice versa.
    await post("/api/auth/sign-out", {}, firstCookie);
    expect((await session(firstCookie)).statusCode).toBe(401);
    expect((await session(secondCookie)).json()).toMatchObject({ email: second.email });
  });
});

describe("the cache itself", () => {
  const principal = (userId: string): StaffPrincipal => ({
    kind: "staff",
    userId,
    sessionId: `session-${userId}`,
    staffId: `staff-${userId}`,
    firmId: "firm",
    firmName: "Firm",
    role: "member",
    name: userId,
    email: `${userId}@example.test`,
    twoFactorSetupRequired: false,
  });
  const live = (userId: string, freshUntil = Date.now() + 60_000): LivePrincipal => ({
    principal: principal(userId),
    freshUntil,
  });

  it("does not keep a lookup's answer when an invalidation arrived while it was in flight", async () => {
    const bus = createMemoryEventBus();
    const cache = createPrincipalCache(bus);
    const since = cache.generation();
    // Another process announces the change while this lookup waits on the database.
    await bus.publish("principals", "ann");
    cache.remember("token-a", live("ann"), since);
    expect(await cache.get("token-a")).toBeUndefined();
    cache.remember("token-a", live("ann"), cache.generation());
    expect((await cache.get("token-a"))?.userId).toBe("ann");
    cache.close();
  });

  it("keeps each token to its own principal, and forgets one person or everyone", async () => {
    const bus = createMemoryEventBus();
    const cache = createPrincipalCache(bus);
    cache.remember("token-a", live("ann"), cache.generation());
    cache.remember("token-b", live("bob"), cache.generation());
    cache.remember("token-a2", live("ann"), cache.generation());
    expect((await cache.get("token-a"))?.userId).toBe("ann");
    expect((await cache.get("token-b"))?.userId).toBe("bob");
    expect(await cache.get("token-c")).toBeUndefined();
    await announcePrincipalChanged(bus, "ann");
    expect(await cache.get("token-a")).toBeUndefined();
    expect(await cache.get("token-a2")).toBeUndefined();
    expect((await cache.get("token-b"))?.userId).toBe("bob");
    await announcePrincipalChanged(bus, EVERYONE);
    expect(await cache.get("token-b")).toBeUndefined();
    cache.close();
  });

  it("never keeps a principal past the moment the database would stop giving it, nor past its limit", async () => {
    let now = 1_000_000;
    const bus = createMemoryEventBus();
    const cache = createPrincipalCache(bus, { now: () => now, ttlMs: 10_000, maxEntries: 2 });
    cache.remember("token-a", live("ann", now + 3_000), cache.generation());
    cache.remember("token-b", live("bob", now + 60_000), cache.generation());
    now += 3_000;
    expect(await cache.get("token-a")).toBeUndefined();
    expect((await cache.get("token-b"))?.userId).toBe("bob");
    cache.remember("token-c", live("cat", now + 60_000), cache.generation());
    cache.remember("token-d", live("dan", now + 60_000), cache.generation());
    expect(await cache.get("token-b")).toBeUndefined();
    expect((await cache.get("token-d"))?.userId).toBe("dan");
    now += 10_000;
    expect(await cache.get("token-d")).toBeUndefined();
    cache.close();
  });

  it("answers nothing while the bus cannot promise delivery, and forgets what it had", async () => {
    let delivering = true;
    const inner = createMemoryEventBus();
    const bus: EventBus = { ...inner, delivering: () => delivering };
    const cache = createPrincipalCache(bus);
    cache.remember("token-a", live("ann"), cache.generation());
    const since = cache.generation();
    delivering = false;
    expect(await cache.get("token-a")).toBeUndefined();
    cache.remember("token-b", live("bob"), cache.generation());
    delivering = true;
    expect(await cache.get("token-a")).toBeUndefined();
    expect(await cache.get("token-b")).toBeUndefined();
    cache.remember("token-a", live("ann"), since);
    expect(await cache.get("token-a")).toBeUndefined();
    cache.close();
  });
});

describe("two server processes sharing Redis", () => {
  let redis: RunningRedis;
  let processA: TestApp;
  let processB: TestApp;
  const buses: EventBus[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const quiet = { warn: () => {} };
    const [busA, busB] = await Promise.all([
      createRedisEventBus(redis.url, quiet),
      createRedisEventBus(redis.url, quiet),
    ]);
    buses.push(busA, busB);
    processA = await createSecondApp(t, { bus: busA });
    processB = await createSecondApp(t, { bus: busB });
    await Promise.all([busA.settled(), busB.settled()]);
  });
  afterAll(async () => {
    await processA?.close();
    await processB?.close();
    for (const bus of buses) await bus.close();
    await redis?.stop();
  });

  const signOutOn = (app: TestApp, cookie: string) =>
    app.request({
      method: "POST",
      url: "/api/auth/sign-out",
      payload: {},
      cookie,
      headers: { "x-forwarded-for": nextClientIp() },
    });

  it("refuses on B at once a session signed out on A, and a member deactivated on A", async () => {
    const member = await buildStaff(t.database.db, firm);
    const cookie = await processA.signIn(member.email);
    expect((await sessionOn(processB, cookie)).statusCode).toBe(200);
    expect((await sessionOn(processB, cookie)).statusCode).toBe(200);
    expect((await signOutOn(processA, cookie)).statusCode).toBe(200);
    expect((await sessionOn(processB, cookie)).statusCode).toBe(401);

    const owner = await buildStaff(t.database.db, firm, { role: "owner" });
    const ownerCookie = await processA.signIn(owner.email);
    const teammate = await buildStaff(t.database.db, firm, { role: "admin" });
    const teammateCookie = await processA.signIn(teammate.email);
    const outboxOnB = () =>
      processB.request({ method: "GET", url: "/api/outbox", cookie: teammateCookie });
    expect((await outboxOnB()).statusCode).toBe(200);
    const demoted = await processA.request({
      method: "PUT",
      url: `/api/team/staff/${teammate.id}/role`,
      cookie: ownerCookie,
      payload: { role: "member" },
    });
    expect(demoted.statusCode, demoted.body).toBe(200);
    expect((await outboxOnB()).statusCode).toBe(403);
    const deactivated = await processA.request({
      method: "POST",
      url: `/api/team/staff/${teammate.id}/deactivate`,
      cookie: ownerCookie,
    });
    expect(deactivated.statusCode, deactivated.body).toBe(200);
    expect((await sessionOn(processB, teammateCookie)).statusCode).toBe(401);
  });

  it("with Redis away, B asks the database: a sign-out on A is refused on B", async () => {
    const member = await buildStaff(t.database.db, firm);
    const cookie = await processA.signIn(member.email);
    const spare = await processA.signIn(member.email);
    expect((await sessionOn(processB, cookie)).statusCode).toBe(200);
    expect((await sessionOn(processB, spare)).statusCode).toBe(200);

    await redis.stop();
    await expect.poll(() => processB.bus.delivering(), { timeout: 10_000 }).toBe(false);
    // A's announcement cannot reach B now; only the database knows.
    expect((await signOutOn(processA, cookie)).statusCode).toBe(200);
    expect((await sessionOn(processB, cookie)).statusCode).toBe(401);
    expect((await sessionOn(processB, spare)).statusCode).toBe(200);

    await redis.start();
    await expect.poll(() => processB.bus.delivering(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => processA.bus.delivering(), { timeout: 20_000 }).toBe(true);
    expect((await sessionOn(processB, spare)).statusCode).toBe(200);
    expect((await signOutOn(processA, spare)).statusCode).toBe(200);
    expect((await sessionOn(processB, spare)).statusCode).toBe(401);
  });
});
