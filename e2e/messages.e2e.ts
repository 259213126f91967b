import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoAxeViolations,
  holdRequests,
  openPage,
  runAppAndBrowser,
  signInAsStaff,
} from "./harness.js";

// One test writes 120 messages of history through the API as one person, past the default limit.
const app = runAppAndBrowser({ env: { MESSAGE_SEND_RATE_LIMIT: "1000" } });

async function signedIn(email: string) {
  const opened = await openPage(app.browser, app.server.url);
  await signInAsStaff(opened.page, email);
  return opened;
}

/** Client list → client record → Communications → Messages, as a person clicks through. */
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
const conversations = (page: Page) => page.getByRole("navigation", { name: "Conversations" });
const sidebarMessages = (page: Page) =>
  page
    .getByRole("navigation", { name: "Client sections" })
    .getByRole("link", { name: /^Messages/ });
const messageRow = (page: Page, text: string) =>
  thread(page).locator("li[data-message-id]").filter({ hasText: text });
const paragraph = (text: string) => ({
  type: "doc",
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});
const isFocused = (page: Page, name: string) =>
  page
    .evaluate(() => document.activeElement?.getAttribute("aria-label") ?? null)
    .then((label) => label === name);

describe("staff messages", () => {
  it("starts a conversation, sends rich text with a mention and a note, edits and deletes", async () => {
    const { page, context, problems } = await signedIn("ada@northwind.test");
    await openMessagesOf(page, "Acme Bakery");

    // Nothing yet: an explanation and one way forward, and no badge.
    expect(await sidebarMessages(page).textContent()).toBe("Messages");
    await page.getByRole("heading", { name: "No conversations with Acme Bakery yet" }).waitFor();
    expect(await page.getByText("Messages is where your team talks").count()).toBe(1);
    await expectNoAxeViolations(page, "messages empty state");

    await page.getByRole("button", { name: "Start Conversation" }).click();
    await page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    await page.waitForURL(/\/messages\/[0-9a-f-]{36}$/);
    await expect.poll(() => isFocused(page, "Message")).toBe(true);
    expect(
      await conversations(page)
        .getByRole("link", { name: /All Contacts/ })
        .getAttribute("aria-current"),
    ).toBe("page");

    // Keyboard only: bold, an @mention picked with the arrow keys, Ctrl+Enter to send.
    const send = page.getByRole("button", { name: "Send", exact: true });
    expect(await send.isDisabled()).toBe(true);
    await page.keyboard.type("Hello ");
    await page.keyboard.press("Control+b");
    await page.keyboard.type("bakers");
    await page.keyboard.press("Control+b");
    await page.keyboard.type(", please check with @be");
    const suggestions = page.getByRole("listbox", { name: "Team members" });
    await suggestions.waitFor();
    expect(await suggestions.getByRole("option").allTextContents()).toEqual(["BOBen Ortiz"]);
    await expectNoAxeViolations(page, "composer with the mention popup open");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect.poll(() => suggestions.count()).toBe(0);
    await page.keyboard.type("about the invoice.");
    expect(await send.isDisabled()).toBe(false);
    await page.keyboard.press("Control+Enter");

    const first = messageRow(page, "about the invoice.");
    await first.waitFor();
    expect(await first.locator("strong").textContent()).toBe("bakers");
    expect(await first.locator(".mention").textContent()).toBe("@Ben Ortiz");
    expect(await first.textContent()).toContain("Ada Park");
    await expect.poll(() => composer(page).textContent()).toBe("");
    await thread(page).getByRole("heading", { name: "Today" }).waitFor();
    await expectNoAxeViolations(page, "thread with a message");

    // An internal note: amber while composing, dashed amber with a lock once sent.
    const noteSwitch = page.getByRole("switch", { name: "Internal note" });
    await noteSwitch.click();
    expect(await noteSwitch.getAttribute("aria-checked")).toBe("true");
    await page.getByText("Internal note: only your team will see this.").waitFor();
    await composer(page).click();
    await page.keyboard.type("They usually pay late.");
    await send.click();
    const note = messageRow(page, "They usually pay late.");
    await note.waitFor();
    const noteBox = note.locator("div.border-dashed");
    expect(await noteBox.textContent()).toContain("Internal note");
    expect(await noteBox.evaluate((box) => getComputedStyle(box).borderTopStyle)).toBe("dashed");
    expect(await noteBox.locator("svg.lucide-lock").count()).toBe(1);
    await expect.poll(() => noteSwitch.getAttribute("aria-checked")).toBe("false");
    expect(await page.getByText("Internal note: only your team will see this.").count()).toBe(0);

    // Edit one's own message in place; Ctrl+Enter saves and marks it edited.
    await first.hover();
    await first.getByRole("button", { name: "Message actions" }).click();
    const menu = page.getByRole("menu");
    await menu.waitFor();
    await expectNoAxeViolations(page, "message actions menu open");
    await menu.getByRole("menuitem", { name: "Edit" }).click();
    const editor = page.getByRole("textbox", { name: "Edit message" });
    await expect.poll(() => isFocused(page, "Edit message")).toBe(true);
    await page.keyboard.press("Control+a");
    await page.keyboard.type("Hello bakers, the invoice is settled.");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => editor.count()).toBe(0);
    const edited = messageRow(page, "the invoice is settled.");
    await edited.waitFor();
    expect(await edited.textContent()).toContain("(edited)");
    await expect.poll(() => isFocused(page, "Message")).toBe(true);

    // Escape leaves the editor without saving, once the discarded change is confirmed.
    await edited.hover();
    await edited.getByRole("button", { name: "Message actions" }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    await expect.poll(() => isFocused(page, "Edit message")).toBe(true);
    await page.keyboard.type(" Not saved.");
    await page.keyboard.press("Escape");
    await page
      .getByRole("alertdialog", { name: "Discard your changes?" })
      .getByRole("button", { name: "Discard changes" })
      .click();
    await expect.poll(() => editor.count()).toBe(0);
    expect(await thread(page).textContent()).not.toContain("Not saved.");

    // An edit based on a version that changed meanwhile is refused and explained, not applied.
    const conversationId = page.url().split("/").at(-1) ?? "";
    await edited.hover();
    await edited.getByRole("button", { name: "Message actions" }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    await expect.poll(() => isFocused(page, "Edit message")).toBe(true);
    const stored = (await (
      await context.request.get(`/api/conversations/${conversationId}/messages`)
    ).json()) as { messages: { id: string; version: number; body: unknown }[] };
    const target = stored.messages.find((m) => JSON.stringify(m.body).includes("settled"));
    const elsewhere = await context.request.patch(`/api/messages/${target?.id}`, {
      headers: { origin: app.server.url },
      data: { version: target?.version, body: paragraph("Changed in another tab.") },
    });
    expect(elsewhere.status()).toBe(200);
    await page.keyboard.type(" Stale edit.");
    await page.keyboard.press("Control+Enter");
    await page
      .getByRole("alert")
      .filter({ hasText: "This message was changed elsewhere" })
      .waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => editor.count()).toBe(0);
    const changed = messageRow(page, "Changed in another tab.");
    await changed.waitFor();
    expect(await thread(page).textContent()).not.toContain("Stale edit.");

    // Delete asks first, then the message is gone.
    await note.hover();
    await note.getByRole("button", { name: "Message actions" }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Delete this message?" });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(
      "This permanently deletes the message. This cannot be undone.",
    );
    await expectNoAxeViolations(page, "delete confirmation");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => note.count()).toBe(0);
    await expect.poll(() => confirm.count()).toBe(0);
    await expect.poll(() => isFocused(page, "Message")).toBe(true);
    expect(await changed.count()).toBe(1);

    // Nothing of the author's own shows as unread.
    expect(await sidebarMessages(page).textContent()).toBe("Messages");
    expect(await page.title()).toBe("Messages · Acme Bakery · Portico");

    expect(problems).toEqual([]);
    await context.close();
  });

  it("goes to the section chosen while the conversations were still loading", async () => {
    const ada = await signedIn("ada@northwind.test");
    // The conversations arrive late and the Files screen's code later still: the click on Files
    // is on its way when Messages could open the first conversation by itself.
    const list = await holdRequests(ada.page, /\/api\/clients\/[^/]+\/conversations(\?|$)/);
    const filesCode = await holdRequests(ada.page, /\/assets\/FilesPage-[^/]+\.js$/);
    await openMessagesOf(ada.page, "Globex Ltd");
    await ada.page.getByText("Loading conversations…").waitFor();
    await ada.page
      .getByRole("navigation", { name: "Client sections" })
      .getByRole("link", { name: "Files" })
      .click();
    await filesCode.requested;
    list.release();
    await conversations(ada.page).waitFor();
    filesCode.release();
    await ada.page.getByRole("heading", { level: 2, name: "Files" }).waitFor();
    expect(new URL(ada.page.url()).pathname).toMatch(/^\/clients\/[0-9a-f-]{36}\/files$/);
    expect(ada.problems).toEqual([]);
    await ada.context.close();
  });

  it("offers a direct message to each contact that has none, until every contact has one", async () => {
    const { page, context, problems } = await signedIn("ada@northwind.test");
    await openMessagesOf(page, "Acme Bakery");
    await page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();

    const newDirect = page.getByRole("button", { name: "New Direct Message" });
    await newDirect.click();
    const items = page.getByRole("menuitem");
    await expect
      .poll(() => items.allTextContents())
      .toEqual(["Dana Fox", "Eli Stone", "Fay Linno portal access yet"]);
    await expectNoAxeViolations(page, "new direct message menu");

    for (const name of ["Fay Lin", "Dana Fox", "Eli Stone"]) {
      if (!(await page.getByRole("menu").count())) await newDirect.click();
      await page.getByRole("menuitem", { name: new RegExp(`^${name}`) }).click();
      await page.getByRole("heading", { level: 2, name }).waitFor();
      await expect
        .poll(() =>
          conversations(page)
            .getByRole("link", { name: new RegExp(name) })
            .getAttribute("aria-current"),
        )
        .toBe("page");
      await expect.poll(() => isFocused(page, "Message")).toBe(true);
      const portalNote = page.getByText(`${name} has no portal access yet`);
      expect(await portalNote.count()).toBe(name === "Fay Lin" ? 1 : 0);
    }

    // All Contacts first, then direct conversations by contact name; nothing left to offer.
    await expect
      .poll(() =>
        conversations(page)
          .getByRole("link")
          .evaluateAll((links) =>
            links.map((link) => link.querySelector(".truncate")?.textContent),
          ),
      )
      .toEqual(["All Contacts", "Dana Fox", "Eli Stone", "Fay Lin"]);
    await expect.poll(() => newDirect.count()).toBe(0);
    await expectNoAxeViolations(page, "conversation list with every direct message");

    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows another staff member's messages, edits, deletions, conversations and unread badges live", async () => {
    const ada = await signedIn("ada@northwind.test");
    const ben = await signedIn("ben@northwind.test");

    // A conversation started by Ada appears for Ben, who was looking at the empty state.
    const created = await ada.context.request.post("/api/clients", {
      headers: { origin: app.server.url },
      data: { name: "Hooli" },
    });
    expect(created.status()).toBe(201);
    await openMessagesOf(ben.page, "Hooli");
    await ben.page.getByRole("button", { name: "Start Conversation" }).waitFor();
    await openMessagesOf(ada.page, "Hooli");
    await ada.page.getByRole("button", { name: "Start Conversation" }).click();
    await ada.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    await ben.page
      .getByRole("heading", { level: 2, name: "All Contacts" })
      .waitFor({ timeout: 2_000 });

    // A message, its edit, and its deletion reach Ben without a reload.
    await composer(ada.page).click();
    await ada.page.keyboard.type("Quarterly figures are in.");
    await ada.page.keyboard.press("Control+Enter");
    const onBen = messageRow(ben.page, "Quarterly figures");
    await onBen.waitFor({ timeout: 2_000 });
    expect(await onBen.getByRole("button", { name: "Message actions" }).count()).toBe(0);
    await expect
      .poll(() => ben.page.locator("[aria-live=polite]").textContent())
      .toBe("New message from Ada Park");

    const onAda = messageRow(ada.page, "Quarterly figures");
    await onAda.hover();
    await onAda.getByRole("button", { name: "Message actions" }).click();
    await ada.page.getByRole("menuitem", { name: "Edit" }).click();
    await expect.poll(() => isFocused(ada.page, "Edit message")).toBe(true);
    await ada.page.keyboard.press("End");
    await ada.page.keyboard.type(" Revenue is up.");
    await ada.page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => onBen.textContent(), { timeout: 2_000 }).toContain("Revenue is up.");
    expect(await onBen.textContent()).toContain("(edited)");

    await onAda.hover();
    await onAda.getByRole("button", { name: "Message actions" }).click();
    await ada.page.getByRole("menuitem", { name: "Delete" }).click();
    await ada.page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => onBen.count(), { timeout: 2_000 }).toBe(0);

    // Unread: Ben reads All Contacts at Acme while Ada writes to Dana Fox directly.
    await openMessagesOf(ben.page, "Acme Bakery");
    await ben.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    await expect.poll(() => sidebarMessages(ben.page).textContent()).toBe("Messages");
    await openMessagesOf(ada.page, "Acme Bakery");
    await conversations(ada.page)
      .getByRole("link", { name: /Dana Fox/ })
      .click();
    await ada.page.getByRole("heading", { level: 2, name: "Dana Fox" }).waitFor();
    await composer(ada.page).click();
    await ada.page.keyboard.type("Dana, your documents are ready.");
    await ada.page.keyboard.press("Control+Enter");
    await messageRow(ada.page, "your documents are ready").waitFor();

    const danaOnBen = conversations(ben.page).getByRole("link", { name: /Dana Fox/ });
    await expect.poll(() => danaOnBen.textContent(), { timeout: 2_000 }).toContain("1 unread");
    expect(await danaOnBen.textContent()).toContain("Ada Park: Dana, your documents are ready.");
    await expect.poll(() => sidebarMessages(ben.page).textContent()).toBe("Messages1 unread");
    await expect.poll(() => ben.page.title()).toBe("(1) Messages · Acme Bakery · Portico");
    await expectNoAxeViolations(ben.page, "conversation list with an unread badge");

    await danaOnBen.click();
    await messageRow(ben.page, "your documents are ready").waitFor();
    await expect.poll(() => danaOnBen.textContent()).not.toContain("unread");
    await expect.poll(() => sidebarMessages(ben.page).textContent()).toBe("Messages");
    await expect.poll(() => ben.page.title()).toBe("Messages · Acme Bakery · Portico");

    // While Ben has the thread open, a new message is read at once.
    await composer(ada.page).click();
    await ada.page.keyboard.type("One more thing.");
    await ada.page.keyboard.press("Control+Enter");
    await messageRow(ben.page, "One more thing.").waitFor({ timeout: 2_000 });
    await expect
      .poll(() => ben.page.locator("[aria-live=polite]").textContent())
      .toBe("New message from Ada Park");
    await expect.poll(() => sidebarMessages(ben.page).textContent()).toBe("Messages");
    expect(await danaOnBen.textContent()).not.toContain("unread");

    expect([...ada.problems, ...ben.problems]).toEqual([]);
    await ada.context.close();
    await ben.context.close();
  });

  it("formats with the toolbar, and only accepts safe links", async () => {
    const { page, context, problems } = await signedIn("chloe@northwind.test");
    await openMessagesOf(page, "Acme Bakery");
    await conversations(page)
      .getByRole("link", { name: /Dana Fox/ })
      .click();
    await page.getByRole("heading", { level: 2, name: "Dana Fox" }).waitFor();
    const toolbar = page.getByRole("toolbar", { name: "Message formatting" });

    await composer(page).click();
    await toolbar.getByRole("button", { name: "Bulleted list" }).click();
    await page.keyboard.type("Mon–Fri");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.type("Our website");
    await page.keyboard.press("Shift+Home");
    const bold = toolbar.getByRole("button", { name: "Bold" });
    expect(await bold.getAttribute("aria-pressed")).toBe("false");
    await bold.click();
    expect(await bold.getAttribute("aria-pressed")).toBe("true");

    await toolbar.getByRole("button", { name: "Link" }).click();
    const address = page.getByLabel("Link address");
    await address.fill("javascript:alert(1)");
    await page.keyboard.press("Enter");
    await page.getByText("Enter a web address (https://…) or an e-mail link (mailto:…).").waitFor();
    await expectNoAxeViolations(page, "link popover with an error");
    await address.fill("example.com/hours");
    await page.keyboard.press("Enter");
    await expect.poll(() => address.count()).toBe(0);
    await expect.poll(() => isFocused(page, "Message")).toBe(true);
    expect(await toolbar.getByRole("button", { name: "Link" }).getAttribute("aria-pressed")).toBe(
      "true",
    );
    await page.getByRole("button", { name: "Send", exact: true }).click();

    const sent = messageRow(page, "Mon–Fri");
    await sent.waitFor();
    const link = sent.getByRole("link", { name: "Our website" });
    expect(await link.getAttribute("href")).toBe("https://example.com/hours");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer nofollow");
    expect(await sent.locator("strong a, a strong").count()).toBe(1);
    expect(await sent.locator("ul > li").textContent()).toBe("Mon–Fri");

    expect(problems).toEqual([]);
    await context.close();
  });

  it("keeps drafts per conversation across switching and reloading", async () => {
    const { page, context, problems } = await signedIn("chloe@northwind.test");
    // The editor's code is held back, as on a slow connection: until it arrives, staff get no
    // text box that would take keys without the editor's shortcuts.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/assets\/RichTextEditor-[^/]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await openMessagesOf(page, "Acme Bakery");
    await conversations(page)
      .getByRole("link", { name: /Eli Stone/ })
      .click();
    await page.getByRole("heading", { level: 2, name: "Eli Stone" }).waitFor();
    await page.getByRole("button", { name: "Send", exact: true }).waitFor();
    expect(await composer(page).count()).toBe(0);
    release();
    await composer(page).click();
    await page.keyboard.type("Draft for Eli, ");
    await page.keyboard.press("Control+i");
    await page.keyboard.type("unfinished");

    await conversations(page)
      .getByRole("link", { name: /Fay Lin/ })
      .click();
    await page.getByRole("heading", { level: 2, name: "Fay Lin" }).waitFor();
    await expect.poll(() => composer(page).textContent()).toBe("");
    await conversations(page)
      .getByRole("link", { name: /Eli Stone/ })
      .click();
    await expect.poll(() => composer(page).textContent()).toBe("Draft for Eli, unfinished");

    await page.reload();
    await expect.poll(() => composer(page).textContent()).toBe("Draft for Eli, unfinished");
    expect(await composer(page).locator("em").textContent()).toBe("unfinished");
    expect(await page.getByRole("button", { name: "Send", exact: true }).isDisabled()).toBe(false);

    expect(problems).toEqual([]);
    await context.close();
  });

  it("keeps the text after a failed send, and Retry stores the message once", async () => {
    const { page, context, problems } = await signedIn("chloe@northwind.test");
    await openMessagesOf(page, "Acme Bakery");
    await conversations(page)
      .getByRole("link", { name: /Fay Lin/ })
      .click();
    await page.getByRole("heading", { level: 2, name: "Fay Lin" }).waitFor();

    // The first send reaches the server, but its answer is lost on the way back.
    let sends = 0;
    await page.route("**/api/conversations/*/messages", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      sends += 1;
      if (sends === 1) {
        await route.fetch();
        return route.abort("connectionreset");
      }
      return route.continue();
    });
    await composer(page).click();
    await page.keyboard.type("Please send the signed form.");
    await page.keyboard.press("Control+Enter");
    const alert = page.getByRole("alert").filter({ hasText: "Not sent" });
    await alert.waitFor();
    expect(await composer(page).textContent()).toBe("Please send the signed form.");
    await expectNoAxeViolations(page, "composer after a failed send");

    await alert.getByRole("button", { name: "Retry" }).click();
    await expect.poll(() => alert.count()).toBe(0);
    await expect.poll(() => composer(page).textContent()).toBe("");
    expect(sends).toBe(2);
    await page.unroute("**/api/conversations/*/messages");
    await page.reload();
    await messageRow(page, "Please send the signed form.").waitFor();
    expect(await messageRow(page, "Please send the signed form.").count()).toBe(1);

    expect(problems).toEqual([]);
    await context.close();
  });

  it("loads older history at the top and offers new messages below when scrolled up", async () => {
    const ada = await signedIn("ada@northwind.test");
    await openMessagesOf(ada.page, "Globex Ltd");
    await ada.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    const conversationId = ada.page.url().split("/").at(-1) ?? "";

    // 120 messages through the API, so the thread has three pages of history.
    for (let index = 1; index <= 120; index += 1) {
      const response = await ada.context.request.post(
        `/api/conversations/${conversationId}/messages`,
        {
          headers: { origin: app.server.url },
          data: {
            id: crypto.randomUUID(),
            internal: false,
            body: {
              type: "doc",
              content: [
                { type: "paragraph", content: [{ type: "text", text: `History ${index}.` }] },
              ],
            },
          },
        },
      );
      expect(response.status()).toBe(201);
    }

    const ben = await signedIn("ben@northwind.test");
    // Ben has read it all, so it opens at the newest message (unread would open at "New").
    const read = await ben.context.request.post(`/api/conversations/${conversationId}/read`, {
      headers: { origin: app.server.url },
      data: { seq: 2_147_483_647 },
    });
    expect(read.status()).toBe(204);
    await openMessagesOf(ben.page, "Globex Ltd");
    const history = thread(ben.page);
    await messageRow(ben.page, "History 120.").waitFor();
    const atBottom = () =>
      history.evaluate(
        (element) => element.scrollHeight - element.scrollTop - element.clientHeight < 48,
      );
    await expect.poll(atBottom).toBe(true);
    expect(await messageRow(ben.page, "History 60.").count()).toBe(0);

    // It opens with the newest messages only; the rest of the first page is not built yet.
    const rows = history.locator("li[data-message-id]");
    expect(await rows.count()).toBeLessThan(50);
    const topText = (await rows.first().textContent()) ?? "";
    const topNumber = Number(/History (\d+)\./.exec(topText)?.[1]);
    expect(topNumber).toBeGreaterThan(71);

    // Scrolling to the top shows the older loaded ones, then loads the page before, and what
    // was being read stays in view.
    const anchor = messageRow(ben.page, `History ${topNumber}.`);
    await history.evaluate((element) => {
      element.scrollTop = 0;
    });
    await messageRow(ben.page, "History 60.").waitFor();
    const box = await history.boundingBox();
    const anchorBox = await anchor.boundingBox();
    expect(anchorBox && box && anchorBox.y > box.y - 150 && anchorBox.y < box.y + box.height).toBe(
      true,
    );
    await expect
      .poll(async () => {
        await history.evaluate((element) => {
          element.scrollTop = 0;
        });
        return messageRow(ben.page, "History 1.").count();
      })
      .toBe(1);
    await history.getByText("Start of the conversation").waitFor();

    // Scrolled up, a new message from Ada does not move the view; a pill offers it instead.
    await composer(ada.page).click();
    await ada.page.keyboard.type("Fresh news below.");
    await ada.page.keyboard.press("Control+Enter");
    const pill = ben.page.getByRole("button", { name: "New messages" });
    await pill.waitFor({ timeout: 2_000 });
    expect(await atBottom()).toBe(false);
    await expectNoAxeViolations(ben.page, "thread with the new messages pill");
    await pill.click();
    await expect.poll(atBottom).toBe(true);
    await expect.poll(() => pill.count()).toBe(0);
    expect(await messageRow(ben.page, "Fresh news below.").isVisible()).toBe(true);

    expect([...ada.problems, ...ben.problems]).toEqual([]);
    await ada.context.close();
    await ben.context.close();
  });
});
