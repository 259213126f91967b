import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../src/server/db/connect.js";
import { mailOutbox } from "../src/server/db/schema.js";
import { enqueueMail } from "../src/server/mail/outbox.js";
import type { Message } from "../src/shared/api/messaging.js";
import { seedFirm } from "../test/cluster-seed.js";
import { TEST_PASSWORD } from "../test/factories.js";
import { startMailbox } from "../test/mailbox.js";
import {
  createScratchDatabase,
  freePort,
  type RunningRedis,
  type RunningServer,
  startRedisServer,
  startServer,
} from "../test/processes.js";
import {
  callRoute,
  type Frame,
  frameMessageId,
  HttpError,
  messagingCalls,
  openRealtime,
  type RealtimeSocket,
  type Session,
  signIn,
  signOut,
} from "../test/remote-client.js";

/**
 * Two real server processes on different ports share one PostgreSQL database (a fresh one on
 * TEST_DATABASE_URL's server, else the local one), one Redis (a private redis-server this file
 * starts, stops and starts again) and one SMTP server: what a load balancer in front of them
 * would mix up must still hold.
 */

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let database: DatabaseHandle;
let redis: RunningRedis;
let mailbox: Awaited<ReturnType<typeof startMailbox>>;
let dataDir: string;
let publicUrl: string;
let processA: RunningServer;
let processB: RunningServer;
let seeded: Awaited<ReturnType<typeof seedFirm>>;
let otherFirm: Awaited<ReturnType<typeof seedFirm>>;
const sockets: RealtimeSocket[] = [];

beforeAll(async () => {
  [scratch, redis, mailbox, dataDir] = await Promise.all([
    createScratchDatabase("portico_e2e"),
    startRedisServer(),
    startMailbox(),
    mkdtemp(join(tmpdir(), "portico-cluster-")),
  ]);
  const portA = await freePort();
  // Both processes answer for one public address, as behind a load balancer.
  publicUrl = `http://127.0.0.1:${portA}`;
  const env = {
    DATABASE_URL: scratch.url,
    REDIS_URL: redis.url,
    SMTP_URL: mailbox.url,
    PUBLIC_URL: publicUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    SIGN_IN_RATE_LIMIT: "1000",
  };
  // One after the other: the first applies the migrations to the fresh database.
  processA = await startServer({ port: portA, dataDir, env });
  processB = await startServer({ dataDir, env });
  database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  const options = { base: processA.url, acceptBase: processB.url, publicUrl };
  seeded = await seedFirm(database.db, {
    ...options,
    staffCount: 2,
    clientCount: 1,
    contactsPerClient: 2,
  });
  otherFirm = await seedFirm(database.db, {
    ...options,
    staffCount: 1,
    clientCount: 1,
    contactsPerClient: 1,
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([processA?.stop(), processB?.stop()]);
  await database?.close();
  await Promise.all([scratch?.drop(), redis?.stop(), mailbox?.close()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function connect(base: string, session: Session, name: string) {
  const socket = await openRealtime(base, session);
  sockets.push(socket);
  return Object.assign(socket, { name });
}

const createdIds = (socket: RealtimeSocket) =>
  socket.frames.filter((frame) => frame.type === "message.created").map(frameMessageId);

describe("two server processes sharing PostgreSQL and Redis", () => {
  it("delivers every event to every socket that should see it, once, whichever process each uses; contacts never get a note", async () => {
    const [staff1, staff2] = seeded.staff;
    const client = seeded.clients[0];
    const [contact1, contact2] = client?.contacts ?? [];
    if (!staff1 || !staff2 || !client || !contact1 || !contact2) throw new Error("seed");
    const outsider = otherFirm.staff[0];
    if (!outsider) throw new Error("seed");

    const staffSockets = await Promise.all([
      connect(processA.url, staff1.session, "staff 1 on A"),
      connect(processB.url, staff1.session, "staff 1 on B"),
      connect(processA.url, staff2.session, "staff 2 on A"),
      connect(processB.url, staff2.session, "staff 2 on B"),
    ]);
    const contact1Sockets = await Promise.all([
      connect(processA.url, contact1.session, "contact 1 on A"),
      connect(processB.url, contact1.session, "contact 1 on B"),
    ]);
    const contact2Sockets = await Promise.all([
      connect(processA.url, contact2.session, "contact 2 on A"),
      connect(processB.url, contact2.session, "contact 2 on B"),
    ]);
    const outsiderSocket = await connect(processB.url, outsider.session, "other firm on B");

    const staff1A = messagingCalls(processA.url, staff1.session, "staff");
    const staff2B = messagingCalls(processB.url, staff2.session, "staff");
    const staff1B = messagingCalls(processB.url, staff1.session, "staff");
    const staff2A = messagingCalls(processA.url, staff2.session, "staff");
    const contact1B = messagingCalls(processB.url, contact1.session, "contact");
    const contact2A = messagingCalls(processA.url, contact2.session, "contact");
    const allContacts = client.allContacts.id;
    const direct1 = contact1.direct.id;

    const sent = {
      publicFromStaffOnA: await staff1A.send(allContacts, "From staff on A"),
      noteFromStaffOnB: await staff2B.send(allContacts, "Note on B", { internal: true }),
      fromContact1OnB: await contact1B.send(allContacts, "From contact 1 on B"),
      fromContact2OnA: await contact2A.send(allContacts, "From contact 2 on A"),
      directFromStaffOnB: await staff1B.send(direct1, "Direct from staff on B"),
      directNoteFromStaffOnA: await staff2A.send(direct1, "Direct note on A", { internal: true }),
    };
    // Redis hands each subscriber every publish in order, so once this last one has arrived on a
    // process, everything published before it has arrived there too.
    const marker = await staff1B.send(allContacts, "Marker");
    const everyone = [...staffSockets, ...contact1Sockets, ...contact2Sockets];
    await Promise.all(
      everyone.map((socket) =>
        socket.waitFor(
          (frame) => frame.type === "message.created" && frameMessageId(frame) === marker.id,
          `marker on ${socket.name}`,
        ),
      ),
    );
    // The other firm's socket sees nothing; its own marker proves its process caught up.
    const outsiderMarker = await messagingCalls(processA.url, outsider.session, "staff").send(
      otherFirm.clients[0]?.allContacts.id ?? "",
      "Other firm's marker",
    );
    await outsiderSocket.waitFor(
      (frame) => frameMessageId(frame) === outsiderMarker.id,
      "the other firm's marker",
    );

    const ids = (messages: Message[]) => [...messages.map((message) => message.id), marker.id];
    const all = Object.values(sent);
    const notes = [sent.noteFromStaffOnB, sent.directNoteFromStaffOnA];
    const sortIds = (list: (string | undefined)[]) => [...list].sort();
    for (const socket of staffSockets) {
      expect(sortIds(createdIds(socket)), socket.name).toEqual(sortIds(ids(all)));
    }
    const forContact1 = [
      sent.publicFromStaffOnA,
      sent.fromContact1OnB,
      sent.fromContact2OnA,
      sent.directFromStaffOnB,
    ];
    for (const socket of contact1Sockets) {
      expect(sortIds(createdIds(socket)), socket.name).toEqual(sortIds(ids(forContact1)));
    }
    const forContact2 = [sent.publicFromStaffOnA, sent.fromContact1OnB, sent.fromContact2OnA];
    for (const socket of contact2Sockets) {
      expect(sortIds(createdIds(socket)), socket.name).toEqual(sortIds(ids(forContact2)));
    }
    for (const socket of [...contact1Sockets, ...contact2Sockets]) {
      const wire = socket.raw.join("\n");
      for (const note of notes) {
        expect(wire, socket.name).not.toContain(note.id);
      }
      expect(wire, socket.name).not.toContain("Note on B");
      expect(wire, socket.name).not.toContain("Direct note on A");
      expect(socket.frames.some((frame: Frame) => frame.data?.internal === true)).toBe(false);
    }
    expect(createdIds(outsiderSocket)).toEqual([outsiderMarker.id]);
  });

  it("refuses a session signed out on one process at once on the other, over HTTP and on its socket", async () => {
    const [staff1] = seeded.staff;
    if (!staff1) throw new Error("seed");
    const session = await signIn(processA.url, publicUrl, staff1.email, TEST_PASSWORD);
    const socketOnB = await connect(processB.url, session, "signed-out staff on B");
    const clientId = seeded.clients[0]?.clientId ?? "";
    await callRoute(processB.url, session, "listConversations", { params: { clientId } });

    await signOut(processA.url, session);
    const refused = await callRoute(processB.url, session, "listConversations", {
      params: { clientId },
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(401);
    expect((await socketOnB.closed).code).toBe(4403);
    // The staff member's other session is untouched.
    await callRoute(processB.url, staff1.session, "listConversations", { params: { clientId } });
  });

  it("closes a contact's socket on the other process the moment staff revoke portal access", async () => {
    const client = otherFirm.clients[0];
    const contact = client?.contacts[0];
    const owner = otherFirm.staff[0];
    if (!client || !contact || !owner) throw new Error("seed");
    const socketOnB = await connect(processB.url, contact.session, "revoked contact on B");
    await callRoute(processA.url, owner.session, "revokePortalAccess", {
      params: { clientId: client.clientId, contactId: contact.id },
    });
    expect((await socketOnB.closed).code).toBe(4403);
    const refused = await callRoute(processB.url, contact.session, "listPortalConversations", {
      params: { clientId: client.clientId },
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HttpError);
    expect([401, 404]).toContain((refused as HttpError).status);
  });

  it("after a Redis outage, every client resynchronises and misses nothing", async () => {
    const [staff1, staff2] = seeded.staff;
    const client = seeded.clients[0];
    const contact1 = client?.contacts[0];
    if (!staff1 || !staff2 || !client || !contact1) throw new Error("seed");
    const conversationId = client.allContacts.id;
    const readers = [
      { base: processA.url, session: staff1.session, side: "staff" as const, name: "staff on A" },
      { base: processB.url, session: staff2.session, side: "staff" as const, name: "staff on B" },
      {
        base: processB.url,
        session: contact1.session,
        side: "contact" as const,
        name: "contact on B",
      },
    ];
    // Each reader keeps a view as the web app does: a fetch on every `ready`, then live events.
    const views = await Promise.all(
      readers.map(async (reader) => {
        const calls = messagingCalls(reader.base, reader.session, reader.side);
        const view = new Map<string, string>();
        let readies = 0;
        let refetching: Promise<void> = Promise.resolve();
        const socket = await openRealtime(reader.base, reader.session, (frame) => {
          if (frame.type === "ready") {
            readies += 1;
            refetching = calls.page(conversationId).then((page) => {
              view.clear();
              for (const message of page.messages) view.set(message.id, message.id);
            });
          } else if (
            frame.type === "message.created" &&
            frame.data?.conversationId === conversationId
          ) {
            const id = frameMessageId(frame) ?? "";
            view.set(id, id);
          }
        });
        sockets.push(socket);
        await refetching;
        return {
          ...reader,
          calls,
          view,
          socket,
          readies: () => readies,
          settled: () => refetching,
        };
      }),
    );

    await redis.stop();
    // Sends during the outage are committed and answered as usual.
    const duringOutage = [
      await messagingCalls(processA.url, staff1.session, "staff").send(
        conversationId,
        "While Redis is down (A)",
      ),
      await messagingCalls(processB.url, contact1.session, "contact").send(
        conversationId,
        "While Redis is down (B)",
      ),
    ];
    await redis.start();

    for (const reader of views) {
      await expect.poll(() => reader.readies(), { timeout: 20_000 }).toBeGreaterThan(1);
      await reader.settled();
    }
    const after = await messagingCalls(processB.url, staff2.session, "staff").send(
      conversationId,
      "After Redis is back",
    );
    for (const reader of views) {
      await reader.socket.waitFor(
        (frame) => frameMessageId(frame) === after.id,
        `${reader.name} live event`,
      );
      await reader.settled();
      for (const message of duringOutage)
        expect(reader.view.has(message.id), reader.name).toBe(true);
      const fresh = await reader.calls.page(conversationId);
      expect([...reader.view.keys()].sort(), reader.name).toEqual(
        fresh.messages.map((message) => message.id).sort(),
      );
    }
  });

  it("sends each e-mail exactly once, whichever process picks it up", async () => {
    for (let index = 0; index < 20; index++) {
      await enqueueMail(database.db, {
        firmId: seeded.firm.id,
        kind: "invitation",
        to: `once-${index}@example.test`,
        content: { subject: `Once ${index}`, text: `Mail ${index}`, html: `<p>Mail ${index}</p>` },
      });
    }
    const unsent = () => database.db.select().from(mailOutbox).where(isNull(mailOutbox.sentAt));
    await expect.poll(async () => (await unsent()).length, { timeout: 30_000 }).toBe(0);
    // A stopping process finishes the mail it is sending, so a duplicate would be in by now.
    await Promise.all([processA.stop(), processB.stop()]);
    const everyMail = await database.db.select().from(mailOutbox);
    expect(everyMail.length).toBeGreaterThan(20);
    for (const mail of everyMail) {
      const written = everyMail.filter((other) => other.toAddress === mail.toAddress).length;
      expect(mailbox.mailsTo(mail.toAddress).length, mail.toAddress).toBe(written);
    }
  });
});
