import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoAxeViolations,
  holdRequests,
  openPage,
  runAppAndBrowser,
  signInAsStaff,
} from "./harness.js";

const app = runAppAndBrowser({ env: { SIGN_IN_RATE_LIMIT: "100" } });

const FIRM = "Northwind Accounting";
/** How long another person's action may take to show up without a reload. */
const live = { timeout: 5_000 };
const uuid = "[0-9a-f-]{36}";
const portalThreadUrl = new RegExp(`/portal/clients/${uuid}/${uuid}$`);

async function staffSignedIn(email = "ada@northwind.test") {
  const opened = await openPage(app.browser, app.server.url);
  await signInAsStaff(opened.page, email);
  return opened;
}

/** Signs in through the portal's form; the contact lands on their client's Messages. */
async function signInToPortal(page: Page, email: string, password = "demo-password") {
  await page.goto("/portal/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(new RegExp(`/portal/clients/${uuid}`));
}

async function contactSignedIn(email: string, options: Parameters<typeof openPage>[2] = {}) {
  const opened = await openPage(app.browser, app.server.url, options);
  await signInToPortal(opened.page, email);
  return opened;
}

/** Client list → client record → a section of the sidebar, as a person clicks through. */
async function openClientSection(page: Page, clientName: string, section: "Messages" | "Contacts") {
  await page.goto("/clients");
  await page.getByRole("link", { name: clientName }).click();
  await page.getByRole("heading", { level: 1, name: clientName }).waitFor();
  await page
    .getByRole("navigation", { name: "Client sections" })
    .getByRole("link", { name: new RegExp(`^${section}`) })
    .click();
}

const thread = (page: Page) => page.getByRole("region", { name: "Message history" });
const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const conversations = (page: Page) => page.getByRole("navigation", { name: "Conversations" });
const conversationLink = (page: Page, title: string) =>
  conversations(page).getByRole("link", { name: new RegExp(title) });
const messageRow = (page: Page, text: string) =>
  thread(page).locator("li[data-message-id]").filter({ hasText: text });
const contactRow = (page: Page, name: string) => page.getByRole("row", { name: new RegExp(name) });

async function send(page: Page, text: string) {
  await composer(page).click();
  await page.keyboard.type(text);
  await page.keyboard.press("Control+Enter");
  await messageRow(page, text).waitFor();
  await expect.poll(() => composer(page).textContent()).toBe("");
}

/** The newest invitation e-mail to `to`, read on the Outbox page (header link "Outbox"). */
async function invitationLinkFromOutbox(page: Page, to: string): Promise<string> {
  await page.getByRole("banner").getByRole("link", { name: "Outbox" }).click();
  await page.getByRole("heading", { level: 1, name: "Outbox" }).waitFor();
  const mail = page
    .getByRole("article")
    .filter({ hasText: `To: ${to}` })
    .filter({ hasText: "Invitation" })
    .first();
  await mail.waitFor();
  const href = await mail
    .getByRole("link", { name: /\/portal\/invitation\// })
    .getAttribute("href");
  expect(href).toMatch(new RegExp(`^${app.server.url}/portal/invitation/[^/]+$`));
  return href ?? "";
}

/** Invites a contact from the client's Contacts page and reads the link from the Outbox. */
async function inviteFromContacts(page: Page, clientName: string, name: string, email: string) {
  await openClientSection(page, clientName, "Contacts");
  await page.getByRole("heading", { name: "Contacts" }).waitFor();
  await page.getByRole("button", { name: `Invite to portal: ${name}` }).click();
  await expect.poll(() => contactRow(page, name).textContent()).toContain("Invited");
  // No mail server in these tests: the page says the invitation waits in the Outbox.
  await page.getByText(`so the invitation to ${email} was not e-mailed`).waitFor();
  return invitationLinkFromOutbox(page, email);
}

/** Fills the invitation's password form; the confirmation repeats the password. */
async function choosePassword(page: Page, password: string) {
  await page.getByLabel("New password").fill(password);
  await page.getByLabel("Repeat the password").fill(password);
  await page.getByRole("button", { name: "Set password and continue" }).click();
}

describe("client portal", () => {
  it("lets staff and a contact talk live, and never shows the contact an internal note", async () => {
    const dana = await openPage(app.browser, app.server.url);
    await dana.page.goto("/portal/sign-in");
    await dana.page.getByRole("heading", { name: "Sign in" }).waitFor();
    await expectNoAxeViolations(dana.page, "portal sign-in");
    await signInToPortal(dana.page, "dana@acme.test");
    await dana.page.getByText(`${FIRM} has not started a conversation with you yet.`).waitFor();
    expect(await dana.page.getByRole("banner").textContent()).toContain(FIRM);
    await expectNoAxeViolations(dana.page, "portal messages before any conversation");

    // Ada starts Acme's All Contacts thread and writes; Dana sees it arrive, unread.
    const ada = await staffSignedIn();
    await openClientSection(ada.page, "Acme Bakery", "Messages");
    await ada.page.getByRole("button", { name: "Start Conversation" }).click();
    await ada.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    await send(ada.page, "Welcome to the portal, Acme!");

    const allContactsOnDana = conversationLink(dana.page, "All Contacts");
    await expect.poll(() => allContactsOnDana.textContent(), live).toContain("1 unread");
    expect(await allContactsOnDana.textContent()).toContain(
      "Ada Park: Welcome to the portal, Acme!",
    );
    await expect.poll(() => dana.page.title()).toBe(`(1) Messages · ${FIRM} · Portico`);
    await expectNoAxeViolations(dana.page, "portal conversation list with an unread badge");

    await allContactsOnDana.click();
    await dana.page.waitForURL(portalThreadUrl);
    await dana.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    const welcome = messageRow(dana.page, "Welcome to the portal, Acme!");
    await welcome.waitFor();
    expect(await welcome.textContent()).toContain("Ada Park");
    await expect.poll(() => allContactsOnDana.textContent()).not.toContain("unread");
    await expect.poll(() => dana.page.title()).toBe(`Messages · ${FIRM} · Portico`);
    // Someone else's message has no actions; a contact's composer has no note switch.
    expect(await welcome.getByRole("button", { name: "Message actions" }).count()).toBe(0);
    expect(await dana.page.getByRole("switch").count()).toBe(0);
    expect(await dana.page.getByText("Internal note").count()).toBe(0);
    await composer(dana.page).waitFor();
    await expectNoAxeViolations(dana.page, "portal thread");

    // Typing "@" is just a character: there is no one to mention from the portal.
    await composer(dana.page).click();
    await dana.page.keyboard.type("@Ada");
    await expect.poll(() => composer(dana.page).textContent()).toBe("@Ada");
    expect(await dana.page.getByRole("listbox").count()).toBe(0);
    expect(await dana.page.getByText("No team member matches").count()).toBe(0);
    await dana.page.keyboard.press("Control+a");
    await dana.page.keyboard.press("Backspace");
    await expect.poll(() => composer(dana.page).textContent()).toBe("");

    // Ada moves to a new direct thread with Dana; it appears in Dana's list at once.
    await ada.page.getByRole("button", { name: "New Direct Message" }).click();
    await ada.page.getByRole("menuitem", { name: /^Dana Fox/ }).click();
    await ada.page.getByRole("heading", { level: 2, name: "Dana Fox" }).waitFor();
    const directOnDana = conversationLink(dana.page, FIRM);
    await directOnDana.waitFor(live);

    // Dana replies with Ctrl+Enter; Ada sees it in her list as unread, from Dana Fox.
    await send(dana.page, "Thanks, happy to be here.");
    const allContactsOnAda = conversationLink(ada.page, "All Contacts");
    await expect.poll(() => allContactsOnAda.textContent(), live).toContain("1 unread");
    expect(await allContactsOnAda.textContent()).toContain("Dana Fox: Thanks, happy to be here.");
    await allContactsOnAda.click();
    const replyOnAda = messageRow(ada.page, "Thanks, happy to be here.");
    await replyOnAda.waitFor();
    expect(await replyOnAda.textContent()).toContain("Dana Fox");
    expect(await replyOnAda.getByRole("button", { name: "Message actions" }).count()).toBe(0);
    await expect.poll(() => allContactsOnAda.textContent()).not.toContain("unread");

    // An internal note never reaches Dana: not live, not in her list, not in her badge.
    await directOnDana.click();
    await dana.page.getByRole("heading", { level: 2, name: FIRM, exact: true }).waitFor();
    const marker = `note-${crypto.randomUUID()}`;
    await ada.page.getByRole("switch", { name: "Internal note" }).click();
    await send(ada.page, `Pricing is still open (${marker}).`);
    await send(ada.page, "After the note.");
    await expect.poll(() => allContactsOnDana.textContent(), live).toContain("1 unread");
    expect(await allContactsOnDana.textContent()).toContain("Ada Park: After the note.");
    expect(await dana.page.locator("body").textContent()).not.toContain(marker);
    await expect.poll(() => dana.page.title()).toBe(`(1) Messages · ${FIRM} · Portico`);
    // A note written last still leaves the contact's preview on the last public message.
    await ada.page.getByRole("switch", { name: "Internal note" }).click();
    await send(ada.page, `Second thought (${marker}).`);

    await dana.page.reload();
    await dana.page.getByRole("heading", { level: 2, name: FIRM, exact: true }).waitFor();
    await expect.poll(() => allContactsOnDana.textContent()).toContain("1 unread");
    expect(await allContactsOnDana.textContent()).toContain("Ada Park: After the note.");
    await allContactsOnDana.click();
    await messageRow(dana.page, "After the note.").waitFor();
    await expect.poll(() => allContactsOnDana.textContent()).not.toContain("unread");
    expect(await thread(dana.page).textContent()).not.toContain(marker);
    const allContactsUrl = dana.page.url();
    await dana.page.reload();
    await messageRow(dana.page, "After the note.").waitFor();
    expect(await dana.page.locator("body").textContent()).not.toContain(marker);
    expect(await allContactsOnDana.textContent()).not.toContain("unread");
    const conversationId = allContactsUrl.split("/").at(-1);
    const clientId = allContactsUrl.split("/").at(-2);
    for (const path of [
      `/api/portal/conversations/${conversationId}/messages`,
      `/api/portal/clients/${clientId}/conversations`,
    ]) {
      const response = await dana.context.request.get(path);
      expect(response.status()).toBe(200);
      expect(await response.text()).not.toContain(marker);
    }

    // Dana edits and deletes her own message, with the staff side's menu and confirmation.
    const reply = messageRow(dana.page, "Thanks, happy to be here.");
    await reply.hover();
    await reply.getByRole("button", { name: "Message actions" }).click();
    await dana.page.getByRole("menu").getByRole("menuitem", { name: "Edit" }).click();
    await dana.page.getByRole("textbox", { name: "Edit message" }).waitFor();
    await dana.page.keyboard.press("Control+a");
    await dana.page.keyboard.type("Thanks, all set on our side.");
    await dana.page.keyboard.press("Control+Enter");
    // The row shows the new text while its editor is still open: wait for the saved row.
    const edited = messageRow(dana.page, "Thanks, all set on our side.");
    await expect.poll(() => edited.textContent()).toContain("(edited)");
    const editedOnAda = messageRow(ada.page, "Thanks, all set on our side.");
    await editedOnAda.waitFor(live);
    await expect.poll(() => editedOnAda.textContent()).toContain("(edited)");

    await edited.hover();
    await edited.getByRole("button", { name: "Message actions" }).click();
    await dana.page.getByRole("menuitem", { name: "Delete" }).click();
    const confirm = dana.page.getByRole("alertdialog", { name: "Delete this message?" });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(
      "This permanently deletes the message. This cannot be undone.",
    );
    await expectNoAxeViolations(dana.page, "portal delete confirmation");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => edited.count()).toBe(0);
    await expect.poll(() => editedOnAda.count(), live).toBe(0);

    expect([...ada.problems, ...dana.problems]).toEqual([]);
    await ada.context.close();
    await dana.context.close();
  });

  it("invites a contact who sets a password, and revoking access ends their portal", async () => {
    const ada = await staffSignedIn();
    const link = await inviteFromContacts(ada.page, "Acme Bakery", "Fay Lin", "fay@acme.test");

    const fay = await openPage(app.browser, app.server.url);
    await fay.page.goto(link);
    await fay.page.getByRole("heading", { name: "Welcome, Fay Lin" }).waitFor();
    expect(await fay.page.getByText(FIRM).count()).toBeGreaterThan(0);
    const rules = fay.page.getByRole("list", { name: "Your password" });
    expect(await rules.getByRole("listitem").allTextContents()).toContain(
      "At least 10 characters (at most 128).",
    );
    await expectNoAxeViolations(fay.page, "invitation");

    // A weak password is explained beside the field; nothing is accepted.
    await choosePassword(fay.page, "aaaaaaaaaaaa");
    const password = fay.page.getByLabel("New password");
    await expect.poll(() => password.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await password.getAttribute("aria-describedby")) ?? "";
    expect(await fay.page.locator(`[id="${describedBy}"]`).textContent()).toBe(
      "Use more varied characters.",
    );
    await expectNoAxeViolations(fay.page, "set password with an error");
    expect(fay.page.url()).toBe(link);

    await choosePassword(fay.page, "Sourdough at dawn");
    await fay.page.waitForURL(portalThreadUrl);
    await fay.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    expect(await fay.page.getByRole("banner").textContent()).toContain(FIRM);
    expect(await fay.page.getByRole("banner").textContent()).toContain("Acme Bakery");
    await messageRow(fay.page, "Welcome to the portal, Acme!").waitFor();

    // The link is spent: opening it again says so and points to sign-in.
    const again = await openPage(app.browser, app.server.url);
    await again.page.goto(link);
    await again.page.getByRole("heading", { name: "This link no longer works" }).waitFor();
    expect(await again.page.getByRole("main").textContent()).toContain(
      "This invitation was already used.",
    );
    await expectNoAxeViolations(again.page, "used invitation");
    await again.page.getByRole("link", { name: "Go to sign-in" }).click();
    await again.page.waitForURL(/\/portal\/sign-in\?invitation=/);
    // The spent link still says whose portal this is.
    await again.page.getByText(`${FIRM} · Client portal`).waitFor();
    await again.context.close();

    await ada.page.goBack();
    await ada.page.getByRole("heading", { name: "Contacts" }).waitFor();
    // Staff heard of Fay's acceptance over the socket: no reload needed.
    await expect
      .poll(() => contactRow(ada.page, "Fay Lin").textContent(), live)
      .toContain("Active");

    // Revoking asks first; Fay's open portal then sends her to sign-in.
    await ada.page.getByRole("button", { name: "Revoke access: Fay Lin" }).click();
    const confirm = ada.page.getByRole("alertdialog", {
      name: "Revoke portal access for Fay Lin?",
    });
    await confirm.waitFor();
    await confirm.getByRole("button", { name: "Revoke access" }).click();
    await expect.poll(() => confirm.count()).toBe(0);
    await expect.poll(() => contactRow(ada.page, "Fay Lin").textContent()).toContain("Revoked");

    await fay.page.waitForURL(/\/portal\/sign-in\?next=/, live);
    await fay.page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect((await fay.context.request.get("/api/portal/session")).status()).toBe(401);
    await fay.page.goto("/portal");
    await fay.page.waitForURL(/\/portal\/sign-in\?next=%2Fportal$/);

    expect([...ada.problems, ...fay.problems]).toEqual([]);
    await ada.context.close();
    await fay.context.close();
  });

  it("keeps staff and contacts on their own side, and explains links that no longer work", async () => {
    const dana = await contactSignedIn("dana@acme.test");
    await dana.page.goto("/clients");
    await dana.page.waitForURL(new RegExp(`/portal/clients/${uuid}`));
    await conversations(dana.page).waitFor();
    expect((await dana.context.request.get("/api/clients")).status()).toBe(403);

    const ada = await staffSignedIn();
    await ada.page.goto("/portal");
    await ada.page.waitForURL("**/clients");
    await ada.page.goto(dana.page.url().replace(app.server.url, ""));
    await ada.page.waitForURL("**/clients");
    await ada.page.getByRole("heading", { name: "Clients" }).waitFor();

    // An expired link offers a new one, sent to the address it was meant for. (Expiry is
    // seven days away, so the page is shown the answer the server gives for such a link.)
    const visitor = await openPage(app.browser, app.server.url);
    const token = "x".repeat(43);
    await visitor.page.route(`**/api/portal/invitations/${token}`, (route) =>
      route.fulfill({ json: { state: "expired", firmName: FIRM } }),
    );
    await visitor.page.goto(`/portal/invitation/${token}`);
    await visitor.page.getByRole("heading", { name: "This link no longer works" }).waitFor();
    expect(await visitor.page.getByRole("main").textContent()).toContain(
      "This invitation has expired.",
    );
    await expectNoAxeViolations(visitor.page, "expired invitation");
    await visitor.page.getByRole("button", { name: "Send me a new invitation" }).click();
    await visitor.page.getByText("We sent a new invitation").waitFor();
    await visitor.page.unroute(`**/api/portal/invitations/${token}`);

    // A link that matches nothing (say, replaced by a newer one) says so, with ways forward.
    await visitor.page.goto(`/portal/invitation/${token}`);
    await visitor.page.getByRole("heading", { name: "This link no longer works" }).waitFor();
    expect(await visitor.page.getByRole("main").textContent()).toContain(
      "This invitation link does not work any more.",
    );
    await visitor.page.getByRole("link", { name: "Go to sign-in" }).waitFor();

    // A link cut short in the e-mail still leaves a way forward.
    await visitor.page.goto("/portal/invitation/abc");
    await visitor.page.getByRole("heading", { name: "This link no longer works" }).waitFor();
    await visitor.page.getByRole("link", { name: "Go to sign-in" }).waitFor();
    await expectNoAxeViolations(visitor.page, "broken invitation link");

    expect([...dana.problems, ...ada.problems, ...visitor.problems]).toEqual([]);
    await dana.context.close();
    await ada.context.close();
    await visitor.context.close();
  });

  it("shows one pane at a time on a phone", async () => {
    const gus = await contactSignedIn("gus@globex.test", { viewport: { width: 390, height: 844 } });
    const { page } = gus;
    const list = conversations(page);
    await list.waitFor();
    await expect
      .poll(() =>
        list
          .getByRole("link")
          .evaluateAll((links) =>
            links.map((link) => link.querySelector(".truncate")?.textContent),
          ),
      )
      .toEqual(["All Contacts", FIRM]);
    expect(await thread(page).count()).toBe(0);
    const fitsWidth = () =>
      page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await fitsWidth()).toBe(true);
    await expectNoAxeViolations(page, "phone conversation list");

    await conversationLink(page, "All Contacts").click();
    await page.waitForURL(portalThreadUrl);
    await page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    await thread(page).locator("li[data-message-id]").first().waitFor();
    expect(await list.count()).toBe(0);
    const back = page.getByRole("link", { name: "Conversations" });
    expect(await back.isVisible()).toBe(true);
    // The composer (loaded after the thread) sits on screen, under the history.
    await composer(page).waitFor();
    const send = await page.getByRole("button", { name: "Send", exact: true }).boundingBox();
    expect(send && send.y + send.height <= 844).toBe(true);
    expect(await fitsWidth()).toBe(true);
    await expectNoAxeViolations(page, "phone thread");

    await back.click();
    await page.waitForURL(new RegExp(`/portal/clients/${uuid}$`));
    await list.waitFor();
    expect(await thread(page).count()).toBe(0);

    expect(gus.problems).toEqual([]);
    await gus.context.close();
  });

  it("builds a contact's editor on first use, keeping what was typed before it arrived", async () => {
    const gus = await openPage(app.browser, app.server.url);
    const { page } = gus;
    // The editor's code is held back, as on a slow connection, until the test lets it through.
    let editorRequested = false;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/assets\/RichTextEditor-[^/]+\.js$/, async (route) => {
      editorRequested = true;
      await held;
      await route.continue();
    });
    await signInToPortal(page, "gus@globex.test");
    await conversationLink(page, "All Contacts").click();
    await thread(page).locator("li[data-message-id]").first().waitFor();
    await composer(page).waitFor();
    const toolbar = page.getByRole("toolbar", { name: "Message formatting" });
    expect(await toolbar.count()).toBe(0);
    expect(editorRequested).toBe(false);
    await expectNoAxeViolations(page, "portal composer before first use");

    // Gus types and sends at once; nothing is sent or lost while the editor is on its way.
    await composer(page).click();
    await page.keyboard.type("Got it, thanks.");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => editorRequested).toBe(true);
    expect(await messageRow(page, "Got it, thanks.").count()).toBe(0);
    release();
    await toolbar.waitFor();
    await messageRow(page, "Got it, thanks.").waitFor();
    await expect.poll(() => composer(page).textContent()).toBe("");
    expect(await messageRow(page, "Got it, thanks.").count()).toBe(1);
    // The editor has the focus: the next keys go on into it.
    await page.keyboard.type("One more thing");
    expect(await composer(page).textContent()).toBe("One more thing");
    await expectNoAxeViolations(page, "portal composer once built");

    expect(gus.problems).toEqual([]);
    await gus.context.close();
  });

  it("goes to the section a contact chose while their messages were still loading", async () => {
    const gus = await openPage(app.browser, app.server.url);
    // The conversations arrive late and the Files screen's code later still: the contact's
    // click on Files is on its way when Messages could open a conversation by itself.
    const list = await holdRequests(gus.page, /\/api\/portal\/clients\/[^/]+\/conversations(\?|$)/);
    const filesCode = await holdRequests(gus.page, /\/assets\/PortalFilesPage-[^/]+\.js$/);
    await signInToPortal(gus.page, "gus@globex.test");
    await gus.page
      .getByRole("navigation", { name: "Portal sections" })
      .getByRole("link", { name: "Files" })
      .click();
    await filesCode.requested;
    list.release();
    await conversations(gus.page).waitFor();
    filesCode.release();
    await gus.page.getByRole("heading", { level: 1, name: "Files" }).waitFor();
    expect(new URL(gus.page.url()).pathname).toMatch(new RegExp(`^/portal/clients/${uuid}/files$`));
    expect(gus.problems).toEqual([]);
    await gus.context.close();
  });

  it("lets a contact of two clients switch between them", async () => {
    // Dana becomes a contact of Globex too, with the same e-mail address.
    const ada = await staffSignedIn();
    await openClientSection(ada.page, "Globex Ltd", "Contacts");
    await ada.page.getByRole("button", { name: "Add contact" }).click();
    const dialog = ada.page.getByRole("dialog", { name: "Add contact" });
    await dialog.getByLabel("Name").fill("Dana Fox");
    await dialog.getByLabel("Email").fill("dana@acme.test");
    await dialog.getByRole("button", { name: "Add contact" }).click();
    await ada.page.getByRole("cell", { name: "dana@acme.test" }).waitFor();
    const link = await inviteFromContacts(ada.page, "Globex Ltd", "Dana Fox", "dana@acme.test");

    // Dana opens it before signing in. The page cannot tell (and is not told) whether she
    // already has a sign-in, so it offers both ways.
    const dana = await openPage(app.browser, app.server.url);
    await dana.page.goto(link);
    await dana.page.getByRole("heading", { name: "Welcome, Dana Fox" }).waitFor();
    await dana.page.getByRole("heading", { name: "New to the portal?" }).waitFor();
    await dana.page.getByRole("heading", { name: "Already use the portal?" }).waitFor();
    await expectNoAxeViolations(dana.page, "invitation, not signed in");
    // Choosing a password for an address that already signs in changes nothing, and says so.
    await choosePassword(dana.page, "Not my password any more");
    await dana.page.getByText("dana@acme.test already has a sign-in.").waitFor();
    await expectNoAxeViolations(dana.page, "invitation for an address that signs in");

    // She signs in to accept, comes back to the invitation and accepts it.
    await dana.page.getByRole("link", { name: "Sign in to accept" }).click();
    await dana.page.waitForURL(/\/portal\/sign-in\?next=/);
    await dana.page.getByLabel("Email").fill("dana@acme.test");
    await dana.page.getByLabel("Password").fill("demo-password");
    await dana.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await dana.page.waitForURL(link);
    const accept = dana.page.getByRole("button", { name: "Accept invitation" });
    await accept.waitFor();
    expect(await dana.page.getByRole("main").textContent()).toContain(
      "You are signed in as dana@acme.test",
    );
    await expectNoAxeViolations(dana.page, "invitation, signed in");
    await accept.click();
    await dana.page.waitForURL(portalThreadUrl);

    const clientMenu = dana.page.getByRole("combobox", { name: "Client" });
    await clientMenu.waitFor();
    expect(await clientMenu.locator("option").allTextContents()).toEqual([
      "Acme Bakery",
      "Globex Ltd",
    ]);
    // She lands on the client she just joined.
    expect(await clientMenu.inputValue()).toBe(dana.page.url().split("/").at(-2));
    expect(await clientMenu.locator("option:checked").textContent()).toBe("Globex Ltd");
    await messageRow(dana.page, "welcome to your Globex portal").waitFor();
    await dana.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    expect(await thread(dana.page).textContent()).not.toContain("missed the deadline");
    expect(await thread(dana.page).textContent()).not.toContain("After the note.");
    // Globex has no direct thread with this Dana; Gus's stays his.
    expect(await conversations(dana.page).getByRole("link").count()).toBe(1);
    await expectNoAxeViolations(dana.page, "portal with the client menu");

    await clientMenu.selectOption({ label: "Acme Bakery" });
    await conversationLink(dana.page, "All Contacts").click();
    await messageRow(dana.page, "After the note.").waitFor();
    expect(await thread(dana.page).textContent()).not.toContain("welcome to your Globex portal");
    await conversationLink(dana.page, FIRM).waitFor();
    // Her password is the one she had.
    expect(
      (
        await dana.context.request.post("/api/auth/sign-in/email", {
          data: { email: "dana@acme.test", password: "demo-password" },
          headers: { origin: app.server.url },
        })
      ).status(),
    ).toBe(200);

    expect([...ada.problems, ...dana.problems]).toEqual([]);
    await ada.context.close();
    await dana.context.close();
  });
});
