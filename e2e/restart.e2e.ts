import { afterAll, describe, expect, it } from "vitest";
import { removeDataDir, startServer } from "./harness.js";

const dataDirs: string[] = [];
afterAll(async () => {
  for (const dir of dataDirs) await removeDataDir(dir);
});

async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email: "ada@northwind.test", password: "demo-password" }),
  });
  expect(response.status).toBe(200);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

describe("the server process", () => {
  it("keeps data written before it was killed", async () => {
    const first = await startServer();
    dataDirs.push(first.dataDir);
    expect(first.output()).toContain("ada@northwind.test");
    const cookie = await signIn(first.url);
    const created = await fetch(`${first.url}/api/clients`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: first.url, cookie },
      body: JSON.stringify({ name: "Written Before Kill" }),
    });
    expect(created.status).toBe(201);
    await first.stop("SIGKILL");

    const second = await startServer({ dataDir: first.dataDir });
    try {
      // The session, stored in the database with a secret kept in DATA_DIR, survives too.
      const list = await fetch(`${second.url}/api/clients?q=Written`, { headers: { cookie } });
      expect(list.status).toBe(200);
      const body = (await list.json()) as { clients: { name: string }[] };
      expect(body.clients.map((client) => client.name)).toEqual(["Written Before Kill"]);
      // Demo data is seeded only into an empty database, never twice.
      const all = (await (
        await fetch(`${second.url}/api/clients?q=Acme`, { headers: { cookie } })
      ).json()) as { clients: unknown[] };
      expect(all.clients).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it("finishes a request in flight when asked to stop, then exits cleanly", async () => {
    const server = await startServer({ env: { LOG_LEVEL: "info" } });
    dataDirs.push(server.dataDir);
    const inFlight = signIn(server.url);
    await expect
      .poll(() => server.output(), { timeout: 10_000, interval: 2 })
      .toContain("incoming request");
    const exitCode = server.stop("SIGTERM");
    await expect(inFlight).resolves.toContain("better-auth.session_token=");
    expect(await exitCode).toBe(0);
  });

  it("refuses to start with a bad setting and names it", async () => {
    await expect(startServer({ env: { PORT: "not-a-port" } })).rejects.toThrow(
      /Invalid configuration — PORT/,
    );
  });
});
