import { buildApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { databaseTargetFor, openDatabase } from "./db/connect.js";
import { createFileStorage } from "./files/create-storage.js";
import { startUploadSweeper } from "./files/orphan-sweep.js";
import { startDigestScheduler } from "./mail/new-messages-digest.js";
import { startMailWorker } from "./mail/worker.js";
import { createMemoryEventBus } from "./realtime/event-bus.js";
import { createRedisEventBus } from "./realtime/redis-event-bus.js";
import { demoSignIns, hasDemoData, seedDemoDataOnStart } from "./seed/demo-data.js";
import { createSetupLink, setupUrl } from "./team/setup.service.js";

async function main() {
  const config = loadConfig();
  const database = await openDatabase(databaseTargetFor(config));
  const warn = (message: string) => console.warn(message);
  const demoDataHere = config.demoData
    ? await seedDemoDataOnStart(database.db, warn)
    : await hasDemoData(database.db);
  // While there is no firm, each start prints a fresh one-time link that creates the first one.
  const setupToken = await createSetupLink(database.db);

  // Several server processes share events through Redis; one process needs nothing outside.
  const bus = config.redisUrl ? await createRedisEventBus(config.redisUrl) : createMemoryEventBus();
  const storage = createFileStorage(config.fileStorage);
  const app = await buildApp({ config, db: database.db, bus, storage });
  await app.listen({ port: config.port, host: config.host });
  const mailWorker = startMailWorker({
    db: database.db,
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    log: app.log,
  });
  // Writes the new-messages e-mails to the outbox; the mail worker above sends them.
  const digestScheduler = startDigestScheduler({
    db: database.db,
    publicUrl: config.publicUrl,
    secret: config.authSecret,
    delaySeconds: config.emailDelaySeconds,
    log: app.log,
  });

  // Uploads never attached to a message are removed, with their bytes, after a day.
  const uploadSweeper = startUploadSweeper({ db: database.db, storage, log: app.log });

  const { port } = app.server.address() as { port: number };
  const url = config.publicUrl.replace(/:\d+$/, `:${port}`);
  const events = config.redisUrl ? "Redis event bus" : "in-process events";
  const databaseDescription =
    database.driver === "pglite"
      ? `embedded PGlite in ${config.dataDir}/pglite`
      : "PostgreSQL (DATABASE_URL)";
  console.log(
    [
      "",
      `Portico is running at ${url}  (database: ${databaseDescription}; ${events}; ${storage.description})`,
      "",
      `Staff sign in at ${url}/ and contacts at ${url}/portal`,
      config.smtpUrl
        ? "E-mail is sent over SMTP_URL."
        : "No SMTP_URL: e-mail stays in the Outbox page (owners and admins).",
      "",
      ...startNotes({ demoData: config.demoData, demoDataHere, setupToken, url }),
    ].join("\n"),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down: finishing requests in flight");
    setTimeout(() => {
      app.log.error("shutdown took longer than 10 s; exiting anyway");
      process.exit(1);
    }, 10_000).unref();
    // close() stops accepting connections and waits for requests in flight.
    await app.close();
    await digestScheduler.stop();
    await uploadSweeper.stop();
    await mailWorker.stop();
    await bus.close();
    await storage.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** What the start banner says about demo data and, on a new install, how to set it up. */
function startNotes(input: {
  demoData: boolean;
  demoDataHere: boolean;
  setupToken: string | null;
  url: string;
}): string[] {
  const notes: string[] = [];
  if (input.demoDataHere) {
    notes.push(
      input.demoData
        ? "Demo data: on (DEMO_DATA=true). Its passwords are public: never put real clients here."
        : "Warning: this database holds the demo data, whose passwords are public, although DEMO_DATA=false.",
      "For a real install, start with DEMO_DATA=false on an empty DATA_DIR (or an empty DATABASE_URL).",
      "",
      "Demo sign-ins (password: demo-password):",
      ...demoSignIns(),
      "",
    );
  } else {
    notes.push(`Demo data: off (DEMO_DATA=${input.demoData}).`, "");
  }
  if (input.setupToken) {
    notes.push(
      "No firm yet. Open this one-time link to create your firm and its owner:",
      `  ${setupUrl(input.url, input.setupToken)}`,
      "(A new link is printed at each start until the firm exists; earlier ones keep working.)",
      "",
    );
  }
  return notes;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
