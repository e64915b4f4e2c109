/**
 * Presence: an agent whose inbox is open is available unless they chose Away, and Away is
 * remembered across restarts. A freshly configured agent needs no toggle to be reachable.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Db } from '../../server/storage/db.js';
import {
  agentSocket,
  loginAgent,
  newSession,
  openTestDb,
  startServer,
  testConfig,
  visitorPath,
  visitorSocket,
  type TestServer,
} from './helpers.js';

let db: Db;
let s: TestServer | undefined;

before(async () => {
  db = await openTestDb();
});
after(async () => {
  await s?.app.close();
  await db.close();
});

/** (Re)starts the server over the same database, like `convot serve` after a restart. */
async function restart(): Promise<TestServer> {
  await s?.app.close();
  s = await startServer({ listen: true, db, config: testConfig() });
  return s;
}

const available = async (srv: TestServer) => ((await srv.app.inject({ method: 'GET', url: visitorPath('/config') })).json() as { available: boolean }).available;

test('a freshly configured agent who opens the inbox makes the app available, with no toggle', async () => {
  const srv = await restart();
  const cookie = await loginAgent(srv.app);
  const me = await srv.app.inject({ method: 'GET', url: '/api/v1/agent/me', headers: { cookie } });
  assert.equal((me.json() as { agent: { away: boolean; online: boolean } }).agent.away, false, 'not away by default');
  assert.equal(await available(srv), false, 'nobody has the inbox open yet');

  const { sock: visitor } = await visitorSocket(srv.wsBase, (await newSession(srv.app)).token);
  const { sock: inbox, ready } = await agentSocket(srv.wsBase, cookie);
  assert.equal(ready.agents_online, 1, 'the inbox counts its own agent');
  assert.deepEqual(await visitor.nextType('availability'), { type: 'availability', available: true });
  assert.equal(await available(srv), true);
  await inbox.close();
  assert.deepEqual(await visitor.nextType('availability'), { type: 'availability', available: false });
  await visitor.close();
});

test('Away makes the app unavailable while the inbox stays open, and survives a restart', async () => {
  let srv = await restart();
  let cookie = await loginAgent(srv.app);
  const { sock: inbox } = await agentSocket(srv.wsBase, cookie);
  assert.equal(await available(srv), true);
  inbox.send({ type: 'presence', online: false }); // the socket's switch: online false means Away
  const p = await inbox.next((f) => f.type === 'presence' && f.agent.away === true);
  assert.equal(p.agents_online, 0);
  assert.equal(await available(srv), false);
  await inbox.close();

  srv = await restart();
  cookie = await loginAgent(srv.app);
  const { sock: again, ready } = await agentSocket(srv.wsBase, cookie);
  assert.equal(ready.agent.away, true, 'the choice was remembered');
  assert.equal(ready.agent.online, false);
  assert.equal(ready.agents_online, 0);
  assert.equal(await available(srv), false, 'an open inbox of an agent who is away does not count');
  const { ready: visitorReady, sock: visitor } = await visitorSocket(srv.wsBase, (await newSession(srv.app)).token);
  assert.equal(visitorReady.available, false);

  const res = await srv.app.inject({ method: 'PUT', url: '/api/v1/agent/presence', headers: { cookie }, payload: { away: false } });
  assert.deepEqual(res.json(), { online: true, away: false });
  assert.deepEqual(await visitor.nextType('availability'), { type: 'availability', available: true });
  await again.close();
  await visitor.close();
});
