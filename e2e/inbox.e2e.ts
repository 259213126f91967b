/**
 * What tells staff where to look: a mention in a note reaches the mentioned person's
 * Notifications live and opens the highlighted message; a contact's message reaches the Inbox
 * (Unread, Waiting on us) and the client list's unread totals live.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoAxeViolations,
  openPage,
  runAppAndBrowser,
  signInAsContact,
  signInAsStaff,
} from "./harness.js";

// The mention test writes some history through the API as one person.
const app = runAppAndBrowser({ env: { MESSAGE_SEND_RATE_LIMIT: "1000" } });

/** How long another person's action may take to show up without a reload. */
const live = { timeout: 5_000 };
const uuid = "[0-9a-f-]{36}";

async function staffSignedIn(email: string, width = 1440) {
  const opened = await openPage(app.browser, app.server.url, {
    viewport: { width, height: 800 },
  });
  await signInAsStaff(opened.page, email);
  return opened;
}

async function contactSignedIn(email: string) {
  const opened = await openPage(app.browser, app.server.url);
  await signInAsContact(opened.page, email);
  return opened;
}

/** Client list → client record → Messages, as a person clicks through. */
async function openMessagesOf(page: Page, clientName: string) {
  await page.goto("/clients");
  await page.getByRole("link", { name: clientName }).click();
  await page.getByRole("heading", { level: 1, name: clientName }).waitFor();
  await page
    .getByRole("navigation", { name: "Client sections" })
    .getByRole("link", { name: /^Messages/ })
    .click();
}

const thread = (page: Page) => page.getByRole("region", { name: "Message history" });
const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const messageRow = (page: Page, text: string) =>
  thread(page).locator("li[data-message-id]").filter({ hasText: text });
const notificationsButton = (page: Page) =>
  page.getByRole("banner").getByRole("button", { name: /^Notifications/ });
const notificationsPanel = (page: Page) => page.getByRole("dialog", { name: "Notifications" });
const inboxRows = (page: Page) =>
  page.getByRole("main").getByRole("list", { name: "Conversations" }).getByRole("link");

async function send(page: Page, text: string) {
  await composer(page).click();
  await page.keyboard.type(text);
  await page.keyboard.press("Control+Enter");
  await messageRow(page, text).waitFor();
  await expect.poll(() => composer(page).textContent()).toBe("");
}

/** Sends through the API as the person signed in to `context` (the page's own session). */
async function sendThroughApi(
  context: BrowserContext,
  conversationId: string,
  content: unknown[],
  internal = false,
) {
  const response = await context.request.post(`/api/conversations/${conversationId}/messages`, {
    data: {
      id: crypto.randomUUID(),
      body: { type: "doc", content: [{ type: "paragraph", content }] },
      internal,
    },
    headers: { origin: app.server.url },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { id: string };
}

/** The page does not scroll sideways: everything fits the width. */
const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** The element is inside the viewport, not cut off or hidden. */
const inViewport = (locator: ReturnType<Page["locator"]>) =>
  locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return (
      box.width > 0 &&
      box.height > 0 &&
      box.left >= 0 &&
      box.top >= 0 &&
      box.right <= window.innerWidth &&
      box.bottom <= window.innerHeight
    );
  });

describe("mention notifications in the browser", () => {
  it("shows Ben's mention of Ada live, opens the highlighted message, and marks all read", async () => {
    const ada = await staffSignedIn("ada@northwind.test");
    await expect
      .poll(() => notificationsButton(ada.page).getAttribute("aria-label"))
      .toBe("Notifications");

    // Ben writes an internal note mentioning Ada, picking her from the suggestions by keyboard.
    const ben = await staffSignedIn("ben@northwind.test");
    await openMessagesOf(ben.page, "Globex Ltd");
    await ben.page
      .getByRole("navigation", { name: "Conversations" })
      .getByRole("link", { name: /All Contacts/ })
      .click();
    await ben.page.waitForURL(new RegExp(`/messages/${uuid}$`));
    const conversationId = ben.page.url().split("/").at(-1) ?? "";
    await ben.page.getByRole("switch", { name: "Internal note" }).click();
    await composer(ben.page).click();
    await ben.page.keyboard.type("Ada, are the Q4 receipts complete? @ad");
    const suggestions = ben.page.getByRole("listbox", { name: "Team members" });
    await suggestions.waitFor();
    await ben.page.keyboard.press("Enter");
    await expect.poll(() => suggestions.count()).toBe(0);
    await ben.page.keyboard.press("Control+Enter");
    const note = messageRow(ben.page, "Ada, are the Q4 receipts complete?");
    await note.waitFor();
    expect(await note.locator(".mention").textContent()).toBe("@Ada Park");
    const noteId = (await note.getAttribute("data-message-id")) ?? "";
    // Later talk, so the note is far above the newest message when the thread opens.
    for (let n = 1; n <= 30; n++) {
      await sendThroughApi(ben.context, conversationId, [
        { type: "text", text: `Later update ${n}` },
      ]);
    }

    // Ada's header says so without a reload; the panel says who, where, what and that it is new.
    await expect
      .poll(() => notificationsButton(ada.page).getAttribute("aria-label"), live)
      .toBe("Notifications, 1 unread");
    await notificationsButton(ada.page).click();
    const panel = notificationsPanel(ada.page);
    await panel.waitFor();
    const item = panel.getByRole("button", { name: /Ben Ortiz mentioned you/ });
    await item.waitFor();
    const itemText = (await item.textContent()) ?? "";
    expect(itemText).toContain("Ben Ortiz mentioned you in Globex Ltd · All Contacts (unread)");
    expect(itemText).toContain("Internal note:");
    expect(itemText).toContain("Ada, are the Q4 receipts complete?");
    expect(await item.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await expectNoAxeViolations(ada.page, "open Notifications panel with an unread mention");

    // Clicking it opens the conversation at that message, highlighted for a moment, and read.
    await item.click();
    await ada.page.waitForURL(
      new RegExp(`/clients/${uuid}/messages/${conversationId}\\?message=${noteId}$`),
    );
    const opened = thread(ada.page).locator(`li[data-message-id="${noteId}"]`);
    await expect.poll(() => opened.getAttribute("data-highlighted")).toBe("true");
    const shownInThread = () =>
      opened.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const region = element.closest("[aria-label='Message history']")?.getBoundingClientRect();
        return !!region && box.top >= region.top && box.bottom <= region.bottom;
      });
    await expect.poll(shownInThread).toBe(true);
    expect(await messageRow(ada.page, "Later update 30").isVisible()).toBe(true);
    await expect
      .poll(() => notificationsButton(ada.page).getAttribute("aria-label"), live)
      .toBe("Notifications");
    await expectNoAxeViolations(ada.page, "thread opened at a highlighted mention");
    await expect.poll(() => opened.getAttribute("data-highlighted"), live).toBeNull();

    // Two more mentions while Ada looks elsewhere; Mark all as read clears both.
    await ada.page
      .getByRole("banner")
      .getByRole("link", { name: /^Inbox/ })
      .click();
    await ada.page.getByRole("heading", { level: 1, name: "Inbox" }).waitFor();
    const team = (await (await ben.context.request.get("/api/team")).json()) as {
      members: { id: string; name: string }[];
    };
    const adaId = team.members.find((member) => member.name === "Ada Park")?.id ?? "";
    for (const words of ["Invoice question for ", "And the payroll file, "]) {
      await sendThroughApi(
        ben.context,
        conversationId,
        [
          { type: "text", text: words },
          { type: "mention", attrs: { id: adaId, label: "Ada Park" } },
        ],
        true,
      );
    }
    await expect
      .poll(() => notificationsButton(ada.page).getAttribute("aria-label"), live)
      .toBe("Notifications, 2 unread");
    await notificationsButton(ada.page).click();
    await panel.waitFor();
    await expect.poll(() => panel.getByText("(unread)").count()).toBe(2);
    await panel.getByRole("button", { name: "Mark all as read" }).click();
    await expect
      .poll(() => notificationsButton(ada.page).getAttribute("aria-label"), live)
      .toBe("Notifications");
    await expect.poll(() => panel.getByText("(unread)").count()).toBe(0);
    expect(await panel.getByRole("button", { name: /Ben Ortiz mentioned you/ }).count()).toBe(3);
    expect(await panel.getByRole("button", { name: "Mark all as read" }).isDisabled()).toBe(true);
    await expectNoAxeViolations(ada.page, "open Notifications panel, all read");
    // Escape closes the panel and gives focus back to the button.
    await ada.page.keyboard.press("Escape");
    await expect.poll(() => panel.count()).toBe(0);
    expect(
      await notificationsButton(ada.page).evaluate((button) => document.activeElement === button),
    ).toBe(true);

    expect(ada.problems).toEqual([]);
    expect(ben.problems).toEqual([]);
    await ada.context.close();
    await ben.context.close();
  });
});

describe("the Inbox in the browser", () => {
  it("shows Dana's portal message to Ada under Unread and Waiting on us, live, and on the client list", async () => {
    // Ada opens Acme's All Contacts and writes, so the firm is waiting on the client.
    const ada = await staffSignedIn("ada@northwind.test");
    await openMessagesOf(ada.page, "Acme Bakery");
    await ada.page.getByRole("button", { name: "Start Conversation" }).click();
    await ada.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    await send(ada.page, "Could you send the Q4 receipts?");
    await ada.page.getByText("Waiting on client").first().waitFor();

    await ada.page
      .getByRole("banner")
      .getByRole("link", { name: /^Inbox/ })
      .click();
    await ada.page.getByRole("heading", { level: 1, name: "Inbox" }).waitFor();
    const tabs = ada.page.getByRole("tablist", { name: "Show" });
    const tab = (name: string) => tabs.getByRole("tab", { name });
    expect(await tab("Unread").getAttribute("aria-selected")).toBe("true");
    const acmeRow = inboxRows(ada.page).filter({ hasText: "Acme Bakery · All Contacts" });
    expect(await acmeRow.count()).toBe(0);
    for (const name of ["Unread", "Waiting on us", "Mentions", "All"]) {
      await tab(name).click();
      await expect.poll(() => tab(name).getAttribute("aria-selected")).toBe("true");
      await expect
        .poll(
          async () =>
            (await inboxRows(ada.page).count()) +
            (await ada.page.getByText(/^No |^Nothing/).count()),
        )
        .toBeGreaterThan(0);
      await expectNoAxeViolations(ada.page, `Inbox, ${name}`);
    }
    // On All, Acme's conversation shows Ada's own message, read, and waits on the client.
    await acmeRow.waitFor();
    expect(await acmeRow.textContent()).toContain("Could you send the Q4 receipts?");
    expect(await acmeRow.textContent()).not.toContain("unread");
    expect(await acmeRow.textContent()).not.toContain("Waiting on us");
    // Keyboard: the arrow keys move between the filters (Radix tabs).
    await tab("All").focus();
    await ada.page.keyboard.press("Home");
    await expect.poll(() => tab("Unread").getAttribute("aria-selected")).toBe("true");

    // Dana writes from the portal; Ada's Unread shows it without a reload.
    const dana = await contactSignedIn("dana@acme.test");
    await dana.page
      .getByRole("navigation", { name: "Conversations" })
      .getByRole("link", { name: /All Contacts/ })
      .click();
    await send(dana.page, "Here are the Q4 receipts.");
    await expect.poll(() => acmeRow.count(), live).toBe(1);
    const unreadText = (await acmeRow.textContent()) ?? "";
    expect(unreadText).toContain("Dana Fox: Here are the Q4 receipts.");
    expect(unreadText).toContain("1 unread");
    expect(unreadText).toContain("Waiting on us");
    await expect
      .poll(() =>
        ada.page
          .getByRole("banner")
          .getByRole("link", { name: /^Inbox/ })
          .textContent(),
      )
      .toMatch(/^Inbox\d+ unread$/);
    await expectNoAxeViolations(ada.page, "Inbox, Unread with a client's message");

    await tab("Waiting on us").click();
    await acmeRow.waitFor();
    expect(await acmeRow.textContent()).toContain("Waiting on us");
    await expectNoAxeViolations(ada.page, "Inbox, Waiting on us with a client's message");

    // The client list shows Acme's unread total for Ada, sorts by it, and follows live.
    await ada.page.getByRole("banner").getByRole("link", { name: "Portico" }).click();
    await ada.page.getByRole("heading", { level: 1, name: "Clients" }).waitFor();
    const acme = ada.page.getByRole("row", { name: /Acme Bakery/ });
    await expect.poll(() => acme.textContent()).toContain("1 unread");
    await ada.page.getByLabel("Sort by").selectOption("unread");
    const unreadOrder = async () => {
      // Inner text keeps the cells apart, so a contact count never runs into the unread count.
      const rows = await ada.page.getByRole("row").allInnerTexts();
      return rows.slice(1).map((row) => Number(/(?:^|\t)(\d+)\s+unread/.exec(row)?.[1] ?? 0));
    };
    // The list re-sorts once its sorted page arrives: wait for most unread first.
    const mostUnreadFirst = async () => {
      const counts = await unreadOrder();
      return counts[0] !== 0 && counts.join() === [...counts].sort((a, b) => b - a).join();
    };
    await expect.poll(mostUnreadFirst).toBe(true);
    await expectNoAxeViolations(ada.page, "client list sorted by unread");
    await send(dana.page, "And the December bank statement.");
    await expect.poll(() => acme.textContent(), live).toContain("2 unread");

    // Clicking the Inbox row opens the conversation, which reads it.
    await ada.page
      .getByRole("banner")
      .getByRole("link", { name: /^Inbox/ })
      .click();
    await acmeRow.click();
    await ada.page.waitForURL(new RegExp(`/clients/${uuid}/messages/${uuid}$`));
    await messageRow(ada.page, "And the December bank statement.").waitFor();
    await ada.page.getByText("Waiting on us").first().waitFor();
    await ada.page
      .getByRole("banner")
      .getByRole("link", { name: /^Inbox/ })
      .click();
    await expect.poll(() => acmeRow.count(), live).toBe(0);

    expect(ada.problems).toEqual([]);
    expect(dana.problems).toEqual([]);
    await ada.context.close();
    await dana.context.close();
  });

  it("lets Ada choose her e-mail alerts on Account by keyboard, and Dana her message e-mails in the portal", async () => {
    const ada = await staffSignedIn("ada@northwind.test");
    await ada.page.getByRole("banner").getByRole("link", { name: "Account" }).click();
    const choices = ada.page.getByRole("radiogroup", { name: "E-mail me about" });
    const choice = (name: string) => choices.getByRole("radio", { name });
    await expect
      .poll(() => choice("Mentions and client messages").getAttribute("aria-checked"))
      .toBe("true");
    await expectNoAxeViolations(ada.page, "Account with the e-mail alerts choice");
    await choice("Mentions and client messages").focus();
    // Held as a person holds a key: Radix checks the radio that arrow-key focus lands on.
    await ada.page.keyboard.down("ArrowDown");
    await expect.poll(() => choice("Mentions only").getAttribute("aria-checked")).toBe("true");
    await ada.page.keyboard.up("ArrowDown");
    const saved = async () =>
      (await (await ada.context.request.get("/api/account/message-alerts")).json()).alerts;
    await expect.poll(saved).toBe("mentions");
    await ada.page.reload();
    await expect.poll(() => choice("Mentions only").getAttribute("aria-checked")).toBe("true");
    await choice("Mentions and client messages").click();
    await expect.poll(saved).toBe("mentions_and_client_messages");
    expect(ada.problems).toEqual([]);
    await ada.context.close();

    const dana = await contactSignedIn("dana@acme.test");
    await dana.page.goto("/portal/account");
    const emails = dana.page.getByRole("checkbox", {
      name: "E-mail me about new messages from Northwind Accounting (Acme Bakery) that I have not read here",
    });
    await emails.waitFor();
    expect(await emails.isChecked()).toBe(true);
    await expectNoAxeViolations(dana.page, "portal Account with the message e-mails switch");
    await emails.focus();
    await dana.page.keyboard.press("Space");
    await expect.poll(() => emails.isChecked()).toBe(false);
    await dana.page.reload();
    await emails.waitFor();
    await expect.poll(() => emails.isChecked()).toBe(false);
    await emails.click();
    await expect.poll(() => emails.isChecked()).toBe(true);
    await dana.page.reload();
    await emails.waitFor();
    expect(await emails.isChecked()).toBe(true);
    expect(dana.problems).toEqual([]);
    await dana.context.close();
  });

  it("keeps the Inbox and Notifications usable at 390, 768 and 1440 px", async () => {
    for (const width of [390, 768, 1440]) {
      const ada = await staffSignedIn("ada@northwind.test", width);
      await ada.page
        .getByRole("banner")
        .getByRole("link", { name: /^Inbox/ })
        .click();
      await ada.page.getByRole("heading", { level: 1, name: "Inbox" }).waitFor();
      const tabs = ada.page.getByRole("tablist", { name: "Show" });
      await tabs.getByRole("tab", { name: "All" }).click();
      await inboxRows(ada.page).first().waitFor();
      expect(await fitsWidth(ada.page), `Inbox fits ${width} px`).toBe(true);
      for (const name of ["Unread", "Waiting on us", "Mentions", "All"]) {
        expect(await inViewport(tabs.getByRole("tab", { name })), `${name} tab`).toBe(true);
      }
      expect(await inViewport(inboxRows(ada.page).first()), "first row").toBe(true);
      expect(await inViewport(notificationsButton(ada.page)), "Notifications").toBe(true);
      await expectNoAxeViolations(ada.page, `Inbox, All, at ${width} px`);

      await notificationsButton(ada.page).click();
      const panel = notificationsPanel(ada.page);
      await panel
        .getByRole("button", { name: /Ben Ortiz mentioned you/ })
        .first()
        .waitFor();
      expect(await fitsWidth(ada.page), `Notifications fit ${width} px`).toBe(true);
      expect(await inViewport(panel), `panel at ${width} px`).toBe(true);
      expect(await inViewport(panel.getByRole("button", { name: "Mark all as read" }))).toBe(true);
      await expectNoAxeViolations(ada.page, `open Notifications at ${width} px`);
      expect(ada.problems).toEqual([]);
      await ada.context.close();
    }
  });
});
