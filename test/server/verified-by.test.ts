/**
 * A verified badge means exactly what was verified: a visitor verified for external_id X who
 * claims some email gets no badge on the email (verified_by says external_id) and identity
 * tokens minted for them carry only the verified claim.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { computeUserHash } from '../../server/identity/user-hash.js';
import { TEST_IDENTITY_SECRET, auth, loginAgent, newSession, sendVisitor, startServer, stopServer, visitorPath, type TestServer } from './helpers.js';

let s: TestServer;
before(async () => {
  s = await startServer();
});
after(() => stopServer(s));

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

test('verified for external_id X, claiming another email: verified_by external_id, the token has no email', async () => {
  const v = await newSession(s.app);
  const res = await s.app.inject({
    method: 'POST',
    url: visitorPath('/identify'),
    headers: auth(v.token),
    payload: { external_id: 'x-42', email: 'ceo@victim.example', user_hash: computeUserHash(TEST_IDENTITY_SECRET, 'x-42') },
  });
  assert.equal((res.json() as { verified: boolean }).verified, true, res.body);
  const m = await sendVisitor(s.app, v.token, 'hello');
  const list = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie: await loginAgent(s.app) } });
  const visitor = (list.json() as { conversations: { id: string; visitor: Record<string, unknown> }[] }).conversations.find((c) => c.id === m.conversation_id)!.visitor;
  assert.equal(visitor.verified, true);
  assert.equal(visitor.verified_by, 'external_id', 'the inbox learns which identifier was verified');
  assert.equal(visitor.email, 'ceo@victim.example', 'the claimed email is shown as what it is: unverified');

  const { token } = (await s.app.inject({ method: 'POST', url: visitorPath('/identity-token'), headers: auth(v.token) })).json() as { token: string };
  const c = claims(token);
  assert.equal(c.external_id, 'x-42');
  assert.equal(c.email, undefined, 'only the verified claim is minted');
});

test('verified by email (no external_id): verified_by email, the token carries the email', async () => {
  const v = await newSession(s.app);
  await s.app.inject({ method: 'POST', url: visitorPath('/identify'), headers: auth(v.token), payload: { email: 'ann@example.com', user_hash: computeUserHash(TEST_IDENTITY_SECRET, 'ann@example.com') } });
  const { token } = (await s.app.inject({ method: 'POST', url: visitorPath('/identity-token'), headers: auth(v.token) })).json() as { token: string };
  assert.equal(claims(token).email, 'ann@example.com');
  assert.equal(claims(token).external_id, undefined);
});
