import { createHash } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Queryable } from "./connect.js";

const dialect = new PgDialect();

/**
 * Runs a statement built per request as a named prepared statement: PostgreSQL parses and plans
 * each distinct text once per connection instead of on every request. The name comes from the
 * text, so statements of the same shape share one plan whatever their values.
 */
export async function executePrepared<Row>(db: Queryable, statement: SQL): Promise<Row[]> {
  const query = dialect.sqlToQuery(statement);
  const name = `portico_${createHash("sha1").update(query.sql).digest("hex").slice(0, 20)}`;
  const result = await db._.session.prepareQuery(query, undefined, name, false).execute();
  return (result as { rows: Row[] }).rows;
}
