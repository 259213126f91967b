import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildFirm, buildStaff } from "../../../test/factories.js";

let t: TestApp;
let webDir: string;
let staffCookie: string;
const indexHtml = "<!doctype html><html><head><title>Portico</title></head><body></body></html>";
const appJs = "console.log('app');\n".repeat(50);

beforeAll(async () => {
  // A stand-in for the built web app, so these tests do not depend on `npm run build`.
  webDir = await mkdtemp(join(tmpdir(), "portico-web-"));
  await mkdir(join(webDir, "assets"));
  await writeFile(join(webDir, "index.html"), indexHtml);
  // As the build leaves them: each asset beside its brotli and gzip forms.
  await writeFile(join(webDir, "assets", "app-1a2b3c.js"), appJs);
  await writeFile(join(webDir, "assets", "app-1a2b3c.js.br"), brotliCompressSync(appJs));
  await writeFile(join(webDir, "assets", "app-1a2b3c.js.gz"), gzipSync(appJs));
  await writeFile(join(webDir, "robots.txt"), "User-agent: *\n");
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

describe("built assets", () => {
  const asset = "/assets/app-1a2b3c.js";
  const immutable = "public, max-age=31536000, immutable";

  it("sends the brotli form to a browser that accepts it, cached for a year", async () => {
    const response = await t.request({
      method: "GET",
      url: asset,
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.headers["content-type"]).toMatch(/javascript/);
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(response.headers["cache-control"]).toBe(immutable);
    expect(brotliDecompressSync(response.rawPayload).toString()).toBe(appJs);
  });

  it("sends gzip where brotli is not accepted, and the plain file where neither is", async () => {
    const gzip = await t.request({
      method: "GET",
      url: asset,
      headers: { "accept-encoding": "gzip" },
    });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    expect(gzip.headers["cache-control"]).toBe(immutable);
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(appJs);

    const plain = await t.request({
      method: "GET",
      url: asset,
      headers: { "accept-encoding": "identity" },
    });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    // A shared cache must not hand this plain answer to a browser that accepts brotli.
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.headers["cache-control"]).toBe(immutable);
    expect(plain.body).toBe(appJs);
  });

  it("never marks the page or files outside the hashed assets as immutable", async () => {
    const page = await t.request({ method: "GET", url: "/sign-in" });
    expect(page.headers["cache-control"]).toBe("no-cache");
    const unhashed = await t.request({ method: "GET", url: "/robots.txt" });
    expect(unhashed.statusCode).toBe(200);
    expect(unhashed.headers["cache-control"]).toBe("no-cache");
  });
});
