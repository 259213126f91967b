import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoAxeViolations,
  openPage,
  runAppAndBrowser,
  signInAsContact,
  signInAsStaff,
} from "./harness.js";
import { staffApi } from "./staff-api.js";

const app = runAppAndBrowser({
  env: { SIGN_IN_RATE_LIMIT: "100", MESSAGE_SEND_RATE_LIMIT: "1000" },
});

/** How long another person's action may take to show up without a reload. */
const live = { timeout: 5_000 };

const thread = (page: Page) => page.getByRole("region", { name: "Message history" });
const messageRow = (page: Page, text: string) =>
  thread(page).locator("li[data-message-id]").filter({ hasText: text });

async function staffSignedIn(email = "ada@northwind.test", width = 1440) {
  const opened = await openPage(app.browser, app.server.url, {
    viewport: { width, height: 900 },
  });
  await signInAsStaff(opened.page, email);
  return opened;
}

async function contactSignedIn(email: string, width = 1440) {
  const opened = await openPage(app.browser, app.server.url, {
    viewport: { width, height: 900 },
  });
  await signInAsContact(opened.page, email);
  return opened;
}

describe("unread and read", () => {
  it("opens a conversation at its first unread message, under a New divider clear of the sticky day heading", async () => {
    const ada = await staffSignedIn();
    const api = staffApi(ada.context.request, app.server.url);
    const acme = await api.clientId("Acme Bakery");
    const conversationId = await api.openAllContacts(acme);
    for (let n = 1; n <= 30; n++) await api.send(conversationId, `Earlier update ${n}`);

    const dana = await contactSignedIn("dana@acme.test", 390);
    const threadUrl = `/portal/clients/${acme}/${conversationId}`;
    await dana.page.goto(threadUrl);
    await messageRow(dana.page, "Earlier update 30").waitFor();
    // Opening marks everything read; leaving and coming back later finds only what is new.
    await expect
      .poll(async () => (await unreadOf(dana.page, acme, conversationId)) === 0)
      .toBe(true);
    await dana.page.goto("/portal/account");
    // More new messages than the screen holds (one author's messages are grouped, so a line
    // each): the first of them, not the newest, comes into view.
    for (let n = 1; n <= 40; n++) await api.send(conversationId, `Fresh news ${n}`);

    await dana.page.goto(threadUrl);
    const divider = thread(dana.page).locator("[data-new-divider]");
    await divider.waitFor();
    expect(await divider.textContent()).toBe("New");
    // The divider sits right before the first unread message.
    const nextText = await divider.evaluate(
      (element) => element.nextElementSibling?.textContent ?? "",
    );
    expect(nextText).toMatch(/Fresh news 1$/);

    const geometry = async () =>
      thread(dana.page).evaluate((history) => {
        const line = history.querySelector("[data-new-divider]") as HTMLElement;
        const headings = [...history.querySelectorAll("h3")].filter((heading) => {
          const box = heading.getBoundingClientRect();
          return (
            box.bottom > history.getBoundingClientRect().top &&
            box.top < line.getBoundingClientRect().top
          );
        });
        const stuck = headings.at(-1)?.getBoundingClientRect();
        const historyBox = history.getBoundingClientRect();
        const lineBox = line.getBoundingClientRect();
        return {
          lineTop: lineBox.top,
          lineBottom: lineBox.bottom,
          historyTop: historyBox.top,
          historyBottom: historyBox.bottom,
          headingBottom: stuck?.bottom ?? historyBox.top,
          fromBottom: history.scrollHeight - history.scrollTop - history.clientHeight,
        };
      });
    await expect.poll(async () => (await geometry()).fromBottom > 100).toBe(true);
    const shown = await geometry();
    // Visible, below the sticky day heading, inside the history: not hidden, not at the bottom.
    expect(shown.lineTop).toBeGreaterThanOrEqual(shown.headingBottom);
    expect(shown.lineBottom).toBeLessThanOrEqual(shown.historyBottom);
    expect(shown.lineTop).toBeGreaterThanOrEqual(shown.historyTop);
    await expectNoAxeViolations(dana.page, "portal thread opened at the New divider (390 px)");

    // The divider stays while the conversation is open, even as more arrives and is read.
    await api.send(conversationId, "Fresh news last");
    await messageRow(dana.page, "Fresh news last").waitFor(live);
    expect(await divider.count()).toBe(1);
    // Leaving and coming back with nothing unread: no divider, the newest message in view.
    await dana.page.goto("/portal/account");
    await dana.page.goto(threadUrl);
    await messageRow(dana.page, "Fresh news last").waitFor();
    expect(await divider.count()).toBe(0);
    await expect
      .poll(() =>
        thread(dana.page).evaluate(
          (history) => history.scrollHeight - history.scrollTop - history.clientHeight,
        ),
      )
      .toBeLessThan(48);

    for (const opened of [ada, dana]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
  });

  it("with more unread than one page, opens at the oldest loaded unread message and stays there until the reader scrolls up", async () => {
    const sol = await staffSignedIn("sol@southside.test");
    const api = staffApi(sol.context.request, app.server.url);
    const initech = await api.clientId("Initech");
    const conversationId = await api.openAllContacts(initech);
    // A page holds 50: the first ten of these are not on the first page.
    for (let n = 1; n <= 60; n++) await api.send(conversationId, `Backlog item ${n}`);

    const ivy = await contactSignedIn("ivy@initech.test", 390);
    await ivy.page.goto(`/portal/clients/${initech}/${conversationId}`);
    const divider = thread(ivy.page).locator("[data-new-divider]");
    await divider.waitFor();
    const next = () => divider.evaluate((element) => element.nextElementSibling?.textContent ?? "");
    expect(await next()).toMatch(/Backlog item 11$/);
    await ivy.page.waitForLoadState("networkidle");
    // Nothing older arrived on its own: the view holds still where it opened.
    expect(await thread(ivy.page).locator("li[data-message-id]").count()).toBe(50);
    expect(await next()).toMatch(/Backlog item 11$/);
    await expectNoAxeViolations(
      ivy.page,
      "portal thread opened at the oldest loaded unread message",
    );

    // Scrolling up brings the older ones, and the divider moves to the first unread of all.
    await thread(ivy.page).hover();
    await ivy.page.mouse.wheel(0, -400);
    await messageRow(ivy.page, "Backlog item 1").first().waitFor();
    await expect.poll(next).toMatch(/Backlog item 1$/);

    for (const opened of [sol, ivy]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
  });

  it("shows staff who has seen their newest message, live, with the time; never on a note, never to contacts", async () => {
    const ada = await staffSignedIn();
    const api = staffApi(ada.context.request, app.server.url);
    const globex = await api.clientId("Globex Ltd");
    const conversationId = await api.openAllContacts(globex);
    await api.send(conversationId, "Please sign the engagement letter");

    await ada.page.goto(`/clients/${globex}/messages/${conversationId}`);
    const asked = messageRow(ada.page, "Please sign the engagement letter");
    await asked.waitFor();
    const seen = asked.getByRole("button", { name: /^Seen by/ });
    expect(await seen.count()).toBe(0);

    const gus = await contactSignedIn("gus@globex.test");
    await gus.page.goto(`/portal/clients/${globex}/${conversationId}`);
    await messageRow(gus.page, "Please sign the engagement letter").waitFor();

    // Ada's page shows the receipt without a reload.
    await seen.waitFor(live);
    expect((await seen.textContent())?.trim()).toBe("Seen by Gus Hale");
    await expectNoAxeViolations(ada.page, "staff thread with a read receipt");
    await seen.click();
    const when = ada.page.getByRole("dialog").filter({ hasText: "Gus Hale, seen" });
    await when.waitFor();
    expect(await when.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    await expectNoAxeViolations(ada.page, "read receipt's time shown");
    await ada.page.keyboard.press("Escape");
    await when.waitFor({ state: "detached" });

    // A note after it is never "seen": the receipt stays on the message Gus could read.
    await api.send(conversationId, "Staff only: chase him on Friday", true);
    const note = messageRow(ada.page, "chase him on Friday");
    await note.waitFor(live);
    await api.send(conversationId, "Reminder: the letter is due Friday");
    await messageRow(gus.page, "Reminder: the letter").waitFor(live);
    const reminder = messageRow(ada.page, "Reminder: the letter");
    await reminder.getByRole("button", { name: "Seen by Gus Hale" }).waitFor(live);
    expect(await note.getByRole("button", { name: /^Seen by/ }).count()).toBe(0);
    expect(await seen.count()).toBe(0);

    // The contact's page never shows read state.
    expect(await gus.page.getByText(/Seen by/).count()).toBe(0);

    for (const opened of [ada, gus]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
  });

  it("shows every contact of All Contacts who has read it, and Dana Fox as she reads in the portal", async () => {
    const ada = await staffSignedIn();
    const api = staffApi(ada.context.request, app.server.url);
    const acme = await api.clientId("Acme Bakery");
    const conversationId = await api.openAllContacts(acme);
    await api.send(conversationId, "Your year-end pack is ready");
    await ada.page.goto(`/clients/${acme}/messages/${conversationId}`);
    const pack = messageRow(ada.page, "Your year-end pack is ready");
    await pack.waitFor();

    const dana = await contactSignedIn("dana@acme.test");
    await dana.page.goto(`/portal/clients/${acme}/${conversationId}`);
    await pack.getByRole("button", { name: "Seen by Dana Fox" }).waitFor(live);
    const eli = await contactSignedIn("eli@acme.test");
    await eli.page.goto(`/portal/clients/${acme}/${conversationId}`);
    await pack.getByRole("button", { name: "Seen by Dana Fox and Eli Stone" }).waitFor(live);
    await expectNoAxeViolations(ada.page, "staff thread seen by two contacts");

    for (const opened of [ada, dana, eli]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
  });
});

async function unreadOf(page: Page, clientId: string, conversationId: string) {
  const response = await page.request.get(`/api/portal/clients/${clientId}/conversations`);
  const list = (await response.json()) as {
    conversations: { id: string; unreadCount: number }[];
  };
  return list.conversations.find((conversation) => conversation.id === conversationId)?.unreadCount;
}
