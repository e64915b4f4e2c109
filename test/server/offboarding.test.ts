/**
 * Offboarding: the config file is the source of truth. A restart without an agent refuses their
 * cookie and password and closes their inbox sockets (on every instance); a changed password ends
 * the old sign-ins; an app removed from the config refuses visitors and closes their sockets.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parseConfig } from '../../server/config.js';
import { AGENT_EMAIL, AGENT_PASSWORD, agentSocket, loginAgent, newSession, startServer, stopServer, testConfigData, visitorPath, visitorSocket, type TestServer } from './helpers.js';

const LEAVER = 'leaver@test.dev';
const LEAVER_PASSWORD = 'leaver password 1';
const NEW_PASSWORD = 'a brand new password';

function configData(opts: { leaver: boolean; oldApp: boolean; password: string }) {
  const base = testConfigData() as { apps: Record<string, unknown>[]; agents: Record<string, unknown>[] };
  return {
    apps: [...base.apps, ...(opts.oldApp ? [{ id: 'app_old', name: 'Old' }] : [])],
    agents: [
      { email: AGENT_EMAIL, name: 'Stayer', password: opts.password },
      ...(opts.leaver ? [{ email: LEAVER, name: 'Leaver', password: LEAVER_PASSWORD }] : []),
    ],
  };
}

let first: TestServer | undefined;
let second: TestServer | undefined;
after(async () => {
  await second?.app.close();
  await stopServer(first);
});

test('a restart without an agent, with a changed password and without an app: sign-ins, sockets and visitors are refused', async () => {
  first = await startServer({ listen: true, config: parseConfig(configData({ leaver: true, oldApp: true, password: AGENT_PASSWORD }), {}) });
  const leaverCookie = await loginAgent(first.app, LEAVER_PASSWORD, LEAVER);
  const stayerCookie = await loginAgent(first.app);
  const { sock } = await agentSocket(first.wsBase, leaverCookie);
  const oldVisitor = await newSession(first.app, 'app_old');
  assert.ok(oldVisitor.token);
  const { sock: visitorSock } = await visitorSocket(first.wsBase, oldVisitor.token, 0, 'app_old');

  // Another instance starts on the same database with the new config.
  second = await startServer({ db: first.db, config: parseConfig(configData({ leaver: false, oldApp: false, password: NEW_PASSWORD }), {}) });
  const app = second.app;

  const closed = await sock.closedWithin(4000);
  assert.equal(closed.code, 4401, 'the removed agent’s open inbox socket is closed');
  const visitorClosed = await visitorSock.closedWithin(4000);
  assert.equal(visitorClosed.code, 4401, 'the removed app’s open visitor socket is closed, on the instance that did not apply the config');

  for (const cookie of [leaverCookie, stayerCookie]) {
    const me = await app.inject({ method: 'GET', url: '/api/v1/agent/me', headers: { cookie } });
    assert.equal((me.json() as { agent: unknown }).agent, null, 'the old cookie signs nobody in');
    const list = await app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie } });
    assert.equal(list.statusCode, 401, list.body);
  }
  for (const [email, password] of [
    [LEAVER, LEAVER_PASSWORD],
    [AGENT_EMAIL, AGENT_PASSWORD],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/agent/login', payload: { email, password } });
    assert.equal(res.statusCode, 401, `${email} with the old password: ${res.body}`);
  }
  assert.ok(await loginAgent(app, NEW_PASSWORD), 'the new password works');

  const config = await app.inject({ method: 'GET', url: visitorPath('/config', 'app_old') });
  assert.equal(config.statusCode, 404, config.body);
  const resumed = await app.inject({ method: 'POST', url: visitorPath('/sessions', 'app_old'), headers: { authorization: `Bearer ${oldVisitor.token}` } });
  assert.equal(resumed.statusCode, 404, 'a removed app refuses its visitors');
});

test('an agent back in the config is enabled again', async () => {
  const third = await startServer({ db: first!.db, config: parseConfig(configData({ leaver: true, oldApp: true, password: NEW_PASSWORD }), {}) });
  try {
    assert.ok(await loginAgent(third.app, LEAVER_PASSWORD, LEAVER));
    assert.equal((await third.app.inject({ method: 'GET', url: visitorPath('/config', 'app_old') })).statusCode, 200);
  } finally {
    await third.app.close();
  }
});
