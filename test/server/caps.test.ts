/**
 * Caps from the outside: identity tokens are accepted once; open sockets per session and per
 * sign-in are capped; messages and new conversations are limited per client address.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseConfig } from '../../server/config.js';
import { computeUserHash } from '../../server/identity/user-hash.js';
import { SignJWT } from 'jose';
import { TEST_IDENTITY_SECRET, Sock, agentSocket, auth, cid, loginAgent, newSession, refusedUpgrade, startServer, stopServer, testConfigData, visitorPath, visitorSocket, type TestServer } from './helpers.js';

let s: TestServer;
before(async () => {
  s = await startServer({
    listen: true,
    config: parseConfig(
      {
        ...testConfigData(),
        limits: { socket_session: { max: 3 }, message_ip: { max: 6, window_seconds: 60 }, conversation_ip: { max: 2, window_seconds: 60 } },
      },
      {},
    ),
  });
});
after(() => stopServer(s));

const post = (token: string, ip: string, body = 'hi') => s.app.inject({ method: 'POST', url: visitorPath('/messages'), headers: auth(token), remoteAddress: ip, payload: { client_id: cid(), body } });

test('an identity token carries a jti and is accepted once', async () => {
  const a = await newSession(s.app);
  const identified = await s.app.inject({ method: 'POST', url: visitorPath('/identify'), headers: auth(a.token), payload: { external_id: 'u-1', user_hash: computeUserHash(TEST_IDENTITY_SECRET, 'u-1') } });
  assert.equal(identified.statusCode, 200, identified.body);
  const { token } = (await s.app.inject({ method: 'POST', url: visitorPath('/identity-token'), headers: auth(a.token) })).json() as { token: string };
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti?: string };
  assert.match(payload.jti ?? '', /^[0-9a-f-]{36}$/);
  const b = await newSession(s.app);
  const first = await s.app.inject({ method: 'POST', url: visitorPath('/identify/token'), headers: auth(b.token), payload: { token } });
  assert.equal(first.statusCode, 200, first.body);
  const c = await newSession(s.app);
  const replay = await s.app.inject({ method: 'POST', url: visitorPath('/identify/token'), headers: auth(c.token), payload: { token } });
  assert.equal(replay.statusCode, 403, replay.body);
  assert.match((replay.json() as { message: string }).message, /already used/);
});

test('a token the site signed without a jti (as the document\'s examples) is accepted once too', async () => {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ external_id: 'u-site' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).setExpirationTime(now + 600).sign(new TextEncoder().encode(TEST_IDENTITY_SECRET));
  const first = await s.app.inject({ method: 'POST', url: visitorPath('/identify/token'), headers: auth((await newSession(s.app)).token), payload: { token } });
  assert.equal(first.statusCode, 200, first.body);
  const replay = await s.app.inject({ method: 'POST', url: visitorPath('/identify/token'), headers: auth((await newSession(s.app)).token), payload: { token } });
  assert.equal(replay.statusCode, 403, replay.body);
  assert.match((replay.json() as { message: string }).message, /already used/);
});

test('at most limits.socket_session visitor sockets per session: the next is told and closed', async () => {
  const v = await newSession(s.app);
  const open: Sock[] = [];
  for (let i = 0; i < 3; i++) open.push((await visitorSocket(s.wsBase, v.token)).sock);
  const extra = await Sock.open(`${s.wsBase}/api/v1/apps/app_test/ws`);
  extra.send({ type: 'auth', token: v.token, last_seq: 0 });
  const err = await extra.nextType('error');
  assert.equal(err.code, 'CONVOT_ERR_RATE_LIMITED');
  assert.equal((await extra.closedWithin()).code, 4429);
  await open.pop()!.close();
  const again = await visitorSocket(s.wsBase, v.token);
  assert.equal(again.ready.type, 'ready', 'a closed socket frees its place');
  open.push(again.sock);
  await Promise.all(open.map((x) => x.close()));
});

test('a socket that starts a session counts against limits.session per address, like a session POST', async () => {
  const own = await startServer({ listen: true, config: parseConfig({ ...testConfigData(), limits: { session: { max: 2, window_seconds: 60 } } }, {}) });
  try {
    const started: Sock[] = [];
    for (let i = 0; i < 2; i++) {
      const sock = await Sock.open(`${own.wsBase}/api/v1/apps/app_test/ws`);
      sock.send({ type: 'auth', last_seq: 0 });
      assert.ok((await sock.nextType('ready')).token, 'a new session');
      started.push(sock);
    }
    const extra = await Sock.open(`${own.wsBase}/api/v1/apps/app_test/ws`);
    extra.send({ type: 'auth', last_seq: 0 });
    const err = await extra.nextType('error');
    assert.equal(err.code, 'CONVOT_ERR_RATE_LIMITED');
    assert.ok(err.retry_after > 0 && err.retry_after <= 60, `retry_after ${err.retry_after}`);
    assert.deepEqual(await extra.closedWithin(), { code: 4429, reason: 'too many sessions' });
    // The same address's REST session start shares the limit.
    assert.equal((await own.app.inject({ method: 'POST', url: visitorPath('/sessions') })).statusCode, 429);
    // Resuming a session is not starting one.
    const token = started[0]!.frames.find((f) => f.type === 'ready')!.token as string;
    const resumed = await visitorSocket(own.wsBase, token);
    assert.equal(resumed.ready.session_id, started[0]!.frames.find((f) => f.type === 'ready')!.session_id);
    await Promise.all([...started, resumed.sock].map((x) => x.close()));
  } finally {
    await stopServer(own);
  }
});

test('at most limits.socket_session inbox sockets per sign-in: the next upgrade is a 429', async () => {
  const cookie = await loginAgent(s.app);
  const open: Sock[] = [];
  for (let i = 0; i < 3; i++) open.push((await agentSocket(s.wsBase, cookie)).sock);
  const refused = await refusedUpgrade(`${s.wsBase}/api/v1/agent/ws`, { headers: { cookie } });
  assert.equal(refused.status, 429);
  await Promise.all(open.map((x) => x.close()));
});

test('messages are limited per address across sessions, and new conversations too', async () => {
  const ip = '10.123.0.1';
  const sessions = await Promise.all([newSession(s.app), newSession(s.app), newSession(s.app)]);
  // Two new conversations from this address are allowed; a third is refused.
  assert.equal((await post(sessions[0]!.token, ip)).statusCode, 201);
  assert.equal((await post(sessions[1]!.token, ip)).statusCode, 201);
  const third = await post(sessions[2]!.token, ip);
  assert.equal(third.statusCode, 429, third.body);
  // Messages in the open conversations still pass, until the per-address message limit.
  const codes: number[] = [];
  for (let i = 0; i < 5; i++) codes.push((await post(sessions[i % 2]!.token, ip)).statusCode);
  assert.deepEqual(codes, [201, 201, 201, 429, 429]);
  assert.equal((await post(sessions[2]!.token, '10.123.0.2')).statusCode, 201, 'another address is not affected');
});
