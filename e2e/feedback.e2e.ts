import type { BrowserContextOptions, Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoAxeViolations,
  openPage,
  runAppAndBrowser,
  signInAsContact,
  signInAsStaff,
} from "./harness.js";

const app = runAppAndBrowser({ env: { SIGN_IN_RATE_LIMIT: "100" } });

const uuid = "[0-9a-f-]{36}";
/** How long another person's action may take to show up without a reload. */
const live = { timeout: 5_000 };

const thread = (page: Page) => page.getByRole("region", { name: "Message history" });
const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const messageRow = (page: Page, text: string) =>
  thread(page).locator("li[data-message-id]").filter({ hasText: text });

async function staffSignedIn(email = "ada@northwind.test", options: BrowserContextOptions = {}) {
  const opened = await openPage(app.browser, app.server.url, options);
  await signInAsStaff(opened.page, email);
  return opened;
}

async function contactSignedIn(email: string) {
  const opened = await openPage(app.browser, app.server.url);
  await signInAsContact(opened.page, email);
  return opened;
}

/** Client list → client record → a section of its sidebar. */
async function openClientSection(page: Page, clientName: string, section: "Messages" | "Contacts") {
  await page.goto("/clients");
  await page.getByRole("link", { name: clientName }).click();
  await page.getByRole("heading", { level: 1, name: clientName }).waitFor();
  await page
    .getByRole("navigation", { name: "Client sections" })
    .getByRole("link", { name: new RegExp(`^${section}`) })
    .click();
}

/** The error text a field is described by (what a screen reader reads with it). */
async function fieldError(field: Locator): Promise<string | null> {
  const ids = (await field.getAttribute("aria-describedby")) ?? "";
  const page = field.page();
  const texts = await Promise.all(
    ids
      .split(" ")
      .filter(Boolean)
      .map((id) => page.locator(`[id="${id}"]`).textContent()),
  );
  return (await field.getAttribute("aria-invalid")) === "true" ? texts.join(" ") : null;
}

describe("clearer feedback", () => {
  it("says when the browser is offline, holds a send as waiting, and sends it once back", async () => {
    const { page, context, problems } = await staffSignedIn();
    await openClientSection(page, "Globex Ltd", "Messages");
    await composer(page).waitFor();
    const banner = page.getByRole("status").filter({ hasText: /offline|connection/i });
    expect(await banner.count()).toBe(0);

    await context.setOffline(true);
    await banner.waitFor();
    expect(await banner.textContent()).toContain("You are offline");
    await composer(page).click();
    await page.keyboard.type("Sent while the train was in a tunnel");
    await page.keyboard.press("Control+Enter");
    const waiting = page.getByRole("button", { name: "Waiting for connection" });
    await waiting.waitFor();
    expect(await waiting.isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Sending…" }).count()).toBe(0);
    await expectNoAxeViolations(page, "offline banner with a send waiting");

    await context.setOffline(false);
    await messageRow(page, "Sent while the train was in a tunnel").waitFor(live);
    await banner.waitFor({ state: "detached", ...live });
    await expect.poll(() => composer(page).textContent()).toBe("");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("counts characters near the length limit, blocks Send past it, and offers Retry only where it can help", async () => {
    const { page, context, problems } = await staffSignedIn();
    await openClientSection(page, "Globex Ltd", "Messages");
    await composer(page).click();
    await page.keyboard.insertText("a".repeat(9_995));
    const send = page.getByRole("button", { name: "Send", exact: true });
    await page.getByText("5 characters left").waitFor();
    expect(await send.isEnabled()).toBe(true);
    await page.keyboard.insertText("b".repeat(7));
    await page.getByText(/^2 characters too many/).waitFor();
    expect(await send.isDisabled()).toBe(true);
    await expectNoAxeViolations(page, "composer past the length limit");
    await page.keyboard.press("Control+Enter");
    expect(await page.getByRole("alert").filter({ hasText: "Not sent" }).count()).toBe(0);

    // A refusal cannot be fixed by trying again: no Retry. A lost connection can: Retry.
    await page.keyboard.press("Control+a");
    await page.keyboard.type("Short again");
    await page.route("**/api/conversations/*/messages", (route) =>
      route.request().method() === "POST"
        ? route.fulfill({
            status: 403,
            contentType: "application/json",
            body: JSON.stringify({
              error: { code: "forbidden", message: "You may not write in this conversation." },
            }),
          })
        : route.continue(),
    );
    await send.click();
    const refused = page.getByRole("alert").filter({ hasText: "Not sent" });
    await refused.waitFor();
    expect(await refused.textContent()).toContain("You may not write in this conversation.");
    expect(await refused.getByRole("button", { name: "Retry" }).count()).toBe(0);
    await page.unroute("**/api/conversations/*/messages");
    await page.route("**/api/conversations/*/messages", (route) =>
      route.request().method() === "POST" ? route.abort("connectionreset") : route.continue(),
    );
    await send.click();
    await refused.getByRole("button", { name: "Retry" }).waitFor();
    await page.unroute("**/api/conversations/*/messages");
    await refused.getByRole("button", { name: "Retry" }).click();
    await messageRow(page, "Short again").waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows a conversation that does not exist as not found at once, without asking again", async () => {
    const { page, context } = await staffSignedIn();
    await openClientSection(page, "Globex Ltd", "Messages");
    await composer(page).waitFor();
    // The socket's "ready" refetches what is on screen; let that happen before counting.
    await page.waitForLoadState("networkidle");
    const clientId = page.url().match(new RegExp(`/clients/(${uuid})`))?.[1];
    const missing = crypto.randomUUID();
    const asked: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes(`/api/conversations/${missing}/messages`))
        asked.push(request.url());
    });
    // Followed inside the open app, as a stale link would be: its socket is already live, so the
    // only thing that could ask again is a retry (a fresh page's socket refetches once it is ready).
    await page.evaluate((path) => {
      window.history.pushState({}, "", path);
      window.dispatchEvent(new PopStateEvent("popstate"));
    }, `/clients/${clientId}/messages/${missing}`);
    const alert = thread(page).getByRole("alert");
    await alert.waitFor();
    const askedBeforeShown = asked.length;
    expect(await alert.textContent()).toMatch(/not found/i);
    expect(askedBeforeShown).toBe(1);
    await context.close();
  });

  it("says an invitation waits in the Outbox when no mail server is set up, with a link for those who may open it", async () => {
    const ada = await staffSignedIn();
    await openClientSection(ada.page, "Acme Bakery", "Contacts");
    await ada.page.getByRole("button", { name: "Invite to portal: Fay Lin" }).click();
    const said = ada.page.locator("output").filter({ hasText: "invitation" });
    await said.waitFor();
    expect(await said.textContent()).toContain("was not e-mailed: it waits in the Outbox");
    expect(await said.textContent()).not.toContain("Invitation sent");
    const toOutbox = said.getByRole("link", { name: "Open the Outbox" });
    await expectNoAxeViolations(ada.page, "contact invitation left in the Outbox");
    await toOutbox.click();
    await ada.page.getByRole("heading", { level: 1, name: "Outbox" }).waitFor();

    await ada.page.goto("/team");
    await ada.page.getByRole("button", { name: "Invite teammate" }).click();
    const dialog = ada.page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Hana Moss");
    await dialog.getByLabel("Email").fill("hana@northwind.test");
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    const teamSaid = ada.page.locator("output").filter({ hasText: "hana@northwind.test" });
    await teamSaid.waitFor();
    expect(await teamSaid.textContent()).toContain("waits in the Outbox");
    await teamSaid.getByRole("link", { name: "Open the Outbox" }).waitFor();
    await expectNoAxeViolations(ada.page, "teammate invitation left in the Outbox");

    // A member may not open the Outbox: the same news, without a link they could not follow.
    const ben = await staffSignedIn("ben@northwind.test");
    await openClientSection(ben.page, "Acme Bakery", "Contacts");
    await ben.page.getByRole("button", { name: "Resend invitation: Fay Lin" }).click();
    const benSaid = ben.page.locator("output").filter({ hasText: "invitation" });
    await benSaid.waitFor();
    expect(await benSaid.textContent()).toContain("Ask an owner or admin");
    expect(await benSaid.getByRole("link").count()).toBe(0);

    // The invitation's own page: passwords that differ are flagged under the repeat field.
    await ada.page.goto("/outbox");
    const href = await ada.page
      .getByRole("article")
      .filter({ hasText: "To: fay@acme.test" })
      .first()
      .getByRole("link", { name: /\/portal\/invitation\// })
      .getAttribute("href");
    const fay = await openPage(app.browser, app.server.url);
    await fay.page.goto(href ?? "");
    await fay.page.getByLabel("New password").fill("a perfectly fine password");
    await fay.page.getByLabel("Repeat the password").fill("a perfectly fine passw0rd");
    await fay.page.getByRole("button", { name: "Set password and continue" }).click();
    const repeat = fay.page.getByLabel("Repeat the password");
    await expect.poll(() => fieldError(repeat)).toBe("The two passwords are not the same.");
    expect(await fieldError(fay.page.getByLabel("New password"))).toBeNull();
    await expectNoAxeViolations(fay.page, "passwords differ, under the repeat field");

    for (const opened of [ada, ben, fay]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
  });

  it("puts our own words beside the empty sign-in fields, not the auth library's", async () => {
    const { page, context } = await openPage(app.browser, app.server.url);
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => fieldError(page.getByLabel("Email")))
      .toBe("Enter the e-mail address you sign in with.");
    expect(await fieldError(page.getByLabel("Password"))).toBe("Enter your password.");
    expect(await page.getByText(/Invalid email/i).count()).toBe(0);
    await expectNoAxeViolations(page, "empty staff sign-in");
    await context.close();
  });

  it("marks only the current page as current: not the way back to All clients", async () => {
    const { page, context } = await staffSignedIn();
    await openClientSection(page, "Globex Ltd", "Messages");
    await composer(page).waitFor();
    const back = page.getByRole("link", { name: "← All clients" });
    expect(await back.getAttribute("aria-current")).toBeNull();
    const current = page
      .getByRole("navigation", { name: "Client sections" })
      .locator("[aria-current=page]");
    expect(await current.count()).toBe(1);
    expect(await current.textContent()).toMatch(/^Messages/);
    // Outside the sections, only the open conversation is marked (it is what the page shows).
    const marked = await page.locator("[aria-current]").allTextContents();
    expect(marked.some((text) => text.includes("All clients"))).toBe(false);
    await context.close();
  });

  it("tells a contact whose access was revoked that it ended, and whom to ask", async () => {
    const eli = await contactSignedIn("eli@acme.test");
    const ada = await staffSignedIn();
    await openClientSection(ada.page, "Acme Bakery", "Contacts");
    await ada.page.getByRole("button", { name: "Revoke access: Eli Stone" }).click();
    await ada.page.getByRole("alertdialog").getByRole("button", { name: "Revoke access" }).click();

    await eli.page.waitForURL(/\/portal\/sign-in/, live);
    const sentence = eli.page.getByText(
      "Your access to Northwind Accounting's client portal has ended",
    );
    await sentence.waitFor();
    expect(await sentence.textContent()).toContain("ask Northwind Accounting to invite you again");
    await expectNoAxeViolations(eli.page, "portal sign-in after access was revoked");
    for (const opened of [eli, ada]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
  });

  it("shows dates and times in one format, from the browser's locale, the Outbox included", async () => {
    const { page, context } = await staffSignedIn("ada@northwind.test", {
      locale: "de-DE",
      timezoneId: "Europe/Berlin",
    });
    const oneFormat = (iso: string) =>
      page.evaluate(
        (at) =>
          new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(
            new Date(at),
          ),
        iso,
      );
    await page.goto("/outbox");
    const when = page.getByRole("article").first().locator("time");
    await when.waitFor();
    const shown = await when.textContent();
    expect(shown).toBe(await oneFormat((await when.getAttribute("datetime")) ?? ""));
    // German order and separators: 2.12.2026 or 02.12.2026, then the 24-hour time.
    expect(shown).toMatch(/^\d{1,2}\.\d{1,2}\.\d{4}, \d{2}:\d{2}$/);

    await openClientSection(page, "Globex Ltd", "Messages");
    const sent = thread(page).locator("li[data-message-id] time").first();
    await sent.waitFor();
    expect(await sent.getAttribute("title")).toBe(
      await oneFormat((await sent.getAttribute("datetime")) ?? ""),
    );
    await context.close();
  });
});
