/**
 * A request's session is resolved in one query; these try to get past it with a forged, expired,
 * or orphaned session, and check the session is still extended as it ages.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildFirm, buildStaff, type TestFirm } from "../../../test/factories.js";
import { session, staff } from "../db/schema.js";
import { SESSION_DAYS } from "./auth.js";

let t: TestApp;
let firm: TestFirm;

beforeAll(async () => {
  t = await createTestApp();
  firm = await buildFirm(t.database.db, "Lookup Firm");
});
afterAll(() => t.close());

const whoAmI = (cookie: string) => t.request({ method: "GET", url: "/api/session", cookie });
const tokenOf = (cookie: string) =>
  decodeURIComponent(/better-auth\.session_token=([^;]+)/.exec(cookie)?.[1] ?? "").split(".")[0];

async function signedInMember() {
  const member = await buildStaff(t.database.db, firm);
  const cookie = await t.signIn(member.email);
  return { member, cookie, token: tokenOf(cookie) ?? "" };
}

describe("resolving a request's session", () => {
  it("refuses a real session token under a signature that is not the server's", async () => {
    const { cookie, token } = await signedInMember();
    expect((await whoAmI(cookie)).statusCode).toBe(200);
    const forged = `better-auth.session_token=${encodeURIComponent(`${token}.${"A".repeat(43)}=`)}`;
    expect((await whoAmI(forged)).statusCode).toBe(401);
    const unsigned = `better-auth.session_token=${encodeURIComponent(token)}`;
    expect((await whoAmI(unsigned)).statusCode).toBe(401);
  });

  it("refuses an expired session", async () => {
    const { cookie, token } = await signedInMember();
    await t.database.db
      .update(session)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(session.token, token));
    expect((await whoAmI(cookie)).statusCode).toBe(401);
  });

  it("refuses a session of a deactivated member even if it was not deleted", async () => {
    const { member, cookie } = await signedInMember();
    await t.database.db
      .update(staff)
      .set({ deactivatedAt: sql`now()` })
      .where(eq(staff.id, member.id));
    expect((await whoAmI(cookie)).statusCode).toBe(401);
  });

  it("extends a session a day after its last extension, and keeps it working", async () => {
    const { cookie, token } = await signedInMember();
    await t.database.db
      .update(session)
      .set({ expiresAt: sql`now() + interval '12 days'` })
      .where(eq(session.token, token));
    const answer = await whoAmI(cookie);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ kind: "staff", firm: { name: "Lookup Firm" } });
    const [row] = await t.database.db
      .select({ expiresAt: session.expiresAt })
      .from(session)
      .where(eq(session.token, token));
    const daysLeft = ((row?.expiresAt.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(SESSION_DAYS - 1);
  });
});
