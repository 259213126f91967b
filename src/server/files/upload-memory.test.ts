import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildFirm, buildStaff } from "../../../test/factories.js";
import {
  attachmentPath,
  download,
  generatedPdf,
  pdfBytes,
  sha256,
  uploadFile,
  uploadPath,
} from "../../../test/files.js";
import { listen } from "../../../test/portal.js";

setFlagsFromString("--expose_gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** What the process holds after a full collection: the JavaScript heap and Buffers' memory. */
const retainedBytes = () => {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

const MB = 1024 * 1024;

let t: TestApp;
let origin: string;
let cookie: string;

beforeAll(async () => {
  t = await createTestApp();
  origin = await listen(t);
  const firm = await buildFirm(t.database.db);
  const member = await buildStaff(t.database.db, firm);
  cookie = await t.signIn(member.email);
});

afterAll(async () => {
  await t.close();
});

it("streams a 25 MB upload to storage: what the server holds does not grow with the file", async () => {
  expect(t.config.attachmentMaxBytes).toBe(25 * MB);
  // Warm up every code path once, so the measurement sees the upload and not first-use set-up.
  const warmUp = await uploadFile(origin, uploadPath, cookie, {
    name: "w.pdf",
    content: pdfBytes(),
  });
  expect(warmUp.status).toBe(201);

  const size = 25 * MB;
  const file = generatedPdf(size);
  const baseline = retainedBytes();
  let peakGrowth = 0;
  let sent = 0;
  // Samples what the process retains every 2 MB while the file is on its way to the server.
  async function* measured() {
    for await (const chunk of file.chunks) {
      sent += chunk.length;
      if (sent % (2 * MB) < chunk.length) {
        peakGrowth = Math.max(peakGrowth, retainedBytes() - baseline);
      }
      yield chunk;
    }
  }
  const uploaded = await uploadFile(origin, uploadPath, cookie, {
    name: "annual-accounts.pdf",
    content: measured(),
  });
  peakGrowth = Math.max(peakGrowth, retainedBytes() - baseline);
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  expect(uploaded.body.size).toBe(size);
  expect(peakGrowth).toBeLessThan(15 * MB);

  const got = await download(origin, attachmentPath(uploaded.body.id), cookie);
  expect(got.bytes.length).toBe(size);
  expect(sha256(got.bytes)).toBe(file.digest());
});
