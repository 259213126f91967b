/**
 * First-run setup on an empty database (one of its own): the one-time link, a wrong or replayed
 * link, and `npm run firm:create`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, nextClientIp, sessionCookieOf, type TestApp } from "../../../test/app.js";
import { staffInvitationTokenIn, TEAM_PASSWORD, teamApi } from "../../../test/team.js";
import { openDatabase } from "../db/connect.js";
import { setupLinks } from "../db/schema.js";
import { createFirmWithOwnerInvitation } from "./create-firm.js";
import { createSetupLink, hasAnyFirm } from "./setup.service.js";
import { describeStaffInvitation } from "./staff-invitations.service.js";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({}, { ownDatabase: true });
});
afterAll(() => t.close());

const stateOf = async (token?: string) =>
  (
    await t.request({
      method: "GET",
      url: "/api/setup",
      query: token === undefined ? {} : { token },
    })
  ).json();

const submit = (token: string, email = "owen@firm.test") =>
  t.request({
    method: "POST",
    url: "/api/setup",
    headers: { "x-forwarded-for": nextClientIp() },
    payload: {
      token,
      firmName: "Harbor Tax",
      name: "Owen Owner",
      email,
      password: TEAM_PASSWORD,
    },
  });

describe("first-run setup", () => {
  it("creates the firm and signs its owner in once; a wrong or replayed link creates nothing", async () => {
    const db = t.database.db;
    // This file's database is its own (a fresh PGlite, or a scratch PostgreSQL database).
    if (await hasAnyFirm(db)) throw new Error("the setup test needs an empty database");
    const earlier = await createSetupLink(db);
    const token = await createSetupLink(db);
    if (!token || !earlier) throw new Error("no setup link on an empty database");
    const stored = await db.select().from(setupLinks);
    expect(JSON.stringify(stored)).not.toContain(token);

    expect(await stateOf()).toEqual({ state: "invalid_link" });
    expect(await stateOf("x".repeat(43))).toEqual({ state: "invalid_link" });
    expect(await stateOf(token)).toEqual({ state: "ready" });

    const wrong = await submit("y".repeat(43));
    expect(wrong.statusCode).toBe(403);
    expect(await hasAnyFirm(db)).toBe(false);

    const weak = await t.request({
      method: "POST",
      url: "/api/setup",
      payload: { token, firmName: "", name: "", email: "nope", password: "short" },
    });
    expect(weak.statusCode).toBe(400);
    expect(Object.keys(weak.json().error.fields).sort()).toEqual([
      "email",
      "firmName",
      "name",
      "password",
    ]);

    const created = await submit(token);
    expect(created.statusCode, created.body).toBe(201);
    const cookie = sessionCookieOf(created.headers["set-cookie"]);
    const session = await t.request({ method: "GET", url: "/api/session", cookie });
    expect(session.json()).toMatchObject({
      name: "Owen Owner",
      email: "owen@firm.test",
      role: "owner",
      firm: { name: "Harbor Tax" },
      can: { manageTeam: true, readOutbox: true },
    });
    const clients = await t.request({ method: "GET", url: "/api/clients", cookie });
    expect(clients.json()).toEqual({ clients: [] });

    for (const replay of [token, earlier]) {
      const again = await submit(replay, "second@firm.test");
      expect(again.statusCode).toBe(409);
      expect(await stateOf(replay)).toEqual({ state: "done" });
    }
    expect(await stateOf()).toEqual({ state: "done" });
    expect(await db.select().from(setupLinks)).toEqual([]);
    expect(await createSetupLink(db)).toBeNull();
  });
});

describe("npm run firm:create", () => {
  it("creates a firm and prints its owner's one-time invitation link, which makes them its owner", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "portico-firm-create-"));
    try {
      const run = spawn(
        "npm",
        [
          "run",
          "--silent",
          "firm:create",
          "--",
          "--name",
          "Lakeside Law",
          "--owner-name",
          "Lia Lake",
          "--owner-email",
          "Lia@Lakeside.test",
        ],
        {
          cwd: join(import.meta.dirname, "..", "..", ".."),
          env: {
            ...process.env,
            DATA_DIR: dataDir,
            DATABASE_URL: "",
            PUBLIC_URL: "http://firm.test",
          },
        },
      );
      let output = "";
      run.stdout.on("data", (chunk) => {
        output += chunk;
      });
      run.stderr.on("data", (chunk) => {
        output += chunk;
      });
      const code = await new Promise((resolve) => run.on("exit", resolve));
      expect(code, output).toBe(0);
      expect(output).toContain('Firm "Lakeside Law" created.');
      const token = staffInvitationTokenIn(output, "http://firm.test");

      const database = await openDatabase({ kind: "pglite", dataDir: join(dataDir, "pglite") });
      try {
        expect(await describeStaffInvitation(database.db, token)).toEqual({
          state: "valid",
          name: "Lia Lake",
          email: "lia@lakeside.test",
          role: "owner",
          firmName: "Lakeside Law",
        });
      } finally {
        await database.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it("the owner's invitation, accepted, makes the owner of the new firm", async () => {
    const { invitationUrl, firmId } = await createFirmWithOwnerInvitation(t.database.db, {
      firmName: "Second Firm",
      ownerName: "Sam Second",
      ownerEmail: "sam@second.test",
      mail: { publicUrl: t.config.publicUrl, smtpConfigured: false },
    });
    const team = teamApi(t);
    const accepted = await team.accept(staffInvitationTokenIn(invitationUrl, t.config.publicUrl));
    expect(accepted.statusCode, accepted.body).toBe(200);
    const cookie = sessionCookieOf(accepted.headers["set-cookie"]);
    const session = await t.request({ method: "GET", url: "/api/session", cookie });
    expect(session.json()).toMatchObject({
      role: "owner",
      firm: { id: firmId, name: "Second Firm" },
    });
    await expect(
      createFirmWithOwnerInvitation(t.database.db, {
        firmName: "Third Firm",
        ownerName: "Sam Again",
        ownerEmail: "sam@second.test",
        mail: { publicUrl: t.config.publicUrl, smtpConfigured: false },
      }),
    ).rejects.toThrow(/already has a sign-in/);
  });
});
