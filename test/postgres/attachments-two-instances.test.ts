/**
 * Two Convot instances on one PostgreSQL database: a file a visitor uploads through one is
 * served by the other (to the visitor and to the agent), byte for byte, because the default
 * AttachmentStore keeps it in the database. Runs under scripts/with-postgres.mjs.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPostgres } from '../../server/storage/postgres.js';
import { freshDatabase } from '../support/postgres.js';
import { PDF, PNG_3x2 } from '../support/files.js';
import { auth, cid, loginAgent, newSession, startServer, visitorPath, type TestServer } from '../server/helpers.js';

const baseUrl = process.env.CONVOT_TEST_DATABASE_URL;
if (!baseUrl) throw new Error('CONVOT_TEST_DATABASE_URL is not set: run this through scripts/with-postgres.mjs');

let a: TestServer;
let b: TestServer;

before(async () => {
  const url = await freshDatabase(baseUrl);
  a = await startServer({ db: await openPostgres(url) });
  b = await startServer({ db: await openPostgres(url) });
});
after(async () => {
  for (const s of [a, b]) {
    await s?.app.close();
    await s?.db.close();
  }
});

test('a file uploaded on one instance is served by the other, to its visitor and to the agent', async () => {
  const { token } = await newSession(a.app);
  const up = await a.app.inject({
    method: 'POST',
    url: visitorPath(`/attachments?client_id=${cid()}&name=cat.png`),
    headers: { ...auth(token), 'content-type': 'image/png' },
    payload: Buffer.from(PNG_3x2),
  });
  assert.equal(up.statusCode, 201, up.body);
  const { message } = up.json();
  const fromB = await b.app.inject({ method: 'GET', url: visitorPath(`/attachments/${message.card.id}`), headers: auth(token) });
  assert.equal(fromB.statusCode, 200);
  assert.deepEqual(new Uint8Array(fromB.rawPayload), PNG_3x2);
  const cookie = await loginAgent(b.app);
  const agentFromB = await b.app.inject({ method: 'GET', url: `/api/v1/agent/attachments/${message.card.id}`, headers: { cookie } });
  assert.equal(agentFromB.statusCode, 200);

  // And back: the agent uploads on B, the visitor downloads from A.
  const reply = await b.app.inject({
    method: 'POST',
    url: `/api/v1/agent/conversations/${message.conversation_id}/attachments?client_id=${cid()}&name=invoice.pdf`,
    headers: { cookie, 'content-type': 'application/pdf' },
    payload: Buffer.from(PDF),
  });
  assert.equal(reply.statusCode, 201, reply.body);
  const fromA = await a.app.inject({ method: 'GET', url: visitorPath(`/attachments/${reply.json().message.card.id}`), headers: auth(token) });
  assert.equal(fromA.statusCode, 200);
  assert.deepEqual(new Uint8Array(fromA.rawPayload), PDF);
});
