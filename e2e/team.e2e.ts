import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoAxeViolations,
  openPage,
  removeDataDir,
  runAppAndBrowser,
  startServer,
} from "./harness.js";

// A real install: no demo data, an empty data directory, the setup link in the server's output.
const app = runAppAndBrowser({ env: { DEMO_DATA: "false", SIGN_IN_RATE_LIMIT: "100" } });

const OWNER = { name: "Hana Harbor", email: "hana@harbor.test", password: "harbor-owner-pass" };
const TEAMMATE = { name: "Tess Teammate", email: "tess@harbor.test", password: "tess-teammate-pw" };
/** How long another person's action may take to show up without a reload. */
const live = { timeout: 5_000 };

function setupLinkFromOutput(output: string, url: string): string {
  const match = new RegExp(`${url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/setup\\?token=\\S+`).exec(
    output,
  );
  if (!match) throw new Error(`no setup link in the server's output:\n${output}`);
  return match[0];
}

async function openHeaderLink(page: Page, name: "Team" | "Outbox") {
  await page.getByRole("banner").getByRole("link", { name }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

describe("a firm adopts Portico", () => {
  it("sets up, adds a client, invites a teammate who joins and is mentioned, then deactivates them", async () => {
    const output = app.server.output();
    expect(output).toContain("Demo data: off (DEMO_DATA=false).");
    expect(output).not.toContain("demo-password");
    const setupLink = setupLinkFromOutput(output, app.server.url);

    // Without the link, or with a wrong one, the page says where the link is.
    const owner = await openPage(app.browser, app.server.url);
    const page = owner.page;
    await page.goto("/setup");
    await page.getByRole("heading", { name: "Open the setup link" }).waitFor();
    expect(await page.getByText("the server printed when it started").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Create firm" }).count()).toBe(0);
    await expectNoAxeViolations(page, "setup without a link");
    await page.goto("/setup?token=not-the-right-token-at-all-000000000000");
    await page.getByRole("heading", { name: "Open the setup link" }).waitFor();

    // With the link: the firm and its owner, signed in, at an empty client list.
    await page.goto(setupLink);
    await page.getByRole("heading", { name: "Set up your firm" }).waitFor();
    await expectNoAxeViolations(page, "setup form");
    await page.getByLabel("Firm name").fill("Harbor Tax");
    await page.getByLabel("Your name").fill(OWNER.name);
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Create firm" }).click();
    await page.waitForURL("**/clients");
    await expect.poll(() => page.getByRole("banner").textContent()).toContain("Harbor Tax");
    const emptyState = page.getByRole("cell").filter({ hasText: "No clients yet." });
    await emptyState.waitFor();
    await expectNoAxeViolations(page, "empty client list");

    await emptyState.getByRole("button", { name: "Add client" }).click();
    const addClient = page.getByRole("dialog", { name: "Add client" });
    await addClient.getByLabel("Name").fill("Acme Bakery");
    await addClient.getByRole("button", { name: "Add client" }).click();
    await page.getByRole("heading", { level: 1, name: "Acme Bakery" }).waitFor();

    // Invite a teammate from the Team page.
    await openHeaderLink(page, "Team");
    await page.getByRole("list", { name: "Team members" }).getByText(OWNER.name).waitFor();
    await expectNoAxeViolations(page, "team page");
    await page.getByRole("button", { name: "Invite teammate" }).click();
    const invite = page.getByRole("dialog", { name: "Invite teammate" });
    await invite.getByLabel("Name").fill(TEAMMATE.name);
    await invite.getByLabel("Email").fill(TEAMMATE.email);
    await invite.getByLabel("Role").selectOption("member");
    await expectNoAxeViolations(page, "invite teammate dialog");
    await invite.getByRole("button", { name: "Send invitation" }).click();
    const invitations = page.getByRole("list", { name: "Pending invitations" });
    await invitations.getByText(TEAMMATE.name).waitFor();
    expect(await invitations.textContent()).toContain("Invited");
    await expectNoAxeViolations(page, "team page with a pending invitation");

    // No SMTP: the invitation's link is read on the Outbox page.
    await openHeaderLink(page, "Outbox");
    const mail = page.getByRole("article").filter({ hasText: `To: ${TEAMMATE.email}` });
    const link = await mail
      .getByRole("link", { name: /\/team\/invitation\// })
      .getAttribute("href");
    expect(link).toMatch(new RegExp(`^${app.server.url}/team/invitation/[^/]+$`));

    // The teammate accepts in a browser of their own.
    const teammate = await openPage(app.browser, app.server.url);
    await teammate.page.goto(link ?? "");
    await teammate.page.getByRole("heading", { name: `Welcome, ${TEAMMATE.name}` }).waitFor();
    await expectNoAxeViolations(teammate.page, "teammate invitation");
    await teammate.page.getByLabel("New password").fill(TEAMMATE.password);
    await teammate.page.getByLabel("Repeat the password").fill(TEAMMATE.password);
    await teammate.page.getByRole("button", { name: "Join the team" }).click();
    await teammate.page.waitForURL("**/clients");
    await teammate.page.getByRole("link", { name: "Acme Bakery" }).waitFor();
    // A member sees neither Team nor Outbox.
    const teammateBanner = teammate.page.getByRole("banner");
    expect(await teammateBanner.getByRole("link", { name: "Team" }).count()).toBe(0);
    expect(await teammateBanner.getByRole("link", { name: "Outbox" }).count()).toBe(0);

    // The owner mentions the new teammate in a message.
    await page.goto("/clients");
    await page.getByRole("link", { name: "Acme Bakery" }).click();
    await page
      .getByRole("navigation", { name: "Client sections" })
      .getByRole("link", { name: /^Messages/ })
      .click();
    await page.getByRole("button", { name: "Start Conversation" }).click();
    await page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    const composer = page.getByRole("textbox", { name: "Message", exact: true });
    await composer.click();
    await page.keyboard.type("Welcome aboard @tes");
    const suggestions = page.getByRole("listbox", { name: "Team members" });
    await suggestions.getByRole("option", { name: new RegExp(TEAMMATE.name) }).click();
    await page.keyboard.type("glad to have you.");
    await page.keyboard.press("Control+Enter");
    const sent = page
      .getByRole("region", { name: "Message history" })
      .locator("li[data-message-id]")
      .filter({ hasText: "glad to have you." });
    await sent.waitFor();
    expect(await sent.locator(".mention").textContent()).toBe(`@${TEAMMATE.name}`);

    // The owner deactivates the teammate; the teammate's open page is signed out at once.
    await openHeaderLink(page, "Team");
    await page.getByRole("button", { name: `Deactivate ${TEAMMATE.name}` }).click();
    const confirm = page.getByRole("alertdialog", { name: `Deactivate ${TEAMMATE.name}?` });
    await expectNoAxeViolations(page, "deactivate confirmation");
    await confirm.getByRole("button", { name: "Deactivate" }).click();
    await page.getByRole("button", { name: `Reactivate ${TEAMMATE.name}` }).waitFor();
    expect(
      await page.getByRole("list", { name: `About ${TEAMMATE.name}` }).textContent(),
    ).toContain("Deactivated");
    await teammate.page.waitForURL(/\/sign-in/, live);

    // They cannot sign in again.
    await teammate.page.getByLabel("Email").fill(TEAMMATE.email);
    await teammate.page.getByLabel("Password").fill(TEAMMATE.password);
    await teammate.page.getByRole("button", { name: "Sign in" }).click();
    await teammate.page.getByText("Your firm has deactivated this sign-in.").waitFor();

    // The Team page is usable on a phone: nothing wider than the screen, every action reachable.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Team" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    for (const name of ["Invite teammate", `Reactivate ${TEAMMATE.name}`]) {
      const box = await page.getByRole("button", { name }).boundingBox();
      expect(box, name).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    }
    await expectNoAxeViolations(page, "team page at 390 px");

    // The setup link is spent: it now says setup is done.
    await page.goto(setupLink);
    await page.getByRole("heading", { name: "Portico is set up" }).waitFor();
    await expectNoAxeViolations(page, "setup after it is done");
    expect([...owner.problems, ...teammate.problems]).toEqual([]);
  }, 180_000);
});

describe("the start banner", () => {
  /** Three starts of the real server, one after another, need more than the usual minute. */
  const threeStarts = 180_000;

  it(
    "prints a new setup link at each start until the firm exists",
    async () => {
      const first = await startServer({ env: { DEMO_DATA: "false" } });
      const firstLink = setupLinkFromOutput(first.output(), first.url);
      await first.stop();
      const second = await startServer({ dataDir: first.dataDir, env: { DEMO_DATA: "false" } });
      try {
        const secondLink = setupLinkFromOutput(second.output(), second.url);
        expect(secondLink.split("token=")[1]).not.toBe(firstLink.split("token=")[1]);
        const response = await fetch(`${second.url}/api/setup?${secondLink.split("?")[1]}`);
        expect(await response.json()).toEqual({ state: "ready" });
      } finally {
        await second.stop();
        await removeDataDir(first.dataDir);
      }
    },
    threeStarts,
  );

  it(
    "says when demo data is on, that its passwords are public, and how to start a real install",
    async () => {
      const demo = await startServer();
      try {
        const output = demo.output();
        expect(output).toContain("Demo data: on (DEMO_DATA=true). Its passwords are public");
        expect(output).toContain("For a real install, start with DEMO_DATA=false");
        expect(output).toContain("ada@northwind.test");
        expect(output).not.toContain("/setup?token=");
      } finally {
        await demo.stop();
        await removeDataDir(demo.dataDir);
      }
    },
    threeStarts,
  );
});
