import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.js';

/** Embedded store: a PGlite database in `dir` (or in memory when dir is undefined). */
export async function openPglite(dir?: string): Promise<Db> {
  const pg = await PGlite.create(dir);
  // PGlite runs one statement at a time; a queue keeps transactions from interleaving.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const q = async <T>(sql: string, params?: unknown[]): Promise<T[]> => (await pg.query<T>(sql, params)).rows;
  return {
    kind: 'pglite',
    query: (sql, params) => serial(() => q(sql, params)),
    exec: (sql) => serial(async () => void (await pg.exec(sql))),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      serial(() =>
        pg.transaction((tx) =>
          fn({
            query: async (sql, params) => (await tx.query(sql, params)).rows as never,
            exec: async (sql) => void (await tx.exec(sql)),
          }),
        ),
      ),
    batch: (statements) =>
      serial(() =>
        pg.transaction(async (tx) => {
          const out: unknown[][] = [];
          for (const { sql, params } of statements) out.push((await tx.query(sql, params)).rows);
          return out;
        }),
      ),
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      return unsub;
    },
    notify: (channel, payload) => serial(async () => void (await pg.query('SELECT pg_notify($1, $2)', [channel, payload]))),
    close: () => pg.close(),
  };
}
