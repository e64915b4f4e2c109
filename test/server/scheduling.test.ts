/**
 * Scheduling through the HTTP API on one database (PGlite, or PostgreSQL under
 * scripts/with-postgres.mjs): config validation, the widget's routes, booking and the 409 on a
 * taken slot, cancel freeing the slot, the manage page's forms, the .ics file, the timeline
 * event, the inbox's routes with their access control, and the public config.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { buildApp, type ConvotApp } from '../../server/app.js';
import { ConfigError, parseConfig } from '../../server/config.js';
import type { BookingChanged, BookingCreated } from '../../server/services/scheduling-service.js';
import { schedulingAgentApi } from '../../src/protocol/index.js';
import type { Db } from '../../server/storage/db.js';
import { ALLOWED_ORIGIN, APP_ID, AGENT_EMAIL, AGENT_PASSWORD, auth, loginAgent, newSession, openTestDb, sendVisitor, visitorPath } from './helpers.js';

const OTHER_APP = 'app_other';
const BOB = 'bob@test.dev';
const OUTSIDER = 'outsider@test.dev';
const PASSWORD = 'scheduling password';
/** Monday 23 March 2026, 07:00 in Paris (winter time, UTC+1). */
const NOW = Date.parse('2026-03-23T06:00:00Z');

const hours = { mon: [['09:00', '11:00']], tue: [['09:00', '11:00']], wed: [['09:00', '11:00']], thu: [['09:00', '11:00']], fri: [['09:00', '11:00']] };

function configData(over: { limits?: unknown; demo?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    apps: [
      {
        id: APP_ID,
        name: 'Test',
        allowed_origins: [ALLOWED_ORIGIN],
        meeting_types: [
          {
            id: 3,
            name: 'Product demo',
            duration_minutes: 30,
            description: 'A walk through the product',
            location: 'https://meet.example.com/demo',
            timezone: 'Europe/Paris',
            weekly_hours: hours,
            min_notice_minutes: 60,
            horizon_days: 30,
            questions: [
              { id: 'company', label: 'Company', required: true, type: 'text' },
              { id: 'goals', label: 'Goals', required: false, type: 'textarea' },
            ],
            ...over.demo,
          },
          { id: 5, name: 'Support call', duration_minutes: 60, timezone: 'America/New_York', hosts: [AGENT_EMAIL], weekly_hours: { mon: [['09:00', '12:00']] }, buffer_minutes: 15 },
        ],
      },
      { id: OTHER_APP, name: 'Other', allowed_origins: [ALLOWED_ORIGIN] },
    ],
    agents: [
      { email: AGENT_EMAIL, name: 'Ada Host', password: AGENT_PASSWORD },
      { email: BOB, name: 'Bob Host', password: PASSWORD, apps: [APP_ID] },
      { email: OUTSIDER, name: 'Outsider', password: PASSWORD, apps: [OTHER_APP] },
    ],
    ...(over.limits ? { limits: over.limits } : {}),
  };
}

let db: Db;
let app: ConvotApp;
let clock = NOW;
const created: BookingCreated[] = [];
const changed: BookingChanged[] = [];

async function build(data = configData()): Promise<ConvotApp> {
  return buildApp({ db, config: parseConfig(data, {}), root: process.cwd(), now: () => clock, schedulingHooks: { onBookingCreated: (e) => void created.push(e), onBookingChanged: (e) => void changed.push(e) } });
}

before(async () => {
  db = await openTestDb();
  app = await build();
});
afterEach(async () => {
  clock = NOW;
  created.length = 0;
  changed.length = 0;
  await db.query('DELETE FROM bookings');
  await db.query("DELETE FROM meeting_types WHERE source = 'inbox'");
});
after(async () => {
  await app.close();
  await db.close();
});

const headers = { origin: ALLOWED_ORIGIN };
const get = (url: string) => app.inject({ method: 'GET', url, headers });

interface BookingBody {
  id: string;
  start: string;
  end: string;
  status: string;
  host_name: string | null;
  manage_url: string;
  ics_url: string;
  [k: string]: unknown;
}

async function book(token: string, over: Record<string, unknown> = {}) {
  return app.inject({
    method: 'POST',
    url: visitorPath('/scheduling/bookings'),
    headers: { ...headers, ...auth(token), host: 'chat.example.com' },
    payload: { meeting_type_id: 3, start: '2026-03-24T08:00:00.000Z', timezone: 'Europe/Paris', name: 'Jane Doe', email: 'jane@example.com', answers: { company: 'Acme' }, ...over },
  });
}

async function slotStarts(id = 3, from = '2026-03-24', days = 1, tz = 'Europe/Paris'): Promise<string[]> {
  const res = await get(visitorPath(`/scheduling/meeting-types/${id}/slots?from=${from}&days=${days}&tz=${encodeURIComponent(tz)}`));
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { days: { slots: { start: string }[] }[] }).days.flatMap((d) => d.slots.map((s) => s.start));
}

/** The path part of an absolute URL the server returned. */
const pathOf = (url: string): string => new URL(url).pathname;

test('every inbox scheduling route is registered with its method and path', () => {
  for (const [name, route] of Object.entries(schedulingAgentApi)) assert.ok(app.hasRoute({ method: route.method, url: route.path }), `${name}: ${route.method} ${route.path}`);
});

describe('config', () => {
  const bad = (mutate: (d: Record<string, unknown>) => void): string => {
    const d = configData();
    mutate(d);
    try {
      parseConfig(d, {});
    } catch (e) {
      assert.ok(e instanceof ConfigError, String(e));
      return e.message;
    }
    assert.fail('the config was accepted');
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const type0 = (d: Record<string, unknown>): any => (d.apps as any)[0].meeting_types[0];

  test('errors name the meeting type and the field', () => {
    assert.match(bad((d) => (type0(d).weekly_hours = { mon: [['9:00', '17:00']] })), /^apps\[0\]\.meeting_types\[0\]\.weekly_hours\.mon\[0\] must be a pair of times/);
    assert.match(bad((d) => (type0(d).weekly_hours = { mon: [['17:00', '09:00']] })), /apps\[0\]\.meeting_types\[0\]\.weekly_hours\.mon\[0\] must start before it ends/);
    assert.match(bad((d) => (type0(d).weekly_hours = { mon: [['09:00', '12:00'], ['11:00', '13:00']] })), /weekly_hours\.mon has overlapping ranges/);
    assert.match(bad((d) => (type0(d).weekly_hours = { monday: [] })), /weekly_hours\.monday is not a weekday/);
    assert.match(bad((d) => (type0(d).timezone = 'Mars/Olympus')), /apps\[0\]\.meeting_types\[0\]\.timezone must be an IANA time zone/);
    assert.match(bad((d) => (type0(d).timezone = '+02:00')), /timezone must be an IANA time zone/);
    assert.match(bad((d) => (type0(d).hosts = ['nobody@test.dev'])), /apps\[0\]\.meeting_types\[0\]\.hosts\[0\] must be the email of an agent/);
    assert.match(bad((d) => (type0(d).hosts = [OUTSIDER])), /hosts\[0\] \(outsider@test\.dev\) does not work on app "app_test"/);
    assert.match(bad((d) => (type0(d).id = 5)), /^apps\[0\]\.meeting_types\[1\]\.id must be unique per app; 5 is already used/);
    assert.match(bad((d) => (type0(d).id = 0)), /apps\[0\]\.meeting_types\[0\]\.id must be >= 1/);
    assert.match(bad((d) => (type0(d).duration_minutes = '30')), /meeting_types\[0\]\.duration_minutes must be an integer/);
    assert.match(bad((d) => (type0(d).questions = [{ id: 'x', label: 'X', type: 'select' }])), /meeting_types\[0\]\.questions\[0\]\.type must be "text" or "textarea"/);
  });

  test('the file is applied at every start: a type removed from it disappears, inbox-made types stay', async () => {
    const data = configData();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (data.apps as any)[0].meeting_types.pop();
    const cookie = await loginAgent(app);
    const made = await app.inject({ method: 'POST', url: `/api/v1/agent/apps/${APP_ID}/meeting-types`, headers: { cookie }, payload: { name: 'Inbox call', duration_minutes: 20, timezone: 'UTC', weekly_hours: { mon: [['10:00', '11:00']] } } });
    assert.equal(made.statusCode, 201, made.body);
    const restarted = await build(data);
    try {
      const ids = (await db.query<{ id: number; source: string }>('SELECT id, source FROM meeting_types WHERE app_id = $1 ORDER BY id', [APP_ID])).map((r) => `${r.id}:${r.source}`);
      assert.deepEqual(ids, ['3:config', '6:inbox']);
    } finally {
      await restarted.close();
    }
    // Back to the full file for the other tests.
    await (await build()).close();
  });
});

describe('widget routes', () => {
  test('public config says how many meeting types an app has (null without any)', async () => {
    const res = await get(visitorPath('/config'));
    assert.deepEqual((res.json() as { scheduling: unknown }).scheduling, { meeting_types: 2 });
    const other = await get(visitorPath('/config', OTHER_APP));
    assert.equal((other.json() as { scheduling: unknown }).scheduling, null);
  });

  test('meeting types: the public fields only', async () => {
    const res = await get(visitorPath('/scheduling/meeting-types'));
    assert.equal(res.statusCode, 200);
    const body = res.json() as { meeting_types: Record<string, unknown>[] };
    assert.deepEqual(body.meeting_types[0], {
      id: 3,
      name: 'Product demo',
      duration_minutes: 30,
      description: 'A walk through the product',
      location: 'https://meet.example.com/demo',
      questions: [
        { id: 'company', label: 'Company', required: true, type: 'text' },
        { id: 'goals', label: 'Goals', required: false, type: 'textarea' },
      ],
    });
    assert.deepEqual(Object.keys(body.meeting_types[1]!).sort(), ['description', 'duration_minutes', 'id', 'location', 'name', 'questions']);
    // Another page's origin is refused, as for every visitor route.
    const foreign = await app.inject({ method: 'GET', url: visitorPath('/scheduling/meeting-types'), headers: { origin: 'http://evil.test' } });
    assert.equal(foreign.statusCode, 403);
  });

  test('slots: every date of the range, grouped in the asked zone, notice applied', async () => {
    const res = await get(visitorPath('/scheduling/meeting-types/3/slots?from=2026-03-22&days=3&tz=America/New_York'));
    assert.equal(res.statusCode, 200);
    const body = res.json() as { timezone: string; days: { date: string; slots: { start: string; end: string }[] }[] };
    assert.equal(body.timezone, 'America/New_York');
    assert.deepEqual(body.days.map((d) => d.date), ['2026-03-22', '2026-03-23', '2026-03-24']);
    assert.deepEqual(body.days[0]!.slots, []);
    // Monday in Paris 09:00–11:00 is 08:00Z–10:00Z; now is 06:00Z with an hour's notice, so all four are open.
    assert.deepEqual(body.days[1]!.slots.map((s) => s.start), ['2026-03-23T08:00:00.000Z', '2026-03-23T08:30:00.000Z', '2026-03-23T09:00:00.000Z', '2026-03-23T09:30:00.000Z']);
    assert.equal(body.days[1]!.slots[0]!.end, '2026-03-23T08:30:00.000Z');
    clock = Date.parse('2026-03-23T08:10:00Z');
    assert.deepEqual(await slotStarts(3, '2026-03-23'), ['2026-03-23T09:30:00.000Z']);
  });

  test('slots: 404 for an unknown type, 400 naming the bad query field', async () => {
    for (const id of ['99', 'abc', '0']) {
      const res = await get(visitorPath(`/scheduling/meeting-types/${id}/slots?from=2026-03-23&days=1&tz=UTC`));
      assert.equal(res.statusCode, 404, id);
      assert.equal((res.json() as { code: string }).code, 'CONVOT_ERR_NOT_FOUND');
    }
    // Another app's type does not exist here.
    assert.equal((await get(visitorPath('/scheduling/meeting-types/3/slots?from=2026-03-23&days=1&tz=UTC', OTHER_APP))).statusCode, 404);
    for (const [q, field] of [
      ['from=2026-03-23&days=1&tz=Mars/Olympus', 'tz'],
      ['from=2026-03-23&days=1', 'tz'],
      ['from=2026-02-30&days=1&tz=UTC', 'from'],
      ['from=2026-03-23&days=63&tz=UTC', 'days'],
      ['from=2026-03-23&days=0&tz=UTC', 'days'],
    ] as const) {
      const res = await get(visitorPath(`/scheduling/meeting-types/3/slots?${q}`));
      assert.equal(res.statusCode, 400, q);
      assert.deepEqual([(res.json() as { code: string }).code, (res.json() as { field: string }).field], ['CONVOT_ERR_BAD_REQUEST', field], q);
    }
  });
});

describe('booking', () => {
  test('books an offered slot: 201 with absolute manage and .ics links, the hook called, the slot gone', async () => {
    const { token } = await newSession(app);
    const res = await book(token, { answers: { company: 'Acme', goals: 'See reports', unknown: 'dropped' } });
    assert.equal(res.statusCode, 201, res.body);
    const b = (res.json() as { booking: BookingBody }).booking;
    assert.equal(b.start, '2026-03-24T08:00:00.000Z');
    assert.equal(b.end, '2026-03-24T08:30:00.000Z');
    assert.equal(b.status, 'confirmed');
    assert.equal(b.meeting_type_id, 3);
    assert.equal(b.meeting_type_name, 'Product demo');
    assert.equal(b.location, 'https://meet.example.com/demo');
    assert.equal(b.timezone, 'Europe/Paris');
    assert.equal(b.host_name, 'Ada Host');
    assert.match(b.id, /^bkg_/);
    assert.match(b.manage_url, /^http:\/\/chat\.example\.com\/scheduling\/manage\/[A-Za-z0-9_-]{40,}$/);
    assert.equal(b.ics_url, b.manage_url.replace('/manage/', '/bookings/') + '.ics');
    assert.equal(created.length, 1);
    assert.equal(created[0]!.booking.id, b.id);
    assert.equal(created[0]!.host.email, AGENT_EMAIL);
    assert.match(created[0]!.ics, /BEGIN:VEVENT/);
    const stored = await db.query<{ answers: Record<string, string> }>('SELECT answers FROM bookings');
    assert.deepEqual(stored[0]!.answers, { company: 'Acme', goals: 'See reports' });
    // Two hosts: the slot is still offered (Bob is free), then gone once Bob is booked too.
    assert.ok((await slotStarts()).includes('2026-03-24T08:00:00.000Z'));
    const second = await book((await newSession(app)).token);
    assert.equal(second.statusCode, 201);
    assert.equal((second.json() as { booking: BookingBody }).booking.host_name, 'Bob Host');
    assert.ok(!(await slotStarts()).includes('2026-03-24T08:00:00.000Z'));
  });

  test('the same slot twice: one 201, then 409 CONVOT_ERR_SLOT_TAKEN with the clear message', async () => {
    const a = await newSession(app);
    const b = await newSession(app);
    const start = '2026-03-23T13:00:00.000Z'; // Monday 09:00 in New York
    const one = await book(a.token, { meeting_type_id: 5, start });
    assert.equal(one.statusCode, 201, one.body);
    const two = await book(b.token, { meeting_type_id: 5, start });
    assert.equal(two.statusCode, 409);
    assert.deepEqual(two.json(), { code: 'CONVOT_ERR_SLOT_TAKEN', message: 'That time was just taken; pick another.', field: 'start' });
    assert.equal((await db.query('SELECT 1 FROM bookings')).length, 1);
  });

  test('the constraint holds even when the code is bypassed: a second overlapping insert fails', async () => {
    const { token } = await newSession(app);
    assert.equal((await book(token, { meeting_type_id: 5, start: '2026-03-23T13:00:00.000Z' })).statusCode, 201);
    const [row] = await db.query<{ host_agent_id: string }>('SELECT host_agent_id::text AS host_agent_id FROM bookings');
    await assert.rejects(
      db.query(
        `INSERT INTO bookings (public_id, app_id, meeting_type_id, meeting_type_name, host_agent_id, start_at, end_at, busy_until, timezone, name, email, manage_token_hash)
         VALUES ('bkg_x', $1, 5, 'x', $2, '2026-03-23T13:30:00Z', '2026-03-23T14:30:00Z', '2026-03-23T14:30:00Z', 'UTC', 'x', 'x@x.x', 'h')`,
        [APP_ID, row!.host_agent_id],
      ),
      (e: { code?: string }) => e.code === '23P01',
    );
  });

  test('buffers: the next hour of a 60-minute type with a 15-minute buffer is not offered', async () => {
    const { token } = await newSession(app);
    assert.equal((await book(token, { meeting_type_id: 5, start: '2026-03-23T13:00:00.000Z' })).statusCode, 201);
    const starts = await slotStarts(5, '2026-03-23', 1, 'America/New_York');
    assert.deepEqual(starts, ['2026-03-23T15:00:00.000Z']);
  });

  test('validation: 400 naming the field; 401 without a session; an off-grid start is not offered', async () => {
    const { token } = await newSession(app);
    const field = async (over: Record<string, unknown>) => {
      const res = await book(token, over);
      assert.equal(res.statusCode, 400, res.body);
      return (res.json() as { field: string }).field;
    };
    assert.equal(await field({ email: 'not-an-email' }), 'email');
    assert.equal(await field({ answers: {} }), 'answers.company');
    assert.equal(await field({ answers: { company: '   ' } }), 'answers.company');
    assert.equal(await field({ name: '' }), 'name');
    assert.equal(await field({ timezone: 'Nowhere/City' }), 'timezone');
    assert.equal(await field({ start: 'tomorrow' }), 'start');
    assert.equal(await field({ start: '2026-03-24T08:10:00.000Z' }), 'start');
    assert.equal(await field({ start: '2026-03-24T15:00:00.000Z' }), 'start');
    const unknown = await book(token, { meeting_type_id: 42 });
    assert.deepEqual([unknown.statusCode, (unknown.json() as { field: string }).field], [404, 'meeting_type_id']);
    const anon = await app.inject({ method: 'POST', url: visitorPath('/scheduling/bookings'), headers, payload: {} });
    assert.equal(anon.statusCode, 401);
    assert.equal((await db.query('SELECT 1 FROM bookings')).length, 0);
  });

  test('any ISO form of the offered instant is accepted and stored as that instant', async () => {
    const res = await book((await newSession(app)).token, { start: '2026-03-24T09:00:00+01:00' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal((res.json() as { booking: BookingBody }).booking.start, '2026-03-24T08:00:00.000Z');
  });

  test('bookings per session are rate limited (limits.booking)', async () => {
    const limited = await build(configData({ limits: { booking: { max: 1, window_seconds: 60 } } }));
    try {
      const res = await limited.inject({ method: 'POST', url: visitorPath('/sessions'), headers });
      const token = (res.json() as { token: string }).token;
      const post = (start: string) =>
        limited.inject({
          method: 'POST',
          url: visitorPath('/scheduling/bookings'),
          headers: { ...headers, ...auth(token) },
          payload: { meeting_type_id: 3, start, timezone: 'UTC', name: 'J', email: 'j@example.com', answers: { company: 'A' } },
        });
      assert.equal((await post('2026-03-24T08:00:00.000Z')).statusCode, 201);
      const second = await post('2026-03-24T08:30:00.000Z');
      assert.equal(second.statusCode, 429);
      assert.ok(second.headers['retry-after']);
    } finally {
      await limited.close();
    }
  });
});

describe('manage link', () => {
  async function booked(over: Record<string, unknown> = {}) {
    const res = await book((await newSession(app)).token, over);
    assert.equal(res.statusCode, 201, res.body);
    return (res.json() as { booking: BookingBody }).booking;
  }

  test('the page: strict CSP with a nonce, the booking in its zone, cancel and reschedule forms', async () => {
    const b = await booked();
    const res = await app.inject({ method: 'GET', url: pathOf(b.manage_url) });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    const nonce = /style-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /form-action 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|script-src/);
    assert.ok(res.body.includes(`<style nonce="${nonce}">`));
    assert.doesNotMatch(res.body, /<script/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.body, /Product demo/);
    assert.match(res.body, /Tue 24 Mar 2026, 09:00–09:30 \(Europe\/Paris\)/);
    assert.ok(res.body.includes(`action="${pathOf(b.manage_url)}/cancel"`));
    assert.ok(res.body.includes(`action="${pathOf(b.manage_url)}/reschedule"`));
    // Reschedule options: free slots, grouped by day, in the booking's zone (its own slot left out).
    assert.match(res.body, /<h3>Monday 23 March 2026<\/h3>/);
    assert.ok(res.body.includes('value="2026-03-24T08:30:00.000Z">09:30</button>'));
    assert.ok(!res.body.includes('value="2026-03-24T08:00:00.000Z"'));
  });

  test('values are escaped on the page', async () => {
    const b = await booked({ name: '<img src=x onerror=alert(1)>' });
    const res = await app.inject({ method: 'GET', url: pathOf(b.manage_url) });
    assert.ok(!res.body.includes('<img'));
    assert.ok(res.body.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  test('cancel (a form post) cancels, frees the slot and redirects to the page', async () => {
    const b = await booked({ meeting_type_id: 5, start: '2026-03-23T13:00:00.000Z' });
    assert.ok(!(await slotStarts(5, '2026-03-23', 1, 'America/New_York')).includes('2026-03-23T13:00:00.000Z'));
    const res = await app.inject({ method: 'POST', url: `${pathOf(b.manage_url)}/cancel`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${pathOf(b.manage_url)}?m=cancelled`);
    assert.deepEqual(changed.map((c) => [c.booking.id, c.action, c.by]), [[b.id, 'cancelled', 'visitor']]);
    const page = await app.inject({ method: 'GET', url: String(res.headers.location) });
    assert.match(page.body, /Your booking is cancelled/);
    assert.doesNotMatch(page.body, /action=/);
    assert.ok((await slotStarts(5, '2026-03-23', 1, 'America/New_York')).includes('2026-03-23T13:00:00.000Z'));
    // Someone else can book it now.
    assert.equal((await book((await newSession(app)).token, { meeting_type_id: 5, start: '2026-03-23T13:00:00.000Z' })).statusCode, 201);
  });

  test('reschedule (a form post) moves the booking, keeps its link, and refuses a taken time', async () => {
    const b = await booked({ meeting_type_id: 5, start: '2026-03-23T13:00:00.000Z' });
    const move = (start: string) =>
      app.inject({ method: 'POST', url: `${pathOf(b.manage_url)}/reschedule`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `start=${encodeURIComponent(start)}` });
    const res = await move('2026-03-23T14:00:00.000Z');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${pathOf(b.manage_url)}?m=rescheduled`);
    const [row] = await db.query<{ start_at: Date; sequence: number }>('SELECT start_at, sequence FROM bookings');
    assert.equal(new Date(row!.start_at).toISOString(), '2026-03-23T14:00:00.000Z');
    assert.equal(row!.sequence, 1);
    assert.deepEqual(changed.map((c) => [c.action, c.booking.start]), [['rescheduled', '2026-03-23T14:00:00.000Z']]);
    // Another visitor takes the 16:00Z slot; moving there is refused on the page.
    assert.equal((await book((await newSession(app)).token, { meeting_type_id: 5, start: '2026-03-30T13:00:00.000Z' })).statusCode, 201);
    const taken = await move('2026-03-30T13:00:00.000Z');
    assert.equal(taken.headers.location, `${pathOf(b.manage_url)}?m=taken`);
    const page = await app.inject({ method: 'GET', url: String(taken.headers.location) });
    assert.match(page.body, /That time was just taken; pick another\./);
    assert.equal((await move('2026-03-23T14:20:00.000Z')).headers.location, `${pathOf(b.manage_url)}?m=not_offered`);
  });

  test('.ics: RFC 5545 with UTC times, escaping, the manage link; unknown tokens are 404 pages', async () => {
    const b = await booked({ answers: { company: 'Acme; Inc, "Paris"' } });
    const res = await app.inject({ method: 'GET', url: pathOf(b.ics_url) });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/calendar/);
    const ics = res.body;
    assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
    assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
    assert.ok(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'folded at 75 octets');
    const unfolded = ics.replace(/\r\n /g, '');
    assert.match(unfolded, /\r\nDTSTART:20260324T080000Z\r\n/);
    assert.match(unfolded, /\r\nDTEND:20260324T083000Z\r\n/);
    assert.match(unfolded, new RegExp(`\\r\\nUID:${b.id}@convot\\r\\n`));
    assert.match(unfolded, /\r\nSUMMARY:Product demo with Ada Host\r\n/);
    assert.match(unfolded, /company: Acme\\; Inc\\, "Paris"/);
    assert.ok(unfolded.includes(`Cancel or reschedule: http://localhost:80${pathOf(b.manage_url)}`), unfolded);
    assert.match(unfolded, /\r\nSTATUS:CONFIRMED\r\n/);
    for (const url of ['/scheduling/manage/not-a-real-token-at-all-xxxxxxxx', '/scheduling/bookings/not-a-real-token-at-all-xxxxxxxx.ics']) {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 404, url);
    }
  });
});

describe('inbox', () => {
  test('the booking lands on the visitor timeline and the inbox hears of it live', async () => {
    const { token } = await newSession(app);
    const msg = await sendVisitor(app, token, 'I would like a demo');
    const cookie = await loginAgent(app);
    assert.equal((await book(token)).statusCode, 201);
    const hist = await app.inject({ method: 'GET', url: `/api/v1/agent/conversations/${msg.conversation_id}/messages`, headers: { cookie } });
    const events = (hist.json() as { events: { name: string; data: Record<string, unknown> }[] }).events;
    const ev = events.find((e) => e.name === 'convot:booking');
    assert.ok(ev, JSON.stringify(events));
    assert.equal(ev.data.action, 'created');
    assert.equal(ev.data.start, '2026-03-24T08:00:00.000Z');
    assert.equal(ev.data.meeting_type, 'Product demo');
    // The page cannot forge one.
    const forged = await app.inject({ method: 'POST', url: visitorPath('/events'), headers: { ...headers, ...auth(token) }, payload: { name: 'convot:booking', data: {} } });
    assert.equal(forged.statusCode, 400);
  });

  test('bookings list (upcoming/past, per app), cancel, host .ics; another app’s agent sees nothing', async () => {
    const { token } = await newSession(app);
    const msg = await sendVisitor(app, token, 'hello');
    const b = (await book(token)).json() as { booking: BookingBody };
    const cookie = await loginAgent(app);
    const list = await app.inject({ method: 'GET', url: `/api/v1/agent/bookings?when=upcoming&app_id=${APP_ID}`, headers: { cookie } });
    assert.equal(list.statusCode, 200, list.body);
    const items = (list.json() as { bookings: Record<string, unknown>[] }).bookings;
    assert.equal(items.length, 1);
    assert.equal(items[0]!.id, b.booking.id);
    assert.equal(items[0]!.conversation_id, msg.conversation_id);
    assert.equal(items[0]!.host_email, AGENT_EMAIL);
    assert.equal(items[0]!.manage_url, undefined, 'the visitor’s secret link stays with the visitor');
    assert.deepEqual(items[0]!.answers, { company: 'Acme' });
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/agent/bookings?when=past', headers: { cookie } })).json().bookings.length, 0);
    // Past and upcoming are judged by the server's clock: after the meeting it is past.
    clock = Date.parse('2026-03-24T08:30:00Z');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/agent/bookings?when=past', headers: { cookie } })).json().bookings.length, 1);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/agent/bookings?when=upcoming', headers: { cookie } })).json().bookings.length, 0);
    clock = NOW;

    const ics = await app.inject({ method: 'GET', url: `/api/v1/agent/bookings/${b.booking.id}/ics`, headers: { cookie } });
    assert.equal(ics.statusCode, 200);
    assert.match(ics.body, /SUMMARY:Product demo with Jane Doe/);
    assert.match(ics.body.replace(/\r\n /g, ''), /ATTENDEE;CN="Jane Doe";ROLE=REQ-PARTICIPANT:mailto:jane@example\.com/);
    assert.doesNotMatch(ics.body, /scheduling\/manage/);

    const outsider = await loginAgent(app, PASSWORD, OUTSIDER);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/agent/bookings', headers: { cookie: outsider } })).json().bookings.length, 0);
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/agent/bookings?app_id=${APP_ID}`, headers: { cookie: outsider } })).json().bookings.length, 0);
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/agent/bookings/${b.booking.id}/cancel`, headers: { cookie: outsider } })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/agent/bookings/${b.booking.id}/ics`, headers: { cookie: outsider } })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/agent/bookings' })).statusCode, 401);

    const cancel = await app.inject({ method: 'POST', url: `/api/v1/agent/bookings/${b.booking.id}/cancel`, headers: { cookie } });
    assert.equal(cancel.statusCode, 200);
    assert.equal((cancel.json() as { booking: { status: string } }).booking.status, 'cancelled');
    assert.deepEqual(changed.map((c) => [c.action, c.by]), [['cancelled', 'Ada Host']]);
    assert.ok((await slotStarts()).includes('2026-03-24T08:00:00.000Z'));
    const hist = await app.inject({ method: 'GET', url: `/api/v1/agent/conversations/${msg.conversation_id}/messages`, headers: { cookie } });
    const actions = (hist.json() as { events: { name: string; data: { action: string; cancelled_by?: string } }[] }).events.filter((e) => e.name === 'convot:booking').map((e) => [e.data.action, e.data.cancelled_by]);
    assert.deepEqual(actions, [
      ['created', undefined],
      ['cancelled', 'Ada Host'],
    ]);
  });

  test('meeting types: config types are read-only, inbox types are created, updated, deleted; hosts checked', async () => {
    const cookie = await loginAgent(app);
    const list = await app.inject({ method: 'GET', url: '/api/v1/agent/meeting-types', headers: { cookie } });
    const body = list.json() as { meeting_types: { id: number; source: string; hosts: string[] | null }[]; apps: { id: string }[] };
    assert.deepEqual(body.meeting_types.map((t) => [t.id, t.source]), [
      [3, 'config'],
      [5, 'config'],
    ]);
    assert.deepEqual(body.meeting_types[1]!.hosts, [AGENT_EMAIL]);
    assert.deepEqual(body.apps.map((a) => a.id), [OTHER_APP, APP_ID]);
    const input = { name: 'Quick chat', duration_minutes: 15, timezone: 'Asia/Tokyo', weekly_hours: { tue: [['10:00', '11:00']] }, hosts: [BOB] };
    const readOnly = await app.inject({ method: 'PUT', url: `/api/v1/agent/apps/${APP_ID}/meeting-types/3`, headers: { cookie }, payload: input });
    assert.equal(readOnly.statusCode, 409);
    assert.equal((readOnly.json() as { code: string }).code, 'CONVOT_ERR_READ_ONLY');
    assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/agent/apps/${APP_ID}/meeting-types/3`, headers: { cookie } })).statusCode, 409);

    const made = await app.inject({ method: 'POST', url: `/api/v1/agent/apps/${APP_ID}/meeting-types`, headers: { cookie }, payload: input });
    assert.equal(made.statusCode, 201, made.body);
    const t = (made.json() as { meeting_type: { id: number; source: string; buffer_minutes: number; horizon_days: number } }).meeting_type;
    assert.deepEqual([t.id, t.source, t.buffer_minutes, t.horizon_days], [6, 'inbox', 0, 60]);
    assert.deepEqual((await get(visitorPath('/config'))).json().scheduling, { meeting_types: 3 });
    // Tuesday 24 March 10:00 Tokyo = 01:00Z, hosted by Bob.
    assert.deepEqual(await slotStarts(6, '2026-03-24', 1, 'Asia/Tokyo'), ['2026-03-24T01:00:00.000Z', '2026-03-24T01:15:00.000Z', '2026-03-24T01:30:00.000Z', '2026-03-24T01:45:00.000Z']);

    const updated = await app.inject({ method: 'PUT', url: `/api/v1/agent/apps/${APP_ID}/meeting-types/6`, headers: { cookie }, payload: { ...input, duration_minutes: 30 } });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(await slotStarts(6, '2026-03-24', 1, 'Asia/Tokyo').then((s) => s.length), 2);

    const badHost = await app.inject({ method: 'POST', url: `/api/v1/agent/apps/${APP_ID}/meeting-types`, headers: { cookie }, payload: { ...input, hosts: [OUTSIDER] } });
    assert.deepEqual([badHost.statusCode, (badHost.json() as { field: string }).field], [400, 'hosts[0]']);
    const badHours = await app.inject({ method: 'POST', url: `/api/v1/agent/apps/${APP_ID}/meeting-types`, headers: { cookie }, payload: { ...input, weekly_hours: { tue: [['11:00', '10:00']] } } });
    assert.deepEqual([badHours.statusCode, (badHours.json() as { field: string }).field], [400, 'weekly_hours.tue[0]']);

    // Bob works on app_test only; the outsider cannot touch it.
    const outsider = await loginAgent(app, PASSWORD, OUTSIDER);
    assert.equal((await app.inject({ method: 'PUT', url: `/api/v1/agent/apps/${APP_ID}/meeting-types/6`, headers: { cookie: outsider }, payload: input })).statusCode, 404);
    assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/agent/apps/${APP_ID}/meeting-types/6`, headers: { cookie: outsider } })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/agent/apps/${APP_ID}/meeting-types`, headers: { cookie: outsider }, payload: input })).statusCode, 404);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/agent/meeting-types', headers: { cookie: outsider } })).json().meeting_types, []);

    const del = await app.inject({ method: 'DELETE', url: `/api/v1/agent/apps/${APP_ID}/meeting-types/6`, headers: { cookie } });
    assert.equal(del.statusCode, 200);
    assert.equal((await get(visitorPath('/scheduling/meeting-types/6/slots?from=2026-03-24&days=1&tz=UTC'))).statusCode, 404);
  });
});
