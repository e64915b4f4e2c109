/**
 * An agent offers a meeting type inside a conversation: stored as an agent message with a
 * booking card (and a text fallback) that reaches the visitor, idempotent per client_id; only
 * meeting types of the conversation's own app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../server/config.js';
import { cid, loginAgent, newSession, sendVisitor, startServer, stopServer, testConfigData, visitorSocket, type TestServer } from './helpers.js';

let s: TestServer;
let cookie: string;
const week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]]));

before(async () => {
  const data = testConfigData() as { apps: Record<string, unknown>[] };
  data.apps[0]!.meeting_types = [{ id: 3, name: 'Product demo', duration_minutes: 30, timezone: 'Europe/Paris', weekly_hours: week }];
  data.apps.push({ id: 'app_other', name: 'Other', allowed_origins: ['http://other.test'], meeting_types: [{ id: 9, name: 'Theirs', duration_minutes: 15, timezone: 'UTC', weekly_hours: week }] });
  s = await startServer({ listen: true, config: parseConfig(data, {}) });
  cookie = await loginAgent(s.app);
});
after(() => stopServer(s));

const offer = (conversationId: string, payload: Record<string, unknown>) =>
  s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${conversationId}/booking-offers`, headers: { cookie }, payload });

describe('booking offers in the chat', () => {
  test('an offered meeting type arrives as a booking card, once per client_id', async () => {
    const { token } = await newSession(s.app);
    const first = await sendVisitor(s.app, token, 'Can we talk?');
    const { sock } = await visitorSocket(s.wsBase, token, first.seq);
    const clientId = cid();
    const res = await offer(first.conversation_id, { client_id: clientId, meeting_type_id: 3 });
    assert.equal(res.statusCode, 201, res.body);
    const { message } = res.json();
    assert.deepEqual(message.card, { type: 'booking', meeting_type_id: 3, name: 'Product demo', duration_minutes: 30 });
    assert.match(message.body, /Product demo/);
    const live = await sock.next((f) => f.type === 'message' && f.message.seq === message.seq);
    assert.deepEqual(live.message.card, message.card);
    const again = await offer(first.conversation_id, { client_id: clientId, meeting_type_id: 3 });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().message.seq, message.seq);
    await sock.close();
  });

  test("another app's or an unknown meeting type is a 404 naming meeting_type_id; a bad body a 400", async () => {
    const { token } = await newSession(s.app);
    const m = await sendVisitor(s.app, token, 'hi');
    for (const id of [9, 42]) {
      const res = await offer(m.conversation_id, { client_id: cid(), meeting_type_id: id });
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json().field, 'meeting_type_id');
    }
    const bad = await offer(m.conversation_id, { client_id: cid(), meeting_type_id: 'three' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, 'meeting_type_id');
  });
});
