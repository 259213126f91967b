import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildFirm, buildStaff } from "../../../test/factories.js";

let t: TestApp;
let webDir: string;
let staffCookie: string;
const indexHtml = "<!doctype html><html><head><title>Portico</title></head><body></body></html>";

beforeAll(async () => {
  // A stand-in for the built web app, so these tests do not depend on `npm run build`.
  webDir = await mkdtemp(join(tmpdir(), "portico-web-"));
  await mkdir(join(webDir, "assets"));
  await writeFile(join(webDir, "index.html"), indexHtml);
  await writeFile(join(webDir, "assets", "app-1a2b3c.js"), "console.log('app');\n");
  t = await createTestApp({}, { webDir });
  staffCookie = await t.signIn(
    (await buildStaff(t.database.db, await buildFirm(t.database.db))).email,
  );
});
afterAll(async () => {
  await t.close();
  await rm(webDir, { recursive: true, force: true });
});

describe("HEAD on pages", () => {
  it("answers like GET, without the body", async () => {
    const get = await t.request({ method: "GET", url: "/sign-in" });
    const head = await t.request({ method: "HEAD", url: "/sign-in" });
    expect(get.statusCode).toBe(200);
    expect(get.body).toBe(indexHtml);
    expect(head.statusCode).toBe(200);
    expect(head.headers["content-type"]).toBe(get.headers["content-type"]);
    expect(head.headers["content-length"]).toBe(String(Buffer.byteLength(indexHtml)));
    expect(head.body).toBe("");
  });

  it("redirects a signed-out visitor to sign-in, and serves a signed-in one", async () => {
    const signedOut = await t.request({ method: "HEAD", url: "/clients" });
    expect(signedOut.statusCode).toBe(302);
    expect(signedOut.headers.location).toBe("/sign-in?next=%2Fclients");
    const signedIn = await t.request({ method: "HEAD", url: "/clients", cookie: staffCookie });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.body).toBe("");
  });

  it("answers for built assets, and 404 for unknown API paths", async () => {
    const asset = await t.request({ method: "HEAD", url: "/assets/app-1a2b3c.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe("");
    expect((await t.request({ method: "HEAD", url: "/api/nothing-here" })).statusCode).toBe(404);
  });
});
