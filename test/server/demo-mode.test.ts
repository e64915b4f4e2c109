/**
 * Nothing private is served: without demo mode /demo/ does not exist, the demo's config file is
 * not in a served folder, the demo's public secret and password are known to the server (it
 * refuses them outside demo mode), and identity secrets shorter than 32 characters are refused.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ConfigError, parseConfig } from '../../server/config.js';
import { DEMO_AGENT_PASSWORD, DEMO_IDENTITY_SECRET, demoSecretInUse } from '../../server/demo-mode.js';
import { startServer, stopServer, testConfigData, type TestServer } from './helpers.js';

let s: TestServer;
before(async () => {
  s = await startServer();
});
after(() => stopServer(s));

test('without demo mode, /demo/ and every config path answer 404', async () => {
  for (const url of ['/demo/', '/demo/index.html', '/demo/convot.config.json', '/config/demo.json']) {
    const res = await s.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
  }
});

test('the demo-mode guard knows config/demo.json: its secret and password are refused outside demo mode', () => {
  const demo = parseConfig(JSON.parse(readFileSync('config/demo.json', 'utf8')), {});
  assert.equal(demo.apps[0]!.identity_secret, DEMO_IDENTITY_SECRET);
  assert.equal(demo.agents[0]!.password, DEMO_AGENT_PASSWORD);
  assert.match(demoSecretInUse(demo) ?? '', /identity_secret/);
  assert.match(demoSecretInUse({ ...demo, apps: [] }) ?? '', /password/);
  assert.equal(demoSecretInUse(parseConfig(testConfigData(), {})), null);
});

test('an identity_secret shorter than 32 characters is refused at start, naming the entry', () => {
  assert.throws(
    () => parseConfig({ apps: [{ id: 'a1', identity_secret: 'x'.repeat(31) }] }, {}),
    (e: unknown) => e instanceof ConfigError && /apps\[0\]\.identity_secret must have at least 32 characters/.test(e.message),
  );
  assert.throws(() => parseConfig({ apps: [{ id: 'a1', identity_secret: 'env:S' }] }, { S: 'short' }), /at least 32/);
  assert.equal(parseConfig({ apps: [{ id: 'a1', identity_secret: 'x'.repeat(32) }] }, {}).apps[0]!.identity_secret, 'x'.repeat(32));
});
