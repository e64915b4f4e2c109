/**
 * Every limit is configurable in the config file's top-level `limits`: a raised or lowered limit
 * takes effect in the running server, unnamed limits keep their defaults, and a typo is an error
 * that names the entry.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConfigError, parseConfig } from '../../server/config.js';
import { CAPS, LIMITS } from '../../server/rate-limit.js';
import { auth, cid, newSession, startServer, stopServer, testConfigData, visitorPath, type TestServer } from './helpers.js';

let s: TestServer | undefined;
before(async () => {
  s = await startServer({ config: parseConfig({ ...testConfigData(), limits: { message: { max: 2, window_seconds: 30 }, socket_session: { max: 3 } } }, {}) });
});
after(() => stopServer(s));

test('limits from the config file replace the defaults; the others stay', () => {
  const cfg = parseConfig({ ...testConfigData(), limits: { session: { max: 5000, window_seconds: 10 }, socket_ip: { max: 7 } } }, {});
  assert.deepEqual(cfg.limits.session, { max: 5000, windowMs: 10_000 });
  assert.deepEqual(cfg.limits.message, LIMITS.message);
  assert.equal(cfg.caps.socket_ip, 7);
  assert.equal(cfg.caps.socket_session, CAPS.socket_session);
});

test('a configured message limit is what the server enforces', async () => {
  const { app } = s!;
  const v = await newSession(app);
  const post = () => app.inject({ method: 'POST', url: visitorPath('/messages'), headers: auth(v.token), payload: { client_id: cid(), body: 'hi' } });
  assert.equal((await post()).statusCode, 201);
  assert.equal((await post()).statusCode, 201);
  const third = await post();
  assert.equal(third.statusCode, 429, third.body);
  assert.ok(Number(third.headers['retry-after']) <= 30);
});

test('unknown limit names and bad values are refused with the entry named', () => {
  assert.throws(() => parseConfig({ limits: { mesage: { max: 1, window_seconds: 1 } } }, {}), (e: unknown) => e instanceof ConfigError && /limits\.mesage is not a limit/.test(e.message));
  assert.throws(() => parseConfig({ limits: { login: { max: 0, window_seconds: 60 } } }, {}), /limits\.login\.max must be a positive integer/);
  assert.throws(() => parseConfig({ limits: { login: { max: 3 } } }, {}), /limits\.login\.window_seconds must be a positive integer/);
});
