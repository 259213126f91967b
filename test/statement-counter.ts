import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/**
 * Counts the SQL statements the server sends to the database (PostgreSQL or PGlite), BEGIN and
 * COMMIT included, so a test can say what one request costs.
 */
export function countStatements() {
  let count = 0;
  const restore: (() => void)[] = [];
  const clientQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    count += 1;
    return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof clientQuery;
  restore.push(() => {
    pg.Client.prototype.query = clientQuery;
  });
  const liteQuery = PGlite.prototype.query;
  PGlite.prototype.query = function (this: PGlite, ...args: Parameters<typeof liteQuery>) {
    count += 1;
    return liteQuery.apply(this, args);
  } as typeof liteQuery;
  const liteTransaction = PGlite.prototype.transaction;
  PGlite.prototype.transaction = function (this: PGlite, callback) {
    count += 2; // BEGIN and COMMIT (or ROLLBACK), which PGlite runs itself
    return liteTransaction.call(this, (tx) => {
      const txQuery = tx.query.bind(tx);
      tx.query = ((...args: Parameters<typeof txQuery>) => {
        count += 1;
        return txQuery(...args);
      }) as typeof tx.query;
      return callback(tx);
    });
  } as typeof liteTransaction;
  restore.push(() => {
    PGlite.prototype.query = liteQuery;
    PGlite.prototype.transaction = liteTransaction;
  });
  return {
    /** Statements sent while `work` ran. */
    during: async (work: () => Promise<unknown>) => {
      const before = count;
      await work();
      return count - before;
    },
    stop: () => {
      for (const undo of restore) undo();
    },
  };
}
