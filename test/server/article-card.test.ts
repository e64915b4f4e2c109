/**
 * An agent sends a help-center article into a conversation: it is stored as a message with an
 * article card (and a plain-text fallback), reaches the visitor's socket and history with the
 * card, is idempotent per client_id, and only published articles of the conversation's own app
 * can be sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../server/config.js';
import { agentSocket, auth, cid, loginAgent, newSession, sendVisitor, startServer, stopServer, testConfigData, visitorPath, visitorSocket, type TestServer } from './helpers.js';

let s: TestServer;
let cookie: string;

before(async () => {
  const data = testConfigData() as { apps: Record<string, unknown>[] };
  data.apps[0]!.articles = [
    { locale: 'en', slug: 'billing-basics', title: 'Billing basics', description: 'How invoices work.', category: 'Billing', body: 'Invoices go out **monthly**.' },
    { locale: 'en', slug: 'draft', title: 'Draft', body: 'Not yet.', published: false },
  ];
  data.apps.push({ id: 'app_other', name: 'Other', allowed_origins: ['http://other.test'], articles: [{ locale: 'en', slug: 'theirs', title: 'Theirs', body: 'Other app.' }] });
  s = await startServer({ listen: true, config: parseConfig(data, {}) });
  cookie = await loginAgent(s.app);
});
after(() => stopServer(s));

const sendArticle = (conversationId: string, payload: Record<string, unknown>) =>
  s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${conversationId}/articles`, headers: { cookie }, payload });

describe('article cards', () => {
  test('an agent sends an article: stored with its card and a text fallback, live to the visitor and the inbox, once per client_id', async () => {
    const { token } = await newSession(s.app);
    const first = await sendVisitor(s.app, token, 'How does billing work?');
    const { sock } = await visitorSocket(s.wsBase, token, first.seq);
    const { sock: inbox } = await agentSocket(s.wsBase, cookie);
    const clientId = cid();
    const res = await sendArticle(first.conversation_id, { client_id: clientId, locale: 'en', slug: 'billing-basics' });
    assert.equal(res.statusCode, 201, res.body);
    const { message } = res.json();
    assert.deepEqual(message.card, { type: 'article', locale: 'en', slug: 'billing-basics', title: 'Billing basics', description: 'How invoices work.' });
    assert.equal(message.author, 'agent');
    assert.match(message.body, /^Billing basics\n.*\/help\/en\/article\/billing-basics/);

    const live = await sock.next((f) => f.type === 'message' && f.message.seq === message.seq);
    assert.deepEqual(live.message.card, message.card);
    const toInbox = await inbox.next((f) => f.type === 'message' && f.message.seq === message.seq);
    assert.deepEqual(toInbox.message.card, message.card);

    const again = await sendArticle(first.conversation_id, { client_id: clientId, locale: 'en', slug: 'billing-basics' });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().message.seq, message.seq);

    const history = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(token) });
    const stored = history.json().messages as { seq: number; card?: unknown }[];
    assert.deepEqual(stored.find((m) => m.seq === message.seq)!.card, message.card);
    assert.equal('card' in stored.find((m) => m.seq === first.seq)!, false, 'plain messages carry no card field');
    await Promise.all([sock.close(), inbox.close()]);
  });

  test('unpublished, unknown and other apps\u2019 articles are refused with 404 naming the slug; bad bodies with 400', async () => {
    const { token } = await newSession(s.app);
    const m = await sendVisitor(s.app, token, 'hi');
    for (const slug of ['draft', 'nope', 'theirs']) {
      const res = await sendArticle(m.conversation_id, { client_id: cid(), locale: 'en', slug });
      assert.equal(res.statusCode, 404, `${slug}: ${res.body}`);
      assert.equal(res.json().code, 'CONVOT_ERR_NOT_FOUND');
    }
    const bad = await sendArticle(m.conversation_id, { client_id: cid(), locale: 'en' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, 'slug');
    const unknownConversation = await sendArticle('cnv_doesnotexist', { client_id: cid(), locale: 'en', slug: 'billing-basics' });
    assert.equal(unknownConversation.statusCode, 404);
  });
});
