import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildFirm } from "../../../test/factories.js";
import { mailOutbox } from "../db/schema.js";
import { enqueueMail } from "./outbox.js";
import { startMailWorker } from "./worker.js";

type Received = { to: string[]; raw: string };

let t: TestApp;
let smtp: SMTPServer;
let smtpUrl: string;
const received: Received[] = [];
/** Recipients the test SMTP server refuses, as a real server refuses a bad mailbox. */
const refused = new Set<string>();

beforeAll(async () => {
  t = await createTestApp({}, { ownDatabase: true });
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address)) {
        callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => {
        raw += chunk.toString("utf8");
      });
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await t.close();
});

const content = (subject: string) => ({
  subject,
  text: `Hello — ${subject}`,
  html: `<p>Hello — ${subject}</p>`,
});

/** The real worker, polling fast so a test need not wait the production interval. */
const runWorker = (url: string | undefined) =>
  startMailWorker({
    db: t.database.db,
    smtpUrl: url,
    from: "Portico <no-reply@example.test>",
    log: t.app.log,
    pollMs: 50,
  });

async function rowFor(subject: string) {
  const [row] = await t.database.db
    .select()
    .from(mailOutbox)
    .where(eq(mailOutbox.subject, subject));
  return row;
}

describe("the mail worker", () => {
  it("sends outbox mail over SMTP and marks it sent", async () => {
    const firm = await buildFirm(t.database.db);
    const subject = `Invitation ${crypto.randomUUID()}`;
    await enqueueMail(t.database.db, {
      firmId: firm.id,
      kind: "invitation",
      to: "reader@example.test",
      content: content(subject),
    });
    const worker = runWorker(smtpUrl);
    try {
      await expect
        .poll(() => received.find((mail) => mail.raw.includes(subject)), { timeout: 10_000 })
        .toBeTruthy();
      const mail = received.find((candidate) => candidate.raw.includes(subject));
      expect(mail?.to).toEqual(["reader@example.test"]);
      expect(mail?.raw).toContain("From: Portico <no-reply@example.test>");
      await expect
        .poll(async () => (await rowFor(subject))?.sentAt, { timeout: 5_000 })
        .toBeTruthy();
    } finally {
      await worker.stop();
    }
  });

  it("keeps a refused mail unsent, records why, and schedules a retry", async () => {
    const firm = await buildFirm(t.database.db);
    const subject = `Refused ${crypto.randomUUID()}`;
    refused.add("gone@example.test");
    await enqueueMail(t.database.db, {
      firmId: firm.id,
      kind: "invitation",
      to: "gone@example.test",
      content: content(subject),
    });
    const worker = runWorker(smtpUrl);
    try {
      await expect.poll(async () => (await rowFor(subject))?.attempts, { timeout: 10_000 }).toBe(1);
      const row = await rowFor(subject);
      expect(row?.sentAt).toBeNull();
      expect(row?.lastError).toContain("mailbox unavailable");
      expect(row?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    } finally {
      await worker.stop();
    }
  });

  it("sends each mail once when several server processes run the worker", async () => {
    const firm = await buildFirm(t.database.db);
    const batch = crypto.randomUUID();
    const subjects = Array.from({ length: 30 }, (_, index) => `Batch ${batch} #${index}`);
    for (const subject of subjects) {
      await enqueueMail(t.database.db, {
        firmId: firm.id,
        kind: "invitation",
        to: "many@example.test",
        content: content(subject),
      });
    }
    const workers = [runWorker(smtpUrl), runWorker(smtpUrl), runWorker(smtpUrl)];
    try {
      await expect
        .poll(
          async () => {
            const rows = await Promise.all(subjects.map(rowFor));
            return rows.every((row) => row?.sentAt);
          },
          { timeout: 20_000 },
        )
        .toBe(true);
    } finally {
      // Stopping waits for sends in flight, so a duplicate would have arrived by then.
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    const deliveries = subjects.map(
      (subject) => received.filter((mail) => mail.raw.includes(`${subject}\r`)).length,
    );
    expect(deliveries).toEqual(subjects.map(() => 1));
  });

  it("without SMTP configured, leaves mail in the outbox", async () => {
    const firm = await buildFirm(t.database.db);
    const subject = `Kept ${crypto.randomUUID()}`;
    await enqueueMail(t.database.db, {
      firmId: firm.id,
      kind: "invitation",
      to: "kept@example.test",
      content: content(subject),
    });
    const worker = runWorker(undefined);
    await worker.stop();
    expect((await rowFor(subject))?.sentAt).toBeNull();
    expect(received.some((mail) => mail.raw.includes(subject))).toBe(false);
  });
});
