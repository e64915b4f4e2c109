import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, applyConfig, parseConfig } from '../../server/config.js';
import { verifyPassword } from '../../server/identity/secrets.js';
import { LIMITS, RateLimiter } from '../../server/rate-limit.js';
import { eventually } from '../support/eventually.js';
import {
  AGENT_EMAIL,
  AGENT_NAME,
  AGENT_PASSWORD,
  agentSocket,
  auth,
  visitorSocket,
  cid,
  loginAgent,
  newSession,
  refusedUpgrade,
  sendVisitor,
  startServer,
  stopServer,
  testConfig,
  testConfigData,
  visitorPath,
  type Msg,
  type TestServer,
} from './helpers.js';

interface ErrBody {
  code: string;
  message: string;
  field?: string;
}
interface Summary {
  id: string;
  last_seq: number;
  agent_read_seq: number;
  unread_count: number;
  last_message: Msg | null;
  last_message_at: string | null;
}

let s: TestServer;
let cookie: string;
let agentId: string;

before(async () => {
  // Many sign-ins from one IP here; the login limit itself is covered by limits.test.ts.
  s = await startServer({ listen: true, rateLimiter: new RateLimiter(Date.now, { ...LIMITS, login: { max: 10_000, windowMs: 60_000 } }) });
  cookie = await loginAgent(s.app);
  agentId = (await s.app.convot.repos.agents.findByEmail(AGENT_EMAIL))!.id;
});
after(() => stopServer(s));

const login = (email: string, password: string) => s.app.inject({ method: 'POST', url: '/api/v1/agent/login', payload: { email, password } });
const conversations = async (c = cookie): Promise<Summary[]> => {
  const res = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie: c } });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { conversations: Summary[] }).conversations;
};
const summaryOf = async (id: string): Promise<Summary> => {
  const found = (await conversations()).find((c) => c.id === id);
  assert.ok(found, `conversation ${id} is listed`);
  return found;
};
const markRead = (id: string, seq: unknown, c = cookie) =>
  s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${id}/read`, headers: { cookie: c }, payload: { seq } });
const reply = (id: string, body: string, clientId = cid(), c = cookie) =>
  s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${id}/messages`, headers: { cookie: c }, payload: { client_id: clientId, body } });

describe('sign-in', () => {
  test('the right password → 200 and an HttpOnly, SameSite=Strict convot_agent cookie', async () => {
    const res = await login(AGENT_EMAIL, AGENT_PASSWORD);
    assert.equal(res.statusCode, 200);
    const setCookie = res.headers['set-cookie'];
    assert.equal(typeof setCookie, 'string');
    const parts = String(setCookie).split(';').map((p) => p.trim());
    assert.match(parts[0]!, /^convot_agent=[A-Za-z0-9_%-]{32,}$/);
    assert.ok(parts.includes('HttpOnly'), String(setCookie));
    assert.ok(parts.includes('SameSite=Strict'), String(setCookie));
    assert.ok(parts.includes('Path=/'), String(setCookie));
    assert.ok(!parts.includes('Secure'), 'no Secure flag over plain http');
    const body = res.json() as { agent: Record<string, unknown> };
    assert.equal(body.agent.email, AGENT_EMAIL);
    assert.equal(body.agent.name, AGENT_NAME);
    assert.equal(body.agent.id, agentId);
    assert.ok(!res.body.includes('scrypt'), 'the password hash is never sent');
  });

  test('the email is matched case-insensitively and trimmed', async () => {
    const res = await login('  Agent@Test.DEV ', AGENT_PASSWORD);
    assert.equal(res.statusCode, 200);
  });

  test('the cookie works among other cookies and /me returns the agent', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/agent/me', headers: { cookie: `theme=dark; ${cookie}; other=1` } });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { agent: { id: string; email: string; name: string; online: boolean }; agents_online: number };
    assert.equal(body.agent.id, agentId);
    assert.equal(body.agent.name, AGENT_NAME);
    assert.equal(typeof body.agents_online, 'number');
  });

  test('a wrong password → 401 CONVOT_ERR_BAD_CREDENTIALS, no cookie', async () => {
    const res = await login(AGENT_EMAIL, 'correct horse battery staple');
    assert.equal(res.statusCode, 401);
    assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_BAD_CREDENTIALS');
    assert.equal(res.headers['set-cookie'], undefined);
  });

  test('an unknown email → the same 401 CONVOT_ERR_BAD_CREDENTIALS', async () => {
    const wrong = await login(AGENT_EMAIL, 'nope nope nope');
    const unknown = await login('nobody@test.dev', AGENT_PASSWORD);
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.headers['set-cookie'], undefined);
    assert.deepEqual(unknown.json(), wrong.json(), 'the response does not reveal whether the email exists');
  });

  test('a login body without email or password → 400 naming the field', async () => {
    const r1 = await s.app.inject({ method: 'POST', url: '/api/v1/agent/login', payload: { password: 'x' } });
    assert.equal(r1.statusCode, 400);
    assert.equal((r1.json() as ErrBody).field, 'email');
    const r2 = await s.app.inject({ method: 'POST', url: '/api/v1/agent/login', payload: { email: AGENT_EMAIL } });
    assert.equal(r2.statusCode, 400);
    assert.equal((r2.json() as ErrBody).field, 'password');
  });

  test('the inbox API refuses requests a browser marks as coming from another origin', async () => {
    const login = await s.app.inject({
      method: 'POST',
      url: '/api/v1/agent/login',
      headers: { origin: 'http://evil.test' },
      payload: { email: AGENT_EMAIL, password: AGENT_PASSWORD },
    });
    assert.equal(login.statusCode, 403);
    assert.equal((login.json() as ErrBody).code, 'CONVOT_ERR_ORIGIN_NOT_ALLOWED');
    assert.equal(login.headers['set-cookie'], undefined);
    const list = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie, origin: 'http://evil.test' } });
    assert.equal(list.statusCode, 403);
    const upgrade = await refusedUpgrade(`${s.wsBase}/api/v1/agent/ws`, { headers: { cookie, origin: 'http://evil.test' } });
    assert.equal(upgrade.status, 403);
    // Same origin (Origin equals this server) works.
    const host = s.wsBase.replace('ws://', '');
    const ok = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie, origin: `http://${host}`, host } });
    assert.equal(ok.statusCode, 200);
  });

  test("logout closes that session's open agent sockets (4401), and only those", async () => {
    const mine = await loginAgent(s.app);
    const other = await loginAgent(s.app);
    const { sock: minesSocket } = await agentSocket(s.wsBase, mine);
    const { sock: othersSocket } = await agentSocket(s.wsBase, other);
    const closed = minesSocket.closedWithin(4000);
    await s.app.inject({ method: 'POST', url: '/api/v1/agent/logout', headers: { cookie: mine } });
    assert.equal((await closed).code, 4401);
    // The other session's socket still gets live messages.
    const v = await newSession(s.app);
    await sendVisitor(s.app, v.token, 'still listening?');
    const frame = await othersSocket.next((f) => f.type === 'message');
    assert.equal((frame.message as Msg).body, 'still listening?');
    await othersSocket.close();
  });

  test('logout invalidates the cookie', async () => {
    const mine = await loginAgent(s.app);
    assert.equal((await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie: mine } })).statusCode, 200);
    const out = await s.app.inject({ method: 'POST', url: '/api/v1/agent/logout', headers: { cookie: mine } });
    assert.equal(out.statusCode, 200);
    assert.match(String(out.headers['set-cookie']), /^convot_agent=;.*Max-Age=0/);
    const after = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie: mine } });
    assert.equal(after.statusCode, 401);
    assert.equal((after.json() as ErrBody).code, 'CONVOT_ERR_AGENT_AUTH_REQUIRED');
    const ws = await refusedUpgrade(`${s.wsBase}/api/v1/agent/ws`, { headers: { cookie: mine } });
    assert.equal(ws.status, 401);
    const me = await s.app.inject({ method: 'GET', url: '/api/v1/agent/me', headers: { cookie: mine } });
    assert.equal((me.json() as { agent: unknown }).agent, null);
    // Other sessions of the same agent stay signed in.
    assert.equal((await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie } })).statusCode, 200);
  });

  test('an expired agent session is refused', async () => {
    const token = await s.app.convot.repos.agents.createSession(agentId, -1);
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie: `convot_agent=${token}` } });
    assert.equal(res.statusCode, 401);
    assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_AGENT_AUTH_REQUIRED');
    const me = await s.app.inject({ method: 'GET', url: '/api/v1/agent/me', headers: { cookie: `convot_agent=${token}` } });
    assert.equal((me.json() as { agent: unknown }).agent, null);
  });

  test('agent session tokens are stored hashed', async () => {
    const token = decodeURIComponent(cookie.slice('convot_agent='.length));
    const rows = await s.db.query('SELECT 1 FROM agent_sessions WHERE token_hash = $1', [token]);
    assert.equal(rows.length, 0);
  });

  test('the password is stored as an scrypt hash, not plaintext', async () => {
    const rows = await s.db.query<{ password_hash: string }>('SELECT password_hash FROM agents WHERE email = $1', [AGENT_EMAIL]);
    assert.equal(rows.length, 1);
    const hash = rows[0]!.password_hash;
    assert.match(hash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.ok(!hash.includes(AGENT_PASSWORD));
    assert.equal(await verifyPassword(AGENT_PASSWORD, hash), true);
    assert.equal(await verifyPassword('wrong password', hash), false);
  });
});

describe('agent routes require sign-in', () => {
  const routes: [method: 'GET' | 'POST' | 'PUT', url: string, payload?: object][] = [
    ['GET', '/api/v1/agent/conversations'],
    ['GET', '/api/v1/agent/conversations/cnv_x/messages'],
    ['POST', '/api/v1/agent/conversations/cnv_x/messages', { client_id: 'abcdefgh', body: 'hi' }],
    ['POST', '/api/v1/agent/conversations/cnv_x/read', { seq: 1 }],
    ['PUT', '/api/v1/agent/presence', { online: true }],
  ];
  for (const [method, url, payload] of routes) {
    test(`${method} ${url} without a cookie → 401 CONVOT_ERR_AGENT_AUTH_REQUIRED`, async () => {
      const res = await s.app.inject({ method, url, payload });
      assert.equal(res.statusCode, 401);
      assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_AGENT_AUTH_REQUIRED');
      const forged = await s.app.inject({ method, url, payload, headers: { cookie: 'convot_agent=forged-token-value' } });
      assert.equal(forged.statusCode, 401);
      assert.equal((forged.json() as ErrBody).code, 'CONVOT_ERR_AGENT_AUTH_REQUIRED');
    });
  }

  test('GET /me without a cookie answers 200 with agent null (a question, not an error)', async () => {
    for (const headers of [{}, { cookie: 'convot_agent=forged-token-value' }]) {
      const res = await s.app.inject({ method: 'GET', url: '/api/v1/agent/me', headers });
      assert.equal(res.statusCode, 200);
      const body = res.json() as { agent: unknown; agents_online: number };
      assert.equal(body.agent, null);
      assert.equal(typeof body.agents_online, 'number');
    }
  });

  test('a visitor bearer token is not an agent credential', async () => {
    const { token } = await newSession(s.app);
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { ...auth(token), cookie: `convot_agent=${token}` } });
    assert.equal(res.statusCode, 401);
  });

  test('the agent WebSocket upgrade is refused without a cookie', async () => {
    const r = await refusedUpgrade(`${s.wsBase}/api/v1/agent/ws`);
    assert.equal(r.status, 401);
    assert.equal((JSON.parse(r.body) as ErrBody).code, 'CONVOT_ERR_AGENT_AUTH_REQUIRED');
    const forged = await refusedUpgrade(`${s.wsBase}/api/v1/agent/ws`, { headers: { cookie: 'convot_agent=forged' } });
    assert.equal(forged.status, 401);
  });
});

describe('inbox', () => {
  test('the conversation list pages by activity: ?before=<id>&limit=N, has_more, no row skipped or repeated', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const v = await newSession(s.app);
      ids.unshift((await sendVisitor(s.app, v.token, `paging ${i}`)).conversation_id); // newest first
    }
    const page = async (query: string) => {
      const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/conversations${query}`, headers: { cookie } });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { conversations: Summary[]; has_more: boolean };
    };
    const first = await page('?limit=3');
    assert.equal(first.conversations.length, 3);
    assert.equal(first.has_more, true);
    assert.deepEqual(first.conversations.map((c) => c.id), ids.slice(0, 3));
    const second = await page(`?limit=3&before=${first.conversations.at(-1)!.id}`);
    assert.deepEqual(second.conversations.map((c) => c.id), ids.slice(3, 6));
    const third = await page(`?limit=4&before=${ids[5]}`);
    assert.equal(third.conversations[0]!.id, ids[6]);
    // Everything after the last of our seven is older (from earlier tests), never one of ours.
    assert.ok(third.conversations.every((c, i) => i === 0 || !ids.includes(c.id)));
    const bad = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations?limit=500', headers: { cookie } });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as ErrBody).field, 'limit');
    const unknown = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations?before=cnv_nope', headers: { cookie } });
    assert.equal(unknown.statusCode, 404);
  });

  test('conversations are ordered by latest activity, with unread counts', async () => {
    const a = await newSession(s.app);
    const b = await newSession(s.app);
    const c = await newSession(s.app);
    const ma = await sendVisitor(s.app, a.token, 'A one');
    const mb = await sendVisitor(s.app, b.token, 'B one');
    const mc = await sendVisitor(s.app, c.token, 'C one');
    await sendVisitor(s.app, a.token, 'A two');

    const list = await conversations();
    const ids = [ma, mb, mc].map((m) => m.conversation_id);
    const order = list.map((x) => x.id).filter((id) => ids.includes(id));
    assert.deepEqual(order, [ma.conversation_id, mc.conversation_id, mb.conversation_id]);
    for (let i = 1; i < list.length; i++) {
      assert.ok((list[i - 1]!.last_message_at ?? '') >= (list[i]!.last_message_at ?? ''), 'the whole list is newest first');
    }
    const sa = list.find((x) => x.id === ma.conversation_id)!;
    assert.equal(sa.unread_count, 2);
    assert.equal(sa.last_seq, 2);
    assert.equal(sa.last_message?.body, 'A two');
    assert.equal(list.find((x) => x.id === mb.conversation_id)!.unread_count, 1);

    // An agent reply moves B to the top.
    assert.equal((await reply(mb.conversation_id, 'B reply')).statusCode, 201);
    const list2 = await conversations();
    assert.equal(list2.map((x) => x.id).filter((id) => ids.includes(id))[0], mb.conversation_id);
  });

  test('POST /conversations/:id/read clears the unread count', async () => {
    const v = await newSession(s.app);
    const m = await sendVisitor(s.app, v.token, 'one');
    await sendVisitor(s.app, v.token, 'two');
    await sendVisitor(s.app, v.token, 'three');
    assert.equal((await summaryOf(m.conversation_id)).unread_count, 3);

    const partial = await markRead(m.conversation_id, 1);
    assert.equal(partial.statusCode, 200);
    assert.deepEqual(partial.json(), { ok: true });
    assert.equal((await summaryOf(m.conversation_id)).unread_count, 2);

    assert.equal((await markRead(m.conversation_id, 3)).statusCode, 200);
    const sum = await summaryOf(m.conversation_id);
    assert.equal(sum.unread_count, 0);
    assert.equal(sum.agent_read_seq, 3);

    // Read marks never go backwards and never pass the last message.
    assert.equal((await markRead(m.conversation_id, 1)).statusCode, 200);
    assert.equal((await summaryOf(m.conversation_id)).agent_read_seq, 3);
    assert.equal((await markRead(m.conversation_id, 1000)).statusCode, 200);
    assert.equal((await summaryOf(m.conversation_id)).agent_read_seq, 3);
    await sendVisitor(s.app, v.token, 'four');
    assert.equal((await summaryOf(m.conversation_id)).unread_count, 1, 'a new visitor message is unread after an overshooting read');
  });

  test('a bad read body → 400 field seq', async () => {
    const v = await newSession(s.app);
    const m = await sendVisitor(s.app, v.token, 'x');
    for (const seq of [-1, 'a', 1.5, undefined]) {
      const res = await markRead(m.conversation_id, seq);
      assert.equal(res.statusCode, 400, String(seq));
      assert.equal((res.json() as ErrBody).field, 'seq');
    }
  });

  test('replying via REST stores an agent message with agent_name', async () => {
    const v = await newSession(s.app);
    const m = await sendVisitor(s.app, v.token, 'need help');
    const c = cid();
    const res = await reply(m.conversation_id, 'On it!', c);
    assert.equal(res.statusCode, 201);
    const msg = (res.json() as { message: Msg }).message;
    assert.equal(msg.author, 'agent');
    assert.equal(msg.agent_name, AGENT_NAME);
    assert.equal(msg.seq, 2);
    assert.equal(msg.client_id, c);
    assert.equal(msg.conversation_id, m.conversation_id);

    const rows = await s.db.query<{ author: string; agent_id: string; body: string }>(
      `SELECT m.author, m.agent_id::text AS agent_id, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.public_id = $1 AND m.seq = 2`,
      [m.conversation_id],
    );
    assert.deepEqual(rows, [{ author: 'agent', agent_id: agentId, body: 'On it!' }]);

    // The visitor sees it in their history.
    const hist = await s.app.inject({ method: 'GET', url: visitorPath('/messages?after=1'), headers: auth(v.token) });
    const seen = (hist.json() as { messages: Msg[] }).messages;
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.agent_name, AGENT_NAME);
    assert.equal(seen[0]!.author, 'agent');

    // Retrying the same client id is idempotent; replying marks the conversation read.
    const retry = await reply(m.conversation_id, 'On it!', c);
    assert.equal(retry.statusCode, 200);
    assert.equal((retry.json() as { message: Msg }).message.seq, 2);
    const sum = await summaryOf(m.conversation_id);
    assert.equal(sum.unread_count, 0);
    assert.equal(sum.last_seq, 2);
  });

  test('GET /conversations/:id/messages returns the summary, messages (after=N) and events', async () => {
    const v = await newSession(s.app);
    const m = await sendVisitor(s.app, v.token, 'first');
    await reply(m.conversation_id, 'second');
    await sendVisitor(s.app, v.token, 'third');
    const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/conversations/${m.conversation_id}/messages?after=1`, headers: { cookie } });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { conversation: Summary; messages: Msg[]; events: unknown[] };
    assert.equal(body.conversation.id, m.conversation_id);
    assert.deepEqual(
      body.messages.map((x) => [x.seq, x.author, x.body]),
      [
        [2, 'agent', 'second'],
        [3, 'visitor', 'third'],
      ],
    );
    assert.deepEqual(body.events, []);
  });

  test('a bad reply body → 400 naming the field', async () => {
    const v = await newSession(s.app);
    const m = await sendVisitor(s.app, v.token, 'x');
    const r1 = await s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${m.conversation_id}/messages`, headers: { cookie }, payload: { client_id: cid(), body: ' ' } });
    assert.equal(r1.statusCode, 400);
    assert.equal((r1.json() as ErrBody).field, 'body');
    const r2 = await s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${m.conversation_id}/messages`, headers: { cookie }, payload: { client_id: 'no', body: 'hi' } });
    assert.equal(r2.statusCode, 400);
    assert.equal((r2.json() as ErrBody).field, 'client_id');
  });

  test('an unknown conversation id → 404 CONVOT_ERR_NOT_FOUND', async () => {
    const get = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations/cnv_unknown/messages', headers: { cookie } });
    assert.equal(get.statusCode, 404);
    assert.equal((get.json() as ErrBody).code, 'CONVOT_ERR_NOT_FOUND');
    const post = await reply('cnv_unknown', 'hello?');
    assert.equal(post.statusCode, 404);
    assert.equal((post.json() as ErrBody).code, 'CONVOT_ERR_NOT_FOUND');
    const read = await markRead('cnv_unknown', 1);
    assert.equal(read.statusCode, 404);
    assert.equal((read.json() as ErrBody).code, 'CONVOT_ERR_NOT_FOUND');
    const rows = await s.db.query("SELECT 1 FROM messages WHERE body = 'hello?'");
    assert.equal(rows.length, 0);
  });

  test('PUT /presence {away} or {online}: available while the inbox is open and not away', async () => {
    const available = async () => ((await s.app.inject({ method: 'GET', url: visitorPath('/config') })).json() as { available: boolean }).available;
    const presence = (payload: object) => s.app.inject({ method: 'PUT', url: '/api/v1/agent/presence', headers: { cookie }, payload });
    const me = async () => ((await s.app.inject({ method: 'GET', url: '/api/v1/agent/me', headers: { cookie } })).json() as { agent: { online: boolean; away: boolean } }).agent;
    const { sock: inbox } = await agentSocket(s.wsBase, cookie);
    try {
      assert.equal(await available(), true, 'an open inbox is enough');
      const away = await presence({ away: true });
      assert.equal(away.statusCode, 200);
      assert.deepEqual(away.json(), { online: false, away: true });
      assert.equal(await available(), false);
      assert.deepEqual(await me(), { ...(await me()), online: false, away: true });
      const back = await presence({ online: true });
      assert.deepEqual(back.json(), { online: true, away: false });
      assert.equal(await available(), true);
      assert.equal((await me()).away, false);
      assert.deepEqual((await presence({ online: false })).json(), { online: false, away: true }, 'online false means Away');
      await presence({ away: false });
    } finally {
      await inbox.close();
    }
    // The server learns of the close a moment after the client has closed.
    await eventually(async () => ((await available()) ? undefined : true), 'closing the inbox to make the agent unreachable', 5_000);
    const bad = await presence({ online: 'yes' });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as ErrBody).field, 'online');
    const badAway = await presence({ away: 1 });
    assert.equal(badAway.statusCode, 400);
    assert.equal((badAway.json() as ErrBody).field, 'away');
  });

  test('an available agent who closes the inbox is no longer available; visitors are told live', async () => {
    const v = await newSession(s.app);
    const { sock: visitor } = await visitorSocket(s.wsBase, v.token);
    const { sock: inbox } = await agentSocket(s.wsBase, cookie);
    assert.deepEqual(await visitor.nextType('availability'), { type: 'availability', available: true });
    await inbox.close();
    assert.deepEqual(await visitor.nextType('availability'), { type: 'availability', available: false });
    // Still Available by their own choice: opening the inbox again makes them reachable.
    const me = await s.app.inject({ method: 'GET', url: '/api/v1/agent/me', headers: { cookie } });
    assert.equal((me.json() as { agent: { online: boolean } }).agent.online, true);
    const { sock: again } = await agentSocket(s.wsBase, cookie);
    assert.deepEqual(await visitor.nextType('availability'), { type: 'availability', available: true });
    again.send({ type: 'presence', online: false });
    assert.deepEqual(await visitor.nextType('availability'), { type: 'availability', available: false });
    await again.close();
    await visitor.close();
  });

  test("an instance whose presence reports go stale (it died) stops counting at the next heartbeat check", async () => {
    await s.app.inject({ method: 'PUT', url: '/api/v1/agent/presence', headers: { cookie }, payload: { away: false } });
    const v = await newSession(s.app);
    const { sock: visitor } = await visitorSocket(s.wsBase, v.token);
    const { sock: inbox } = await agentSocket(s.wsBase, cookie);
    assert.deepEqual(await visitor.nextType('availability'), { type: 'availability', available: true });
    // Another process held this agent's only socket and stopped reporting two minutes ago.
    await s.db.query(`UPDATE agent_presence SET seen_at = now() - interval '2 minutes'`);
    await s.app.convot.hub.checkAvailability();
    assert.deepEqual(await visitor.nextType('availability'), { type: 'availability', available: false });
    await inbox.close();
    await visitor.close();
  });
});

describe('config', () => {
  test('applyConfig run twice is idempotent: same agent id, same hash, still signs in', async () => {
    const repos = s.app.convot.repos;
    const before = (await repos.agents.findByEmail(AGENT_EMAIL))!;
    await applyConfig(repos, testConfig());
    await applyConfig(repos, testConfig());
    const after = (await repos.agents.findByEmail(AGENT_EMAIL))!;
    assert.equal(after.id, before.id);
    assert.equal(after.password_hash, before.password_hash, 'an unchanged password is not re-hashed');
    const counts = await s.db.query<{ agents: number; apps: number }>(
      "SELECT (SELECT count(*)::int FROM agents) AS agents, (SELECT count(*)::int FROM apps WHERE id = 'app_test') AS apps",
    );
    assert.deepEqual(counts[0], { agents: 1, apps: 1 });
    assert.equal((await login(AGENT_EMAIL, AGENT_PASSWORD)).statusCode, 200);
    assert.equal((await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie } })).statusCode, 200, 'existing sign-ins survive');
  });

  test('a changed password in the config replaces the old one', async () => {
    const repos = s.app.convot.repos;
    const data = testConfigData() as { agents: { password: string }[] };
    data.agents[0]!.password = 'a brand new password';
    try {
      await applyConfig(repos, parseConfig(data, {}));
      assert.equal((await login(AGENT_EMAIL, AGENT_PASSWORD)).statusCode, 401);
      assert.equal((await login(AGENT_EMAIL, 'a brand new password')).statusCode, 200);
      assert.equal((await repos.agents.findByEmail(AGENT_EMAIL))!.id, agentId);
    } finally {
      await applyConfig(repos, testConfig());
    }
    assert.equal((await login(AGENT_EMAIL, AGENT_PASSWORD)).statusCode, 200);
  });

  test('applyConfig updates an app’s allowed_origins', async () => {
    const repos = s.app.convot.repos;
    const data = testConfigData() as { apps: { allowed_origins: string[] }[] };
    data.apps[0]!.allowed_origins = ['http://new.test'];
    try {
      await applyConfig(repos, parseConfig(data, {}));
      const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: { origin: 'http://allowed.test' } });
      assert.equal(res.statusCode, 403);
      const ok = await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: { origin: 'http://new.test' } });
      assert.equal(ok.statusCode, 201);
    } finally {
      await applyConfig(repos, testConfig());
    }
  });

  test('parseConfig reads env:NAME secrets from the env object passed in', () => {
    const data = {
      apps: [{ id: 'a1', identity_secret: 'env:CONVOT_T_SECRET' }],
      agents: [{ email: 'x@y.z', password: 'env:CONVOT_T_PW' }],
    };
    const cfg = parseConfig(data, { CONVOT_T_SECRET: 'shh-secret-from-the-environment-32+', CONVOT_T_PW: 'from the env object' });
    assert.equal(cfg.apps[0]!.identity_secret, 'shh-secret-from-the-environment-32+');
    assert.equal(cfg.agents[0]!.password, 'from the env object');
    assert.equal(cfg.agents[0]!.password_is_literal, false);
    assert.equal(parseConfig(testConfigData(), {}).agents[0]!.password_is_literal, true);
    assert.equal(cfg.apps[0]!.name, 'a1', 'name defaults to the id');
  });

  test('parseConfig does not fall back to process.env when an env object is given', () => {
    process.env.CONVOT_T_ONLY_IN_PROCESS = 'process env value';
    try {
      assert.throws(
        () => parseConfig({ agents: [{ email: 'x@y.z', password: 'env:CONVOT_T_ONLY_IN_PROCESS' }] }, {}),
        (e: unknown) => e instanceof ConfigError && /CONVOT_T_ONLY_IN_PROCESS/.test(e.message),
      );
    } finally {
      delete process.env.CONVOT_T_ONLY_IN_PROCESS;
    }
  });

  test('a missing or empty env secret → a clear ConfigError naming the field and variable', () => {
    for (const env of [{}, { CONVOT_T_PW: '' }]) {
      assert.throws(
        () => parseConfig({ agents: [{ email: 'x@y.z', password: 'env:CONVOT_T_PW' }] }, env),
        (e: unknown) => e instanceof ConfigError && e.name === 'ConfigError' && /agents\[0\]\.password/.test(e.message) && /CONVOT_T_PW/.test(e.message) && /not set/.test(e.message),
      );
    }
    assert.throws(
      () => parseConfig({ apps: [{ id: 'a1', identity_secret: 'env:CONVOT_T_SECRET' }] }, {}),
      (e: unknown) => e instanceof ConfigError && /apps\[0\]\.identity_secret/.test(e.message) && /CONVOT_T_SECRET/.test(e.message),
    );
  });

  const rejects: [name: string, data: unknown, pattern: RegExp][] = [
    ['an allowed_origins entry with a path', { apps: [{ id: 'a1', allowed_origins: ['https://ok.test', 'https://example.com/widget'] }] }, /apps\[0\]\.allowed_origins\[1\].*without a path/],
    ['an allowed_origins entry that is not a URL', { apps: [{ id: 'a1', allowed_origins: ['example.com'] }] }, /apps\[0\]\.allowed_origins\[0\]/],
    ['an allowed_origins entry that is not a string', { apps: [{ id: 'a1', allowed_origins: [42] }] }, /apps\[0\]\.allowed_origins\[0\]/],
    ['allowed_origins not an array', { apps: [{ id: 'a1', allowed_origins: 'https://ok.test' }] }, /apps\[0\]\.allowed_origins/],
    ['duplicate app ids', { apps: [{ id: 'dup' }, { id: 'other' }, { id: 'dup' }] }, /two entries with id "dup"/],
    ['an app id with bad characters', { apps: [{ id: 'bad id!' }] }, /apps\[0\]\.id/],
    ['a short password', { agents: [{ email: 'x@y.z', password: 'short' }] }, /agents\[0\]\.password.*at least 8/],
    ['a bad agent email', { agents: [{ email: 'not-an-email', password: 'long enough pw' }] }, /agents\[0\]\.email/],
    ['apps not an array', { apps: {} }, /apps must be an array/],
    ['agents not an array', { agents: 'x' }, /agents must be an array/],
    ['a config that is not an object', [], /config/],
  ];
  for (const [name, data, pattern] of rejects) {
    test(`parseConfig rejects ${name}`, () => {
      assert.throws(
        () => parseConfig(data, {}),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
          assert.match(e.message, pattern);
          return true;
        },
      );
    });
  }

  test('parseConfig normalizes an origin with a trailing slash', () => {
    const cfg = parseConfig({ apps: [{ id: 'a1', allowed_origins: ['https://ok.test/', '*'] }] }, {});
    assert.deepEqual(cfg.apps[0]!.allowed_origins, ['https://ok.test', '*']);
  });

  test('parseConfig names the full path of a wrong-typed field inside an entry', () => {
    // Validation errors from the shared validators should say which app/agent they are about,
    // like every other message of parseConfig does.
    assert.throws(
      () => parseConfig({ apps: [{ id: 'a1' }, { id: 'a2', name: 42 }] }, {}),
      (e: unknown) => e instanceof ConfigError && /apps\[1\]\.name/.test(e.message),
    );
    assert.throws(
      () => parseConfig({ agents: [{ email: 'x@y.z', password: 'long enough pw' }, { email: 7, password: 'long enough pw' }] }, {}),
      (e: unknown) => e instanceof ConfigError && /agents\[1\]\.email/.test(e.message),
    );
  });
});
