import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import { docOf, mention, messagingApi, paragraph, text } from "../../../test/messaging.js";
import { listen, openSocket, portalApi, type SocketListener } from "../../../test/portal.js";
import { teamApi } from "../../../test/team.js";
import type { Conversation } from "../../shared/api/messaging.js";
import type { Notification, NotificationPage } from "../../shared/api/notifications.js";
import { notifications } from "../db/schema.js";

let t: TestApp;
let firm: TestFirm;
let api: ReturnType<typeof messagingApi>;
let portalMessaging: ReturnType<typeof messagingApi>;
let ada: { id: string; cookie: string };
let ben: { id: string; cookie: string };
let cleo: { id: string; cookie: string };
let otherFirmCookie: string;
let otherFirmStaffId: string;
let thread: Conversation;
let danaCookie: string;
let danaEmail: string;
let danaSocket: SocketListener;
let adaSocket: SocketListener;

const CANARY = "CANARY-mention-7f3e";

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t, "staff");
  portalMessaging = messagingApi(t, "contact");
  const db = t.database.db;
  firm = await buildFirm(db, "Mention Firm");
  const member = async (name: string) => {
    const staff = await buildStaff(db, firm, { name });
    return { id: staff.id, cookie: await t.signIn(staff.email) };
  };
  ada = await member("Ada Archer");
  ben = await member("Ben Baker");
  cleo = await member("Cleo Clark");
  // A second firm, whose staff must never be notified from this one, nor see its notifications.
  const otherFirm = await buildFirm(db, "Other Firm");
  const otherStaff = await buildStaff(db, otherFirm, { name: "Otto Other" });
  otherFirmStaffId = otherStaff.id;
  otherFirmCookie = await t.signIn(otherStaff.email);

  const client = await buildClient(db, firm, "Northwind");
  const dana = await buildContact(db, client, { name: "Dana Diaz" });
  danaEmail = dana.email ?? "";
  danaCookie = await portalApi(t).grantAccess(client, dana, ada.cookie);
  thread = await api.openConversation(client.id, { kind: "all_contacts" }, ada.cookie);
  const origin = await listen(t);
  danaSocket = await openSocket(origin, danaCookie);
  adaSocket = await openSocket(origin, ada.cookie);
});
afterAll(async () => {
  danaSocket?.socket.terminate();
  adaSocket?.socket.terminate();
  await t.close();
});

const mentioning = (words: string, ...people: { id: string }[]) =>
  docOf(paragraph(text(words), ...people.map((person) => mention(person.id, "Someone"))));

async function notificationsOf(cookie: string): Promise<NotificationPage> {
  const response = await t.request({ method: "GET", url: "/api/notifications", cookie });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function countOf(cookie: string): Promise<number> {
  const response = await t.request({
    method: "GET",
    url: "/api/notifications/unread-count",
    cookie,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().unreadCount;
}

const forMessage = (page: NotificationPage, messageId: string) =>
  page.notifications.filter((notification) => notification.messageId === messageId);

describe("mention notifications", () => {
  it("notifies the mentioned member of a note, with who, where, a preview and unread", async () => {
    const before = await countOf(ada.cookie);
    const note = await api.send(thread.id, mentioning(`${CANARY} please check`, ada), ben.cookie, {
      internal: true,
    });
    const page = await notificationsOf(ada.cookie);
    expect(forMessage(page, note.id)).toEqual([
      {
        id: expect.any(String),
        messageId: note.id,
        conversationId: thread.id,
        clientId: thread.clientId,
        clientName: "Northwind",
        conversationTitle: "All Contacts",
        authorName: "Ben Baker",
        internal: true,
        preview: `${CANARY} please check@Ada Archer`,
        createdAt: expect.any(String),
        read: false,
      } satisfies Notification,
    ]);
    expect(page.unreadCount).toBe(before + 1);
    expect(await countOf(ada.cookie)).toBe(before + 1);
    await adaSocket.waitFor(
      (frame) => frame.type === "notification.changed" && frame.data?.unreadCount === before + 1,
      "notification count on Ada's socket",
    );
    // Nobody else was notified.
    expect(forMessage(await notificationsOf(ben.cookie), note.id)).toEqual([]);
    expect(forMessage(await notificationsOf(cleo.cookie), note.id)).toEqual([]);
  });

  it("notifies nobody when a member mentions themself", async () => {
    const message = await api.send(thread.id, mentioning("Note to self", ben), ben.cookie);
    expect(forMessage(await notificationsOf(ben.cookie), message.id)).toEqual([]);
  });

  it("notifies a newly mentioned person once across edits, and removes it with the mention", async () => {
    const message = await api.send(thread.id, mentioning("Plain at first"), ben.cookie);
    const edit = async (version: number, body: unknown) => {
      const response = await api.editMessage(message.id, { version, body }, ben.cookie);
      expect(response.statusCode, response.body).toBe(200);
    };
    await edit(1, mentioning("Now with Cleo", cleo));
    expect(forMessage(await notificationsOf(cleo.cookie), message.id)).toHaveLength(1);
    await edit(2, mentioning("Still Cleo, and Ada", cleo, ada));
    expect(forMessage(await notificationsOf(cleo.cookie), message.id)).toHaveLength(1);
    expect(forMessage(await notificationsOf(ada.cookie), message.id)).toHaveLength(1);
    await edit(3, mentioning("Only Ada now", ada));
    expect(forMessage(await notificationsOf(cleo.cookie), message.id)).toEqual([]);
    expect(forMessage(await notificationsOf(ada.cookie), message.id)).toHaveLength(1);
  });

  it("removes the notification when the message is deleted, and says so on the socket", async () => {
    const message = await api.send(thread.id, mentioning("Soon gone", ada), ben.cookie);
    const withIt = await countOf(ada.cookie);
    // Only frames after this point count: an earlier one may carry the same number.
    const from = adaSocket.frames.length;
    const deleted = await api.deleteMessage(message.id, ben.cookie);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(forMessage(await notificationsOf(ada.cookie), message.id)).toEqual([]);
    expect(await countOf(ada.cookie)).toBe(withIt - 1);
    await adaSocket.waitFor(
      (frame) =>
        adaSocket.frames.indexOf(frame) >= from &&
        frame.type === "notification.changed" &&
        frame.data?.unreadCount === withIt - 1,
      "the lowered count on Ada's socket",
    );
  });

  it("never notifies a deactivated member, and notifies them again once reactivated", async () => {
    const db = t.database.db;
    const owner = await buildStaff(db, firm, { name: "Olive Owner", role: "owner" });
    const ownerCookie = await t.signIn(owner.email);
    const dot = await buildStaff(db, firm, { name: "Dot Dunn" });
    const rowsOfDot = () =>
      db
        .select({ messageId: notifications.messageId })
        .from(notifications)
        .where(eq(notifications.staffId, dot.id));
    const team = teamApi(t);
    expect((await team.deactivate(ownerCookie, dot.id)).statusCode).toBe(200);
    // Older messages may still name her, so a mention of her is accepted, and notifies nobody.
    const whileAway = await api.send(thread.id, mentioning("Dot, while away", dot), ben.cookie);
    expect(await rowsOfDot()).toEqual([]);
    const edited = await api.editMessage(
      whileAway.id,
      { version: 1, body: mentioning("Dot, edited while away", dot) },
      ben.cookie,
    );
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await rowsOfDot()).toEqual([]);

    const reactivated = await team.reactivate(ownerCookie, dot.id);
    expect(reactivated.statusCode, reactivated.body).toBe(200);
    const back = await api.send(thread.id, mentioning("Welcome back", dot), ben.cookie);
    expect(await rowsOfDot()).toEqual([{ messageId: back.id }]);
  });

  it("marks one read, then all read; another person's or firm's notification is not found", async () => {
    const first = await api.send(thread.id, mentioning("One", cleo), ben.cookie);
    const second = await api.send(thread.id, mentioning("Two", cleo), ben.cookie);
    const [notification] = forMessage(await notificationsOf(cleo.cookie), first.id);
    if (!notification) throw new Error("no notification");
    const markRead = (cookie: string, id = notification.id) =>
      t.request({ method: "POST", url: `/api/notifications/${id}/read`, cookie });

    expect((await markRead(ada.cookie)).statusCode).toBe(404);
    expect((await markRead(otherFirmCookie)).statusCode).toBe(404);
    expect((await markRead(cleo.cookie, crypto.randomUUID())).statusCode).toBe(404);
    expect((await markRead(cleo.cookie)).statusCode).toBe(204);
    let page = await notificationsOf(cleo.cookie);
    expect(forMessage(page, first.id)[0]?.read).toBe(true);
    expect(forMessage(page, second.id)[0]?.read).toBe(false);

    const all = await t.request({
      method: "POST",
      url: "/api/notifications/read",
      cookie: cleo.cookie,
    });
    expect(all.statusCode, all.body).toBe(204);
    page = await notificationsOf(cleo.cookie);
    expect(page.unreadCount).toBe(0);
    expect(page.notifications.every((row) => row.read)).toBe(true);
  });

  it("reads the mentions of a conversation when it is read up to them", async () => {
    const message = await api.send(thread.id, mentioning("Read me", cleo), ben.cookie);
    expect(forMessage(await notificationsOf(cleo.cookie), message.id)[0]?.read).toBe(false);
    const read = await api.markRead(thread.id, message.seq, cleo.cookie);
    expect(read.statusCode, read.body).toBe(204);
    expect(forMessage(await notificationsOf(cleo.cookie), message.id)[0]?.read).toBe(true);
  });

  it("never notifies staff of another firm, whose ids a mention cannot name", async () => {
    const response = await api.postMessage(
      thread.id,
      { id: crypto.randomUUID(), body: mentioning("Otto?", { id: otherFirmStaffId }) },
      ben.cookie,
    );
    expect(response.statusCode).toBe(400);
    expect((await notificationsOf(otherFirmCookie)).notifications).toEqual([]);
  });

  it("pages older notifications with a cursor, and refuses a forged one", async () => {
    for (let n = 0; n < 32; n++)
      await api.send(thread.id, mentioning(`Page ${n}`, cleo), ben.cookie);
    const first = await notificationsOf(cleo.cookie);
    expect(first.notifications).toHaveLength(30);
    expect(first.nextCursor).not.toBeNull();
    const next = await t.request({
      method: "GET",
      url: "/api/notifications",
      query: { before: first.nextCursor ?? "" },
      cookie: cleo.cookie,
    });
    expect(next.statusCode, next.body).toBe(200);
    const second = next.json() as NotificationPage;
    const ids = [...first.notifications, ...second.notifications].map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.notifications[0]?.preview).not.toBe(first.notifications[0]?.preview);
    const forged = await t.request({
      method: "GET",
      url: "/api/notifications",
      query: { before: "not-a-cursor" },
      cookie: cleo.cookie,
    });
    expect(forged.statusCode).toBe(400);
  });
});

describe("contacts and notifications", () => {
  it("refuses a contact every notification endpoint", async () => {
    for (const [method, url] of [
      ["GET", "/api/notifications"],
      ["GET", "/api/notifications/unread-count"],
      ["POST", "/api/notifications/read"],
      ["POST", `/api/notifications/${crypto.randomUUID()}/read`],
    ] as const) {
      const response = await t.request({ method, url, cookie: danaCookie });
      expect(response.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it("never lets a contact see, count or receive a mention note, by API, socket or e-mail", async () => {
    const note = await api.send(thread.id, mentioning(`${CANARY} internal`, ada), ben.cookie, {
      internal: true,
    });
    // A public message after it, so Dana's socket has something to wait for.
    const visible = await api.send(thread.id, "Hello Dana", ben.cookie);
    await danaSocket.waitFor(
      (frame) =>
        frame.type === "message.created" &&
        (frame.data?.message as { id?: string } | undefined)?.id === visible.id,
      "the public message",
    );
    const page = await portalMessaging.listMessages(thread.id, danaCookie);
    const list = await portalMessaging.listConversations(thread.clientId, danaCookie);
    const mails = await portalApi(t).mailsTo(danaEmail);
    const everything = [
      JSON.stringify(page),
      JSON.stringify(list),
      ...danaSocket.raw,
      ...mails.map((mail) => `${mail.subject}\n${mail.textBody}\n${mail.htmlBody}`),
    ].join("\n");
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(note.id);
    expect(everything).not.toContain("notification");
  });
});
