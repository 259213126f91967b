/**
 * The leak canary. Staff write internal notes carrying a unique marker (sent, mentioned, edited,
 * deleted) between public messages, in the All Contacts thread and in direct threads, while every
 * contact of the client listens on a socket. Then each contact gathers everything they can get —
 * portal responses, socket frames, unread counts, previews, their mail (the new-messages e-mail
 * included), and the answer of every staff route — and none of it may carry the marker, a note's
 * id, or a note's existence. Each firm's Outbox must hold only that firm's mail and no one's
 * sign-in link or reset; and after every way access can end, the socket it opened is closed and
 * hears nothing more.
 */
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
  type TestStaff,
} from "../../../test/factories.js";
import {
  attachmentPath,
  pngBytes,
  portalAttachmentPath,
  uploadFile,
  uploadPath,
} from "../../../test/files.js";
import { docOf, mention, messagingApi, paragraph, text, textDoc } from "../../../test/messaging.js";
import {
  type Frame,
  isDeletedFrame,
  isMessageFrame,
  listen,
  openSocket,
  PORTAL_PASSWORD,
  portalApi,
  type SocketListener,
} from "../../../test/portal.js";
import type { Attachment } from "../../shared/api/files.js";
import {
  type Conversation,
  type ConversationList,
  type Message,
  type MessagePage,
  UNREAD_CAP,
} from "../../shared/api/messaging.js";
import { contacts, mailOutbox, notifications, portalInvitations, staff } from "../db/schema.js";
import { sendNewMessageDigests } from "../mail/new-messages-digest.js";
import { sendClientMessageAlerts } from "../notifications/client-message-alerts.js";
import { sendMentionAlerts } from "../notifications/mention-alerts.js";

const MARKER = `CANARY-${crypto.randomUUID()}`;

type ClientRow = Awaited<ReturnType<typeof buildClient>>;
type ContactRow = Awaited<ReturnType<typeof buildContact>>;
type ViewerName = "dana" | "eli" | "fay" | "olive";
const VIEWERS: ViewerName[] = ["dana", "eli", "fay", "olive"];

/** One contact's side: who they are, and every byte the system gave them. */
type Viewer = {
  contact: ContactRow;
  cookie: string;
  socket: SocketListener;
  /** Every HTTP answer the contact received, as status and body. */
  received: string[];
  /** The frames we expect on their socket, built up as things happen. */
  expectedFrames: Frame[];
  /** Final portal state: each visible conversation's row and all its messages. */
  threads: { row: Conversation; messages: Message[] }[];
  /** What every staff route answered them. */
  staffRoutes: { route: string; status: number }[];
  /** What the portal's download routes answered for each note's file (and its thumbnail). */
  noteFileAnswers: number[];
  mails: string[];
};

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof portalApi>;
let contactApi: ReturnType<typeof messagingApi>;
let firm: TestFirm;
let ben: TestStaff;
let adaCookie: string;
let otherFirmCookie: string;
let benSocket: SocketListener;
let acme: ClientRow;
let gus: ContactRow;
let allContacts: Conversation;
let danaDirect: Conversation;
let eliDirect: Conversation;
const viewers = {} as Record<ViewerName, Viewer>;
/** Every note written, including the deleted ones. */
const notes: Message[] = [];
/** Edited notes, as staff received them after the edit. */
const editedNotes: Message[] = [];
const deletedNotes: Message[] = [];
/** Files on notes, named and filled with the marker. */
const noteFiles: Attachment[] = [];
/** Public messages that were deleted, with the number contacts knew them by. */
const deletedPublic: { message: Message; publicSeq: number; conversationId: string }[] = [];
let deletedPublicFrame: Frame;
/** The public messages each thread should show contacts at the end, in order, with numbers. */
const publicThreads = new Map<string, Message[]>();
let staffViewBeforeProbes: unknown;
/** The firms of the story, whose contacts the new-messages e-mail was run for. */
let storyFirmIds: string[];
/** What each firm's owner read on the firm's Outbox, by firm id, after personal mail was sent. */
const outboxes = new Map<string, string>();

const record = <R extends { statusCode: number; body: string }>(viewer: Viewer, response: R) => {
  viewer.received.push(`${response.statusCode} ${response.body}`);
  return response;
};

const allMessagesOf = async (conversationId: string, cookie: string) => {
  const seen: Message[] = [];
  for (let before: number | undefined; ; ) {
    const page = await api.listMessages(conversationId, cookie, {
      limit: "50",
      ...(before ? { before: String(before) } : {}),
    });
    seen.unshift(...page.messages);
    if (!page.hasOlder) return seen;
    before = page.messages[0]?.seq;
  }
};

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  portal = portalApi(t);
  contactApi = messagingApi(t, "contact");
  const origin = await listen(t);
  const db = t.database.db;

  firm = await buildFirm(db, "Canary Firm");
  const ada = await buildStaff(db, firm, { name: "Ada Author", role: "owner" });
  ben = await buildStaff(db, firm, { name: "Ben Listener" });
  adaCookie = await t.signIn(ada.email);
  const benCookie = await t.signIn(ben.email);

  // The client, its contacts on the portal, one only invited, and one without access here who
  // is on the portal through another client of the firm (same person, same e-mail).
  acme = await buildClient(db, firm, "Acme Bakery");
  const studio = await buildClient(db, firm, "Fay's Studio");
  const dana = await buildContact(db, acme, { name: "Dana Fox" });
  const eli = await buildContact(db, acme, { name: "Eli Stone" });
  const fayEmail = `fay-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const fayAtAcme = await buildContact(db, acme, { name: "Fay Lin", email: fayEmail });
  const fayAtStudio = await buildContact(db, studio, { name: "Fay Lin", email: fayEmail });
  gus = await buildContact(db, acme, { name: "Gus Hale" });
  const danaCookie = await portal.grantAccess(acme, dana, adaCookie);
  const eliCookie = await portal.grantAccess(acme, eli, adaCookie);
  const fayCookie = await portal.grantAccess(studio, fayAtStudio, adaCookie);
  expect((await portal.invite(acme.id, gus.id, adaCookie)).statusCode).toBe(200);

  // A second firm, whose contact listens too.
  const otherFirm = await buildFirm(db, "Other Firm");
  const otherCookie = await t.signIn((await buildStaff(db, otherFirm, { role: "owner" })).email);
  otherFirmCookie = otherCookie;
  const otherClient = await buildClient(db, otherFirm, "Other Client");
  const olive = await buildContact(db, otherClient, { name: "Olive Other" });
  const oliveCookie = await portal.grantAccess(otherClient, olive, otherCookie);

  const viewer = async (contact: ContactRow, cookie: string): Promise<Viewer> => ({
    contact,
    cookie,
    socket: await openSocket(origin, cookie),
    received: [],
    expectedFrames: [{ type: "ready" }],
    threads: [],
    staffRoutes: [],
    noteFileAnswers: [],
    mails: [],
  });
  viewers.dana = await viewer(dana, danaCookie);
  viewers.eli = await viewer(eli, eliCookie);
  // Fay has no access at Acme; her socket and session are those of her access at the studio.
  viewers.fay = await viewer(fayAtStudio, fayCookie);
  viewers.olive = await viewer(olive, oliveCookie);
  benSocket = await openSocket(origin, benCookie);

  const deliver = (names: ViewerName[], frame: Frame) => {
    for (const name of names) viewers[name].expectedFrames.push(frame);
  };
  const audienceOf = (conversation: Conversation): ViewerName[] =>
    conversation.id === allContacts.id
      ? ["dana", "eli"]
      : conversation.id === danaDirect.id
        ? ["dana"]
        : conversation.id === eliDirect.id
          ? ["eli"]
          : [];
  const shown = (message: Message, seq: number): Message => ({ ...message, seq, internal: false });
  const numbering = new Map<string, number>();
  const nextPublic = (conversationId: string) => {
    const seq = (numbering.get(conversationId) ?? 0) + 1;
    numbering.set(conversationId, seq);
    return seq;
  };
  const visible = (conversationId: string) => {
    let list = publicThreads.get(conversationId);
    if (!list) {
      list = [];
      publicThreads.set(conversationId, list);
    }
    return list;
  };

  const open = async (body: Parameters<typeof api.openConversation>[1], names: ViewerName[]) => {
    const conversation = await api.openConversation(acme.id, body, adaCookie);
    deliver(names, {
      type: "conversation.created",
      data: { clientId: acme.id, conversation: { id: conversation.id, kind: conversation.kind } },
    });
    return conversation;
  };
  const staffSays = async (conversation: Conversation, words: string) => {
    const message = await api.send(conversation.id, words, adaCookie);
    const seen = shown(message, nextPublic(conversation.id));
    visible(conversation.id).push(seen);
    deliver(audienceOf(conversation), {
      type: "message.created",
      data: { clientId: acme.id, conversationId: conversation.id, message: seen },
    });
    return seen;
  };
  const contactSays = async (conversation: Conversation, name: ViewerName, words: string) => {
    const response = record(
      viewers[name],
      await contactApi.postMessage(
        conversation.id,
        { id: crypto.randomUUID(), body: textDoc(words) },
        viewers[name].cookie,
      ),
    );
    expect(response.statusCode, response.body).toBe(201);
    const message: Message = response.json();
    expect(message.seq).toBe(nextPublic(conversation.id));
    visible(conversation.id).push(message);
    deliver(audienceOf(conversation), {
      type: "message.created",
      data: { clientId: acme.id, conversationId: conversation.id, message },
    });
    return message;
  };
  const note = async (conversation: Conversation, body: string | ReturnType<typeof docOf>) => {
    const message = await api.send(conversation.id, body, adaCookie, { internal: true });
    expect(message.internal).toBe(true);
    notes.push(message);
    return message;
  };
  const editNote = async (message: Message, words: string) => {
    const response = await api.editMessage(
      message.id,
      { body: textDoc(words), version: message.version },
      adaCookie,
    );
    expect(response.statusCode, response.body).toBe(200);
    editedNotes.push(response.json());
  };
  const deleteNote = async (message: Message) => {
    expect((await api.deleteMessage(message.id, adaCookie)).statusCode).toBe(204);
    deletedNotes.push(message);
  };
  /** Each contact's list of each of their clients, at this moment: previews and counts. */
  const snapshotLists = async () => {
    for (const name of VIEWERS) {
      const session = record(viewers[name], await portal.session(viewers[name].cookie));
      for (const { clientId } of session.json().clients as { clientId: string }[]) {
        record(
          viewers[name],
          await contactApi.listConversationsResponse(clientId, viewers[name].cookie),
        );
      }
    }
  };

  // --- The story ---
  allContacts = await open({ kind: "all_contacts" }, ["dana", "eli"]);
  danaDirect = await open({ kind: "direct", contactId: dana.id }, ["dana"]);
  eliDirect = await open({ kind: "direct", contactId: eli.id }, ["eli"]);

  await staffSays(allContacts, "Welcome to your portal");
  const firstNote = await note(allContacts, `${MARKER} first note: their books are late`);
  await snapshotLists();
  await contactSays(allContacts, "dana", "Thanks, a question about VAT");
  await note(
    allContacts,
    docOf(paragraph(text(`${MARKER} can you take this `), mention(ben.id, "Ben"))),
  );
  const toEdit = await staffSays(allContacts, "We will look into it");
  await editNote(firstNote, `${MARKER} first note, edited: still late`);
  await deleteNote(await note(allContacts, `${MARKER} a note that will be deleted`));

  // A public message that is deleted: contacts are told.
  const doomed = await staffSays(allContacts, "Sent by mistake");
  expect((await api.deleteMessage(doomed.id, adaCookie)).statusCode).toBe(204);
  visible(allContacts.id).pop();
  deletedPublic.push({ message: doomed, publicSeq: doomed.seq, conversationId: allContacts.id });
  deletedPublicFrame = {
    type: "message.deleted",
    data: { clientId: acme.id, conversationId: allContacts.id, messageId: doomed.id },
  };
  deliver(["dana", "eli"], deletedPublicFrame);

  // A public edit reaches contacts in their numbering.
  const edited = await api.editMessage(
    toEdit.id,
    { body: textDoc("We will look into it today"), version: 1 },
    adaCookie,
  );
  expect(edited.statusCode).toBe(200);
  const editedSeen = shown(edited.json(), toEdit.seq);
  visible(allContacts.id).splice(visible(allContacts.id).indexOf(toEdit), 1, editedSeen);
  deliver(["dana", "eli"], {
    type: "message.updated",
    data: { clientId: acme.id, conversationId: allContacts.id, message: editedSeen },
  });

  // Eli reads up to what he has seen; only his own sockets hear of it.
  const read = await contactApi.markRead(allContacts.id, toEdit.seq, eliCookie);
  expect(record(viewers.eli, read).statusCode).toBe(204);
  deliver(["eli"], {
    type: "conversation.read",
    data: { clientId: acme.id, conversationId: allContacts.id, lastReadSeq: toEdit.seq },
  });

  // Dana tries the note's id: for her own send, to edit it, to delete it. Her send is stored
  // as her own message under an id of its own, exactly as any new id would be; she deletes it.
  const reuse = record(
    viewers.dana,
    await contactApi.postMessage(
      allContacts.id,
      { id: firstNote.id, body: textDoc("Mine now") },
      danaCookie,
    ),
  );
  expect(reuse.statusCode).toBe(201);
  const reused: Message = reuse.json();
  expect(reused.id).not.toBe(firstNote.id);
  expect(reused.seq).toBe(nextPublic(allContacts.id));
  deliver(["dana", "eli"], {
    type: "message.created",
    data: { clientId: acme.id, conversationId: allContacts.id, message: reused },
  });
  expect(
    record(viewers.dana, await contactApi.deleteMessage(reused.id, danaCookie)).statusCode,
  ).toBe(204);
  deletedPublic.push({ message: reused, publicSeq: reused.seq, conversationId: allContacts.id });
  deliver(["dana", "eli"], {
    type: "message.deleted",
    data: { clientId: acme.id, conversationId: allContacts.id, messageId: reused.id },
  });
  for (const attempt of [
    await contactApi.editMessage(
      firstNote.id,
      { body: textDoc("Changed"), version: 2 },
      danaCookie,
    ),
    await contactApi.deleteMessage(firstNote.id, danaCookie),
  ]) {
    expect(record(viewers.dana, attempt).statusCode).toBe(404);
  }

  await staffSays(allContacts, "All done for this month");
  await note(allContacts, `${MARKER} last word is a note`);
  await snapshotLists();

  await staffSays(danaDirect, "Dana, a private word");
  const directNote = await note(danaDirect, `${MARKER} about Dana`);
  await editNote(directNote, `${MARKER} about Dana, edited`);
  await deleteNote(await note(danaDirect, `${MARKER} deleted in Dana's thread`));
  await contactSays(danaDirect, "dana", "Sure, tell me");
  await staffSays(danaDirect, "Here it is");
  await note(danaDirect, `${MARKER} Dana's thread ends with a note`);
  await snapshotLists();

  // Files on notes, sent with the note as the composer sends them.
  const noteFile = async (conversation: Conversation, name: string, content: Buffer) => {
    const uploaded = await uploadFile(origin, uploadPath, adaCookie, { name, content });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const message = await api.send(conversation.id, `${MARKER} with a file`, adaCookie, {
      internal: true,
      attachmentIds: [uploaded.body.id],
    });
    expect(message.attachments).toEqual([uploaded.body]);
    notes.push(message);
    noteFiles.push(uploaded.body);
  };
  await noteFile(allContacts, `${MARKER}-memo.txt`, Buffer.from(`${MARKER} do not send`));
  await noteFile(danaDirect, `${MARKER}.png`, await pngBytes(64, 64));

  await staffSays(eliDirect, "Eli, a private word");
  await note(eliDirect, `${MARKER} about Eli`);
  await contactSays(eliDirect, "eli", "Got it");

  // Last, one public message per audience: once it arrives, everything before it has.
  const danaLast = await staffSays(danaDirect, "Last for Dana");
  const eliLast = await staffSays(eliDirect, "Last for Eli");
  const studioThread = await api.openConversation(studio.id, { kind: "all_contacts" }, adaCookie);
  const fayLast = await api.send(studioThread.id, "Last for Fay", adaCookie);
  viewers.fay.expectedFrames.push(
    {
      type: "conversation.created",
      data: { clientId: studio.id, conversation: { id: studioThread.id, kind: "all_contacts" } },
    },
    {
      type: "message.created",
      data: { clientId: studio.id, conversationId: studioThread.id, message: fayLast },
    },
  );
  const otherThread = await api.openConversation(
    otherClient.id,
    { kind: "all_contacts" },
    otherCookie,
  );
  const oliveLast = await api.send(otherThread.id, "Last for Olive", otherCookie);
  viewers.olive.expectedFrames.push(
    {
      type: "conversation.created",
      data: {
        clientId: otherClient.id,
        conversation: { id: otherThread.id, kind: "all_contacts" },
      },
    },
    {
      type: "message.created",
      data: { clientId: otherClient.id, conversationId: otherThread.id, message: oliveLast },
    },
  );
  const lastOf: Record<ViewerName, string> = {
    dana: danaLast.id,
    eli: eliLast.id,
    fay: fayLast.id,
    olive: oliveLast.id,
  };
  for (const name of VIEWERS) {
    await viewers[name].socket.waitFor(
      isMessageFrame("message.created", lastOf[name]),
      `${name}'s last message`,
    );
  }
  await benSocket.waitFor(isMessageFrame("message.created", fayLast.id), "Ben's last message");

  // Everyone stays away from the portal for 10 minutes: the new-messages e-mail is written
  // (and read below with the rest of each contact's mail).
  storyFirmIds = [firm.id, otherFirm.id];
  await sendNewMessageDigests(db, {
    publicUrl: t.config.publicUrl,
    secret: t.config.authSecret,
    delaySeconds: 300,
    now: new Date(Date.now() + 10 * 60_000),
    firmIds: storyFirmIds,
  });
  // And the staff e-mail alerts of the same 10 minutes: a mention in a note, contacts' messages.
  const staffAlerts = {
    publicUrl: t.config.publicUrl,
    delaySeconds: 300,
    now: new Date(Date.now() + 10 * 60_000),
    firmIds: storyFirmIds,
  };
  await sendMentionAlerts(db, staffAlerts);
  await sendClientMessageAlerts(db, staffAlerts);

  // --- What each contact can get ---
  for (const name of VIEWERS) {
    const current = viewers[name];
    const session = record(current, await portal.session(current.cookie));
    expect(session.statusCode).toBe(200);
    for (const { clientId } of session.json().clients as { clientId: string }[]) {
      const list = record(
        current,
        await contactApi.listConversationsResponse(clientId, current.cookie),
      );
      expect(list.statusCode).toBe(200);
      for (const row of (list.json() as ConversationList).conversations) {
        const messages: Message[] = [];
        for (let before: number | undefined; ; ) {
          const page = record(
            current,
            await contactApi.listMessagesResponse(row.id, current.cookie, {
              limit: "2",
              ...(before ? { before: String(before) } : {}),
            }),
          );
          expect(page.statusCode).toBe(200);
          const { messages: older, hasOlder } = page.json() as MessagePage;
          messages.unshift(...older);
          if (!hasOlder) break;
          before = older[0]?.seq;
        }
        current.threads.push({ row, messages });
      }
    }
    // The notes' files, asked for through the contact's own download routes.
    for (const file of noteFiles) {
      for (const suffix of ["", "/thumbnail"]) {
        const answer = record(
          current,
          await t.request({
            method: "GET",
            url: `${portalAttachmentPath(file.id)}${suffix}`,
            cookie: current.cookie,
          }),
        );
        current.noteFileAnswers.push(answer.statusCode);
      }
    }
    // Acme as seen by someone who may not see it, and threads of others.
    record(current, await contactApi.listConversationsResponse(acme.id, current.cookie));
    for (const conversation of [allContacts, danaDirect, eliDirect]) {
      record(current, await contactApi.listMessagesResponse(conversation.id, current.cookie));
    }
    const mails = await t.database.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.toAddress, current.contact.email ?? ""));
    current.mails = mails.map((mail) => JSON.stringify(mail));
  }

  staffViewBeforeProbes = await staffView();

  // Every contact asks for a sign-in link and a password reset; then each firm's owner reads
  // the firm's Outbox.
  for (const name of VIEWERS) {
    const email = viewers[name].contact.email ?? "";
    for (const [url, extra] of [
      ["/api/auth/sign-in/magic-link", { callbackURL: "/portal" }],
      ["/api/auth/request-password-reset", { redirectTo: "/portal/reset-password" }],
    ] as const) {
      const asked = await t.request({
        method: "POST",
        url,
        payload: { email, ...extra },
        headers: { "x-forwarded-for": `10.250.${VIEWERS.indexOf(name)}.${url.length}` },
      });
      expect(asked.statusCode).toBe(200);
    }
  }
  await t.app.deps.tasks.drain();
  for (const [firmId, cookie] of [
    [firm.id, adaCookie],
    [otherFirm.id, otherCookie],
  ] as const) {
    const outbox = await t.request({ method: "GET", url: "/api/outbox", cookie });
    expect(outbox.statusCode).toBe(200);
    outboxes.set(firmId, outbox.body);
  }

  // Every staff route, with the real ids of this story, the notes' ids included.
  const openapi = await t.request({ method: "GET", url: "/api/openapi.json" });
  expect(openapi.statusCode).toBe(200);
  const ids: Record<string, string[]> = {
    clientId: [acme.id, studio.id],
    contactId: [dana.id, eli.id, fayAtAcme.id, gus.id],
    conversationId: [allContacts.id, danaDirect.id, eliDirect.id],
    messageId: [...notes.map((message) => message.id), toEdit.id],
    attachmentId: noteFiles.map((file) => file.id),
    staffId: (await db.select({ id: staff.id }).from(staff).where(eq(staff.firmId, firm.id))).map(
      (row) => row.id,
    ),
    invitationId: (
      await db
        .select({ id: portalInvitations.id })
        .from(portalInvitations)
        .where(eq(portalInvitations.firmId, firm.id))
    ).map((row) => row.id),
    notificationId: (
      await db
        .select({ id: notifications.id })
        .from(notifications)
        .where(eq(notifications.firmId, firm.id))
    ).map((row) => row.id),
  };
  for (const [path, operations] of Object.entries(
    openapi.json().paths as Record<string, Record<string, { security?: unknown[] }>>,
  )) {
    if (path.startsWith("/api/portal/")) continue;
    for (const [method, operation] of Object.entries(operations)) {
      // Routes open to anyone (an unsubscribe link) are no staff route; their own tests cover them.
      if (operation.security?.length === 0) continue;
      for (const url of expand(path, ids)) {
        for (const name of VIEWERS) {
          const response = record(
            viewers[name],
            await t.request({
              method: method.toUpperCase() as "GET",
              url,
              payload: bodyFor(method, path),
              cookie: viewers[name].cookie,
            }),
          );
          viewers[name].staffRoutes.push({
            route: `${method.toUpperCase()} ${path}`,
            status: response.statusCode,
          });
        }
      }
    }
  }
}, 120_000);
afterAll(async () => {
  for (const name of VIEWERS) viewers[name]?.socket.socket.terminate();
  benSocket?.socket.terminate();
  await t.close();
});

/** Every way to fill a path's `{param}`s from the given ids. */
function expand(path: string, ids: Record<string, string[]>): string[] {
  const match = /\{(\w+)\}/.exec(path);
  if (!match?.[1]) return [path];
  const values = ids[match[1]];
  if (!values) throw new Error(`no ids for ${match[1]} in ${path}`);
  return values.flatMap((value) => expand(path.replace(match[0], value), ids));
}

/** A body each staff route would accept from staff, so only the principal decides the answer. */
function bodyFor(method: string, path: string): Record<string, unknown> | undefined {
  if (method === "get" || method === "delete") return undefined;
  if (path.endsWith("/messages")) {
    return { id: crypto.randomUUID(), body: textDoc("Let me in"), internal: true };
  }
  if (path.startsWith("/api/messages/")) return { body: textDoc("Let me in"), version: 1 };
  if (path.endsWith("/read")) return { seq: 1_000 };
  if (path.endsWith("/conversations")) return { kind: "all_contacts" };
  if (path.includes("/contacts")) return { name: "Intruder", email: "" };
  if (path.startsWith("/api/clients")) return { name: "Intruder Client" };
  return {};
}

/** What staff see of the story, to show that the probes changed nothing. */
async function staffView() {
  const list = await api.listConversations(acme.id, adaCookie);
  const threads = [];
  for (const conversation of list.conversations) {
    threads.push(await allMessagesOf(conversation.id, adaCookie));
  }
  const contacts = await t.request({
    method: "GET",
    url: `/api/clients/${acme.id}/contacts`,
    cookie: adaCookie,
  });
  const clients = await t.request({ method: "GET", url: "/api/clients", cookie: adaCookie });
  return { list, threads, contacts: contacts.json(), clients: clients.json() };
}

const everythingOf = (viewer: Viewer) =>
  [...viewer.received, ...viewer.socket.raw, ...viewer.mails].join("\n");

const noteIds = () => [...notes.map((message) => message.id), ...noteFiles.map((file) => file.id)];

describe("the leak canary", () => {
  it("has a story worth checking: notes, edits, deletions and a mention among public messages", () => {
    expect(notes.length).toBeGreaterThanOrEqual(8);
    expect(editedNotes).toHaveLength(2);
    expect(deletedNotes).toHaveLength(2);
    expect(notes.some((note) => JSON.stringify(note.body).includes(ben.id))).toBe(true);
    for (const name of VIEWERS) {
      expect(viewers[name].received.length).toBeGreaterThan(20);
      expect(viewers[name].socket.raw.length).toBeGreaterThanOrEqual(3);
    }
  });

  it("delivered every note, edit and deletion to staff (so the canary can sing)", async () => {
    for (const note of notes) {
      const frame = await benSocket.waitFor(isMessageFrame("message.created", note.id), "note");
      expect(frame.data?.message).toMatchObject({ id: note.id, internal: true });
      expect(JSON.stringify(frame)).toContain(MARKER);
    }
    for (const note of editedNotes) {
      const frame = benSocket.frames.find(isMessageFrame("message.updated", note.id));
      expect(frame?.data?.message).toEqual(note);
      expect(JSON.stringify(frame)).toContain(MARKER);
    }
    for (const note of deletedNotes) {
      expect(benSocket.frames.find(isDeletedFrame(note.id))).toBeDefined();
    }
    const staffList = await api.listConversations(acme.id, adaCookie);
    const staffAll = staffList.conversations.find((row) => row.id === allContacts.id);
    expect(staffAll?.lastMessage).toMatchObject({
      internal: true,
      // The note sent with a file is the All Contacts thread's last message.
      preview: `${MARKER} with a file`,
    });
    const staffMessages = await allMessagesOf(allContacts.id, adaCookie);
    expect(JSON.stringify(staffMessages)).toContain(MARKER);
    expect(noteFiles.map((file) => file.name)).toEqual([`${MARKER}-memo.txt`, `${MARKER}.png`]);
    for (const file of noteFiles) {
      const answer = await t.request({
        method: "GET",
        url: attachmentPath(file.id),
        cookie: adaCookie,
      });
      expect(answer.statusCode).toBe(200);
      // Staff hear of the note's file live; another firm's staff cannot download it.
      expect(JSON.stringify(benSocket.frames)).toContain(file.id);
      for (const suffix of ["", "/thumbnail"]) {
        const elsewhere = await t.request({
          method: "GET",
          url: `${attachmentPath(file.id)}${suffix}`,
          cookie: otherFirmCookie,
        });
        expect(elsewhere.statusCode).toBe(404);
      }
    }
  });

  describe.each(VIEWERS)("as %s", (name) => {
    it("never received the marker, a note's id, or an internal message", () => {
      const everything = everythingOf(viewers[name]);
      expect(everything).not.toContain(MARKER);
      for (const id of noteIds()) expect(everything).not.toContain(id);
      expect(everything).not.toMatch(/"internal"\s*:\s*true/);
    });

    it("was refused by every staff route", () => {
      const routes = viewers[name].staffRoutes;
      const distinct = new Set(routes.map((route) => route.route));
      expect(distinct.size).toBeGreaterThanOrEqual(18);
      for (const expected of [
        "GET /api/conversations/{conversationId}/messages",
        "POST /api/conversations/{conversationId}/messages",
        "PATCH /api/messages/{messageId}",
        "DELETE /api/messages/{messageId}",
        "GET /api/clients/{clientId}/conversations",
        "GET /api/outbox",
        "GET /api/team",
        "GET /api/session",
      ]) {
        expect(distinct).toContain(expected);
      }
      const answered = routes.filter((route) => ![401, 403, 404].includes(route.status));
      expect(answered).toEqual([]);
    });

    it("was answered 404 for every note's file and thumbnail", () => {
      expect(viewers[name].noteFileAnswers).toEqual([404, 404, 404, 404]);
    });

    it("got exactly the frames of public events, and nothing for notes", () => {
      const viewer = viewers[name];
      expect(viewer.socket.frames).toEqual(viewer.expectedFrames);
      const mentions = (id: string) => (frame: Frame) => JSON.stringify(frame).includes(id);
      for (const note of [...deletedNotes, ...editedNotes]) {
        expect(viewer.socket.frames.filter(mentions(note.id))).toEqual([]);
      }
      if (name === "dana" || name === "eli") {
        expect(viewer.socket.frames).toContainEqual(deletedPublicFrame);
      } else {
        expect(viewer.socket.frames).not.toContainEqual(deletedPublicFrame);
      }
    });

    it("sees its threads numbered 1..N, without gaps where notes sit", () => {
      const viewer = viewers[name];
      for (const { row, messages } of viewer.threads) {
        const shown = messages.map((message) => message.seq);
        const deleted = deletedPublic
          .filter((entry) => entry.conversationId === row.id)
          .map((entry) => entry.publicSeq);
        const numbers = [...shown, ...deleted].sort((a, b) => a - b);
        expect(numbers).toEqual(Array.from({ length: row.lastSeq }, (_, index) => index + 1));
        if (deleted.length === 0) {
          expect(shown).toEqual(Array.from({ length: messages.length }, (_, index) => index + 1));
        }
        const expected = publicThreads.get(row.id);
        if (expected) expect(messages).toEqual(expected);
      }
    });

    it("has unread counts of exactly the visible messages after the cursor not written by them", () => {
      const viewer = viewers[name];
      expect(viewer.threads.length).toBeGreaterThan(0);
      for (const { row, messages } of viewer.threads) {
        const unread = messages.filter(
          (message) =>
            message.seq > row.lastReadSeq &&
            !(message.author.kind === "contact" && message.author.id === viewer.contact.id),
        );
        expect(row.unreadCount).toBe(Math.min(unread.length, UNREAD_CAP));
      }
    });
  });

  it("shows Dana and Eli the threads they may see, with the unread counts the story gives", () => {
    const rows = (name: ViewerName) =>
      viewers[name].threads.map(({ row }) => ({
        id: row.id,
        lastSeq: row.lastSeq,
        lastReadSeq: row.lastReadSeq,
        unreadCount: row.unreadCount,
        preview: row.lastMessage?.preview,
      }));
    // All Contacts: 1 welcome, 2 Dana's question, 3 the edited reply, (4 deleted), (5 Dana's
    // send with the note's id, deleted), 6 all done. Dana's own send moved her cursor to 5.
    expect(rows("dana")).toEqual([
      {
        id: allContacts.id,
        lastSeq: 6,
        lastReadSeq: 5,
        unreadCount: 1,
        preview: "All done for this month",
      },
      { id: danaDirect.id, lastSeq: 4, lastReadSeq: 2, unreadCount: 2, preview: "Last for Dana" },
    ]);
    expect(rows("eli")).toEqual([
      {
        id: allContacts.id,
        lastSeq: 6,
        lastReadSeq: 3,
        unreadCount: 1,
        preview: "All done for this month",
      },
      { id: eliDirect.id, lastSeq: 3, lastReadSeq: 2, unreadCount: 1, preview: "Last for Eli" },
    ]);
    expect(viewers.fay.threads.map(({ row }) => row.clientId)).not.toContain(acme.id);
    expect(viewers.fay.received).toContain(
      `404 ${JSON.stringify({ error: { code: "not_found", message: "Client was not found." } })}`,
    );
  });

  it("read each contact's mail for the check (their invitation at least)", () => {
    for (const name of VIEWERS) {
      const kinds = viewers[name].mails.map((mail) => JSON.parse(mail).kind);
      expect(kinds).toContain("invitation");
    }
  });

  it("mailed the contact who was only invited nothing of the notes", async () => {
    const mails = await t.database.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.toAddress, gus.email ?? ""));
    expect(mails.map((mail) => mail.kind)).toEqual(["invitation"]);
    expect(JSON.stringify(mails)).not.toContain(MARKER);
  });

  it("e-mailed contacts their unread public messages, and never a note", async () => {
    const addresses = await t.database.db
      .selectDistinct({ email: contacts.email })
      .from(contacts)
      .where(inArray(contacts.firmId, storyFirmIds));
    const mails = await t.database.db
      .select()
      .from(mailOutbox)
      .where(
        inArray(
          mailOutbox.toAddress,
          addresses.flatMap(({ email }) => (email ? [email] : [])),
        ),
      );
    const everything = JSON.stringify(mails);
    expect(everything).not.toContain(MARKER);
    for (const id of noteIds()) expect(everything).not.toContain(id);
    // The positive control: the e-mail was written, to each contact on the portal, counting
    // exactly what their portal shows unread.
    const digests = mails.filter((mail) => mail.kind === "new_messages");
    expect(digests.map((mail) => mail.toAddress).sort()).toEqual(
      VIEWERS.map((name) => viewers[name].contact.email).sort(),
    );
    for (const name of VIEWERS) {
      const viewer = viewers[name];
      const [mail, ...more] = digests.filter((row) => row.toAddress === viewer.contact.email);
      expect(more).toEqual([]);
      for (const { row } of viewer.threads) {
        const title = row.title;
        const count = `${row.unreadCount} new message${row.unreadCount === 1 ? "" : "s"}`;
        if (row.unreadCount > 0) expect(mail?.textBody).toContain(`${title}: ${count}\n`);
        else expect(mail?.textBody).not.toContain(`${title}:`);
      }
    }
    const dana = digests.find((mail) => mail.toAddress === viewers.dana.contact.email);
    expect(dana?.subject).toMatch(/^3 new messages /);
    expect(dana?.textBody).toContain("All done for this month");
    expect(dana?.textBody).toContain("Last for Dana");
  });

  it("e-mailed the staff alerts (the mention note to Ben) to staff only, never to a contact", async () => {
    const alerts = await t.database.db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.kind, "staff_alert"), inArray(mailOutbox.firmId, storyFirmIds)));
    // The positive control: Ben's mention e-mail carries the note, so the check below can fail.
    const toBen = alerts.filter((mail) => mail.toAddress === ben.email);
    expect(toBen.map((mail) => mail.subject)).toContain("You were mentioned in Portico");
    expect(JSON.stringify(toBen)).toContain(MARKER);
    const contactAddresses = await t.database.db
      .selectDistinct({ email: contacts.email })
      .from(contacts)
      .where(inArray(contacts.firmId, storyFirmIds));
    const staffOnly = alerts.map((mail) => mail.toAddress);
    for (const { email } of contactAddresses) expect(staffOnly).not.toContain(email);
  });

  it("shows each firm's Outbox only its own mail, and nobody's sign-in link or reset", async () => {
    const personal = await t.database.db
      .select()
      .from(mailOutbox)
      .where(
        and(
          inArray(mailOutbox.kind, ["sign_in_link", "password_reset"]),
          inArray(
            mailOutbox.toAddress,
            VIEWERS.map((name) => viewers[name].contact.email ?? ""),
          ),
        ),
      );
    // The positive control: every contact's link and reset were written, filed under no firm.
    expect(personal).toHaveLength(VIEWERS.length * 2);
    expect(personal.every((mail) => mail.firmId === null)).toBe(true);
    const tokens = personal.map((mail) => {
      const url = new URL(/https?:\/\/\S+/.exec(mail.textBody)?.[0] ?? "");
      return url.searchParams.get("token") ?? url.pathname.split("/").at(-1) ?? "";
    });
    expect(tokens.every((token) => token.length >= 20)).toBe(true);

    expect([...outboxes.keys()].sort()).toEqual([...storyFirmIds].sort());
    for (const [firmId, body] of outboxes) {
      for (const token of tokens) expect(body).not.toContain(token);
      expect(body).not.toContain("/api/auth/");
      const mails = JSON.parse(body).mails as { kind: string; to: string }[];
      expect(mails.length).toBeGreaterThan(0);
      const own = await t.database.db
        .selectDistinct({ email: contacts.email })
        .from(contacts)
        .where(eq(contacts.firmId, firmId));
      const ownAddresses = new Set(own.map((row) => row.email));
      for (const mail of mails) {
        expect(["invitation", "new_messages"]).toContain(mail.kind);
        expect(ownAddresses.has(mail.to)).toBe(true);
      }
    }
  });

  it("let the contacts' probes of staff routes change nothing", async () => {
    expect(await staffView()).toEqual(staffViewBeforeProbes);
  });
});

/**
 * When access ends, in each way it can, the socket it opened closes at once and nothing written
 * after reaches it — while sockets whose access did not end keep hearing everything.
 */
describe("when access ends", () => {
  const AFTER = `AFTER-${crypto.randomUUID()}`;
  type Way =
    | "staff sign-out"
    | "sign-out"
    | "password change"
    | "password reset"
    | "removal"
    | "revocation";
  const ways: Way[] = [
    "staff sign-out",
    "sign-out",
    "password change",
    "password reset",
    "removal",
    "revocation",
  ];
  const ended = new Map<Way, SocketListener>();
  let keeper: SocketListener;
  let colleague: SocketListener;
  let later: { message: Message; note: Message };

  beforeAll(async () => {
    const db = t.database.db;
    const origin = await listen(t);
    const endFirm = await buildFirm(db, "Ending Firm");
    const owner = await t.signIn((await buildStaff(db, endFirm, { role: "owner" })).email);
    const member = await buildStaff(db, endFirm, { name: "Mo Member" });
    const memberLeaving = await t.signIn(member.email);
    colleague = await openSocket(origin, await t.signIn(member.email));
    ended.set("staff sign-out", await openSocket(origin, memberLeaving));

    const client = await buildClient(db, endFirm, "Ending Client");
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, owner);
    const person = async () => {
      const contact = await buildContact(db, client);
      const cookie = await portal.grantAccess(client, contact, owner);
      return { contact, cookie, socket: await openSocket(origin, cookie) };
    };
    const kept = await person();
    keeper = kept.socket;
    const people = {
      "sign-out": await person(),
      "password change": await person(),
      "password reset": await person(),
      removal: await person(),
      revocation: await person(),
    };
    for (const [way, { socket }] of Object.entries(people)) ended.set(way as Way, socket);
    // The one to be removed has written, so they stay as a former contact with their history.
    await contactApi.send(thread.id, "Before I go", people.removal.cookie);

    const post = (url: string, payload: object, cookie?: string) =>
      t.request({ method: "POST", url, payload, cookie });
    expect((await post("/api/auth/sign-out", {}, memberLeaving)).statusCode).toBe(200);
    expect((await post("/api/auth/sign-out", {}, people["sign-out"].cookie)).statusCode).toBe(200);
    const changed = await post(
      "/api/auth/change-password",
      { currentPassword: PORTAL_PASSWORD, newPassword: "changed on another device" },
      people["password change"].cookie,
    );
    expect(changed.statusCode).toBe(200);
    const resetEmail = people["password reset"].contact.email ?? "";
    expect(
      (
        await post("/api/auth/request-password-reset", {
          email: resetEmail,
          redirectTo: "/portal/reset-password",
        })
      ).statusCode,
    ).toBe(200);
    const [resetMail] = (await portal.mailsTo(resetEmail)).filter(
      (mail) => mail.kind === "password_reset",
    );
    const token = /reset-password\/([^?\s]+)/.exec(resetMail?.textBody ?? "")?.[1];
    expect(
      (await post("/api/auth/reset-password", { newPassword: "reset from my inbox", token }))
        .statusCode,
    ).toBe(200);
    const { contact: leaving } = people.removal;
    const removed = await t.request({
      method: "DELETE",
      url: `/api/clients/${client.id}/contacts/${leaving.id}`,
      cookie: owner,
    });
    expect(removed.statusCode).toBe(204);
    expect((await portal.revoke(client.id, people.revocation.contact.id, owner)).statusCode).toBe(
      200,
    );
    for (const socket of ended.values()) await socket.closed;

    // Written after every way access ended: a message for all, and a note for staff.
    later = {
      message: await api.send(thread.id, `${AFTER} for whoever still has access`, owner),
      note: await api.send(thread.id, `${AFTER} staff only`, owner, { internal: true }),
    };
    await keeper.waitFor(isMessageFrame("message.created", later.message.id), "the later message");
    await colleague.waitFor(isMessageFrame("message.created", later.note.id), "the later note");
  }, 60_000);
  afterAll(() => {
    for (const socket of [keeper, colleague, ...ended.values()]) socket?.socket.terminate();
  });

  it.each(ways)("after %s, the socket closed and received nothing more", (way) => {
    const socket = ended.get(way);
    expect(socket).toBeDefined();
    if (!socket) return;
    expect(socket.socket.readyState).toBe(socket.socket.CLOSED);
    expect(socket.raw.at(-1)).toBe('{"type":"access.revoked"}');
    expect(socket.raw.join("\n")).not.toContain(AFTER);
    expect(socket.raw.join("\n")).not.toContain(later.message.id);
  });

  it("kept the sockets of everyone whose access did not end", () => {
    expect(keeper.socket.readyState).toBe(keeper.socket.OPEN);
    expect(colleague.socket.readyState).toBe(colleague.socket.OPEN);
    expect(keeper.raw.join("\n")).not.toContain(later.note.id);
  });
});
