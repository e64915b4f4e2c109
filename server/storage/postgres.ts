import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable } from './db.js';

/**
 * Statements run as named prepared statements: each connection parses and plans a statement
 * once, then only binds and executes it (planning was most of PostgreSQL's statement time).
 * Only parameterized DML is named; scripts and DDL run as they are. Presence statements
 * (agent_presence) stay unnamed for now: named, an inbox's agents_online count was sometimes
 * one short in tenancy.test.ts on PostgreSQL, a race not yet understood.
 */
const names = new Map<string, string>();
function prepared(text: string, values: unknown[] | undefined): pg.QueryConfig | string {
  if (!values?.length || !/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(text) || text.includes('agent_presence')) return text;
  let name = names.get(text);
  if (!name) names.set(text, (name = `convot_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return { name, text, values };
}

const run = async (client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]) => {
  const q = prepared(sql, params);
  return typeof q === 'string' ? client.query(sql, params) : client.query(q);
};

/** Production store: a pool on a PostgreSQL server, with a dedicated connection for LISTEN. */
export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined); // idle client errors surface on the next query instead
  await pool.query('SELECT 1');
  let closed = false;
  const listeners = new Set<() => Promise<void>>();

  return {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      return (await run(pool, sql, params)).rows as T[];
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (q: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          // Unnamed inside transactions: with names there, a full PostgreSQL suite run under load
          // once left a pooled connection failing every later send (500s); cause not yet found.
          query: async (sql, params) => (await client.query(sql, params as unknown[])).rows as never,
          exec: async (sql) => void (await client.query(sql)),
        });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async batch(statements) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out: unknown[][] = [];
        for (const { sql, params } of statements) out.push((await run(client, sql, params)).rows);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload, onReconnect) {
      let client: pg.Client | undefined;
      let stopped = false;
      let retry: ReturnType<typeof setTimeout> | undefined;
      const connect = async (isReconnect: boolean): Promise<void> => {
        const c = new pg.Client({ connectionString: url });
        c.on('notification', (n) => {
          if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
        });
        c.on('error', () => undefined);
        c.on('end', () => {
          if (stopped || closed) return;
          retry = setTimeout(() => void connect(true).catch(() => undefined), 250);
        });
        try {
          await c.connect();
          await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
        } catch (e) {
          c.removeAllListeners('end');
          await c.end().catch(() => undefined);
          if (!isReconnect) throw e;
          retry = setTimeout(() => void connect(true).catch(() => undefined), 1000);
          return;
        }
        client = c;
        if (isReconnect) onReconnect?.();
      };
      await connect(false);
      const stop = async () => {
        stopped = true;
        clearTimeout(retry);
        listeners.delete(stop);
        await client?.end().catch(() => undefined);
      };
      listeners.add(stop);
      return stop;
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      closed = true;
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
  };
}
