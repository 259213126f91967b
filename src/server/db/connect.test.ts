/** What every connection to a PostgreSQL server is opened with. */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { createScratchDatabase } from "../../../test/processes.js";
import { openDatabase } from "./connect.js";

it("turns PostgreSQL's JIT compilation off on every pooled connection", async () => {
  const scratch = await createScratchDatabase("portico_connect");
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 3 });
  try {
    // Held open together, so each answer comes from a different connection of the pool.
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        database.db.execute<{ jit: string; pid: number }>(
          sql`select current_setting('jit') as jit, pg_backend_pid() as pid, pg_sleep(0.2)`,
        ),
      ),
    );
    const rows = answers.map((answer) => answer.rows[0]);
    expect(new Set(rows.map((row) => row?.pid)).size).toBe(3);
    expect(rows.map((row) => row?.jit)).toEqual(["off", "off", "off"]);
  } finally {
    await database.close();
    await scratch.drop();
  }
});
