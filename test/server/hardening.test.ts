/**
 * Hardening from the outside: a malformed cookie is no cookie, the inbox and API forbid framing
 * and referrers, connections time out, identity tokens never reach the request log, and a
 * database that cannot be reached is a 503 with Retry-After (not a 500).
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { Db } from '../../server/storage/db.js';
import { auth, cid, newSession, Sock, visitorSocket, openTestDb, startServer, stopServer, visitorPath, type TestServer } from './helpers.js';

let s: TestServer;
let logged = '';
let down: false | 'unreachable' | 'broken' = false;
const failure = () =>
  down === 'broken' ? new Error('a bug, with SELECT secret visitor data') : Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const unreachable = failure;

before(async () => {
  const real = await openTestDb();
  // The same database, except that while `down` is set every statement fails as if the server were gone.
  const db: Db = {
    kind: real.kind,
    query: (sql, params) => (down ? Promise.reject(unreachable()) : real.query(sql, params)),
    exec: (sql) => (down ? Promise.reject(unreachable()) : real.exec(sql)),
    transaction: (fn) => (down ? Promise.reject(unreachable()) : real.transaction(fn)),
    batch: (statements) => (down ? Promise.reject(unreachable()) : real.batch(statements)),
    listen: (c, p, r) => real.listen(c, p, r),
    notify: (c, p) => real.notify(c, p),
    close: () => real.close(),
  };
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  s = await startServer({ db, listen: true, logger: { level: 'info', stream } });
});
after(() => stopServer(s));

test('a malformed agent cookie is no cookie: nobody signed in, 401 on agent routes, never 500', async () => {
  for (const cookie of ['convot_agent=%E0%A4%A', 'convot_agent=%', 'convot_agent="x y"']) {
    const me = await s.app.inject({ method: 'GET', url: '/api/v1/agent/me', headers: { cookie } });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal((me.json() as { agent: unknown }).agent, null);
    const list = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie } });
    assert.equal(list.statusCode, 401, list.body);
  }
});

test('the inbox and the API send Referrer-Policy: no-referrer and X-Frame-Options: DENY', async () => {
  for (const url of ['/inbox', '/api/v1/agent/me', visitorPath('/config')]) {
    const res = await s.app.inject({ method: 'GET', url });
    assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
    assert.equal(res.headers['x-frame-options'], 'DENY', url);
  }
});

test('header, request and keep-alive idle timeouts are about 10 s', () => {
  const server = s.app.server as Server;
  for (const [name, v] of [
    ['headersTimeout', server.headersTimeout],
    ['requestTimeout', server.requestTimeout],
    ['keepAliveTimeout', server.keepAliveTimeout],
  ] as const) {
    assert.ok(v > 0 && v <= 10_000, `${name} is ${v}`);
  }
});

test('convot_identity never appears in the request log', async () => {
  await s.app.inject({ method: 'GET', url: '/inbox?x=1&convot_identity=SECRET-IDENTITY-TOKEN&y=2' });
  await s.app.inject({ method: 'GET', url: '/nowhere?CONVOT_IDENTITY=SECRET-IDENTITY-TOKEN' });
  assert.match(logged, /convot_identity=\[redacted\]/i);
  assert.ok(!logged.includes('SECRET-IDENTITY-TOKEN'), 'the token is redacted');
});

test('while the database cannot be reached: 503 CONVOT_ERR_UNAVAILABLE with Retry-After, and back after', async () => {
  const v = await newSession(s.app);
  down = 'unreachable';
  try {
    for (const [method, url, payload] of [
      ['GET', visitorPath('/messages'), undefined],
      ['POST', visitorPath('/messages'), { client_id: 'c-0123456789', body: 'hi' }],
      ['POST', visitorPath('/sessions'), undefined],
    ] as const) {
      const res = await s.app.inject({ method, url, headers: auth(v.token), payload });
      assert.equal(res.statusCode, 503, `${method} ${url}: ${res.body}`);
      assert.equal((res.json() as { code: string }).code, 'CONVOT_ERR_UNAVAILABLE');
      assert.match(String(res.headers['retry-after']), /^\d+$/);
    }
  } finally {
    down = false;
  }
  const back = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(v.token) });
  assert.equal(back.statusCode, 200, back.body);
});

test('a socket that cannot authenticate while the database is away is told and closed (1013), so the widget retries with backoff', async () => {
  const v = await newSession(s.app);
  down = 'unreachable';
  try {
    for (const auth of [{ type: 'auth', token: v.token, last_seq: 0 }, { type: 'auth', last_seq: 0 }]) {
      const sock = await Sock.open(`${s.wsBase}/api/v1/apps/app_test/ws`);
      sock.send(auth);
      const err = await sock.nextType('error');
      assert.equal(err.code, 'CONVOT_ERR_UNAVAILABLE');
      assert.equal(err.retry_after, 5);
      assert.deepEqual(await sock.closedWithin(2000), { code: 1013, reason: 'unavailable' });
    }
  } finally {
    down = false;
  }
  const { sock, ready } = await visitorSocket(s.wsBase, v.token);
  assert.equal(ready.session_id, v.session_id, 'back after');
  await sock.close();
});

test('socket error frames name the client_id of the frame they answer: unavailable and internal errors too', async () => {
  const v = await newSession(s.app);
  const { sock } = await visitorSocket(s.wsBase, v.token);
  try {
    for (const [mode, code] of [
      ['unreachable', 'CONVOT_ERR_UNAVAILABLE'],
      ['broken', 'CONVOT_ERR_INTERNAL'],
    ] as const) {
      const id = cid();
      down = mode;
      sock.send({ type: 'message', client_id: id, body: `hello (${mode})` });
      const err = await sock.next((f) => f.type === 'error' && f.client_id === id);
      down = false;
      assert.equal(err.code, code);
      if (code === 'CONVOT_ERR_UNAVAILABLE') assert.equal(err.retry_after, 5);
      // The widget resends it (its outbox, oldest first): stored now.
      sock.send({ type: 'message', client_id: id, body: `hello (${mode})` });
      assert.equal((await sock.next((f) => f.client_id === id && f.type !== 'error')).type, 'ack');
    }
    const id = cid();
    sock.send({ type: 'message', client_id: id, body: 'hello again' });
    assert.equal((await sock.next((f) => f.client_id === id)).type, 'ack');
  } finally {
    down = false;
    await sock.close();
  }
});

test('a message refused while the database is away holds back the ones behind it on that socket until it is resent, so none lands ahead of it', async () => {
  const v = await newSession(s.app);
  const { sock } = await visitorSocket(s.wsBase, v.token);
  try {
    const [a, b, c] = [cid(), cid(), cid()];
    down = 'unreachable';
    sock.send({ type: 'message', client_id: a, body: 'first' });
    assert.equal((await sock.next((f) => f.client_id === a)).code, 'CONVOT_ERR_UNAVAILABLE');
    // The database is back before the next frame (sent before the client heard of the refusal).
    down = false;
    sock.send({ type: 'message', client_id: b, body: 'second' });
    assert.equal((await sock.next((f) => f.client_id === b)).code, 'CONVOT_ERR_UNAVAILABLE', 'refused behind the first');
    // The widget's resend: its outbox, oldest first, then a new message.
    for (const [id, body] of [
      [a, 'first'],
      [b, 'second'],
      [c, 'third'],
    ] as const) sock.send({ type: 'message', client_id: id, body });
    for (const id of [a, b, c]) assert.equal((await sock.next((f) => f.client_id === id)).type, 'ack');
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(v.token) });
    assert.deepEqual((res.json() as { messages: { body: string }[] }).messages.map((m) => m.body), ['first', 'second', 'third']);
  } finally {
    down = false;
    await sock.close();
  }
});

test('an internal error holds nothing back: the message after it is stored (one message the server cannot store must not stop the rest)', async () => {
  const v = await newSession(s.app);
  const { sock } = await visitorSocket(s.wsBase, v.token);
  try {
    const [a, b] = [cid(), cid()];
    down = 'broken';
    sock.send({ type: 'message', client_id: a, body: 'cannot be stored' });
    assert.equal((await sock.next((f) => f.client_id === a)).code, 'CONVOT_ERR_INTERNAL');
    down = false;
    sock.send({ type: 'message', client_id: b, body: 'stored' });
    assert.equal((await sock.next((f) => f.client_id === b)).type, 'ack');
  } finally {
    down = false;
    await sock.close();
  }
});
