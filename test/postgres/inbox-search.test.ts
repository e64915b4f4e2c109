/**
 * The inbox search on a real PostgreSQL (runs under scripts/with-postgres.mjs): the same
 * statements as on PGlite find messages by their stemmed words and visitors by name and email,
 * keep apps apart, and the two GIN indexes of migration 13 are the ones the planner can use
 * (the message index only matches when the query repeats its expression exactly).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseConfig } from '../../server/config.js';
import { auth, cid, loginAgent, newSession, startServer, stopServer, visitorPath, type TestServer } from '../server/helpers.js';

if (!process.env.CONVOT_TEST_DATABASE_URL) throw new Error('CONVOT_TEST_DATABASE_URL is not set: run this through scripts/with-postgres.mjs');

let s: TestServer;
let cookie = '';

before(async () => {
  const config = parseConfig(
    {
      apps: [
        { id: 'app_shop', name: 'Shop' },
        { id: 'app_docs', name: 'Docs' },
      ],
      agents: [{ email: 'shop@test.dev', name: 'Shop', password: 'pg search password', apps: ['app_shop'] }],
    },
    {},
  );
  s = await startServer({ config });
  cookie = await loginAgent(s.app, 'pg search password', 'shop@test.dev');
});
after(() => stopServer(s));

async function conversation(appId: string, body: string, profile: Record<string, string> = {}): Promise<string> {
  const { token } = await newSession(s.app, appId);
  if (Object.keys(profile).length) assert.equal((await s.app.inject({ method: 'PUT', url: visitorPath('/visitor', appId), headers: auth(token), payload: profile })).statusCode, 200);
  const res = await s.app.inject({ method: 'POST', url: visitorPath('/messages', appId), headers: auth(token), payload: { client_id: cid(), body } });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { message: { conversation_id: string } }).message.conversation_id;
}

const found = async (query: string): Promise<string[]> => {
  const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/conversations?${query}`, headers: { cookie } });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { conversations: { id: string }[] }).conversations.map((c) => c.id).sort();
};

test('search on PostgreSQL: stemming, names, emails, closed conversations, apps kept apart', async () => {
  const refund = await conversation('app_shop', 'My payments were refunded twice');
  const grace = await conversation('app_shop', 'hello', { name: 'Grace Hopper', email: 'grace@navy.example' });
  const other = await conversation('app_docs', 'refund my payment', { name: 'Grace Docs' });
  assert.equal((await s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${refund}/close`, headers: { cookie } })).statusCode, 200);

  assert.deepEqual(await found('q=refunds+payment'), [refund]);
  assert.deepEqual(await found('q=refund&status=closed'), [refund]);
  assert.deepEqual(await found('q=refund&status=open'), []);
  assert.deepEqual(await found('q=hopper'), [grace]);
  assert.deepEqual(await found('q=grace%40navy.example'), [grace]);
  assert.deepEqual(await found('q=navy'), [grace]);
  assert.ok(!(await found('q=grace')).includes(other));
});

test('the planner can answer both sides from the GIN indexes of migration 13', async () => {
  const plan = await s.db.transaction(async (q) => {
    await q.query('SET LOCAL enable_seqscan = off');
    const messages = await q.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT m.conversation_id FROM messages m WHERE to_tsvector('pg_catalog.english'::regconfig, m.body) @@ to_tsquery('pg_catalog.english'::regconfig, 'refund')`,
    );
    const visitors = await q.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM visitors v WHERE v.search @@ to_tsquery('pg_catalog.simple'::regconfig, 'grace')`);
    return { messages: messages.map((r) => r['QUERY PLAN']).join('\n'), visitors: visitors.map((r) => r['QUERY PLAN']).join('\n') };
  });
  assert.match(plan.messages, /messages_search/);
  assert.match(plan.visitors, /visitors_search/);
});
