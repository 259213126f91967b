import type { DatabaseHandle } from "../../src/server/db/connect.js";

/** What every benchmark gets: its sizes, the PostgreSQL server to use, and a shared secret. */
export type BenchContext = {
  smoke: boolean;
  /** The PostgreSQL server (a scratch database is made on it per benchmark). */
  postgresUrl: string;
  secret: string;
  /** Extra node flags for server processes (e.g. --cpu-prof). */
  serverNodeArgs: string[];
};

/** One benchmark's outcome: lines for RESULTS.md, and whether its correctness checks held. */
export type BenchResult = {
  title: string;
  lines: string[];
  /** Checks that hold at any size (every event once, no note to a contact, no 5xx). */
  problems: string[];
};

export type Seeded = { database: DatabaseHandle };
