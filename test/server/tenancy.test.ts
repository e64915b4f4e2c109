/**
 * Tenancy: `agents[].apps`. An agent sees, receives and counts only conversations of their apps;
 * another app's conversation is a 404; an app is available only through its own agents.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../server/config.js';
import {
  agentSocket,
  auth,
  cid,
  loginAgent,
  newSession,
  startServer,
  stopServer,
  visitorPath,
  visitorSocket,
  type Frame,
  type Msg,
  type Sock,
  type TestServer,
} from './helpers.js';

const SHOP = 'app_shop';
const DOCS = 'app_docs';
const PASSWORD = 'tenant password';
const configData = () => ({
  apps: [
    { id: SHOP, name: 'Shop' },
    { id: DOCS, name: 'Docs' },
  ],
  agents: [
    { email: 'shop@test.dev', name: 'Shop Agent', password: PASSWORD, apps: [SHOP] },
    { email: 'docs@test.dev', name: 'Docs Agent', password: PASSWORD, apps: [DOCS] },
    { email: 'boss@test.dev', name: 'Boss', password: PASSWORD },
  ],
});

interface ErrBody {
  code: string;
  field?: string;
}

let s: TestServer;
const cookies: Record<'shop' | 'docs' | 'boss', string> = { shop: '', docs: '', boss: '' };
const open: Sock[] = [];

before(async () => {
  s = await startServer({ listen: true, config: parseConfig(configData(), {}) });
  for (const who of ['shop', 'docs', 'boss'] as const) cookies[who] = await loginAgent(s.app, PASSWORD, `${who}@test.dev`);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
after(() => stopServer(s));

const track = <T extends { sock: Sock }>(x: T): T => {
  open.push(x.sock);
  return x;
};
const inbox = async (who: keyof typeof cookies) => track(await agentSocket(s.wsBase, cookies[who]));
const visitor = async (appId: string, token: string) => track(await visitorSocket(s.wsBase, token, 0, appId));

/** A new visitor of `appId` who has sent one message; returns their token and conversation id. */
async function conversationOf(appId: string, body = `hello from ${appId}`): Promise<{ token: string; id: string; message: Msg }> {
  const { token } = await newSession(s.app, appId);
  const res = await s.app.inject({ method: 'POST', url: visitorPath('/messages', appId), headers: auth(token), payload: { client_id: cid(), body } });
  assert.equal(res.statusCode, 201, res.body);
  const message = (res.json() as { message: Msg }).message;
  return { token, id: message.conversation_id, message };
}

const agentGet = (who: keyof typeof cookies, url: string) => s.app.inject({ method: 'GET', url: `/api/v1/agent${url}`, headers: { cookie: cookies[who] } });
const agentPost = (who: keyof typeof cookies, url: string, payload?: object) =>
  s.app.inject({ method: 'POST', url: `/api/v1/agent${url}`, headers: { cookie: cookies[who] }, payload });
const listIds = async (who: keyof typeof cookies): Promise<{ id: string; app_id: string }[]> => {
  const res = await agentGet(who, '/conversations?limit=200');
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { conversations: { id: string; app_id: string }[] }).conversations;
};
const available = async (appId: string) => ((await s.app.inject({ method: 'GET', url: visitorPath('/config', appId) })).json() as { available: boolean }).available;

describe('what an agent sees', () => {
  test("the list shows only the agent's apps; an agent without apps sees every app", async () => {
    const shop = await conversationOf(SHOP);
    const docs = await conversationOf(DOCS);
    const shopList = await listIds('shop');
    assert.ok(shopList.some((c) => c.id === shop.id));
    assert.ok(shopList.every((c) => c.app_id === SHOP), 'nothing of another app');
    const docsList = await listIds('docs');
    assert.ok(docsList.some((c) => c.id === docs.id));
    assert.ok(docsList.every((c) => c.app_id === DOCS));
    const bossList = (await listIds('boss')).map((c) => c.id);
    assert.ok(bossList.includes(shop.id) && bossList.includes(docs.id));
    // Paging from another app's conversation is paging from nothing.
    const paged = await agentGet('shop', `/conversations?before=${docs.id}`);
    assert.equal(paged.statusCode, 404);
    assert.equal((paged.json() as ErrBody).code, 'CONVOT_ERR_NOT_FOUND');
  });

  test("another app's conversation is a 404 for history, reply, read, close and reopen, and nothing changes", async () => {
    const docs = await conversationOf(DOCS, 'docs only');
    const attempts = [
      await agentGet('shop', `/conversations/${docs.id}/messages`),
      await agentPost('shop', `/conversations/${docs.id}/messages`, { client_id: cid(), body: 'cross-app reply' }),
      await agentPost('shop', `/conversations/${docs.id}/read`, { seq: 1 }),
      await agentPost('shop', `/conversations/${docs.id}/close`),
      await agentPost('shop', `/conversations/${docs.id}/reopen`),
    ];
    for (const res of attempts) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_NOT_FOUND');
      assert.ok(!res.body.includes('docs only'));
    }
    const rows = await s.db.query<{ status: string; agent_read_seq: number; n: number }>(
      'SELECT c.status, c.agent_read_seq, (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id) AS n FROM conversations c WHERE c.public_id = $1',
      [docs.id],
    );
    assert.deepEqual(rows, [{ status: 'open', agent_read_seq: 0, n: 1 }]);
    // The app's own agent, and the all-apps agent, can.
    assert.equal((await agentGet('docs', `/conversations/${docs.id}/messages`)).statusCode, 200);
    assert.equal((await agentPost('boss', `/conversations/${docs.id}/read`, { seq: 1 })).statusCode, 200);
  });
});

describe('sockets', () => {
  test("an agent socket receives only its apps' messages and updates; socket replies and reads to another app → NOT_FOUND", async () => {
    const { sock: shopInbox } = await inbox('shop');
    const { sock: docsInbox } = await inbox('docs');
    const shop = await conversationOf(SHOP, 'shop live');
    const docs = await conversationOf(DOCS, 'docs live');
    await shopInbox.next((f) => f.type === 'message' && f.message.body === 'shop live');
    await docsInbox.next((f) => f.type === 'message' && f.message.body === 'docs live');
    // A read mark and a close in the docs app, announced to docs agents only.
    assert.equal((await agentPost('docs', `/conversations/${docs.id}/read`, { seq: 1 })).statusCode, 200);
    assert.equal((await agentPost('docs', `/conversations/${docs.id}/close`)).statusCode, 200);
    await docsInbox.next((f) => f.type === 'conversation' && f.conversation.id === docs.id && f.conversation.status === 'closed');

    shopInbox.send({ type: 'message', conversation_id: docs.id, client_id: cid(), body: 'cross-app over socket' });
    const e1 = await shopInbox.nextType('error');
    assert.equal(e1.code, 'CONVOT_ERR_NOT_FOUND');
    shopInbox.send({ type: 'read', conversation_id: docs.id, seq: 1 });
    const e2 = await shopInbox.nextType('error');
    assert.equal(e2.code, 'CONVOT_ERR_NOT_FOUND');

    // A catch-up (after a lost fan-out connection) respects apps too.
    await s.app.convot.hub.catchUp();
    await shopInbox.sync();
    const aboutDocs = (f: Frame) => JSON.stringify(f).includes(docs.id) || JSON.stringify(f).includes(DOCS);
    assert.deepEqual(shopInbox.frames.filter((f) => f.type !== 'error' && aboutDocs(f)), [], 'the shop inbox heard nothing of the docs app');
    assert.ok(shopInbox.frames.some((f) => f.type === 'conversation' && f.conversation.id === shop.id), 'catch-up sent the shop conversation');
    assert.equal((await s.db.query("SELECT 1 FROM messages WHERE body = 'cross-app over socket'")).length, 0);
  });

  test('the ready frame names the agent’s apps (null: every app)', async () => {
    await conversationOf(DOCS, 'not for the shop');
    const { ready } = await inbox('shop');
    assert.deepEqual(ready.agent.apps, [SHOP]);
    const { ready: boss } = await inbox('boss');
    assert.equal(boss.agent.apps, null);
  });
});

describe('availability per app', () => {
  test("an app is available only while one of its agents is: config, ready and availability frames", async () => {
    const shopVisitor = await visitor(SHOP, (await newSession(s.app, SHOP)).token);
    const docsVisitor = await visitor(DOCS, (await newSession(s.app, DOCS)).token);
    assert.equal(shopVisitor.ready.available, false);
    assert.equal(docsVisitor.ready.available, false);

    const { sock: shopInbox, ready } = await inbox('shop');
    assert.deepEqual(await shopVisitor.sock.nextType('availability'), { type: 'availability', available: true });
    assert.equal(await available(SHOP), true);
    assert.equal(await available(DOCS), false);
    assert.equal((await visitor(DOCS, (await newSession(s.app, DOCS)).token)).ready.available, false);
    assert.equal(ready.agents_online, 1, 'the shop agent counts themself');

    // The docs agent comes and goes: the shop inbox neither counts nor hears of them.
    const { sock: docsInbox, ready: docsReady } = await inbox('docs');
    assert.equal(docsReady.agents_online, 1, 'the docs agent does not count the shop agent');
    assert.deepEqual(await docsVisitor.sock.nextType('availability'), { type: 'availability', available: true });
    await docsInbox.close();
    assert.deepEqual(await docsVisitor.sock.nextType('availability'), { type: 'availability', available: false });
    await shopInbox.sync();
    await shopVisitor.sock.sync();
    assert.ok(!shopInbox.frames.some((f) => f.type === 'presence' && f.agent.email === 'docs@test.dev'), 'no presence of another app');
    assert.equal(shopVisitor.sock.frames.filter((f) => f.type === 'availability').length, 1, 'the shop visitor heard only their own app');

    // The all-apps agent makes both available and counts for both.
    const { sock: bossInbox } = await inbox('boss');
    assert.deepEqual(await docsVisitor.sock.nextType('availability'), { type: 'availability', available: true });
    const p = await shopInbox.next((f) => f.type === 'presence' && f.agent.email === 'boss@test.dev');
    assert.equal(p.agents_online, 2);
    await bossInbox.close();
    await shopInbox.close();
    assert.deepEqual(await docsVisitor.sock.nextType('availability'), { type: 'availability', available: false });
    assert.deepEqual(await shopVisitor.sock.nextType('availability'), { type: 'availability', available: false });
  });
});

describe('config', () => {
  test('agents[].apps is stored; absent means every app', async () => {
    const rows = await s.db.query<{ email: string; apps: string[] | null }>('SELECT email, apps FROM agents ORDER BY email');
    assert.deepEqual(rows, [
      { email: 'boss@test.dev', apps: null },
      { email: 'docs@test.dev', apps: [DOCS] },
      { email: 'shop@test.dev', apps: [SHOP] },
    ]);
  });

  const rejects: [name: string, apps: unknown, pattern: RegExp][] = [
    ['an unknown app id', [SHOP, 'app_nope'], /agents\[1\]\.apps\[1\].*"app_nope"/],
    ['an empty list', [], /agents\[1\]\.apps must be a non-empty array/],
    ['a string instead of a list', SHOP, /agents\[1\]\.apps must be a non-empty array/],
    ['a number in the list', [42], /agents\[1\]\.apps\[0\]/],
  ];
  for (const [name, apps, pattern] of rejects) {
    test(`parseConfig rejects ${name} in agents[].apps, naming the entry`, () => {
      const data = configData() as { agents: Record<string, unknown>[] };
      data.agents[1]!.apps = apps;
      assert.throws(
        () => parseConfig(data, {}),
        (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
      );
    });
  }
});
