/**
 * What opening a visitor socket costs (issue 8): a new visitor's socket, its auth starting the
 * session, is one statement (shared by new visitors opening together); a new session is one
 * statement, a socket's open one more (shared by returning visitors opening together), a reload of the page already stored writes nothing, and the sessions' seen marks
 * are written in bulk. The hub notes events that reach a visitor while a socket is opening, so
 * an open that read before one and joined after it reads again. Statements are counted with
 * storage/statement-count.ts, on a real database (PGlite, or PostgreSQL under with-postgres).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp, type ConvotApp } from '../../server/app.js';
import type { Db } from '../../server/storage/db.js';
import { countStatements, type CountingDb } from '../../server/storage/statement-count.js';
import { eventually } from '../support/eventually.js';
import { APP_ID, newSession, openTestDb, sendVisitor, Sock, testConfig, visitorSocket } from './helpers.js';

const PAGE = { url: 'https://shop.test/pricing', referrer: 'https://search.example/', language: 'en-GB', time_zone: 'Europe/London' };
const UA = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0' };

describe('socket opens', () => {
  let raw: Db;
  let db: CountingDb;
  let app: ConvotApp;
  let ws: string;

  before(async () => {
    raw = await openTestDb();
    db = countStatements(raw);
    app = await buildApp({ db, config: testConfig(), root: process.cwd() });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no TCP address');
    ws = `ws://127.0.0.1:${addr.port}`;
  });
  after(async () => {
    await app.close();
    await raw.close();
  });

  /** Statements since the reset, but for the app's row (cached for a few seconds, read again after). */
  const statements = () => [...db.byText].filter(([text]) => !text.startsWith('SELECT id, name, identity_secret')).reduce((n, [, c]) => n + c, 0);

  const visitorIdOf = async (token: string) => (await app.convot.repos.visitors.findSession(APP_ID, token))!.visitor_id;

  test('a new session is one statement, a socket open one more, and a reload of the same page writes nothing', async () => {
    db.reset();
    const { token, session_id } = await newSession(app);
    assert.equal(statements(), 1, `session: ${JSON.stringify([...db.byText])}`);

    // The first report of a page is stored (and announced when there is a conversation).
    const first = await visitorSocket(ws, token, 0, APP_ID, { headers: UA, page: PAGE });
    assert.equal(first.ready.session_id, session_id);
    assert.equal(first.ready.conversation_id, null);
    await eventually(async () => ((await raw.query<{ url: string }>(`SELECT context->>'url' AS url FROM visitor_sessions WHERE public_id = $1`, [session_id]))[0]?.url === PAGE.url ? true : undefined), 'the page stored');
    await first.sock.close();

    db.reset();
    const again = await visitorSocket(ws, token, 0, APP_ID, { headers: UA, page: PAGE });
    // Frames run in order, so after this round trip the open and its page report have run.
    await again.sock.sync();
    assert.equal(statements(), 1, `reload: ${JSON.stringify([...db.byText])}`);
    await again.sock.close();

    // Another page is news: stored at once.
    db.reset();
    const moved = await visitorSocket(ws, token, 0, APP_ID, { headers: UA, page: { ...PAGE, url: 'https://shop.test/checkout' } });
    await moved.sock.sync();
    assert.ok(statements() >= 2, `a changed page is written: ${JSON.stringify([...db.byText])}`);
    await eventually(async () => ((await raw.query<{ url: string }>(`SELECT context->>'url' AS url FROM visitor_sessions WHERE public_id = $1`, [session_id]))[0]?.url === 'https://shop.test/checkout' ? true : undefined), 'the new page stored');
    await moved.sock.close();
  });

  /** A new visitor's socket: `auth` without a token; resolves with its `ready` (or error) frame. */
  const newVisitorSocket = async (page: Record<string, unknown> = PAGE) => {
    const sock = await Sock.open(`${ws}/api/v1/apps/${APP_ID}/ws`, { headers: UA });
    sock.send({ type: 'auth', last_seq: 0, page });
    return { sock, ready: await sock.next((f) => f.type === 'ready' || f.type === 'error') };
  };

  test("a new visitor's page view is one connection: an auth without a token starts the session, with its page, in one statement", async () => {
    db.reset();
    const { sock, ready } = await newVisitorSocket();
    assert.equal(ready.type, 'ready', JSON.stringify(ready));
    assert.match(ready.token, /^\S{20,}$/, 'ready brings the new token');
    assert.match(ready.session_id, /^ses_/);
    assert.equal(ready.conversation_id, null);
    assert.deepEqual(ready.messages, []);
    assert.equal(typeof ready.available, 'boolean');
    assert.equal(ready.visitor.email, null);
    assert.deepEqual(ready.visitor.segments, []);
    await sock.sync();
    assert.equal(statements(), 1, `new visitor: ${JSON.stringify([...db.byText])}`);
    // The page report is stored with the session, browser and device from the socket's User-Agent.
    const [row] = await raw.query<{ context: Record<string, string | null>; at: Date | null }>('SELECT context, context_at AS at FROM visitor_sessions WHERE public_id = $1', [ready.session_id]);
    assert.equal(row?.context.url, PAGE.url);
    assert.equal(row?.context.time_zone, PAGE.time_zone);
    assert.equal(row?.context.browser, 'Firefox 133');
    assert.ok(row?.at, 'context_at set');
    await sock.close();

    // The token resumes that session: on the socket (no new token then) and over REST.
    const again = await visitorSocket(ws, ready.token, 0, APP_ID, { headers: UA, page: PAGE });
    assert.equal(again.ready.session_id, ready.session_id);
    assert.equal(again.ready.token, undefined, 'a resumed session sends no token');
    await again.sock.close();
    const resumed = await app.inject({ method: 'POST', url: `/api/v1/apps/${APP_ID}/sessions`, headers: { authorization: `Bearer ${ready.token}` } });
    assert.equal(resumed.statusCode, 200);
    assert.equal(resumed.json().session_id, ready.session_id);
  });

  test('new visitors opening together share statements, and each gets its own session and token', async () => {
    const socks = await Promise.all(Array.from({ length: 24 }, () => Sock.open(`${ws}/api/v1/apps/${APP_ID}/ws`, { headers: UA })));
    db.reset();
    socks.forEach((sock, i) => sock.send({ type: 'auth', last_seq: 0, page: { ...PAGE, url: `https://shop.test/p/${i}` } }));
    const readies = await Promise.all(socks.map((sock) => sock.nextType('ready')));
    assert.equal(new Set(readies.map((r) => r.token)).size, 24, 'distinct tokens');
    assert.equal(new Set(readies.map((r) => r.session_id)).size, 24, 'distinct sessions');
    assert.ok(statements() < 24, `merged: ${statements()} statements for 24 new visitors: ${JSON.stringify([...db.byText].map(([k, v]) => [k.slice(0, 60), v]))}`);
    // Each token is the session its socket was told, with that socket's page.
    for (const [i, r] of readies.entries()) {
      const found = await app.convot.repos.visitors.findSession(APP_ID, r.token);
      assert.equal(found?.session_id, r.session_id);
      const [row] = await raw.query<{ url: string }>(`SELECT context->>'url' AS url FROM visitor_sessions WHERE public_id = $1`, [r.session_id]);
      assert.equal(row?.url, `https://shop.test/p/${i}`);
    }
    await Promise.all(socks.map((sock) => sock.close()));
  });

  test('returning visitors opening together share statements; an unknown token among them is refused alone', async () => {
    const sessions = await Promise.all(Array.from({ length: 24 }, () => newSession(app)));
    const talking = sessions[3]!;
    const sent = await sendVisitor(app, talking.token, 'hello from before');
    const socks = await Promise.all(Array.from({ length: 25 }, () => Sock.open(`${ws}/api/v1/apps/${APP_ID}/ws`)));
    db.reset();
    socks.forEach((sock, i) => sock.send({ type: 'auth', token: sessions[i]?.token ?? 'not-a-token-of-this-app-0123456789', last_seq: 0 }));
    const readies = await Promise.all(socks.slice(0, 24).map((sock) => sock.nextType('ready')));
    assert.equal((await socks[24]!.closedWithin()).code, 4401, 'the unknown token');
    assert.deepEqual(
      readies.map((r) => r.session_id),
      sessions.map((x) => x.session_id),
      'each socket its own session',
    );
    assert.equal(readies[3]!.conversation_id, sent.conversation_id);
    assert.deepEqual(
      readies[3]!.messages.map((m: { body: string }) => m.body),
      ['hello from before'],
    );
    assert.ok(readies.every((r, i) => i === 3 || r.conversation_id === null));
    assert.ok(statements() < 25, `merged: ${statements()} statements for 25 opens: ${JSON.stringify([...db.byText].map(([k, v]) => [k.slice(0, 60), v]))}`);
    await Promise.all(socks.map((sock) => sock.close()));
  });

  test('a visitor with a conversation and nothing new: one statement, history only when behind', async () => {
    const { token } = await newSession(app);
    const first = await sendVisitor(app, token, 'hello');
    const second = await sendVisitor(app, token, 'still there?');

    db.reset();
    const current = await visitorSocket(ws, token, second.seq);
    await current.sock.sync();
    assert.equal(statements(), 1, `up to date: ${JSON.stringify([...db.byText])}`);
    assert.equal(current.ready.conversation_id, first.conversation_id);
    assert.deepEqual(current.ready.messages, []);
    await current.sock.close();

    db.reset();
    const behind = await visitorSocket(ws, token, first.seq);
    await behind.sock.sync();
    assert.equal(statements(), 2, `behind: ${JSON.stringify([...db.byText])}`);
    assert.deepEqual(
      behind.ready.messages.map((m: { seq: number }) => m.seq),
      [second.seq],
    );
    await behind.sock.close();
  });

  test('seen marks are written in bulk, not by the lookups', async () => {
    const { token, session_id } = await newSession(app);
    await raw.query(`UPDATE visitor_sessions SET last_seen_at = '2001-01-01T00:00:00Z' WHERE public_id = $1`, [session_id]);
    const seenAt = async () => new Date((await raw.query<{ at: Date }>('SELECT last_seen_at AS at FROM visitor_sessions WHERE public_id = $1', [session_id]))[0]!.at).getUTCFullYear();
    const { sock } = await visitorSocket(ws, token);
    await sock.sync();
    assert.equal(await seenAt(), 2001, 'the open wrote nothing');
    await app.convot.repos.visitors.flushSeen();
    assert.ok((await seenAt()) > 2001, 'the flush marked it seen');
    await sock.close();
  });

  test('the hub notes, while an open is under way, which visitors its events reached', async () => {
    const a = await newSession(app);
    const b = await newSession(app);
    const [va, vb] = [await visitorIdOf(a.token), await visitorIdOf(b.token)];
    const { hub } = app.convot;

    const watch = hub.watchOpen();
    await sendVisitor(app, a.token, 'delivered while b and a open');
    assert.equal(watch.missed(va, APP_ID), true, "a's open read before the message: it reads again");
    assert.equal(watch.missed(vb, APP_ID), false, "b's open missed nothing");
    watch.end();

    // Events before an open began are in what it reads.
    const later = hub.watchOpen();
    assert.equal(later.missed(va, APP_ID), false);
    later.end();

    // And a socket that opens while its visitor's messages are delivered gets every one exactly once.
    const sent: number[] = [];
    const sending = (async () => {
      for (let i = 0; i < 10; i++) sent.push((await sendVisitor(app, a.token, `burst ${i}`)).seq);
    })();
    const { sock, ready } = await visitorSocket(ws, a.token, 1);
    await sending;
    const last = sent.at(-1)!;
    const got: number[] = ready.messages.map((m: { seq: number }) => m.seq);
    while (got.at(-1) !== last) got.push((await sock.nextType('message')).message.seq);
    assert.deepEqual(
      got,
      Array.from({ length: last - 1 }, (_, i) => i + 2),
      'in order, none missing, none twice',
    );
    await sock.close();
  });
});
