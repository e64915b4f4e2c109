/**
 * The booking race on a real PostgreSQL: two server instances (each its own connection pool and
 * instance id) share one database, and many visitors book the same slot at once through the
 * HTTP API, half on each instance. Every request passes the slot check in code (none sees the
 * others' uncommitted rows); the exclusion constraint is what lets exactly one through per
 * host. Runs under scripts/with-postgres.mjs.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { buildApp, type ConvotApp } from '../../server/app.js';
import { parseConfig } from '../../server/config.js';
import { openPostgres } from '../../server/storage/postgres.js';
import type { Db } from '../../server/storage/db.js';
import { freshDatabase } from '../support/postgres.js';

const baseUrl = process.env.CONVOT_TEST_DATABASE_URL;
if (!baseUrl) throw new Error('CONVOT_TEST_DATABASE_URL is not set: run this through scripts/with-postgres.mjs');

const APP_ID = 'app_race';
const ORIGIN = 'http://race.test';
/** Monday 23 March 2026, 07:00 in Paris. */
const NOW = Date.parse('2026-03-23T06:00:00Z');
const VISITORS = 24;

const config = () =>
  parseConfig(
    {
      apps: [
        {
          id: APP_ID,
          name: 'Race',
          allowed_origins: [ORIGIN],
          meeting_types: [
            { id: 1, name: 'One host', duration_minutes: 30, timezone: 'Europe/Paris', weekly_hours: { tue: [['09:00', '12:00']] }, hosts: ['ada@race.test'] },
            { id: 2, name: 'Two hosts', duration_minutes: 30, timezone: 'Europe/Paris', weekly_hours: { tue: [['09:00', '12:00']] } },
            { id: 3, name: 'Buffered', duration_minutes: 30, buffer_minutes: 30, timezone: 'Europe/Paris', weekly_hours: { wed: [['09:00', '12:00']] }, hosts: ['ada@race.test'] },
          ],
        },
      ],
      agents: [
        { email: 'ada@race.test', name: 'Ada', password: 'race password 1' },
        { email: 'bob@race.test', name: 'Bob', password: 'race password 2' },
      ],
      // The race is about the constraint, not the rate limiter.
      limits: { booking: { max: 1000, window_seconds: 60 }, booking_ip: { max: 1000, window_seconds: 60 }, session: { max: 1000, window_seconds: 60 } },
    },
    {},
  );

let dbs: Db[] = [];
let apps: ConvotApp[] = [];
let bases: string[] = [];

before(async () => {
  const url = await freshDatabase(baseUrl);
  for (let i = 0; i < 2; i++) {
    const db = await openPostgres(url);
    const app = await buildApp({ db, config: config(), root: process.cwd(), now: () => NOW });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no TCP address');
    dbs.push(db);
    apps.push(app);
    bases.push(`http://127.0.0.1:${addr.port}`);
  }
});
afterEach(async () => {
  await dbs[0]!.query('DELETE FROM bookings');
});
after(async () => {
  for (const a of apps) await a.close();
  for (const d of dbs) await d.close();
  apps = [];
  dbs = [];
  bases = [];
});

async function session(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/apps/${APP_ID}/sessions`, { method: 'POST', headers: { origin: ORIGIN } });
  assert.equal(res.status, 201);
  return ((await res.json()) as { token: string }).token;
}

async function book(base: string, token: string, meetingTypeId: number, start: string): Promise<{ status: number; body: { code?: string; booking?: { host_name: string } } }> {
  const res = await fetch(`${base}/api/v1/apps/${APP_ID}/scheduling/bookings`, {
    method: 'POST',
    headers: { origin: ORIGIN, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ meeting_type_id: meetingTypeId, start, timezone: 'Europe/Paris', name: 'Racer', email: 'racer@example.com' }),
  });
  return { status: res.status, body: (await res.json()) as { code?: string } };
}

/** One session per visitor (alternating instances), then every booking fired at once. */
async function race(meetingTypeId: number, starts: (i: number) => string) {
  const tokens = await Promise.all(Array.from({ length: VISITORS }, (_, i) => session(bases[i % 2]!)));
  return Promise.all(tokens.map((t, i) => book(bases[i % 2]!, t, meetingTypeId, starts(i))));
}

const count = (results: { status: number }[], status: number) => results.filter((r) => r.status === status).length;

test('one host: of many simultaneous bookings of one slot on two instances, exactly one succeeds', async () => {
  const results = await race(1, () => '2026-03-24T08:00:00.000Z');
  assert.equal(count(results, 201), 1, JSON.stringify(results.map((r) => r.status)));
  assert.equal(count(results, 409), VISITORS - 1);
  assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.code === 'CONVOT_ERR_SLOT_TAKEN'));
  const rows = await dbs[1]!.query<{ n: number }>("SELECT count(*)::int AS n FROM bookings WHERE status = 'confirmed'");
  assert.equal(rows[0]!.n, 1);
});

test('two hosts: exactly two succeed, one per host', async () => {
  const results = await race(2, () => '2026-03-24T08:00:00.000Z');
  assert.equal(count(results, 201), 2, JSON.stringify(results.map((r) => r.status)));
  assert.equal(count(results, 409), VISITORS - 2);
  assert.deepEqual(results.filter((r) => r.status === 201).map((r) => r.body.booking!.host_name).sort(), ['Ada', 'Bob']);
  const rows = await dbs[0]!.query<{ host: string }>("SELECT host_agent_id::text AS host FROM bookings WHERE status = 'confirmed'");
  assert.equal(new Set(rows.map((r) => r.host)).size, 2);
});

test('buffers hold under the race too: neighbouring slots closer than the buffer, only one wins', async () => {
  // 09:00 and 09:30 Paris on Wednesday: 30-minute meetings with a 30-minute buffer cannot both be booked.
  const results = await race(3, (i) => (i % 2 ? '2026-03-25T08:00:00.000Z' : '2026-03-25T08:30:00.000Z'));
  assert.equal(count(results, 201), 1, JSON.stringify(results.map((r) => r.status)));
  assert.equal(count(results, 409), VISITORS - 1);
  const rows = await dbs[0]!.query<{ n: number }>("SELECT count(*)::int AS n FROM bookings WHERE status = 'confirmed'");
  assert.equal(rows[0]!.n, 1);
});

test('after a cancel the slot can be won again, once', async () => {
  const first = await race(1, () => '2026-03-24T08:30:00.000Z');
  assert.equal(count(first, 201), 1);
  await dbs[0]!.query("UPDATE bookings SET status = 'cancelled', cancelled_at = now()");
  const second = await race(1, () => '2026-03-24T08:30:00.000Z');
  assert.equal(count(second, 201), 1);
  const rows = await dbs[0]!.query<{ status: string }>('SELECT status FROM bookings ORDER BY id');
  assert.deepEqual(rows.map((r) => r.status), ['cancelled', 'confirmed']);
});
