/**
 * The inbox list's search and filters (`q`, `status`, `unread`, `app`), on the real database:
 * messages are found by their stemmed words, visitors by name and email; a closed conversation
 * is still found; another app's never is; bad parameters are a 400 naming the field; paging
 * keeps working under a filter. Also the visitor context a widget reports over its socket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../server/config.js';
import { eventually } from '../support/eventually.js';
import { agentSocket, auth, cid, loginAgent, newSession, startServer, stopServer, visitorPath, visitorSocket, type TestServer } from './helpers.js';

const SHOP = 'app_shop';
const DOCS = 'app_docs';
const PASSWORD = 'search password';

let s: TestServer;
const cookies = { shop: '', boss: '' };

before(async () => {
  const config = parseConfig(
    {
      apps: [
        { id: SHOP, name: 'Shop' },
        { id: DOCS, name: 'Docs' },
      ],
      agents: [
        { email: 'shop@test.dev', name: 'Shop Agent', password: PASSWORD, apps: [SHOP] },
        { email: 'boss@test.dev', name: 'Boss', password: PASSWORD },
      ],
    },
    {},
  );
  s = await startServer({ listen: true, config });
  cookies.shop = await loginAgent(s.app, PASSWORD, 'shop@test.dev');
  cookies.boss = await loginAgent(s.app, PASSWORD, 'boss@test.dev');
});
after(() => stopServer(s));

interface Listed {
  id: string;
  app_id: string;
  status: string;
  unread_count: number;
  context?: Record<string, unknown> | null;
}

/** A visitor of `appId` (with a name and email when given) who sends `bodies`; returns token and conversation. */
async function conversation(appId: string, bodies: string[], profile: { name?: string; email?: string } = {}): Promise<{ token: string; id: string }> {
  const { token } = await newSession(s.app, appId);
  if (profile.name || profile.email) {
    const res = await s.app.inject({ method: 'PUT', url: visitorPath('/visitor', appId), headers: auth(token), payload: profile });
    assert.equal(res.statusCode, 200, res.body);
  }
  let id = '';
  for (const body of bodies) {
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/messages', appId), headers: auth(token), payload: { client_id: cid(), body } });
    assert.equal(res.statusCode, 201, res.body);
    id = (res.json() as { message: { conversation_id: string } }).message.conversation_id;
  }
  return { token, id };
}

async function list(who: keyof typeof cookies, query: string): Promise<{ conversations: Listed[]; has_more: boolean }> {
  const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/conversations?${query}`, headers: { cookie: cookies[who] } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}
const ids = async (who: keyof typeof cookies, query: string) => (await list(who, query)).conversations.map((c) => c.id).sort();
const agentPost = (url: string) => s.app.inject({ method: 'POST', url: `/api/v1/agent${url}`, headers: { cookie: cookies.shop } });

describe('inbox search', () => {
  let refund: string;
  let ada: string;
  let closed: string;
  let docs: string;

  before(async () => {
    refund = (await conversation(SHOP, ['Hello', 'I was refunded twice for my order'])).id;
    ada = (await conversation(SHOP, ['Where is my parcel?'], { name: 'Ada Lovelace', email: 'ada.l@analytical.example' })).id;
    closed = (await conversation(SHOP, ['The invoice PDF is blank'])).id;
    assert.equal((await agentPost(`/conversations/${closed}/close`)).statusCode, 200);
    // The same words in another app: never shown to the shop's agent.
    docs = (await conversation(DOCS, ['Refunds for my order please', 'invoice'], { name: 'Ada Docs', email: 'ada@docs.example' })).id;
  });

  test('finds message words through stemming (refunds finds "refunded")', async () => {
    assert.deepEqual(await ids('shop', 'q=refunds'), [refund]);
    assert.deepEqual(await ids('shop', 'q=' + encodeURIComponent('REFUND order')), [refund]);
  });

  test('the last word is a prefix (search as you type)', async () => {
    assert.deepEqual(await ids('shop', 'q=parc'), [ada]);
  });

  test('finds visitors by name and by email, whole or in parts', async () => {
    assert.deepEqual(await ids('shop', 'q=lovelace'), [ada]);
    assert.deepEqual(await ids('shop', 'q=Ada'), [ada]);
    assert.deepEqual(await ids('shop', 'q=' + encodeURIComponent('ada.l@analytical.example')), [ada]);
    assert.deepEqual(await ids('shop', 'q=analytical'), [ada]);
  });

  test('a closed conversation is found, and can be reopened from there', async () => {
    const found = (await list('shop', 'q=invoice')).conversations;
    assert.deepEqual(found.map((c) => [c.id, c.status]), [[closed, 'closed']]);
    assert.equal((await agentPost(`/conversations/${closed}/reopen`)).statusCode, 200);
    assert.deepEqual((await list('shop', 'q=invoice')).conversations.map((c) => [c.id, c.status]), [[closed, 'open']]);
    assert.equal((await agentPost(`/conversations/${closed}/close`)).statusCode, 200);
  });

  test("another app's conversation is never found, by any route", async () => {
    for (const q of ['refund', 'invoice', 'ada', 'docs']) assert.ok(!(await ids('shop', `q=${q}`)).includes(docs), q);
    // An agent of every app finds both.
    assert.deepEqual(await ids('boss', 'q=refund'), [refund, docs].sort());
    // Naming the other app is a 404, as if it did not exist.
    const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/conversations?app=${DOCS}`, headers: { cookie: cookies.shop } });
    assert.equal(res.statusCode, 404);
    assert.equal((res.json() as { field?: string }).field, 'app');
  });

  test('nothing matches: an empty list; punctuation only: an empty list, not everything', async () => {
    assert.deepEqual(await ids('shop', 'q=zeppelin'), []);
    assert.deepEqual(await ids('shop', 'q=' + encodeURIComponent('!!! ---')), []);
    // Words that look like tsquery syntax are plain words.
    assert.deepEqual(await ids('shop', 'q=' + encodeURIComponent("refund & !order | ('x':*")), []);
    assert.deepEqual(await ids('shop', 'q=' + encodeURIComponent("refund & order:*")), [refund]);
  });

  test('filters: open, closed, unread, per app, and with a search', async () => {
    const open = await ids('shop', 'status=open');
    assert.ok(open.includes(refund) && open.includes(ada) && !open.includes(closed));
    assert.deepEqual(await ids('shop', 'status=closed'), [closed]);
    assert.deepEqual(await ids('boss', `app=${DOCS}`), [docs]);
    assert.deepEqual(await ids('boss', `app=${DOCS}&q=refund`), [docs]);
    assert.deepEqual(await ids('shop', 'status=closed&q=refund'), []);
    // Reading a conversation takes it out of the unread filter.
    const before = await ids('shop', 'unread=true');
    assert.ok(before.includes(refund) && before.includes(ada));
    const res = await s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${ada}/read`, headers: { cookie: cookies.shop }, payload: { seq: 1 } });
    assert.equal(res.statusCode, 200);
    const after = await ids('shop', 'unread=true');
    assert.ok(after.includes(refund) && !after.includes(ada));
    assert.ok((await ids('shop', 'unread=false')).includes(ada));
  });

  test('bad parameters are a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['status=pending', 'status'],
      ['unread=yes', 'unread'],
      ['app=' + encodeURIComponent('a b'), 'app'],
      ['app=', 'app'],
      ['q=' + 'x'.repeat(201), 'q'],
      ['q=' + encodeURIComponent('a\u0000b'), 'q'],
      ['limit=0', 'limit'],
    ];
    for (const [query, field] of cases) {
      const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/conversations?${query}`, headers: { cookie: cookies.shop } });
      assert.equal(res.statusCode, 400, query);
      const body = res.json() as { code: string; field?: string };
      assert.equal(body.code, 'CONVOT_ERR_BAD_REQUEST', query);
      assert.equal(body.field, field, query);
    }
  });

  test('paging under a filter: every match once, in activity order', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await conversation(SHOP, [`pagination marker ${i}`])).id);
    const seen: string[] = [];
    let beforeId: string | undefined;
    for (let round = 0; round < 5; round++) {
      const page = await list('shop', `q=pagination&limit=2${beforeId ? `&before=${beforeId}` : ''}`);
      seen.push(...page.conversations.map((c) => c.id));
      if (!page.has_more) break;
      beforeId = page.conversations.at(-1)!.id;
    }
    assert.deepEqual(seen, [...made].reverse());
  });
});

describe('visitor context', () => {
  test('the socket auth frame and a page frame are stored per session and reach the inbox', async () => {
    const { token, id } = await conversation(SHOP, ['context please']);
    const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
    const { sock } = await visitorSocket(s.wsBase, token, 0, SHOP, {
      headers: { 'user-agent': ua },
      page: { url: 'https://shop.test/cart?x=1#secret', referrer: 'https://search.example/?q=shoes', language: 'fr-CA', time_zone: 'America/Toronto' },
    });
    const contextOf = async () => (await list('shop', 'q=context')).conversations.find((c) => c.id === id)?.context ?? null;
    await eventually(async () => ((await contextOf())?.url === 'https://shop.test/cart?x=1' ? true : undefined), 'the context stored');
    const c = (await contextOf())!;
    assert.equal(c.referrer, 'https://search.example/?q=shoes');
    assert.equal(c.language, 'fr-CA');
    assert.equal(c.time_zone, 'America/Toronto');
    assert.equal(c.browser, 'Safari 17');
    assert.equal(c.os, 'iOS 17.0');
    assert.equal(c.device, 'mobile');

    // A route change: only the page changes; the agent's socket hears of it.
    const inbox = await agentSocket(s.wsBase, cookies.shop);
    sock.send({ type: 'page', page: { url: 'https://shop.test/checkout' } });
    const frame = await inbox.sock.next((f) => f.type === 'conversation' && f.conversation.id === id && f.conversation.context?.url === 'https://shop.test/checkout');
    assert.equal(frame.conversation.context.referrer, 'https://search.example/?q=shoes');
    assert.equal(frame.conversation.context.device, 'mobile');

    // A bad page frame is refused with the field named; the stored context stays.
    sock.send({ type: 'page', page: { url: 'javascript:alert(1)' } });
    const err = await sock.nextType('error');
    assert.equal(err.field, 'page.url');
    sock.send({ type: 'page', page: { url: 'https://shop.test/a', language: 'x'.repeat(50) } });
    assert.equal((await sock.nextType('error')).field, 'page.language');
    sock.send({ type: 'page', page: { url: 'https://shop.test/a', time_zone: 'Mars/Olympus' } });
    assert.equal((await sock.nextType('error')).field, 'page.time_zone');
    sock.send({ type: 'page', page: { url: `https://shop.test/${'a'.repeat(3000)}` } });
    assert.equal((await sock.nextType('error')).field, 'page.url');
    sock.send({ type: 'page', page: { url: 'https://shop.test/\u0007bell' } });
    assert.equal((await sock.nextType('error')).field, 'page.url');
    await sock.sync();
    assert.equal((await contextOf())?.url, 'https://shop.test/checkout');
    await sock.close();
    await inbox.sock.close();
  });

  test('a malformed page in the auth frame does not keep the visitor from chatting', async () => {
    const { token, id } = await conversation(SHOP, ['bad page report']);
    const { sock, ready } = await visitorSocket(s.wsBase, token, 0, SHOP, {
      headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0' },
      page: { url: 42, language: '<script>' },
    });
    assert.equal(ready.type, 'ready');
    // The browser facts still arrive (from the User-Agent); the page is unknown.
    const c = await eventually(async () => (await list('shop', 'q=report')).conversations.find((x) => x.id === id)?.context ?? undefined, 'the context stored');
    assert.equal(c.url, null);
    assert.equal(c.language, null);
    assert.equal(c.device, 'desktop');
    assert.equal(c.browser, 'Firefox 133');
    assert.equal(c.os, 'Windows 10');
    await sock.close();
  });
});
