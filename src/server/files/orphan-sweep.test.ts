import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildFirm, buildStaff, type TestFirm } from "../../../test/factories.js";
import { filesIn, pdfBytes, pngBytes, uploadFile, uploadPath } from "../../../test/files.js";
import { messagingApi } from "../../../test/messaging.js";
import { listen } from "../../../test/portal.js";
import type { FileStorageConfig } from "../config.js";
import { attachments } from "../db/schema.js";
import { claimUploadsForMessage } from "./attachments.service.js";
import { sweepUnattachedUploads } from "./orphan-sweep.js";
import type { FileStorage } from "./storage.js";

const HOUR = 60 * 60 * 1000;

let t: TestApp;
let origin: string;
let firm: TestFirm;
let staffId: string;
let cookie: string;
let filesDir: string;

beforeAll(async () => {
  t = await createTestApp();
  origin = await listen(t);
  filesDir = (t.config.fileStorage as Extract<FileStorageConfig, { kind: "disk" }>).directory;
});

afterAll(async () => {
  await t.close();
});

/** A firm of its own per test, so each sweep (scoped to it) sees only that test's uploads. */
async function freshFirm() {
  firm = await buildFirm(t.database.db);
  const member = await buildStaff(t.database.db, firm);
  staffId = member.id;
  cookie = await t.signIn(member.email);
}

async function upload(name: string, content: Buffer) {
  const answer = await uploadFile(origin, uploadPath, cookie, { name, content });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const [row] = await t.database.db
    .select()
    .from(attachments)
    .where(eq(attachments.id, answer.body.id));
  if (!row) throw new Error("no row");
  return row;
}

/** Moves uploads back in time, as if they were made `hours` ago. */
const age = (ids: string[], hours: number) =>
  t.database.db
    .update(attachments)
    .set({ createdAt: sql`${attachments.createdAt} - make_interval(hours => ${hours})` })
    .where(inArray(attachments.id, ids));

const remainingIds = async () =>
  (
    await t.database.db
      .select({ id: attachments.id })
      .from(attachments)
      .where(eq(attachments.firmId, firm.id))
  )
    .map((row) => row.id)
    .sort();

/** The real storage, recording every key it was asked to delete. */
function recordingDeletes(storage: FileStorage) {
  const deleted: string[] = [];
  const recording: FileStorage = {
    ...storage,
    put: storage.put.bind(storage),
    get: storage.get.bind(storage),
    close: storage.close.bind(storage),
    delete: async (keys) => {
      deleted.push(...keys);
      await storage.delete(keys);
    },
  };
  return { recording, deleted };
}

describe("the sweep of uploads never attached to a message", () => {
  it("removes only unsent uploads older than a day, bytes and thumbnail included", async () => {
    await freshFirm();
    const oldImage = await upload("old.png", await pngBytes(50, 50));
    const oldPdf = await upload("old.pdf", pdfBytes());
    const fresh = await upload("fresh.pdf", pdfBytes("fresh"));
    const sent = await upload("sent.pdf", pdfBytes("sent"));
    const client = await buildClient(t.database.db, firm);
    const api = messagingApi(t);
    const conversation = await api.openConversation(client.id, { kind: "all_contacts" }, cookie);
    const message = await api.send(conversation.id, "With a file", cookie);
    await t.database.db.transaction((tx) =>
      claimUploadsForMessage(tx, {
        uploader: { kind: "staff", staffId },
        attachmentIds: [sent.id],
        messageId: message.id,
        firmId: firm.id,
      }),
    );
    await age([oldImage.id, oldPdf.id, sent.id], 25);

    const result = await sweepUnattachedUploads(t.database.db, t.storage, t.app.log, {
      now: new Date(),
      firmIds: [firm.id],
    });
    expect(result.removed).toBe(2);
    expect(await remainingIds()).toEqual([fresh.id, sent.id].sort());
    const left = await filesIn(filesDir);
    for (const gone of [oldImage.storageKey, oldImage.thumbnailKey, oldPdf.storageKey]) {
      expect(left).not.toContain(gone);
    }
    expect(left).toEqual(expect.arrayContaining([fresh.storageKey, sent.storageKey]));
  });

  it("counts the day from the clock it is given", async () => {
    await freshFirm();
    const upload1 = await upload("a.pdf", pdfBytes());
    const createdAt = upload1.createdAt.getTime();
    const before = await sweepUnattachedUploads(t.database.db, t.storage, t.app.log, {
      now: new Date(createdAt + 24 * HOUR - 60_000),
      firmIds: [firm.id],
    });
    expect(before.removed).toBe(0);
    expect(await remainingIds()).toEqual([upload1.id]);
    const after = await sweepUnattachedUploads(t.database.db, t.storage, t.app.log, {
      now: new Date(createdAt + 24 * HOUR + 60_000),
      firmIds: [firm.id],
    });
    expect(after.removed).toBe(1);
    expect(await remainingIds()).toEqual([]);
    expect(await filesIn(filesDir)).not.toContain(upload1.storageKey);
  });

  it("removes each file once when several processes sweep at the same time", async () => {
    await freshFirm();
    const uploads = [];
    for (let i = 0; i < 7; i += 1) uploads.push(await upload(`${i}.pdf`, pdfBytes(`${i}`)));
    await age(
      uploads.map((row) => row.id),
      30,
    );
    const { recording, deleted } = recordingDeletes(t.storage);
    const options = { now: new Date(), firmIds: [firm.id], batchSize: 2 };
    const results = await Promise.all([
      sweepUnattachedUploads(t.database.db, recording, t.app.log, options),
      sweepUnattachedUploads(t.database.db, recording, t.app.log, options),
      sweepUnattachedUploads(t.database.db, recording, t.app.log, options),
    ]);
    expect(results.reduce((sum, result) => sum + result.removed, 0)).toBe(7);
    expect(deleted.sort()).toEqual(uploads.map((row) => row.storageKey).sort());
    expect(await remainingIds()).toEqual([]);
  });
});
