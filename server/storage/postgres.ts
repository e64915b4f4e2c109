import pg from 'pg';
import type { Db, Queryable } from './db.js';

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
      return (await pool.query(sql, params as unknown[])).rows as T[];
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (q: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
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
