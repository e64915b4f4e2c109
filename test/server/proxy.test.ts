/**
 * Behind a proxy: with a trusted hop count, the client address is the one the proxy saw (the
 * right-most X-Forwarded-For entry it wrote), never the left-most one a client can write; and
 * failed sign-ins lock the account whatever the address.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LIMITS } from '../../server/rate-limit.js';
import { trustProxySetting } from '../../server/cli.js';
import { AGENT_EMAIL, AGENT_PASSWORD, startServer, stopServer, type TestServer } from './helpers.js';

let s: TestServer;
before(async () => {
  s = await startServer({ trustProxy: 1 });
});
after(() => stopServer(s));

const PROXY = '10.0.0.1';
const login = (xff: string, password: string, email = AGENT_EMAIL) =>
  s.app.inject({ method: 'POST', url: '/api/v1/agent/login', remoteAddress: PROXY, headers: { 'x-forwarded-for': xff }, payload: { email, password } });

test('rotating the client-written X-Forwarded-For behind one trusted hop gains nothing: 429 after LIMITS.login', async () => {
  const codes: number[] = [];
  for (let i = 0; i < LIMITS.login.max + 1; i++) codes.push((await login(`203.0.113.${i}, 198.51.100.7`, 'wrong password!', `nobody${i}@test.dev`)).statusCode);
  assert.deepEqual(codes.slice(0, LIMITS.login.max), Array(LIMITS.login.max).fill(401));
  assert.equal(codes.at(-1), 429, 'the address the proxy saw (198.51.100.7) is limited');
});

test('failed sign-ins lock the account from any address: 429 even with the right password', async () => {
  for (let i = 0; i < LIMITS.login_account.max; i++) {
    const res = await login(`198.51.100.${100 + i}`, 'wrong password!');
    assert.equal(res.statusCode, 401, res.body);
  }
  const locked = await login('198.51.100.250', AGENT_PASSWORD);
  assert.equal(locked.statusCode, 429, locked.body);
  assert.ok(Number(locked.headers['retry-after']) >= 1);
});

test('CONVOT_TRUST_PROXY takes a hop count or proxy addresses, never "trust everything"', () => {
  assert.equal(trustProxySetting(undefined), false);
  assert.equal(trustProxySetting('1'), 1);
  assert.equal(trustProxySetting('2'), 2);
  assert.deepEqual(trustProxySetting('10.0.0.1, 10.0.0.0/8'), ['10.0.0.1', '10.0.0.0/8']);
  assert.throws(() => trustProxySetting('true'), /hop count|addresses/);
  assert.throws(() => trustProxySetting('0'), /hop count|addresses/);
});
