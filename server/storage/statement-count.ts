/**
 * Counts the statements a `Db` runs (transactions and batches count BEGIN and COMMIT too), so tests and the
 * load bench can say how many statements one message costs. Wraps any adapter; changes nothing.
 */
import type { Db, Queryable } from './db.js';

export interface CountingDb extends Db {
  /** Statements run since the wrapper was made (or last reset). */
  readonly statements: number;
  /** Statement texts by how often they ran (first line, trimmed), for profiling. */
  readonly byText: Map<string, number>;
  reset(): void;
}

export function countStatements(db: Db): CountingDb {
  let statements = 0;
  const byText = new Map<string, number>();
  const count = (sql: string) => {
    statements++;
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    byText.set(key, (byText.get(key) ?? 0) + 1);
  };
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params) => (count(sql), q.query(sql, params)),
    exec: (sql) => (count(sql), q.exec(sql)),
  });
  return {
    ...db,
    kind: db.kind,
    get statements() {
      return statements;
    },
    byText,
    reset() {
      statements = 0;
      byText.clear();
    },
    query: (sql, params) => (count(sql), db.query(sql, params)),
    exec: (sql) => (count(sql), db.exec(sql)),
    transaction: (fn) => {
      count('BEGIN');
      return db.transaction((q) => fn(wrap(q))).finally(() => count('COMMIT'));
    },
    batch: (statements) => {
      count('BEGIN');
      for (const { sql } of statements) count(sql);
      return db.batch(statements).finally(() => count('COMMIT'));
    },
    notify: (channel, payload) => (count('SELECT pg_notify'), db.notify(channel, payload)),
    listen: (channel, onPayload, onReconnect) => db.listen(channel, onPayload, onReconnect),
    close: () => db.close(),
  };
}
