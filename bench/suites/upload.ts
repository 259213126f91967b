import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/server/db/connect.js";
import { routes } from "../../src/shared/api/routes.js";
import { buildFirm, buildStaff } from "../../test/factories.js";
import { createScratchDatabase } from "../../test/processes.js";
import { callRoute } from "../../test/remote-client.js";
import { startTestS3, type TestS3 } from "../../test/s3.js";
import { mintSessions, startPortico } from "../lib/cluster.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { startLoadProcess } from "../lib/rpc.js";
import { serverMemoryProbe } from "../lib/server-memory.js";
import { percentile } from "../lib/stats.js";

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const median = (values: number[]) => percentile(values, 50);

type Upload = { status: number; ms: number; id: string | null; size: number | null };
type Fetched = { status: number; length: number; sha256: string };

type StorageRun = {
  storage: "disk" | "s3";
  appMs: number[];
  directMs: number[];
  rssGrowth: number[];
  heapGrowth: number[];
  retainedGrowth: number[];
  /** The same at twice the size: streaming holds the same, buffering twice as much. */
  retainedGrowthDouble: number[];
  problems: string[];
};

/** One storage: the file uploaded through the app `rounds` times, and written directly as often. */
async function measureStorage(
  context: BenchContext,
  storage: "disk" | "s3",
  size: number,
  rounds: number,
): Promise<StorageRun> {
  const s3: TestS3 | null = storage === "s3" ? await startTestS3() : null;
  const s3Env: Record<string, string> = s3
    ? {
        S3_BUCKET: s3.storage.bucket,
        S3_ENDPOINT: s3.storage.endpoint ?? "",
        S3_REGION: s3.storage.region,
        S3_ACCESS_KEY_ID: s3.storage.credentials?.accessKeyId ?? "",
        S3_SECRET_ACCESS_KEY: s3.storage.credentials?.secretAccessKey ?? "",
        S3_FORCE_PATH_STYLE: "true",
      }
    : {};
  const scratch = await createScratchDatabase("portico_bench", context.postgresUrl);
  const probe = serverMemoryProbe(
    join(tmpdir(), `portico-bench-memory-${process.pid}-${storage}.json`),
  );
  const portico = await startPortico({
    databaseUrl: scratch.url,
    secret: context.secret,
    nodeArgs: [...context.serverNodeArgs, ...probe.nodeArgs],
    // Room for the file at twice the size, to see whether what the server holds grows with it.
    env: { ...probe.env, ...s3Env, ATTACHMENT_MAX_MB: String(Math.ceil((2 * size) / MB) + 1) },
  });
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  const uploader = startLoadProcess("uploader.ts");
  const run: StorageRun = {
    storage,
    appMs: [],
    directMs: [],
    rssGrowth: [],
    heapGrowth: [],
    retainedGrowth: [],
    retainedGrowthDouble: [],
    problems: [],
  };
  try {
    const server = portico.servers[0];
    if (!server?.process.pid) throw new Error("no server");
    const pid = server.process.pid;
    const firm = await buildFirm(database.db);
    const member = await buildStaff(database.db, firm);
    const [session] = await mintSessions(
      database.db,
      member.userId,
      1,
      context.secret,
      portico.publicUrl,
    );
    if (!session) throw new Error("no session");
    await callRoute(server.url, session, "getStaffSession");
    const digest = await uploader.call<string>("prepare", { size });
    const upload = (name: string) =>
      uploader.call<Upload>("upload", {
        url: `${server.url}${routes.uploadFile.path}`,
        origin: session.origin,
        cookie: session.cookie,
        name,
      });
    const writeDirect = () =>
      s3
        ? uploader.call<number>("writeS3", s3.storage)
        : uploader.call<number>("writeDisk", { directory: server.dataDir });

    // Every code path once before measuring, so first-use set-up is not counted as the upload's.
    const warmUp = await upload("warm-up.pdf");
    if (warmUp.status !== 201) throw new Error(`warm-up upload answered ${warmUp.status}`);
    await writeDirect();

    for (let round = 0; round < rounds; round++) {
      const before = await probe.read(pid);
      const sent = await upload(`annual-accounts-${round}.pdf`);
      const during = await probe.read(pid);
      if (sent.status !== 201 || sent.size !== size || !sent.id) {
        run.problems.push(`${storage} upload ${round} answered ${sent.status}, size ${sent.size}`);
        continue;
      }
      run.appMs.push(sent.ms);
      run.rssGrowth.push(during.peak.rss - before.now.rss);
      run.heapGrowth.push(during.peak.heap - before.now.heap);
      const back = await uploader.call<Fetched>("download", {
        url: `${server.url}${routes.downloadAttachment.path.replace(":attachmentId", sent.id)}`,
        origin: session.origin,
        cookie: session.cookie,
      });
      if (back.status !== 200 || back.length !== size || back.sha256 !== digest) {
        run.problems.push(`${storage} download ${round} did not answer the uploaded bytes`);
      }
      run.directMs.push(await writeDirect());
    }

    // Separate rounds in which the server collects garbage every 250 ms while the file passes,
    // so the peak is what it holds, not what it has yet to collect (too slow to time).
    // Collecting garbage this often slows the server down a lot: one round per size is enough.
    const heldRounds = 1;
    const heldWhileUploading = async (into: number[], bytes: number) => {
      for (let round = 0; round < heldRounds; round++) {
        const before = await probe.read(pid, { gcEveryMs: 250 });
        const sent = await upload(`held-${bytes}-${round}.pdf`);
        const during = await probe.read(pid);
        if (sent.status !== 201 || sent.size !== bytes) {
          run.problems.push(`${storage} upload with collections answered ${sent.status}`);
          continue;
        }
        into.push(during.peak.retained - before.now.retained);
      }
    };
    await heldWhileUploading(run.retainedGrowth, size);
    await uploader.call<string>("prepare", { size: 2 * size });
    await heldWhileUploading(run.retainedGrowthDouble, 2 * size);
    return run;
  } finally {
    await uploader.stop();
    await database.close();
    await portico.stop();
    await scratch.drop();
    await s3?.close();
    await probe.remove();
  }
}

/**
 * A 25 MB file uploaded through the app (multipart HTTP → type check → storage) against writing
 * the same bytes to the same storage directly: throughput ratio, and how much the server's
 * memory grows while the file passes through it, measured inside the server process.
 */
export async function uploadBenchmark(context: BenchContext): Promise<BenchResult> {
  const size = context.smoke ? 1 * MB : 25 * MB;
  const rounds = context.smoke ? 1 : 3;
  const lines: string[] = [];
  const problems: string[] = [];
  for (const storage of ["disk", "s3"] as const) {
    const run = await measureStorage(context, storage, size, rounds);
    problems.push(...run.problems);
    if (run.appMs.length === 0) continue;
    const app = median(run.appMs);
    const direct = median(run.directMs);
    const throughput = (ms: number) => `${(size / MB / (ms / 1000)).toFixed(1)} MB/s`;
    const where = storage === "disk" ? "local disk (flushed file)" : "S3 (s3rver on 127.0.0.1)";
    const rss = Math.max(...run.rssGrowth);
    const heap = Math.max(...run.heapGrowth);
    const retained = Math.max(...run.retainedGrowth);
    const retainedDouble = Math.max(...run.retainedGrowthDouble);
    const ofFile = (bytes: number) => (bytes / size).toFixed(2);
    const growth = retainedDouble / Math.max(retained, MB);
    // Holding the file whole would mean holding about all of it; one sample is too noisy to
    // judge anything finer, so the figures are reported and only that is a failure.
    if (!context.smoke && retainedDouble >= 0.9 * 2 * size) {
      problems.push(`${storage}: the server held ${mb(retainedDouble)} of a ${mb(2 * size)} file`);
    }
    lines.push(
      `- ${where}: through the app ${throughput(app)} (median ${app.toFixed(0)} ms), written directly ${throughput(direct)} (${direct.toFixed(0)} ms) — **throughput ratio app / direct: ${(direct / app).toFixed(2)}**`,
      `- ${where}: server memory while the file passed through, peak over the moment before (largest of ${run.appMs.length}): RSS +${mb(rss)}, JS heap and buffers +${mb(heap)} with garbage not yet collected (ratios to the file's size ${ofFile(rss)}, ${ofFile(heap)}); **what the server held (collecting every 250 ms): +${mb(retained)} for the file, ratio ${ofFile(retained)}; +${mb(retainedDouble)} for a file twice the size, ratio to the first ${growth.toFixed(2)}** (1 when streamed, 2 when held whole; under 1 MB counts as 1 MB)`,
    );
  }
  return {
    title: `Upload (${mb(size)} file, ${rounds} ${rounds === 1 ? "round" : "rounds"} per storage)`,
    lines,
    problems,
  };
}
