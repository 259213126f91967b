import { randomInt } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { inject } from "vitest";
import { buildApp } from "../src/server/app.js";
import type { BackgroundTasks } from "../src/server/background-tasks.js";
import { type Config, loadConfig } from "../src/server/config.js";
import { type DatabaseHandle, openDatabase } from "../src/server/db/connect.js";
import { createFileStorage } from "../src/server/files/create-storage.js";
import type { FileStorage } from "../src/server/files/storage.js";
import { createMemoryEventBus, type EventBus } from "../src/server/realtime/event-bus.js";
import { TEST_PASSWORD } from "./factories.js";

export const TEST_ORIGIN = "http://portico.test";

export type TestApp = {
  app: FastifyInstance;
  database: DatabaseHandle;
  config: Config;
  bus: EventBus;
  storage: FileStorage;
  /** Signs in and returns the Cookie header value for later requests. */
  signIn: (email: string, password?: string) => Promise<string>;
  /** `app.inject` with our Origin and, when given, a session cookie. */
  request: (options: InjectOptions & { cookie?: string }) => Promise<LightMyRequestResponse>;
  close: () => Promise<void>;
};

// Each test file starts at its own random address: files run against one PostgreSQL database
// share its rate-limit rows, and one file's sign-ins must not count against another's.
let ipCounter = randomInt(1 << 16, 1 << 22);
/** A distinct client address per sign-in, so sign-in rate limits in one test never hit another. */
export const nextClientIp = () => {
  const n = ++ipCounter;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

/** The `name=value` of the session cookie a response sets, exactly as the browser would send it back. */
export function sessionCookieOf(setCookie: string | string[] | undefined): string {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const session = cookies.find((cookie) => cookie.startsWith("better-auth.session_token="));
  if (!session) throw new Error("the response set no session cookie");
  return session.split(";")[0] ?? "";
}

/** A fresh, empty database on the same PostgreSQL server, dropped by `drop()`. */
async function createScratchDatabase(serverUrl: string) {
  const name = `portico_scratch_${crypto.randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * Every 4xx an API route answers in any test must be one its contract entry lists, or the answer
 * becomes a 500 naming the gap, so the OpenAPI document cannot fall behind what the server does.
 */
function refuseUndocumentedErrors(app: FastifyInstance) {
  app.addHook("onSend", async (request, reply, payload) => {
    const documented = request.routeOptions.schema?.response as object | undefined;
    const status = reply.statusCode;
    if (!documented || status < 400 || status >= 500 || String(status) in documented) {
      return payload;
    }
    const route = `${request.method} ${request.routeOptions.url}`;
    reply.status(500).type("application/json; charset=utf-8");
    return JSON.stringify({
      error: {
        code: "undocumented_status",
        message: `${route} answered ${status}, which its contract entry does not list: ${payload}`,
      },
    });
  });
}

/** Opens the test database (PGlite in memory, or the run's PostgreSQL database) and builds the app. */
export async function createTestApp(
  overrides: Partial<Config> = {},
  options: {
    ownDatabase?: boolean;
    logStream?: { write: (line: string) => void };
    webDir?: string;
    tasks?: BackgroundTasks;
  } = {},
): Promise<TestApp> {
  const sharedUrl = inject("databaseUrl");
  // A test of something that scans whole tables (like the mail worker) gets a database of its
  // own, so rows written by test files running beside it cannot disturb it.
  const own = sharedUrl && options.ownDatabase ? await createScratchDatabase(sharedUrl) : null;
  const databaseUrl = own?.url ?? sharedUrl;
  const database = await openDatabase(
    databaseUrl
      ? { kind: "postgres", url: databaseUrl, poolSize: 4 }
      : { kind: "pglite", dataDir: undefined },
  );
  // Each app keeps its uploads in a directory of its own, so a test can look at exactly what it stored.
  const filesDir = overrides.fileStorage
    ? null
    : await mkdtemp(join(tmpdir(), "portico-test-files-"));
  const config: Config = {
    ...loadConfig({ DATA_DIR: "/tmp/portico-test-unused", AUTH_SECRET: "t".repeat(40) }),
    publicUrl: TEST_ORIGIN,
    // As behind one reverse proxy: the right-most X-Forwarded-For entry is the client's address,
    // which is how tests give each request an address of its own.
    trustProxy: 1,
    // Suites send hundreds of messages as one person within a minute; the tests of these limits
    // set their own small ones.
    messageSendRateLimit: 100_000,
    messageEditRateLimit: 100_000,
    logLevel: "silent",
    ...(filesDir ? { fileStorage: { kind: "disk", directory: filesDir } } : {}),
    ...overrides,
  };
  const bus = createMemoryEventBus();
  const storage = createFileStorage(config.fileStorage);
  const app = await buildApp({
    config,
    db: database.db,
    bus,
    storage,
    logStream: options.logStream,
    webDir: options.webDir,
    tasks: options.tasks,
  });
  refuseUndocumentedErrors(app);
  await app.ready();
  return testAppOf({ app, database, config, bus, storage }, async () => {
    await app.close();
    await storage.close();
    await database.close();
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
    await own?.drop();
  });
}

/**
 * Another app on the same database: a second server process (with its own bus, e.g. Redis), or
 * the same server restarted with other settings. Closing it leaves the database open.
 */
export async function createSecondApp(
  first: TestApp,
  options: { config?: Partial<Config>; bus?: EventBus } = {},
): Promise<TestApp> {
  const config = { ...first.config, ...options.config };
  const bus = options.bus ?? createMemoryEventBus();
  const app = await buildApp({ config, db: first.database.db, bus, storage: first.storage });
  await app.ready();
  return testAppOf({ app, database: first.database, config, bus, storage: first.storage }, () =>
    app.close(),
  );
}

function testAppOf(
  parts: Pick<TestApp, "app" | "database" | "config" | "bus" | "storage">,
  close: () => Promise<void>,
): TestApp {
  const { app } = parts;
  const request: TestApp["request"] = ({ cookie, headers, ...options }) =>
    app.inject({
      ...options,
      headers: {
        origin: TEST_ORIGIN,
        "x-forwarded-for": "10.0.0.1",
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
    });

  const signIn = async (email: string, password = TEST_PASSWORD) => {
    const response = await request({
      method: "POST",
      url: "/api/auth/sign-in/email",
      headers: { "x-forwarded-for": nextClientIp() },
      payload: { email, password },
    });
    if (response.statusCode !== 200) {
      throw new Error(`sign-in of ${email} failed: ${response.statusCode} ${response.body}`);
    }
    return sessionCookieOf(response.headers["set-cookie"]);
  };

  return { ...parts, signIn, request, close };
}

/**
 * Background work that runs only when the test says so: shows that an answer did not wait for
 * it (the e-mail a request causes is written after the answer, not before).
 */
export function heldTasks() {
  const waiting: { name: string; task: () => Promise<unknown> }[] = [];
  const tasks: BackgroundTasks & { names: () => string[]; release: () => Promise<void> } = {
    run: (name, task) => {
      waiting.push({ name, task });
    },
    drain: async () => tasks.release(),
    names: () => waiting.map((entry) => entry.name),
    release: async () => {
      while (waiting.length > 0) await waiting.shift()?.task();
    },
  };
  return tasks;
}
