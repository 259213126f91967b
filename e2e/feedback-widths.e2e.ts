import type { APIRequestContext, Locator, Page, WebSocketRoute } from "playwright-core";
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

/** How long another person's action, or a reconnection, may take to show up without a reload. */
const live = { timeout: 5_000 };

const thread = (page: Page) => page.getByRole("region", { name: "Message history" });
const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const sendButton = (page: Page) => page.getByRole("button", { name: "Send", exact: true });
const waitingButton = (page: Page) => page.getByRole("button", { name: "Waiting for connection" });
const connectionBanner = (page: Page) =>
  page.getByRole("status").filter({ hasText: "The connection to Portico was lost" });
const messageRow = (page: Page, text: string) =>
  thread(page).locator("li[data-message-id]").filter({ hasText: text });

const fitsWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** Whole on screen and not covered: the point at its centre belongs to it, not to something over it. */
const uncovered = (locator: Locator) =>
  locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const inside =
      box.width > 0 &&
      box.height > 0 &&
      box.top >= 0 &&
      box.left >= 0 &&
      box.bottom <= window.innerHeight &&
      box.right <= window.innerWidth;
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return inside && top !== null && element.contains(top);
  });

/**
 * Passes a page's realtime socket through the test, which can then cut it while the browser
 * stays online. While cut, the first attempt to reconnect is refused and later ones get no
 * answer from the server, until `restore` ends the unanswered attempt and the app's next one
 * gets through.
 */
async function controlRealtime(page: Page) {
  let cut = false;
  let attemptsWhileCut = 0;
  const connected = new Set<WebSocketRoute>();
  const unanswered = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/api\/realtime$/, async (socket) => {
    if (!cut) {
      socket.connectToServer();
      connected.add(socket);
      return;
    }
    attemptsWhileCut += 1;
    if (attemptsWhileCut === 1) await socket.close({ code: 1013, reason: "Try again later" });
    else unanswered.add(socket);
  });
  return {
    attemptsWhileCut: () => attemptsWhileCut,
    cut: async () => {
      cut = true;
      attemptsWhileCut = 0;
      for (const socket of connected) await socket.close();
      connected.clear();
    },
    restore: async () => {
      cut = false;
      for (const socket of unanswered) await socket.close();
      unanswered.clear();
    },
  };
}

/** A fresh page at this size whose realtime socket the test controls, signed in as staff. */
async function staffSignedIn(email: string, viewport: Viewport) {
  const opened = await openPage(app.browser, app.server.url, { viewport });
  const realtime = await controlRealtime(opened.page);
  await signInAsStaff(opened.page, email);
  return { ...opened, realtime };
}

async function contactSignedIn(email: string, viewport: Viewport) {
  const opened = await openPage(app.browser, app.server.url, { viewport });
  const realtime = await controlRealtime(opened.page);
  await signInAsContact(opened.page, email);
  return { ...opened, realtime };
}

const paragraph = (text: string) => ({
  type: "doc",
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});

/** A contact's send, from their signed-in page's context. */
async function contactSends(request: APIRequestContext, conversationId: string, text: string) {
  const response = await request.post(`/api/portal/conversations/${conversationId}/messages`, {
    headers: { origin: app.server.url },
    data: { id: crypto.randomUUID(), body: paragraph(text) },
  });
  expect(response.status(), await response.text()).toBe(201);
}

/** Where the New divider sits against the history and the day heading stuck above it. */
const dividerGeometry = (page: Page) =>
  thread(page).evaluate((history) => {
    const line = history.querySelector("[data-new-divider]") as HTMLElement;
    const lineBox = line.getBoundingClientRect();
    const historyBox = history.getBoundingClientRect();
    const headingsAbove = [...history.querySelectorAll("h3")].filter((heading) => {
      const box = heading.getBoundingClientRect();
      return box.bottom > historyBox.top && box.top < lineBox.top;
    });
    return {
      lineTop: lineBox.top,
      lineBottom: lineBox.bottom,
      historyTop: historyBox.top,
      historyBottom: historyBox.bottom,
      headingBottom: headingsAbove.at(-1)?.getBoundingClientRect().bottom ?? historyBox.top,
      fromBottom: history.scrollHeight - history.scrollTop - history.clientHeight,
    };
  });

/** The thread opened at its first unread message: the divider in view, below the day heading. */
async function expectOpenedAtNewDivider(page: Page, firstUnread: string, screen: string) {
  const divider = thread(page).locator("[data-new-divider]");
  await divider.waitFor();
  expect(await divider.textContent()).toBe("New");
  expect(await divider.evaluate((line) => line.nextElementSibling?.textContent ?? "")).toMatch(
    new RegExp(`${firstUnread}$`),
  );
  await expect.poll(async () => (await dividerGeometry(page)).fromBottom > 100).toBe(true);
  const shown = await dividerGeometry(page);
  expect(shown.lineTop, screen).toBeGreaterThanOrEqual(shown.headingBottom);
  expect(shown.lineTop, screen).toBeGreaterThanOrEqual(shown.historyTop);
  expect(shown.lineBottom, screen).toBeLessThanOrEqual(shown.historyBottom);
  expect(await uncovered(divider), screen).toBe(true);
  expect(await fitsWidth(page), screen).toBe(true);
  await expectNoAxeViolations(page, screen);
}

/** Near the limit a count shows; past it, Send is disabled. Leaves the composer empty. */
async function expectLengthCountBlocksSend(page: Page, screen: string) {
  await composer(page).click();
  await page.keyboard.insertText("a".repeat(9_995));
  const left = page.getByRole("status").filter({ hasText: "5 characters left" });
  await left.waitFor();
  expect(await sendButton(page).isEnabled(), screen).toBe(true);
  await page.keyboard.insertText("b".repeat(7));
  const over = page.getByRole("status").filter({ hasText: /^2 characters too many/ });
  await over.waitFor();
  expect(await sendButton(page).isDisabled(), screen).toBe(true);
  expect(await uncovered(over), screen).toBe(true);
  expect(await uncovered(sendButton(page)), screen).toBe(true);
  expect(await fitsWidth(page), screen).toBe(true);
  await expectNoAxeViolations(page, screen);
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await expect.poll(() => composer(page).textContent()).toBe("");
}

/** Cuts the socket: the banner shows, a send waits; restored: the banner goes and it is sent. */
async function expectBannerWhileSocketIsDown(
  page: Page,
  realtime: Awaited<ReturnType<typeof controlRealtime>>,
  text: string,
  screen: string,
) {
  await thread(page).locator("li[data-message-id]").first().waitFor();
  expect(await connectionBanner(page).count()).toBe(0);
  await realtime.cut();
  await connectionBanner(page).waitFor();
  expect(await uncovered(connectionBanner(page)), screen).toBe(true);
  await composer(page).click();
  await page.keyboard.type(text);
  await sendButton(page).click();
  await waitingButton(page).waitFor();
  expect(await waitingButton(page).isDisabled(), screen).toBe(true);
  expect(await uncovered(waitingButton(page)), screen).toBe(true);
  expect(await fitsWidth(page), screen).toBe(true);
  await expectNoAxeViolations(page, screen);

  await realtime.restore();
  await messageRow(page, text).waitFor(live);
  await connectionBanner(page).waitFor({ state: "detached", ...live });
  await expect.poll(() => composer(page).textContent()).toBe("");
}

type Viewport = { width: number; height: number };

/** Each width has its own firm's client, so what one test reads does not change another's. */
const widths = [
  {
    viewport: { width: 390, height: 844 },
    staff: "ada@northwind.test",
    client: "Acme Bakery",
    contact: "dana@acme.test",
    contactName: "Dana Fox",
  },
  {
    viewport: { width: 768, height: 1024 },
    staff: "ada@northwind.test",
    client: "Globex Ltd",
    contact: "gus@globex.test",
    contactName: "Gus Hale",
  },
  {
    viewport: { width: 1440, height: 900 },
    staff: "sol@southside.test",
    client: "Initech",
    contact: "ivy@initech.test",
    contactName: "Ivy Chen",
  },
];

describe("connection feedback when the realtime socket is down", () => {
  it("says the connection was lost while the browser is online, holds a send as waiting, and catches up once back", async () => {
    const viewport = { width: 1440, height: 900 };
    const ada = await staffSignedIn("ada@northwind.test", viewport);
    const gus = await contactSignedIn("gus@globex.test", viewport);
    const api = staffApi(ada.context.request, app.server.url);
    const globex = await api.clientId("Globex Ltd");
    const conversationId = await api.openAllContacts(globex);
    await ada.page.goto(`/clients/${globex}/messages/${conversationId}`);
    await composer(ada.page).waitFor();
    await thread(ada.page).locator("li[data-message-id]").first().waitFor();
    expect(await connectionBanner(ada.page).count()).toBe(0);
    expect(await ada.page.evaluate(() => navigator.onLine)).toBe(true);

    await ada.realtime.cut();
    const banner = connectionBanner(ada.page);
    await banner.waitFor();
    expect((await banner.textContent())?.trim()).toBe(
      "The connection to Portico was lost. Reconnecting… Anything you send waits until it is back.",
    );
    // Not the offline wording: the browser itself is still online.
    expect(await ada.page.getByText("You are offline").count()).toBe(0);

    await composer(ada.page).click();
    await ada.page.keyboard.type("Sent while the server was out of reach");
    await ada.page.keyboard.press("Control+Enter");
    await waitingButton(ada.page).waitFor();
    expect(await waitingButton(ada.page).isDisabled()).toBe(true);
    expect(await ada.page.getByRole("button", { name: "Sending…" }).count()).toBe(0);
    await expectNoAxeViolations(ada.page, "connection lost with a send waiting");

    // The app keeps trying; a refused attempt and one the server does not answer leave it waiting.
    await expect.poll(() => ada.realtime.attemptsWhileCut() >= 2, live).toBe(true);
    expect(await banner.count()).toBe(1);
    expect(await waitingButton(ada.page).count()).toBe(1);
    // Someone else writes meanwhile; nothing reaches this page while its socket is down.
    await contactSends(gus.context.request, conversationId, "Gus wrote while Ada was cut off");
    expect(await messageRow(ada.page, "Sent while the server was out of reach").count()).toBe(0);
    expect(await messageRow(ada.page, "Gus wrote while Ada was cut off").count()).toBe(0);

    await ada.realtime.restore();
    await messageRow(ada.page, "Sent while the server was out of reach").waitFor(live);
    await messageRow(ada.page, "Gus wrote while Ada was cut off").waitFor(live);
    await banner.waitFor({ state: "detached", ...live });
    await expect.poll(() => composer(ada.page).textContent()).toBe("");
    expect(await sendButton(ada.page).count()).toBe(1);
    // Sent once, not once per reconnection.
    expect(await messageRow(ada.page, "Sent while the server was out of reach").count()).toBe(1);
    // Live again: what the contact writes next arrives without a reload.
    await contactSends(gus.context.request, conversationId, "Gus again, after the reconnection");
    await messageRow(ada.page, "Gus again, after the reconnection").waitFor(live);

    for (const opened of [ada, gus]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
  });
});

describe.each(widths)("unread, receipts and feedback at $viewport.width px", ({
  viewport,
  staff,
  client,
  contact,
  contactName,
}) => {
  const at = `${viewport.width} px`;

  it("portal: opens at the New divider clear of the day heading, counts near the limit, shows the connection banner", async () => {
    const person = await contactSignedIn(contact, viewport);
    const teammate = await staffSignedIn(staff, viewport);
    const api = staffApi(teammate.context.request, app.server.url);
    const clientId = await api.clientId(client);
    const conversationId = await api.openAllContacts(clientId);
    for (let n = 1; n <= 12; n++) await api.send(conversationId, `Earlier note ${n} at ${at}`);
    const threadUrl = `/portal/clients/${clientId}/${conversationId}`;
    await person.page.goto(threadUrl);
    await messageRow(person.page, `Earlier note 12 at ${at}`).waitFor();
    await expect
      .poll(async () => (await portalUnread(person.page, clientId, conversationId)) === 0)
      .toBe(true);
    await person.page.goto("/portal/account");
    for (let n = 1; n <= 45; n++) await api.send(conversationId, `Portal news ${n} at ${at}`);

    await person.page.goto(threadUrl);
    await expectOpenedAtNewDivider(
      person.page,
      `Portal news 1 at ${at}`,
      `portal thread at the New divider (${at})`,
    );
    await expectLengthCountBlocksSend(person.page, `portal composer past the limit (${at})`);
    await expectBannerWhileSocketIsDown(
      person.page,
      person.realtime,
      `Portal reply held while cut off at ${at}`,
      `portal connection banner (${at})`,
    );
    // Contacts never see staff read state, at any width.
    expect(await person.page.getByText(/Seen by/).count()).toBe(0);

    for (const opened of [person, teammate]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
  });

  it(`staff: opens at the New divider, shows "Seen by ${contactName}" with its time, counts near the limit, shows the connection banner`, async () => {
    const member = await staffSignedIn(staff, viewport);
    const person = await contactSignedIn(contact, viewport);
    const api = staffApi(member.context.request, app.server.url);
    const clientId = await api.clientId(client);
    const conversationId = await api.openAllContacts(clientId);
    const threadUrl = `/clients/${clientId}/messages/${conversationId}`;
    await contactSends(person.context.request, conversationId, `Before the news at ${at}`);
    await member.page.goto(threadUrl);
    await messageRow(member.page, `Before the news at ${at}`).waitFor();
    await member.page.goto("/clients");
    await member.page.getByRole("link", { name: client }).waitFor();
    for (let n = 1; n <= 45; n++) {
      await contactSends(person.context.request, conversationId, `Client reply ${n} at ${at}`);
    }

    await member.page.goto(threadUrl);
    await expectOpenedAtNewDivider(
      member.page,
      `Client reply 1 at ${at}`,
      `staff thread at the New divider (${at})`,
    );

    // A message the contact then reads: the receipt line under it, and its time on a tap.
    await composer(member.page).click();
    await member.page.keyboard.type(`Please confirm the figures (${at})`);
    await sendButton(member.page).click();
    const asked = messageRow(member.page, `Please confirm the figures (${at})`);
    await asked.waitFor();
    await person.page.goto(`/portal/clients/${clientId}/${conversationId}`);
    await messageRow(person.page, `Please confirm the figures (${at})`).waitFor();
    const seen = asked.getByRole("button", { name: `Seen by ${contactName}` });
    await seen.waitFor(live);
    await expect.poll(() => uncovered(seen)).toBe(true);
    expect(await fitsWidth(member.page)).toBe(true);
    await expectNoAxeViolations(member.page, `staff thread with a read receipt (${at})`);
    await seen.click();
    const when = member.page.getByRole("dialog").filter({ hasText: `${contactName}, seen` });
    await when.waitFor();
    expect(await when.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await uncovered(when)).toBe(true);
    expect(await fitsWidth(member.page)).toBe(true);
    await expectNoAxeViolations(member.page, `read receipt's time shown (${at})`);
    await member.page.keyboard.press("Escape");
    await when.waitFor({ state: "detached" });

    await expectLengthCountBlocksSend(member.page, `staff composer past the limit (${at})`);
    await expectBannerWhileSocketIsDown(
      member.page,
      member.realtime,
      `Staff reply held while cut off at ${at}`,
      `staff connection banner (${at})`,
    );

    for (const opened of [member, person]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
  });
});

async function portalUnread(page: Page, clientId: string, conversationId: string) {
  const response = await page.request.get(`/api/portal/clients/${clientId}/conversations`);
  const list = (await response.json()) as {
    conversations: { id: string; unreadCount: number }[];
  };
  return list.conversations.find((conversation) => conversation.id === conversationId)?.unreadCount;
}
