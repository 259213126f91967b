import { rm } from "node:fs/promises";
import axe from "axe-core";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";

import { type RunningServer, startServer } from "../test/processes.js";

export { freePort, type RunningServer, startServer } from "../test/processes.js";

export async function removeDataDir(dataDir: string) {
  await rm(dataDir, { recursive: true, force: true });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A fresh browser profile and page. `problems` collects script errors and CSP violations, which
 * fail any test; `consoleOutput` collects every console warning and error, for the checks that
 * a page load is silent (a failed request a test provokes on purpose logs one too).
 */
export async function openPage(
  browser: Browser,
  baseURL: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[]; consoleOutput: string[] }> {
  const context = await browser.newContext({ ...options, baseURL });
  const page = await context.newPage();
  const problems: string[] = [];
  const consoleOutput: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    const type = message.type();
    if (type === "error" && /Content Security Policy/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    }
    if (type === "warning" || type === "error") {
      consoleOutput.push(`${type} on ${page.url()}: ${message.text()}`);
    }
  });
  return { context, page, problems, consoleOutput };
}

/**
 * Holds the page's requests to matching addresses (of one method, if given) until released, as
 * a slow network would.
 */
export async function holdRequests(page: Page, address: RegExp, method?: string) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let markRequested = () => {};
  const requested = new Promise<void>((resolve) => {
    markRequested = resolve;
  });
  await page.route(address, async (route) => {
    if (method && route.request().method() !== method) return route.fallback();
    markRequested();
    await released;
    await route.continue();
  });
  return { requested, release };
}

/** Runs axe-core (WCAG 2.2 A and AA rules) on the page and expects zero violations. */
export async function expectNoAxeViolations(page: Page, screen: string) {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map(
      (violation) =>
        `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
    );
  });
  expect(violations, `axe violations on ${screen}`).toEqual([]);
}

/** Signs in through the form, as a person would. */
export async function signInAsStaff(page: Page, email: string, password = "demo-password") {
  await page.goto("/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/clients");
}

/** Signs a contact in through the portal's form and waits for their first client's page. */
export async function signInAsContact(page: Page, email: string, password = "demo-password") {
  await page.goto("/portal/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/portal\/clients\/[0-9a-f-]{36}/);
}

/**
 * Starts the app and a browser before a file's tests and stops both after; the file reads
 * `app.server` and `app.browser` once its tests run.
 */
export function runAppAndBrowser(options: Parameters<typeof startServer>[0] = {}) {
  const app = {} as { server: RunningServer; browser: Browser };
  beforeAll(async () => {
    [app.server, app.browser] = await Promise.all([startServer(options), launchBrowser()]);
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
    if (app.server) await removeDataDir(app.server.dataDir);
  });
  return app;
}
