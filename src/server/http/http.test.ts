import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildFirm, buildStaff, type TestFirm } from "../../../test/factories.js";
import { decidePage } from "./pages.js";

let t: TestApp;
let firm: TestFirm;
let staffCookie: string;
beforeAll(async () => {
  t = await createTestApp();
  firm = await buildFirm(t.database.db);
  staffCookie = await t.signIn((await buildStaff(t.database.db, firm)).email);
});
afterAll(() => t.close());

describe("security headers", () => {
  it("send a Content-Security-Policy that allows only our own scripts", async () => {
    const response = await t.request({ method: "GET", url: "/api/openapi.json" });
    const policy = String(response.headers["content-security-policy"]);
    const scriptSrc = policy.split(";").find((directive) => directive.startsWith("script-src "));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("refuse a state-changing API call without an Origin header", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/clients",
      payload: { name: "No origin" },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("bad_origin");
  });

  it("refuse a cross-site request however its path is spelled, and change nothing", async () => {
    const client = await buildClient(t.database.db, firm, "Kept Client");
    const contactsUrl = `/%61pi/clients/${client.id}/contacts`;
    const attempts = [
      { method: "POST", url: "/%61pi/clients", payload: { name: "Forged Client" } },
      { method: "POST", url: "/api%2Fclients", payload: { name: "Forged Client" } },
      { method: "POST", url: contactsUrl, payload: { name: "Forged Contact", email: "" } },
      { method: "DELETE", url: `/%61pi/clients/${client.id}/contacts/${crypto.randomUUID()}` },
    ] as const;
    for (const attempt of attempts) {
      // A cross-site form post carries the victim's cookie and no Origin of ours.
      for (const origin of [undefined, "http://evil.example"]) {
        const response = await t.app.inject({
          ...attempt,
          headers: { cookie: staffCookie, ...(origin ? { origin } : {}) },
        });
        expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
        expect(response.json().error.code).toBe("bad_origin");
      }
    }
    const clients = await t.request({ method: "GET", url: "/api/clients", cookie: staffCookie });
    expect(clients.json().clients.map((row: { name: string }) => row.name)).toEqual([
      "Kept Client",
    ]);
    const contacts = await t.request({
      method: "GET",
      url: `/api/clients/${client.id}/contacts`,
      cookie: staffCookie,
    });
    expect(contacts.json().contacts).toEqual([]);
  });

  it("answer unknown API paths with a JSON 404", async () => {
    const response = await t.request({ method: "GET", url: "/api/nothing-here" });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("not_found");
  });
});

describe("page routing by who is signed in", () => {
  it("sends signed-out visitors to the sign-in of the side they asked for", () => {
    expect(decidePage("/", "", null)).toEqual({ redirect: "/sign-in" });
    expect(decidePage("/clients/1", "?tab=x", null)).toEqual({
      redirect: "/sign-in?next=%2Fclients%2F1%3Ftab%3Dx",
    });
    expect(decidePage("/portal/clients/1", "", null)).toEqual({
      redirect: "/portal/sign-in?next=%2Fportal%2Fclients%2F1",
    });
    expect(decidePage("/portal/invitation/abc", "", null)).toEqual({ serve: true });
    expect(decidePage("/portal/reset-password", "?token=x", null)).toEqual({ serve: true });
    expect(decidePage("/forgot-password", "", null)).toEqual({ serve: true });
    expect(decidePage("/reset-password", "?token=x", null)).toEqual({ serve: true });
  });

  it("sends staff whose firm requires two-factor, not yet set up, to set it up first", () => {
    for (const path of ["/", "/clients", "/account", "/outbox", "/sign-in"]) {
      expect(decidePage(path, "", "staff", true)).toEqual({ redirect: "/two-factor-setup" });
    }
    expect(decidePage("/two-factor-setup", "", "staff", true)).toEqual({ serve: true });
    expect(decidePage("/two-factor-setup", "", null)).toEqual({
      redirect: "/sign-in?next=%2Ftwo-factor-setup",
    });
  });

  it("keeps staff on staff pages and contacts on portal pages", () => {
    expect(decidePage("/clients", "", "staff")).toEqual({ serve: true });
    expect(decidePage("/portal", "", "staff")).toEqual({ redirect: "/clients" });
    expect(decidePage("/portal", "", "contact")).toEqual({ serve: true });
    expect(decidePage("/clients", "", "contact")).toEqual({ redirect: "/portal" });
    expect(decidePage("/sign-in", "", "staff")).toEqual({ redirect: "/clients" });
    expect(decidePage("/portal/sign-in", "", "contact")).toEqual({ redirect: "/portal" });
    expect(decidePage("/", "", "contact")).toEqual({ redirect: "/portal" });
  });
});

describe("serving the built web app", () => {
  let web: TestApp;
  let webDir: string;
  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), "portico-web-"));
    await mkdir(join(webDir, "assets"));
    await writeFile(join(webDir, "index.html"), "<!doctype html><title>Portico</title>");
    await writeFile(join(webDir, "assets", "app-1a2b.js"), "console.log('app');");
    await writeFile(join(webDir, "assets", "app-1a2b.js.map"), '{"version":3,"sources":[]}');
    web = await createTestApp({}, { webDir });
  });
  afterAll(async () => {
    await web?.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it("serves the app's scripts and pages", async () => {
    const script = await web.request({ method: "GET", url: "/assets/app-1a2b.js" });
    expect(script.statusCode).toBe(200);
    expect(script.body).toBe("console.log('app');");
    const page = await web.request({ method: "GET", url: "/sign-in" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<title>Portico</title>");
  });

  it("never serves a source map, even one that is on disk", async () => {
    for (const url of ["/assets/app-1a2b.js.map", "/assets/app-1a2b.js.map?v=1", "/x.css.map"]) {
      const response = await web.request({ method: "GET", url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).not.toContain("sources");
    }
  });
});
