import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailbox } from "../test/mailbox.js";
import {
  expectNoAxeViolations,
  launchBrowser,
  openPage,
  type RunningServer,
  removeDataDir,
  signInAsStaff,
  startServer,
} from "./harness.js";

// A real SMTP server keeps the mail, so a reset link is read from the person's own mailbox.
let mailbox: Awaited<ReturnType<typeof startMailbox>>;
let server: RunningServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  mailbox = await startMailbox();
  [server, browser] = await Promise.all([
    startServer({ env: { SIGN_IN_RATE_LIMIT: "100", SMTP_URL: mailbox.url } }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (server) await removeDataDir(server.dataDir);
  await mailbox?.close();
});

const PASSWORD = "demo-password";

async function staffSignedIn(email: string) {
  const opened = await openPage(browser, server.url);
  await signInAsStaff(opened.page, email);
  return opened;
}

/** The authenticator app: codes computed from the key the set-up screen shows. */
function authenticatorFor(key: string) {
  const totp = new TOTP({
    secret: Secret.fromBase32(key.replace(/\s/g, "")),
    digits: 6,
    period: 30,
  });
  return {
    /** The code of the next time step: newer than any used so far, and still inside the window. */
    nextCode: () => totp.generate({ timestamp: Date.now() + 30_000 }),
    code: () => totp.generate(),
  };
}

/** Account → set up two-factor, checking each screen; answers the app and the backup codes. */
async function setUpTwoFactor(page: Page, screenName: string) {
  await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("img", { name: /QR code/ }).waitFor();
  await expectNoAxeViolations(page, `${screenName}: QR code and key`);
  const app = authenticatorFor((await page.locator("[data-setup-key]").textContent()) ?? "");
  await page.getByLabel("Authentication code").fill(app.code());
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  const codes = page.getByRole("list", { name: "Backup codes" }).getByRole("listitem");
  await codes.first().waitFor();
  expect(await codes.count()).toBe(10);
  await expectNoAxeViolations(page, `${screenName}: backup codes`);
  return { app, backupCodes: await codes.allTextContents() };
}

async function passwordStep(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL("**/sign-in");
}

describe("the Account page", () => {
  it("sets up two-factor; sign-in then asks for the code, and a backup code works instead", async () => {
    const { page, context, problems } = await staffSignedIn("ben@northwind.test");
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByRole("heading", { level: 1, name: "Account" }).waitFor();
    await expectNoAxeViolations(page, "Account");
    const { app, backupCodes } = await setUpTwoFactor(page, "Account");
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByText("Two-factor sign-in is on.").waitFor();

    await signOut(page);
    await passwordStep(page, "ben@northwind.test");
    await page.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
    await expectNoAxeViolations(page, "sign-in code step");
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("That code is not right").waitFor();
    await page.getByLabel("Authentication code").fill(app.nextCode());
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/clients");

    await signOut(page);
    await passwordStep(page, "ben@northwind.test");
    await page.getByRole("button", { name: "Use a backup code instead" }).click();
    await page.getByLabel("Backup code").fill(backupCodes[0] ?? "");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/clients");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("fits a 390 px screen, and the portal has one for contacts", async () => {
    const { page, context } = await staffSignedIn("chloe@northwind.test");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/account");
    await page.getByRole("heading", { level: 1, name: "Account" }).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await expectNoAxeViolations(page, "Account at 390 px");
    await context.close();

    const portal = await openPage(browser, server.url);
    await portal.page.goto("/portal/sign-in");
    await portal.page.getByLabel("Email").fill("dana@acme.test");
    await portal.page.getByLabel("Password").fill(PASSWORD);
    await portal.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await portal.page.waitForURL(/\/portal\/clients\//);
    await portal.page.getByRole("link", { name: "Account" }).click();
    await portal.page.getByRole("heading", { level: 1, name: "Account" }).waitFor();
    await expect.poll(() => portal.page.url()).toMatch(/\/portal\/account$/);
    await expectNoAxeViolations(portal.page, "portal Account");
    await portal.page.getByRole("button", { name: "Sign out of other sessions" }).click();
    await portal.page.getByText("You are signed out everywhere except here.").waitFor();
    await portal.context.close();
  });
});

describe("a forgotten password and a firm requiring two-factor", () => {
  it("resets a staff password from the sign-in page, then sets up the two-factor the firm requires", async () => {
    // The owner sets up two-factor and requires it of everyone.
    const owner = await staffSignedIn("ada@northwind.test");
    await owner.page.goto("/account");
    await setUpTwoFactor(owner.page, "owner's Account");
    await owner.page.getByRole("button", { name: "Done" }).click();
    const requireTwoFactor = owner.page.getByLabel("Require two-factor for all staff");
    await requireTwoFactor.check();
    // The box is held while the change is saved; closing the page sooner would drop the request.
    await expect.poll(() => requireTwoFactor.isEnabled()).toBe(true);
    await owner.page.reload();
    await expect.poll(() => requireTwoFactor.isChecked()).toBe(true);
    await owner.context.close();

    const { page, context, problems } = await openPage(browser, server.url);
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
    await expectNoAxeViolations(page, "staff Forgot password");
    await page.getByLabel("Email").fill("chloe@northwind.test");
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByText(/we sent a link to choose a new password/).waitFor();

    await expect
      .poll(() => mailbox.mailsTo("chloe@northwind.test").length, { timeout: 20_000 })
      .toBe(1);
    const link = /(http:\/\/\S+reset-password\S+)/.exec(
      mailbox.mailsTo("chloe@northwind.test")[0]?.text ?? "",
    )?.[1];
    expect(link).toBeTruthy();
    await page.goto(link ?? "");
    await page.waitForURL(/\/reset-password\?token=/);
    await expectNoAxeViolations(page, "staff Choose a new password");
    await page.getByLabel("New password").fill("a whole new password");
    await page.getByLabel("Repeat the password").fill("a whole new password");
    await page.getByRole("button", { name: "Save password" }).click();
    await page.getByText("Your password is changed.").waitFor();

    // The link works once.
    await page.goto(link ?? "");
    await expect.poll(() => page.url()).toContain("error=INVALID_TOKEN");

    // With the new password, the firm's requirement comes first.
    await passwordStep(page, "chloe@northwind.test", "a whole new password");
    await page.waitForURL("**/two-factor-setup");
    await page.getByRole("heading", { name: "Set up two-factor authentication" }).waitFor();
    await expectNoAxeViolations(page, "required two-factor set-up");
    await page.goto("/clients");
    await page.waitForURL("**/two-factor-setup");
    await page.getByRole("textbox", { name: "Password", exact: true }).fill("a whole new password");
    await page.getByRole("button", { name: "Continue" }).click();
    const key = (await page.locator("[data-setup-key]").textContent()) ?? "";
    await page.getByLabel("Authentication code").fill(authenticatorFor(key).code());
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL("**/clients");
    await page.getByRole("link", { name: "Acme Bakery" }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
