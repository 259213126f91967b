import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../src/server/db/connect.js";
import { session as sessionTable } from "../../src/server/db/schema.js";
import { freePort, type RunningServer, startServer } from "../../test/processes.js";
import type { Session } from "../../test/remote-client.js";

/** Server processes for a benchmark: the real server, started as `npm start` runs it. */
export async function startPortico(options: {
  databaseUrl?: string;
  redisUrl?: string;
  processes?: number;
  secret: string;
  nodeArgs?: string[];
  /** More settings for the server, on top of the benchmark's own. */
  env?: Record<string, string>;
}) {
  const dataDir = await mkdtemp(join(tmpdir(), "portico-bench-"));
  const firstPort = await freePort();
  const publicUrl = `http://127.0.0.1:${firstPort}`;
  const env = {
    DATABASE_URL: options.databaseUrl ?? "",
    REDIS_URL: options.redisUrl ?? "",
    PUBLIC_URL: publicUrl,
    AUTH_SECRET: options.secret,
    LOG_LEVEL: "warn",
    // Simulated people each have their own address (X-Forwarded-For), as behind a proxy.
    TRUST_PROXY: "1",
    SIGN_IN_RATE_LIMIT: "100000",
    // The benchmark sends as fast as it can as one person: that is what these limits stop.
    MESSAGE_SEND_RATE_LIMIT: "1000000000",
    MESSAGE_EDIT_RATE_LIMIT: "1000000000",
    ...options.env,
  };
  const servers: RunningServer[] = [];
  for (let index = 0; index < (options.processes ?? 1); index++) {
    servers.push(
      await startServer({
        dataDir,
        env,
        ...(index === 0 ? { port: firstPort } : {}),
        ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
      }),
    );
  }
  return {
    servers,
    publicUrl,
    /** Stops one process and starts it again on the same port, data and settings. */
    restart: async (index: number) => {
      const stopped = servers[index];
      if (!stopped) throw new Error(`no server ${index}`);
      await stopped.stop();
      const started = await startServer({
        dataDir,
        env,
        port: stopped.port,
        ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
      });
      servers[index] = started;
      return started;
    },
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The session cookie Better Auth sets: the token, a dot and its HMAC-SHA256 under the secret. */
export const sessionCookieFor = (token: string, secret: string) =>
  `better-auth.session_token=${encodeURIComponent(
    `${token}.${createHmac("sha256", secret).update(token).digest("base64")}`,
  )}`;

/**
 * Signed-in sessions written straight into the session table: thousands of sockets need
 * thousands of sessions, and signing in costs a password hash each. The caller checks once that
 * such a cookie is accepted like a real one.
 */
export async function mintSessions(
  db: Database,
  userId: string,
  count: number,
  secret: string,
  origin: string,
): Promise<Session[]> {
  const rows = Array.from({ length: count }, () => ({
    id: randomBytes(16).toString("hex"),
    token: randomBytes(24).toString("base64url"),
    userId,
    expiresAt: new Date(Date.now() + 24 * 60 * 60 * 1000),
  }));
  for (let index = 0; index < rows.length; index += 1000) {
    await db.insert(sessionTable).values(rows.slice(index, index + 1000));
  }
  return rows.map((row) => ({ cookie: sessionCookieFor(row.token, secret), origin }));
}

/** A process's resident memory, in KB, from /proc. */
export function rssKB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}
