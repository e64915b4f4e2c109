/**
 * Rate limits (with a clock the tests advance) and size limits: sessions per IP, messages per
 * session over REST and socket together, identify calls per session, agent sign-ins per IP,
 * request bodies, socket frames and message bodies.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { buildApp, type ConvotApp } from '../../server/app.js';
import { BODY_LIMIT, FRAME_LIMIT } from '../../server/limits.js';
import { LIMITS, RateLimiter } from '../../server/rate-limit.js';
import type { Db } from '../../server/storage/db.js';
import { MAX_MESSAGE_LENGTH } from '../../src/protocol/index.js';
import { AGENT_EMAIL, AGENT_PASSWORD, ALLOWED_ORIGIN, APP_ID, Sock, agentSocket, auth, cid, openTestDb, testConfig, visitorPath, visitorSocket, type Frame } from './helpers.js';

/** The one place this file opens its database (swap here to run on PostgreSQL). */
const openDb = (): Promise<Db> => openTestDb();

let now = Date.UTC(2026, 0, 1);
// The per-account sign-in lock is tested in proxy.test.ts; here it would hide the per-IP limit.
const limiter = new RateLimiter(() => now, { ...LIMITS, login_account: { max: 10_000, windowMs: 60_000 } });
let db: Db;
let app: ConvotApp;
let wsBase = '';
const open: Sock[] = [];

before(async () => {
  db = await openDb();
  app = await buildApp({ db, config: testConfig(), root: process.cwd(), rateLimiter: limiter });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no TCP address');
  wsBase = `ws://127.0.0.1:${addr.port}`;
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
after(async () => {
  await app?.close();
  await db?.close();
});

// ---- local helpers ------------------------------------------------------------------------

let ipSeq = 0;
/** A fresh client IP, so each test starts with its own per-IP windows. */
const freshIp = (): string => {
  ipSeq += 1;
  return `10.66.${ipSeq >> 8}.${ipSeq & 255}`;
};

interface Ses {
  session_id: string;
  token: string;
}

const createSession = (ip: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: visitorPath('/sessions'), remoteAddress: ip, headers });

async function session(): Promise<Ses> {
  const res = await createSession(freshIp());
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Ses;
}

const post = (token: string, body: string, clientId = cid()) =>
  app.inject({ method: 'POST', url: visitorPath('/messages'), headers: auth(token), payload: { client_id: clientId, body } });

const errOf = (res: { json(): unknown }) => res.json() as { code: string; message: string; field?: string };

/** A 429 with the rate-limit code and a Retry-After of whole seconds ≥ 1; returns it. */
function assertLimited(res: { statusCode: number; body: string; headers: Record<string, unknown>; json(): unknown }, what: string): number {
  assert.equal(res.statusCode, 429, `${what}: ${res.body}`);
  assert.equal(errOf(res).code, 'CONVOT_ERR_RATE_LIMITED');
  const header = res.headers['retry-after'];
  assert.equal(typeof header, 'string', `${what}: a Retry-After header`);
  assert.match(header as string, /^\d+$/, `${what}: Retry-After is whole seconds`);
  const seconds = Number(header);
  assert.ok(seconds >= 1, `${what}: Retry-After ≥ 1, got ${seconds}`);
  return seconds;
}

async function storedCount(token: string): Promise<number> {
  const res = await app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(token) });
  return (res.json() as { messages: unknown[] }).messages.length;
}

const vsock = async (token: string) => {
  const x = await visitorSocket(wsBase, token);
  open.push(x.sock);
  return x;
};

/** Sends a message frame and awaits the ack or error answering it. */
async function sockSend(sock: Sock, body: string, clientId = cid()): Promise<Frame> {
  sock.send({ type: 'message', client_id: clientId, body });
  return sock.next((f) => (f.type === 'ack' || f.type === 'error') && f.client_id === clientId);
}

const login = (ip: string, password: string) =>
  app.inject({ method: 'POST', url: '/api/v1/agent/login', remoteAddress: ip, payload: { email: AGENT_EMAIL, password } });

// ---- rate limits ------------------------------------------------------------------------------

describe('rate limits', () => {
  test('session creation beyond LIMITS.session per IP → 429 with Retry-After; other IPs and resumes are unaffected; the next window works', async () => {
    const ip = freshIp();
    const start = now;
    let last: Ses | undefined;
    for (let i = 0; i < LIMITS.session.max; i++) {
      const res = await createSession(ip);
      assert.equal(res.statusCode, 201, `session ${i + 1}: ${res.body}`);
      last = res.json() as Ses;
    }
    now = start + 20_500;
    const refused = await createSession(ip);
    const retry = assertLimited(refused, 'session over the limit');
    assert.equal(retry, Math.ceil((LIMITS.session.windowMs - 20_500) / 1000));

    assert.equal((await createSession(freshIp())).statusCode, 201, 'another IP still gets sessions');
    const resumed = await createSession(ip, auth(last!.token));
    assert.equal(resumed.statusCode, 200, 'resuming an existing session is not a new session');
    assert.equal((resumed.json() as { resumed: boolean }).resumed, true);

    now = start + LIMITS.session.windowMs - 1;
    assertLimited(await createSession(ip), 'still inside the window');
    now = start + LIMITS.session.windowMs;
    assert.equal((await createSession(ip)).statusCode, 201, 'a new window');
  });

  test('messages beyond LIMITS.message per session → 429 with Retry-After; nothing stored; other sessions unaffected; the next window works', async () => {
    const x = await session();
    const y = await session();
    const start = now;
    for (let i = 0; i < LIMITS.message.max; i++) {
      const res = await post(x.token, `m${i}`);
      assert.equal(res.statusCode, 201, `message ${i + 1}: ${res.body}`);
    }
    now = start + 45_000;
    const retry = assertLimited(await post(x.token, 'one too many'), 'message over the limit');
    assert.equal(retry, Math.ceil((LIMITS.message.windowMs - 45_000) / 1000));
    assert.equal(await storedCount(x.token), LIMITS.message.max, 'the refused message was not stored');
    assert.equal((await post(y.token, 'other session')).statusCode, 201);

    now = start + LIMITS.message.windowMs;
    assert.equal((await post(x.token, 'after the window')).statusCode, 201);
    assert.equal(await storedCount(x.token), LIMITS.message.max + 1);
  });

  test('a 429 seen from an allowed page origin carries CORS headers that let the widget read Retry-After', async () => {
    const x = await session();
    const start = now;
    for (let i = 0; i < LIMITS.message.max; i++) assert.equal((await post(x.token, `c${i}`)).statusCode, 201);
    const res = await app.inject({
      method: 'POST',
      url: visitorPath('/messages'),
      headers: { ...auth(x.token), origin: ALLOWED_ORIGIN },
      payload: { client_id: cid(), body: 'limited' },
    });
    assertLimited(res, 'message from the allowed origin');
    assert.equal(res.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    assert.match(String(res.headers['access-control-expose-headers']), /retry-after/i);
    now = start + LIMITS.message.windowMs;
  });

  test('REST and socket messages share one budget; over it the socket gets {code, client_id, retry_after} and stays usable', async () => {
    const x = await session();
    const y = await session();
    const start = now;
    const half = Math.floor(LIMITS.message.max / 2);
    for (let i = 0; i < half; i++) assert.equal((await post(x.token, `rest ${i}`)).statusCode, 201);
    const { sock } = await vsock(x.token);
    for (let i = half; i < LIMITS.message.max; i++) {
      const f = await sockSend(sock, `sock ${i}`);
      assert.equal(f.type, 'ack', `socket message ${i + 1}: ${JSON.stringify(f)}`);
    }
    now = start + 30_000;
    const clientId = cid();
    const e = await sockSend(sock, 'over the limit', clientId);
    assert.equal(e.type, 'error');
    assert.equal(e.code, 'CONVOT_ERR_RATE_LIMITED');
    assert.equal(e.client_id, clientId);
    assert.equal(e.retry_after, Math.ceil((LIMITS.message.windowMs - 30_000) / 1000));
    assert.ok(Number.isInteger(e.retry_after) && e.retry_after >= 1);
    assertLimited(await post(x.token, 'over via REST too'), 'REST after socket use');

    // Another session's socket is unaffected.
    const { sock: other } = await vsock(y.token);
    assert.equal((await sockSend(other, 'y is fine')).type, 'ack');

    // Until the refused message is resent, the messages behind it are refused too (they must not
    // be stored ahead of it).
    assert.equal((await sockSend(sock, 'behind the refused one')).code, 'CONVOT_ERR_RATE_LIMITED');

    // The limited socket still answers, and in the next window takes the refused message again
    // (the widget resends its outbox oldest first), then new ones.
    await sock.sync();
    now = start + LIMITS.message.windowMs;
    assert.equal((await sockSend(sock, 'over the limit', clientId)).type, 'ack');
    const ok = await sockSend(sock, 'next window');
    assert.equal(ok.type, 'ack');
    assert.equal(await storedCount(x.token), LIMITS.message.max + 2);
  });

  test('identify beyond LIMITS.identify per session → 429; PUT visitor and identity tokens share that budget; other sessions unaffected', async () => {
    const x = await session();
    const y = await session();
    const start = now;
    for (let i = 0; i < LIMITS.identify.max; i++) {
      const res = await app.inject({ method: 'POST', url: visitorPath('/identify'), headers: auth(x.token), payload: { name: `n${i}` } });
      assert.equal(res.statusCode, 200, `identify ${i + 1}: ${res.body}`);
    }
    assertLimited(await app.inject({ method: 'POST', url: visitorPath('/identify'), headers: auth(x.token), payload: { name: 'too many' } }), 'identify');
    assertLimited(await app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(x.token), payload: { name: 'too many' } }), 'PUT visitor');
    assertLimited(await app.inject({ method: 'POST', url: visitorPath('/identity-token'), headers: auth(x.token), payload: {} }), 'identity-token');
    assertLimited(await app.inject({ method: 'POST', url: visitorPath('/identify/token'), headers: auth(x.token), payload: { token: 'a.b.c' } }), 'identify/token');
    const rows = await db.query<{ name: string }>('SELECT v.name FROM visitor_sessions s JOIN visitors v ON v.id = s.visitor_id WHERE s.public_id = $1', [x.session_id]);
    assert.equal(rows[0]!.name, `n${LIMITS.identify.max - 1}`, 'refused updates were not applied');

    const res = await app.inject({ method: 'POST', url: visitorPath('/identify'), headers: auth(y.token), payload: { name: 'y' } });
    assert.equal(res.statusCode, 200, 'another session is unaffected');

    now = start + LIMITS.identify.windowMs;
    const again = await app.inject({ method: 'POST', url: visitorPath('/identify'), headers: auth(x.token), payload: { name: 'later' } });
    assert.equal(again.statusCode, 200);
  });

  test('agent sign-in attempts beyond LIMITS.login per IP → 429, even with the right password; other IPs unaffected', async () => {
    const ip = freshIp();
    const start = now;
    for (let i = 0; i < LIMITS.login.max; i++) {
      const res = await login(ip, 'wrong password!');
      assert.equal(res.statusCode, 401, `attempt ${i + 1}: ${res.body}`);
      assert.equal(errOf(res).code, 'CONVOT_ERR_BAD_CREDENTIALS');
    }
    const refused = await login(ip, AGENT_PASSWORD);
    assertLimited(refused, 'login over the limit');
    assert.equal(refused.headers['set-cookie'], undefined, 'no cookie when limited');

    assert.equal((await login(freshIp(), AGENT_PASSWORD)).statusCode, 200, 'another IP signs in');
    now = start + LIMITS.login.windowMs;
    assert.equal((await login(ip, AGENT_PASSWORD)).statusCode, 200, 'the next window signs in');
  });
});

// ---- size limits ------------------------------------------------------------------------------

describe('size limits', () => {
  test(`a REST body over ${BODY_LIMIT} bytes → 413 CONVOT_ERR_PAYLOAD_TOO_LARGE; nothing stored`, async () => {
    const x = await session();
    const big = 'x'.repeat(BODY_LIMIT + 10);
    const calls = [
      { method: 'POST' as const, url: visitorPath('/messages'), payload: JSON.stringify({ client_id: cid(), body: big }) },
      { method: 'PUT' as const, url: visitorPath('/visitor'), payload: JSON.stringify({ name: 'n', custom_data: { big } }) },
      { method: 'POST' as const, url: visitorPath('/events'), payload: JSON.stringify({ name: 'e', data: { big } }) },
    ];
    for (const c of calls) {
      const res = await app.inject({ ...c, headers: { ...auth(x.token), 'content-type': 'application/json' } });
      assert.equal(res.statusCode, 413, `${c.method} ${c.url}: ${res.body}`);
      assert.equal(errOf(res).code, 'CONVOT_ERR_PAYLOAD_TOO_LARGE');
    }
    const login = await app.inject({ method: 'POST', url: '/api/v1/agent/login', remoteAddress: freshIp(), payload: { email: AGENT_EMAIL, password: big } });
    assert.equal(login.statusCode, 413);
    assert.equal(errOf(login).code, 'CONVOT_ERR_PAYLOAD_TOO_LARGE');
    assert.equal(await storedCount(x.token), 0);
  });

  test(`a message body over ${MAX_MESSAGE_LENGTH} characters → 400 naming field body; exactly ${MAX_MESSAGE_LENGTH} is accepted`, async () => {
    assert.equal(MAX_MESSAGE_LENGTH, 5000);
    const x = await session();
    const res = await post(x.token, 'y'.repeat(MAX_MESSAGE_LENGTH + 1));
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(errOf(res).code, 'CONVOT_ERR_BAD_REQUEST');
    assert.equal(errOf(res).field, 'body');
    assert.match(errOf(res).message, /at most 5000 characters, got 5001/);
    assert.equal(await storedCount(x.token), 0);
    const ok = await post(x.token, 'é'.repeat(MAX_MESSAGE_LENGTH)); // characters, not bytes
    assert.equal(ok.statusCode, 201, ok.body);

    // Over the socket: an error frame naming body, for that client_id.
    const { sock } = await vsock(x.token);
    const clientId = cid();
    const e = await sockSend(sock, 'z'.repeat(MAX_MESSAGE_LENGTH + 1), clientId);
    assert.equal(e.type, 'error');
    assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST');
    assert.equal(e.field, 'body');
    assert.equal(e.client_id, clientId);

    // An agent reply too.
    const conv = (ok.json() as { message: { conversation_id: string } }).message.conversation_id;
    const cookie = await agentCookie();
    const reply = await app.inject({
      method: 'POST',
      url: `/api/v1/agent/conversations/${conv}/messages`,
      headers: { cookie },
      payload: { client_id: cid(), body: 'a'.repeat(MAX_MESSAGE_LENGTH + 1) },
    });
    assert.equal(reply.statusCode, 400);
    assert.equal(errOf(reply).field, 'body');
  });

  test(`a socket frame over ${FRAME_LIMIT} bytes → error frame CONVOT_ERR_PAYLOAD_TOO_LARGE; the socket stays usable`, async () => {
    const x = await session();
    const { sock } = await vsock(x.token);
    sock.send({ type: 'message', client_id: cid(), body: 'hi', pad: 'p'.repeat(FRAME_LIMIT) });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_PAYLOAD_TOO_LARGE');
    assert.match(e.message, new RegExp(`at most ${FRAME_LIMIT} bytes`));

    // A frame of exactly FRAME_LIMIT bytes is still handled.
    const edgeId = cid();
    const shell = JSON.stringify({ type: 'message', client_id: edgeId, body: 'edge', pad: '' });
    const edge = JSON.stringify({ type: 'message', client_id: edgeId, body: 'edge', pad: 'q'.repeat(FRAME_LIMIT - Buffer.byteLength(shell)) });
    assert.equal(Buffer.byteLength(edge), FRAME_LIMIT);
    sock.send(edge);
    const edgeAck = await sock.next((f) => f.client_id === edgeId);
    assert.equal(edgeAck.type, 'ack', JSON.stringify(edgeAck));

    // The socket is still open and usable: a normal message is acked.
    const ack = await sockSend(sock, 'after the big frame');
    assert.equal(ack.type, 'ack');
    assert.equal(ack.message.body, 'after the big frame');
    assert.equal(await storedCount(x.token), 2);
  });

  test('an oversized frame before auth gets the same error frame, and auth still works after it', async () => {
    const x = await session();
    const sock = await Sock.open(`${wsBase}/api/v1/apps/${APP_ID}/ws`);
    open.push(sock);
    sock.send({ type: 'auth', token: x.token, last_seq: 0, pad: 'p'.repeat(FRAME_LIMIT) });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_PAYLOAD_TOO_LARGE');
    sock.send({ type: 'auth', token: x.token, last_seq: 0 });
    const ready = await sock.nextType('ready');
    assert.equal(ready.session_id, x.session_id);
  });

  test('an agent socket frame over the limit → error frame CONVOT_ERR_PAYLOAD_TOO_LARGE; the socket stays usable', async () => {
    const cookie = await agentCookie();
    const { sock } = await agentSocket(wsBase, cookie);
    open.push(sock);
    sock.send({ type: 'ping', pad: 'p'.repeat(FRAME_LIMIT) });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_PAYLOAD_TOO_LARGE');
    await sock.sync();
  });
});

async function agentCookie(): Promise<string> {
  const res = await login(freshIp(), AGENT_PASSWORD);
  assert.equal(res.statusCode, 200, res.body);
  const set = res.headers['set-cookie'];
  return (Array.isArray(set) ? set[0]! : String(set)).split(';')[0]!;
}
