import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoAxeViolations,
  openPage,
  runAppAndBrowser,
  signInAsContact,
  signInAsStaff,
} from "./harness.js";

const app = runAppAndBrowser({
  env: { MESSAGE_SEND_RATE_LIMIT: "1000", SIGN_IN_RATE_LIMIT: "100" },
});

const uuid = "[0-9a-f-]{36}";
const phone = { width: 390, height: 844 };
const tablet = { width: 768, height: 1024 };
const desktop = { width: 1440, height: 900 };
const touchPhone = { viewport: phone, hasTouch: true, isMobile: true };

async function staffSignedIn(options: Parameters<typeof openPage>[2] = {}) {
  const opened = await openPage(app.browser, app.server.url, options);
  await signInAsStaff(opened.page, "ada@northwind.test");
  return opened;
}

async function contactSignedIn(email: string, options: Parameters<typeof openPage>[2] = {}) {
  const opened = await openPage(app.browser, app.server.url, options);
  const { page } = opened;
  await signInAsContact(page, email);
  return opened;
}

/** Client list → client record → Messages, as a person clicks through. */
async function openStaffMessages(page: Page, clientName: string) {
  await page.goto("/clients");
  await page.getByRole("link", { name: clientName }).click();
  await page.getByRole("heading", { level: 1, name: clientName }).waitFor();
  await sections(page)
    .getByRole("link", { name: /^Messages/ })
    .click();
  await page.waitForURL(/\/messages/);
}

/** Acme Bakery's All Contacts thread, started first if no one has started it yet. */
async function openAcmeAllContacts(page: Page) {
  await openStaffMessages(page, "Acme Bakery");
  const heading = page.getByRole("heading", { level: 2, name: "All Contacts" });
  const start = page.getByRole("button", { name: "Start Conversation" });
  await heading.or(start).waitFor();
  if (await start.isVisible()) await start.click();
  await heading.waitFor();
  await composer(page).waitFor();
}

const sections = (page: Page) => page.getByRole("navigation", { name: "Client sections" });
const thread = (page: Page) => page.getByRole("region", { name: "Message history" });
const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const conversations = (page: Page) => page.getByRole("navigation", { name: "Conversations" });
const sendButton = (page: Page) => page.getByRole("button", { name: "Send", exact: true });
const messageRow = (page: Page, text: string) =>
  thread(page).locator("li[data-message-id]").filter({ hasText: text });
const shortcutHint = (page: Page) => page.getByText(/(Ctrl|⌘)\+Enter to send/);

const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** The tops of a container's buttons, so a test can tell whether they sit on one row. */
const buttonTops = (container: Locator) =>
  container
    .getByRole("button")
    .evaluateAll((buttons) => [
      ...new Set(buttons.map((button) => Math.round(button.getBoundingClientRect().top))),
    ]);

/** What has focus, said the way a test can compare: a label, a role or a tag. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (!active) return "";
    if (active.matches("li[data-message-id]"))
      return `message ${active.getAttribute("data-message-id")}`;
    return active.getAttribute("aria-label") ?? active.tagName.toLowerCase();
  });

async function send(page: Page, text: string) {
  await composer(page).click();
  await page.keyboard.type(text);
  await sendButton(page).click();
  await messageRow(page, text).waitFor();
  await expect.poll(() => composer(page).textContent()).toBe("");
}

describe("messages on a phone, a tablet and a desktop", () => {
  it("staff on a phone: section links in one row, the list, then the thread with a way back", async () => {
    const { page, context, problems } = await staffSignedIn({ viewport: phone });
    await openStaffMessages(page, "Globex Ltd");

    // The client's sections are one row of links above the section, not a sidebar beside it.
    const sectionLinks = sections(page).getByRole("link");
    expect(await sectionLinks.count()).toBe(4);
    const linkTops = await sectionLinks.evaluateAll((links) => [
      ...new Set(links.map((link) => Math.round(link.getBoundingClientRect().top))),
    ]);
    expect(linkTops).toHaveLength(1);

    // One pane: the list first, no thread beside it.
    await conversations(page)
      .getByRole("link", { name: /All Contacts/ })
      .waitFor();
    expect(await thread(page).count()).toBe(0);
    expect(await fitsWidth(page)).toBe(true);
    await expectNoAxeViolations(page, "staff phone conversation list");

    await conversations(page)
      .getByRole("link", { name: /All Contacts/ })
      .click();
    await page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    await thread(page).locator("li[data-message-id]").first().waitFor();
    expect(await conversations(page).count()).toBe(0);
    await composer(page).waitFor();
    const history = await thread(page).boundingBox();
    expect(history && history.height >= 250).toBe(true);
    const sendBox = await sendButton(page).boundingBox();
    expect(sendBox && sendBox.y + sendBox.height <= phone.height).toBe(true);
    expect(await fitsWidth(page)).toBe(true);
    expect(
      await buttonTops(page.getByRole("toolbar", { name: "Message formatting" })),
    ).toHaveLength(1);
    await expectNoAxeViolations(page, "staff phone thread");

    // Editing Ada's note at 320 px (the narrowest reflow width): what does not fit is in
    // "More formatting", reachable by keyboard.
    await page.setViewportSize({ width: 320, height: phone.height });
    const own = messageRow(page, "Globex missed the deadline");
    await own.hover();
    await own.getByRole("button", { name: "Message actions" }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    const editor = page.getByRole("textbox", { name: "Edit message" });
    await expect.poll(() => focused(page)).toBe("Edit message");
    const editToolbar = page.getByRole("toolbar", { name: "Edit message formatting" });
    expect(await buttonTops(editToolbar)).toHaveLength(1);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("End");
    await expect.poll(() => focused(page)).toBe("More formatting");
    await page.keyboard.press("Enter");
    const more = page.getByRole("menu");
    await more.waitFor();
    const overflowItems = await more.getByRole("menuitemcheckbox").allTextContents();
    expect(overflowItems.map((item) => item.trim())).toContain("Quote");
    await expectNoAxeViolations(page, "more formatting menu");
    await more.getByRole("menuitemcheckbox", { name: "Quote" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => more.count()).toBe(0);
    await expect.poll(() => focused(page)).toBe("Edit message");
    expect(await editor.locator("blockquote").count()).toBe(1);

    // The change is discarded only once confirmed.
    await page.keyboard.press("Escape");
    const discard = page.getByRole("alertdialog", { name: "Discard your changes?" });
    await discard.getByRole("button", { name: "Discard changes" }).click();
    await expect.poll(() => editor.count()).toBe(0);
    expect(await own.locator("blockquote").count()).toBe(0);

    // The way back is the list again.
    await page.setViewportSize(phone);
    await page.getByRole("link", { name: "Conversations" }).click();
    await page.waitForURL(new RegExp(`/clients/${uuid}/messages$`));
    await conversations(page).waitFor();
    expect(await thread(page).count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });

  it("staff and portal at 768 and 1440 px: the thread keeps its width, the toolbar one row", async () => {
    for (const viewport of [tablet, desktop]) {
      const staff = await staffSignedIn({ viewport });
      await openStaffMessages(staff.page, "Globex Ltd");
      const contact = await contactSignedIn("gus@globex.test", { viewport });

      for (const [who, page] of [
        ["staff", staff.page],
        ["portal", contact.page],
      ] as const) {
        const screen = `${who} thread at ${viewport.width} px`;
        await page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
        await composer(page).waitFor();
        // Both panes side by side, and the thread is the wider one.
        await conversations(page).waitFor();
        const pane = await page.getByRole("region", { name: "All Contacts" }).boundingBox();
        expect(pane && pane.width >= viewport.width / 2, screen).toBe(true);
        const toolbar = page.getByRole("toolbar", { name: "Message formatting" });
        if (who === "portal") {
          // A contact's editor is built when they start writing, in the place kept for it.
          const before = await sendButton(page).boundingBox();
          expect(await toolbar.count(), screen).toBe(0);
          await composer(page).click();
          await toolbar.waitFor();
          expect(await sendButton(page).boundingBox(), screen).toEqual(before);
        }
        await toolbar.waitFor();
        expect(await buttonTops(toolbar), screen).toHaveLength(1);
        expect(await toolbar.getByRole("button", { name: "More formatting" }).count()).toBe(0);
        // A keyboard is likely here, so the shortcut is offered.
        expect(await shortcutHint(page).count(), screen).toBe(1);
        const sendBox = await sendButton(page).boundingBox();
        expect(sendBox && sendBox.y + sendBox.height <= viewport.height, screen).toBe(true);
        expect(await fitsWidth(page), screen).toBe(true);
        await expectNoAxeViolations(page, screen);
      }

      if (viewport === tablet) {
        // No sidebar beside the section at this width: the links form a row above it.
        const nav = await sections(staff.page).boundingBox();
        expect(nav && nav.width >= viewport.width - 1).toBe(true);
      }
      if (viewport === desktop) {
        // Compact headers leave the history most of the height.
        const history = await thread(staff.page).boundingBox();
        expect(history && history.height >= 500).toBe(true);
      }

      expect([...staff.problems, ...contact.problems]).toEqual([]);
      await staff.context.close();
      await contact.context.close();
    }
  });

  it("groups one author's messages, keeps the list one Tab stop, and the day under dialogs", async () => {
    const { page, context, problems } = await staffSignedIn({ viewport: desktop });
    await openAcmeAllContacts(page);
    for (const text of ["First of three.", "Second of three.", "Third of three."]) {
      await send(page, text);
    }

    // One name and avatar for the run; each message still has its own time and name for
    // assistive technology.
    const rows = ["First of three.", "Second of three.", "Third of three."].map((text) =>
      messageRow(page, text),
    );
    const visibleName = (row: Locator) =>
      row.getByText("Ada Park", { exact: true }).evaluate((name) => name.clientWidth > 1);
    expect(await visibleName(rows[0] as Locator)).toBe(true);
    for (const row of rows) {
      expect(await row.locator("time[datetime]").count()).toBe(1);
      expect(await row.getAttribute("aria-labelledby")).toMatch(/author .*time$/);
    }
    for (const row of rows.slice(1)) {
      expect(await visibleName(row)).toBe(false);
      // A one-line continuation takes about one line of height.
      const box = await row.boundingBox();
      expect(box && box.height < 32).toBe(true);
    }
    const items = thread(page).getByRole("listitem", { name: /^Ada Park/ });
    expect(await items.count()).toBe(3);
    await expectNoAxeViolations(page, "grouped messages");

    // Tab from the conversation list to the composer enters the message list once: the
    // newest message, then its actions, then the formatting toolbar and the editor.
    await page.getByRole("button", { name: "New Direct Message" }).focus();
    const stops: string[] = [];
    for (let step = 0; step < 8 && stops.at(-1) !== "Message"; step += 1) {
      await page.keyboard.press("Tab");
      stops.push(await focused(page));
    }
    const thirdId = await (rows[2] as Locator).getAttribute("data-message-id");
    expect(stops).toEqual([`message ${thirdId}`, "Message actions", "Bold", "Message"]);

    // Arrow keys move between messages; Tab from one reaches its actions.
    const secondId = await (rows[1] as Locator).getAttribute("data-message-id");
    const firstId = await (rows[0] as Locator).getAttribute("data-message-id");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    expect(await focused(page)).toBe(`message ${thirdId}`);
    await page.keyboard.press("ArrowUp");
    expect(await focused(page)).toBe(`message ${secondId}`);
    await page.keyboard.press("Home");
    expect(await focused(page)).toBe(`message ${firstId}`);
    await page.keyboard.press("ArrowDown");
    expect(await focused(page)).toBe(`message ${secondId}`);
    await expectNoAxeViolations(page, "a message focused in the list");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("Message actions");
    // Enter opens the menu on its first item, Escape closes it back onto its button, and the
    // second opening behaves as the first.
    const focusedItem = () =>
      page.evaluate(() =>
        document.activeElement?.getAttribute("role") === "menuitem"
          ? document.activeElement.textContent
          : null,
      );
    for (let opening = 0; opening < 2; opening += 1) {
      await page.keyboard.press("Enter");
      await page.getByRole("menuitem", { name: "Delete" }).waitFor();
      await expect.poll(focusedItem).toBe(" Edit");
      await page.keyboard.press("ArrowDown");
      // (Radix moves the focus on arrow keys a moment later, outside the key's event.)
      await expect.poll(focusedItem).toBe(" Delete");
      await page.keyboard.press("Escape");
      await expect.poll(() => page.getByRole("menu").count()).toBe(0);
      // (Radix puts the focus back on its button as the menu unmounts, a task later.)
      await expect.poll(() => focused(page)).toBe("Message actions");
    }

    // The sticky day heading stays under the Delete dialog's overlay.
    const dayBox = await thread(page).getByRole("heading", { name: "Today" }).boundingBox();
    await rows[0]?.hover();
    await rows[0]?.getByRole("button", { name: "Message actions" }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Delete this message?" });
    await confirm.waitFor();
    const onTop = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x ?? 0, y ?? 0)?.closest("h3")?.textContent ?? null,
      [(dayBox?.x ?? 0) + (dayBox?.width ?? 0) / 2, (dayBox?.y ?? 0) + (dayBox?.height ?? 0) / 2],
    );
    expect(onTop).toBeNull();
    await expectNoAxeViolations(page, "delete dialog over the thread");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => confirm.count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });

  it("edits: Escape asks before discarding a change, and a note stays amber while edited", async () => {
    const { page, context, problems } = await staffSignedIn({ viewport: desktop });
    await openAcmeAllContacts(page);
    await page.getByRole("switch", { name: "Internal note" }).click();
    await send(page, "Remember the March invoice.");
    const note = messageRow(page, "Remember the March invoice.");

    await note.hover();
    await note.getByRole("button", { name: "Message actions" }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    const editor = page.getByRole("textbox", { name: "Edit message" });
    await expect.poll(() => focused(page)).toBe("Edit message");
    const noteFrame = note.locator("div.border-dashed").filter({ has: editor });
    expect(await noteFrame.evaluate((frame) => getComputedStyle(frame).borderTopStyle)).toBe(
      "dashed",
    );
    expect(await noteFrame.textContent()).toContain("Internal note");
    await expectNoAxeViolations(page, "internal note being edited");

    // Unchanged: Escape simply leaves.
    await page.keyboard.press("Escape");
    await expect.poll(() => editor.count()).toBe(0);

    // Changed: Escape asks; keeping the edit returns to the editor with the text.
    await note.hover();
    await note.getByRole("button", { name: "Message actions" }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    await expect.poll(() => focused(page)).toBe("Edit message");
    await page.keyboard.type(" And April.");
    await page.keyboard.press("Escape");
    const discard = page.getByRole("alertdialog", { name: "Discard your changes?" });
    await discard.waitFor();
    await expectNoAxeViolations(page, "discard edit confirmation");
    await discard.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => discard.count()).toBe(0);
    await expect.poll(() => focused(page)).toBe("Edit message");
    expect(await editor.textContent()).toContain("And April.");

    // Discarding keeps the saved text and puts focus back in the composer.
    await page.keyboard.press("Escape");
    await discard.getByRole("button", { name: "Discard changes" }).click();
    await expect.poll(() => editor.count()).toBe(0);
    await expect.poll(() => focused(page)).toBe("Message");
    expect(await note.textContent()).not.toContain("And April.");

    expect(problems).toEqual([]);
    await context.close();
  });

  it("portal on a touch phone: message actions without hover, edit and delete, no shortcut hint", async () => {
    const { page, context, problems } = await contactSignedIn("gus@globex.test", touchPhone);
    await conversations(page)
      .getByRole("link", { name: /All Contacts/ })
      .tap();
    await page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    await composer(page).waitFor();
    expect(await shortcutHint(page).count()).toBe(0);
    const sendBox = await sendButton(page).boundingBox();
    expect(sendBox && sendBox.y + sendBox.height <= phone.height).toBe(true);

    await composer(page).tap();
    await page.keyboard.type("Sent from my phone.");
    await sendButton(page).tap();
    const mine = messageRow(page, "Sent from my phone.");
    await mine.waitFor();

    // Without any hover, the actions button of one's own message is visible and tappable.
    const actions = mine.getByRole("button", { name: "Message actions" });
    expect(await actions.evaluate((button) => getComputedStyle(button).opacity)).toBe("1");
    const actionsBox = await actions.boundingBox();
    const textBox = await mine.getByText("Sent from my phone.").boundingBox();
    // The button does not cover the text it belongs to.
    expect(actionsBox && textBox && textBox.x + textBox.width <= actionsBox.x).toBe(true);
    await expectNoAxeViolations(page, "touch thread with own message");

    await actions.tap();
    await page.getByRole("menuitem", { name: "Edit" }).tap();
    const editor = page.getByRole("textbox", { name: "Edit message" });
    await editor.waitFor();
    await page.keyboard.press("End");
    await page.keyboard.type(" Edited.");
    await page.getByRole("button", { name: "Save" }).tap();
    await expect.poll(() => editor.count()).toBe(0);
    const edited = messageRow(page, "Sent from my phone. Edited.");
    await edited.waitFor();
    expect(await edited.textContent()).toContain("(edited)");

    await edited.getByRole("button", { name: "Message actions" }).tap();
    await page.getByRole("menuitem", { name: "Delete" }).tap();
    const confirm = page.getByRole("alertdialog", { name: "Delete this message?" });
    await confirm.waitFor();
    await expectNoAxeViolations(page, "touch delete confirmation");
    await confirm.getByRole("button", { name: "Delete" }).tap();
    await expect.poll(() => edited.count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });
});
