import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, runAppAndBrowser } from "./harness.js";

const app = runAppAndBrowser();

/** `next` values that look like paths but lead a browser to another host. */
const craftedNexts = ["/%5Cevil.test/steal", "/%09/evil.test/steal"];

async function signInThroughForm(page: Page, signInPath: string, email: string) {
  await page.goto(signInPath);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

describe("signing in from a link with a crafted next", () => {
  it("keeps staff on the site", async () => {
    for (const next of craftedNexts) {
      const { page, context, problems } = await openPage(app.browser, app.server.url);
      await signInThroughForm(page, `/sign-in?next=${next}`, "ada@northwind.test");
      await page.waitForURL(`${app.server.url}/clients`);
      await page.getByRole("heading", { name: "Clients" }).waitFor();
      expect(new URL(page.url()).origin, next).toBe(app.server.url);
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it("keeps contacts on the site", async () => {
    for (const next of craftedNexts) {
      const { page, context, problems } = await openPage(app.browser, app.server.url);
      await signInThroughForm(page, `/portal/sign-in?next=${next}`, "dana@acme.test");
      await page.waitForURL(/\/portal\/clients\//);
      expect(new URL(page.url()).origin, next).toBe(app.server.url);
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it("still opens a page of the site that was asked for", async () => {
    const { page, context, problems } = await openPage(app.browser, app.server.url);
    await signInThroughForm(page, "/sign-in?next=%2Foutbox", "ada@northwind.test");
    await page.waitForURL(`${app.server.url}/outbox`);
    await page.getByRole("heading", { name: "Outbox" }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
