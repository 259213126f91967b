import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzleNodePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema.js";

/**
 * The app's view of the database. Both drivers expose the same Drizzle query builder;
 * we type it once so nothing outside `db/` knows which one is running.
 */
export type Database = NodePgDatabase<typeof schema>;

/** A transaction handed to `db.transaction(...)`'s callback; it has the same query builder. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Anything that runs queries: the database itself or an open transaction. */
export type Queryable = Database | Transaction;

export type DatabaseHandle = {
  db: Database;
  driver: "pglite" | "postgres";
  close: () => Promise<void>;
};

const migrationsFolder = join(import.meta.dirname, "migrations");

export type DatabaseTarget =
  | { kind: "postgres"; url: string; poolSize?: number }
  | { kind: "pglite"; dataDir: string | undefined };

/** Opens the database and applies pending migrations. `dataDir: undefined` keeps PGlite in memory. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      // The inbox's estimates can cross PostgreSQL's JIT threshold on small tables: compiling
      // then costs 30–40 ms on a query that runs in 4 ms. Our queries are short; JIT never pays.
      options: "-c jit=off",
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool replaces it on next use.
    pool.on("error", (error) => console.error("database connection lost:", error.message));
    const db = drizzleNodePg(pool, { schema });
    await migrateNodePg(db, { migrationsFolder });
    return { db, driver: "postgres", close: () => pool.end() };
  }
  if (target.dataDir) await initialiseEmbeddedDataDir(target.dataDir);
  const client = await PGlite.create(target.dataDir);
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  return {
    db: db as unknown as Database,
    driver: "pglite",
    close: () => client.close(),
  };
}

/**
 * Creates a new embedded database in a worker thread that then exits: creating one loads a
 * second WebAssembly instance (about 450 MB) that the process would otherwise keep for its life.
 */
async function initialiseEmbeddedDataDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, "PG_VERSION"))) return;
  mkdirSync(dataDir, { recursive: true });
  const worker = new Worker(
    `const { workerData } = require("node:worker_threads");
     import(workerData.module).then(async ({ PGlite }) => {
       const created = await PGlite.create(workerData.dataDir);
       await created.close();
     });`,
    { eval: true, workerData: { module: import.meta.resolve("@electric-sql/pglite"), dataDir } },
  );
  const exitCode = await new Promise<number>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("exit", resolve);
  });
  if (exitCode !== 0) throw new Error(`creating the embedded database failed (${exitCode})`);
}

export function databaseTargetFor(config: {
  databaseUrl: string | undefined;
  dataDir: string;
}): DatabaseTarget {
  return config.databaseUrl
    ? { kind: "postgres", url: config.databaseUrl }
    : { kind: "pglite", dataDir: join(config.dataDir, "pglite") };
}
