import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoAxeViolations,
  openPage,
  runAppAndBrowser,
  signInAsContact,
  signInAsStaff,
} from "./harness.js";

const app = runAppAndBrowser({ env: { SIGN_IN_RATE_LIMIT: "100" } });

const FIRM = "Northwind Accounting";
const WIDTHS = [390, 768, 1440] as const;
/** How long another person's action may take to show up without a reload. */
const live = { timeout: 5_000 };
const uuid = "[0-9a-f-]{36}";
const portalThreadUrl = new RegExp(`/portal/clients/${uuid}/${uuid}$`);

const viewportOf = (width: number) => ({ viewport: { width, height: width < 768 ? 844 : 900 } });

async function signInToPortal(page: Page, email: string) {
  await signInAsContact(page, email);
}

async function openAcmeMessages(page: Page) {
  await page.goto("/clients");
  await page.getByRole("link", { name: "Acme Bakery" }).click();
  await page.getByRole("heading", { level: 1, name: "Acme Bakery" }).waitFor();
  await page
    .getByRole("navigation", { name: "Client sections" })
    .getByRole("link", { name: /^Messages/ })
    .click();
}

const conversations = (page: Page) => page.getByRole("navigation", { name: "Conversations" });
const conversationLink = (page: Page, title: string) =>
  conversations(page).getByRole("link", { name: new RegExp(title) });
const threadHeading = (page: Page, title: string) =>
  page.getByRole("heading", { level: 2, name: title, exact: true });
const toolbarButtons = (page: Page) =>
  page
    .getByRole("toolbar", { name: "Message formatting" })
    .getByRole("button")
    .evaluateAll((buttons) => buttons.map((button) => button.getAttribute("aria-label")));

describe("the portal in the contact's own words", () => {
  it("lets a contact start their direct thread with the firm, which staff see arrive live", async () => {
    const ada = await openPage(app.browser, app.server.url, viewportOf(1440));
    await signInAsStaff(ada.page, "ada@northwind.test");
    await openAcmeMessages(ada.page);
    await ada.page.getByRole("button", { name: "Start Conversation" }).click();
    await threadHeading(ada.page, "All Contacts").waitFor();

    const dana = await openPage(app.browser, app.server.url, viewportOf(1440));
    await signInToPortal(dana.page, "dana@acme.test");
    await threadHeading(dana.page, "All Contacts").waitFor();
    await dana.page.getByText("You, Eli Stone and Northwind Accounting.").waitFor();
    const start = conversations(dana.page).getByRole("button", { name: `Message ${FIRM}` });
    await start.waitFor();
    await expectNoAxeViolations(dana.page, "portal All Contacts with Message the firm");

    await start.click();
    await threadHeading(dana.page, FIRM).waitFor();
    await dana.page.waitForURL(portalThreadUrl);
    expect(await start.count()).toBe(0);
    // The direct thread shows the firm's initials, not a "DM" avatar.
    const direct = conversationLink(dana.page, FIRM);
    expect(await direct.locator("span[aria-hidden]").first().textContent()).toBe("NA");

    // Ada sees Dana's new thread appear in Acme's list without a reload.
    const danaOnAda = conversationLink(ada.page, "Dana Fox");
    await danaOnAda.waitFor(live);

    // The portal's toolbar offers what clients write with; code stays with staff.
    // (A contact's editor, with its toolbar, is built when they start writing.)
    const composer = dana.page.getByRole("textbox", { name: "Message", exact: true });
    await composer.click();
    await dana.page.getByRole("toolbar", { name: "Message formatting" }).waitFor();
    expect(await toolbarButtons(dana.page)).toEqual([
      "Bold",
      "Italic",
      "Link",
      "Bulleted list",
      "Numbered list",
    ]);
    await expectNoAxeViolations(dana.page, "portal direct thread the contact started");
    expect(await toolbarButtons(ada.page)).toEqual(
      expect.arrayContaining(["Inline code", "Code block"]),
    );

    await composer.click();
    await dana.page.keyboard.type("Hello from Dana");
    await dana.page.keyboard.press("Control+Enter");
    await dana.page
      .getByRole("region", { name: "Message history" })
      .getByText("Hello from Dana")
      .waitFor();
    await expect.poll(() => danaOnAda.textContent(), live).toContain("1 unread");
    expect(await danaOnAda.textContent()).toContain("Dana Fox: Hello from Dana");
    await expectNoAxeViolations(ada.page, "staff list with the contact's new thread");
    await ada.context.close();
    await dana.context.close();
  });

  // By now Acme has its All Contacts thread and Dana her direct thread, from the test above.
  for (const width of WIDTHS) {
    it(`names who is in each thread from the contact's side at ${width} px`, async () => {
      const dana = await openPage(app.browser, app.server.url, viewportOf(width));
      await signInToPortal(dana.page, "dana@acme.test");
      const { page } = dana;
      // On a phone the list comes first; elsewhere the first thread opens beside it.
      if (width < 768) await conversationLink(page, "All Contacts").click();
      await threadHeading(page, "All Contacts").waitFor();
      await page.getByText("You, Eli Stone and Northwind Accounting.").waitFor();
      await expectNoAxeViolations(page, `portal All Contacts at ${width} px`);

      if (width < 768) await page.getByRole("link", { name: "Conversations" }).click();
      const direct = conversationLink(page, FIRM);
      expect(await direct.locator("span[aria-hidden]").first().textContent()).toBe("NA");
      await direct.click();
      await threadHeading(page, FIRM).waitFor();
      await page.getByText(`Only you and ${FIRM}.`).waitFor();
      await page.getByRole("textbox", { name: "Message", exact: true }).click();
      await page.getByRole("toolbar", { name: "Message formatting" }).waitFor();
      const buttons = await toolbarButtons(page);
      expect(buttons).not.toContain("Inline code");
      expect(buttons).not.toContain("Code block");
      const fitsWidth = await page.evaluate(
        () => document.documentElement.scrollWidth <= window.innerWidth,
      );
      expect(fitsWidth).toBe(true);
      await expectNoAxeViolations(page, `portal direct thread at ${width} px`);
      await dana.context.close();
    });
  }

  it("names the firm on the sign-in page reached from an invitation, at every width", async () => {
    const ada = await openPage(app.browser, app.server.url, viewportOf(1440));
    await signInAsStaff(ada.page, "ada@northwind.test");
    await ada.page.goto("/clients");
    await ada.page.getByRole("link", { name: "Acme Bakery" }).click();
    await ada.page
      .getByRole("navigation", { name: "Client sections" })
      .getByRole("link", { name: /^Contacts/ })
      .click();
    await ada.page.getByRole("button", { name: "Invite to portal: Fay Lin" }).click();
    await ada.page.getByText("fay@acme.test").first().waitFor();
    await ada.page.getByRole("banner").getByRole("link", { name: "Outbox" }).click();
    const mail = ada.page
      .getByRole("article")
      .filter({ hasText: "To: fay@acme.test" })
      .filter({ hasText: "Invitation" })
      .first();
    const invitation =
      (await mail.getByRole("link", { name: /\/portal\/invitation\// }).getAttribute("href")) ?? "";
    expect(invitation).toMatch(/\/portal\/invitation\/[A-Za-z0-9_-]+$/);
    await ada.context.close();

    // Without an invitation the page names no firm.
    const plain = await openPage(app.browser, app.server.url, viewportOf(1440));
    await plain.page.goto("/portal/sign-in");
    await plain.page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    expect(await plain.page.locator("main").textContent()).not.toContain(FIRM);
    await plain.context.close();

    for (const width of WIDTHS) {
      const fay = await openPage(app.browser, app.server.url, viewportOf(width));
      await fay.page.goto(invitation);
      await fay.page.getByRole("link", { name: "Sign in to accept" }).click();
      await fay.page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
      await fay.page.getByText(`${FIRM} · Client portal`).waitFor();
      await fay.page.getByText(`Sign in to read and send messages with ${FIRM}.`).waitFor();
      await expect.poll(() => fay.page.title()).toContain(FIRM);
      await expectNoAxeViolations(fay.page, `portal sign-in from an invitation at ${width} px`);
      await fay.context.close();
    }
  });
});
