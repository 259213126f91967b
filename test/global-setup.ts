import pg from "pg";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string | undefined;
  }
}

/**
 * With TEST_DATABASE_URL set, the suite runs against a fresh PostgreSQL database made for this
 * run (and dropped after it), so runs never see each other's rows; otherwise each test file
 * uses its own in-memory PGlite.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    project.provide("databaseUrl", undefined);
    return;
  }
  const name = `portico_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // Migrate once here, so test files starting in parallel do not race to create the schema.
  const { openDatabase } = await import("../src/server/db/connect.js");
  const database = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 1 });
  await database.close();
  project.provide("databaseUrl", url.toString());

  return async () => {
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  };
}
