/**
 * Who may reach what: a visitor only ever reaches their own conversation (REST and socket),
 * agent routes need the agent cookie and never accept guessed ids, credentials are not
 * interchangeable, tokens never travel in URLs, and allowed_origins guards REST and upgrades.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { computeUserHash } from '../../server/identity/user-hash.js';
import { ALLOWED_ORIGIN, APP_ID, Sock, TEST_IDENTITY_SECRET, agentSocket, auth, cid, loginAgent, refusedUpgrade, startServer, stopServer, visitorPath, visitorSocket, type Frame, type TestServer } from './helpers.js';

const SECRET = TEST_IDENTITY_SECRET; // app_test's identity_secret in helpers.testConfigData()
const FOREIGN_ORIGIN = 'http://evil.test';

let s: TestServer;
let cookie: string;
const open: Sock[] = [];

before(async () => {
  s = await startServer({ listen: true });
  cookie = await loginAgent(s.app);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
after(() => stopServer(s));

// ---- local helpers ------------------------------------------------------------------------

interface Ses {
  session_id: string;
  token: string;
}

let ipSeq = 0;
/** A new session from its own client IP, so this file never meets the per-IP session limit. */
async function session(): Promise<Ses> {
  ipSeq += 1;
  const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), remoteAddress: `10.88.${ipSeq >> 8}.${ipSeq & 255}` });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Ses;
}

interface Msg {
  conversation_id: string;
  seq: number;
  author: string;
  body: string;
}

async function sendMsg(token: string, body: string, extra: Record<string, unknown> = {}): Promise<Msg> {
  const res = await s.app.inject({ method: 'POST', url: visitorPath('/messages'), headers: auth(token), payload: { client_id: cid(), body, ...extra } });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { message: Msg }).message;
}

async function agentReply(conversationId: string, body: string): Promise<Msg> {
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/v1/agent/conversations/${conversationId}/messages`,
    headers: { cookie },
    payload: { client_id: cid(), body },
  });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { message: Msg }).message;
}

interface Thread {
  conversation: { id: string; last_seq: number; visitor: { name: string | null; email: string | null; verified: boolean; session_data: Record<string, unknown> } };
  messages: Msg[];
  events: { name: string }[];
}

/** What the agent sees of one conversation. */
async function thread(conversationId: string): Promise<Thread> {
  const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/conversations/${conversationId}/messages`, headers: { cookie } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Thread;
}

async function convRow(publicId: string): Promise<{ last_seq: number; visitor_read_seq: number; agent_read_seq: number }> {
  const rows = await s.db.query<{ last_seq: number; visitor_read_seq: number; agent_read_seq: number }>(
    'SELECT last_seq, visitor_read_seq, agent_read_seq FROM conversations WHERE public_id = $1',
    [publicId],
  );
  assert.ok(rows[0], `conversation ${publicId} exists`);
  return rows[0];
}

/** Visitor A with a conversation holding one visitor message and one agent reply. */
async function visitorA(): Promise<{ a: Ses; conv: string }> {
  const a = await session();
  const m = await sendMsg(a.token, 'A: my private question');
  await agentReply(m.conversation_id, 'Agent: private answer for A');
  return { a, conv: m.conversation_id };
}

const track = <T extends { sock: Sock }>(x: T): T => {
  open.push(x.sock);
  return x;
};
const vsock = async (token: string) => track(await visitorSocket(s.wsBase, token));
const asock = async () => track(await agentSocket(s.wsBase, cookie));
const errOf = (res: { json(): unknown }) => res.json() as { code: string; message: string; field?: string };
const messageFrames = (sock: Sock): Frame[] => sock.frames.filter((f) => f.type === 'message');

// ---- a visitor reaches only their own conversation ----------------------------------------------

describe('visitor B never reaches visitor A’s conversation (REST)', () => {
  test('GET messages: B sees only its own history, whatever query it adds', async () => {
    const { conv } = await visitorA();
    const b = await session();
    for (const q of ['', `?conversation_id=${conv}`, `?conversation=${conv}&after=0`]) {
      const res = await s.app.inject({ method: 'GET', url: visitorPath(`/messages${q}`), headers: auth(b.token) });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { conversation_id: null, conversation_status: null, messages: [] }, `query ${q}`);
    }
    const own = await sendMsg(b.token, 'B: hello');
    assert.notEqual(own.conversation_id, conv);
    const res = await s.app.inject({ method: 'GET', url: visitorPath(`/messages?conversation_id=${conv}`), headers: auth(b.token) });
    const body = res.json() as { conversation_id: string; messages: Msg[] };
    assert.equal(body.conversation_id, own.conversation_id);
    assert.deepEqual(
      body.messages.map((m) => m.body),
      ['B: hello'],
    );
  });

  test('POST messages naming A’s conversation goes into B’s own; A’s seq is unaffected', async () => {
    const { conv } = await visitorA();
    const before = await convRow(conv);
    assert.equal(before.last_seq, 2);
    const b = await session();
    const m = await sendMsg(b.token, 'B: trying to post into A', { conversation_id: conv });
    assert.notEqual(m.conversation_id, conv);
    assert.equal(m.seq, 1);
    assert.equal((await convRow(conv)).last_seq, 2);
    const t = await thread(conv);
    assert.deepEqual(
      t.messages.map((x) => x.body),
      ['A: my private question', 'Agent: private answer for A'],
    );
  });

  test('PUT visitor and POST events affect only B', async () => {
    const { a, conv } = await visitorA();
    const b = await session();
    const bConv = (await sendMsg(b.token, 'B: profile owner')).conversation_id;
    const put = await s.app.inject({
      method: 'PUT',
      url: visitorPath('/visitor'),
      headers: auth(b.token),
      payload: { name: 'Bee', session_data: { plan: 'b' }, conversation_id: conv, session_id: a.session_id },
    });
    assert.equal(put.statusCode, 200, put.body);
    const ev = await s.app.inject({
      method: 'POST',
      url: visitorPath('/events'),
      headers: auth(b.token),
      payload: { name: 'b_event', data: { x: 1 }, conversation_id: conv, session_id: a.session_id },
    });
    assert.equal(ev.statusCode, 201, ev.body);

    const ta = await thread(conv);
    assert.equal(ta.conversation.visitor.name, null);
    assert.deepEqual(ta.conversation.visitor.session_data, {});
    assert.deepEqual(ta.events, []);
    const tb = await thread(bConv);
    assert.equal(tb.conversation.visitor.name, 'Bee');
    assert.deepEqual(tb.conversation.visitor.session_data, { plan: 'b' });
    assert.deepEqual(
      tb.events.map((e) => e.name),
      ['b_event'],
    );
  });

  test('identify: B claiming A’s verified identity without the hash gets neither A’s contact nor history nor a token', async () => {
    const { a, conv } = await visitorA();
    const ext = `ally_${randomBytes(4).toString('hex')}`;
    const ok = await s.app.inject({
      method: 'POST',
      url: visitorPath('/identify'),
      headers: auth(a.token),
      payload: { external_id: ext, email: `${ext}@example.com`, user_hash: computeUserHash(SECRET, ext) },
    });
    assert.deepEqual(ok.json(), { verified: true, session: null });

    const b = await session();
    const forged = await s.app.inject({
      method: 'POST',
      url: visitorPath('/identify'),
      headers: auth(b.token),
      payload: { external_id: ext, email: `${ext}@example.com`, user_hash: computeUserHash('guessed-secret', ext) },
    });
    // app_test does not require verification: a bad hash is taken as an unverified identify.
    assert.equal(forged.statusCode, 200, forged.body);
    assert.equal((forged.json() as { verified: boolean }).verified, false);
    assert.match((forged.json() as { warning?: string }).warning ?? '', /user_hash was not accepted/);

    const plain = await s.app.inject({ method: 'POST', url: visitorPath('/identify'), headers: auth(b.token), payload: { external_id: ext, email: `${ext}@example.com` } });
    assert.equal(plain.statusCode, 200, plain.body);
    assert.deepEqual(plain.json(), { verified: false, session: null });

    const hist = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(b.token) });
    assert.deepEqual(hist.json(), { conversation_id: null, conversation_status: null, messages: [] });
    const tok = await s.app.inject({ method: 'POST', url: visitorPath('/identity-token'), headers: auth(b.token), payload: {} });
    assert.deepEqual(tok.json(), { token: null });

    const rows = await s.db.query<{ session_id: string; verified: boolean; contact_id: string | null }>(
      `SELECT vs.public_id AS session_id, v.verified, v.contact_id::text AS contact_id
       FROM visitor_sessions vs JOIN visitors v ON v.id = vs.visitor_id WHERE vs.public_id = ANY($1::text[])`,
      [[a.session_id, b.session_id]],
    );
    const ra = rows.find((r) => r.session_id === a.session_id)!;
    const rb = rows.find((r) => r.session_id === b.session_id)!;
    assert.equal(ra.verified, true);
    assert.equal(rb.verified, false);
    assert.equal(rb.contact_id, null);
    assert.equal((await convRow(conv)).last_seq, 2);
  });

  test('identity-token: A’s token is A’s; B (anonymous) gets null', async () => {
    const { a } = await visitorA();
    const ext = `tok_${randomBytes(4).toString('hex')}`;
    await s.app.inject({ method: 'POST', url: visitorPath('/identify'), headers: auth(a.token), payload: { external_id: ext, user_hash: computeUserHash(SECRET, ext) } });
    const ta = await s.app.inject({ method: 'POST', url: visitorPath('/identity-token'), headers: auth(a.token), payload: {} });
    assert.equal(typeof (ta.json() as { token: unknown }).token, 'string');
    const b = await session();
    const tb = await s.app.inject({ method: 'POST', url: visitorPath('/identity-token'), headers: auth(b.token), payload: { session_id: a.session_id } });
    assert.equal(tb.statusCode, 200);
    assert.deepEqual(tb.json(), { token: null });
  });
});

describe('visitor B never reaches visitor A’s conversation (socket)', () => {
  test('B’s socket never receives A’s messages or the agent’s replies to A', async () => {
    const a = await session();
    const b = await session();
    const { sock: sa } = await vsock(a.token);
    const { sock: sb, ready: rb } = await vsock(b.token);
    assert.equal(rb.conversation_id, null);
    assert.deepEqual(rb.messages, []);

    const m = await sendMsg(a.token, 'A: live question');
    await sa.next((f) => f.type === 'message' && f.message.body === 'A: live question');
    // The agent replies to A over REST and over the agent socket.
    await agentReply(m.conversation_id, 'Agent: REST reply to A');
    const { sock: ag } = await asock();
    ag.send({ type: 'message', conversation_id: m.conversation_id, client_id: cid(), body: 'Agent: socket reply to A' });
    await ag.next((f) => f.type === 'ack');
    await sa.next((f) => f.type === 'message' && f.message.body === 'Agent: REST reply to A');
    await sa.next((f) => f.type === 'message' && f.message.body === 'Agent: socket reply to A');

    // Everything the server sent B before this pong has arrived: no message among it.
    await sb.sync();
    assert.deepEqual(messageFrames(sb), []);

    // B's own traffic reaches B only.
    sb.send({ type: 'message', client_id: cid(), body: 'B: my own' });
    const ack = await sb.nextType('ack');
    assert.notEqual(ack.message.conversation_id, m.conversation_id);
    await sb.next((f) => f.type === 'message' && f.message.body === 'B: my own');
    await sa.sync();
    assert.ok(!messageFrames(sa).some((f) => f.message.body === 'B: my own'), 'A never sees B’s message');
    assert.ok(messageFrames(sb).every((f) => f.message.conversation_id === ack.message.conversation_id), 'B only sees its own conversation');
  });

  test('frames carry no conversation id to guess: naming A’s conversation in message/read frames changes nothing of A', async () => {
    const { conv } = await visitorA();
    const before = await convRow(conv);
    const b = await session();
    const { sock: sb } = await vsock(b.token);
    sb.send({ type: 'message', conversation_id: conv, client_id: cid(), body: 'B: aimed at A' });
    const ack = await sb.nextType('ack');
    assert.notEqual(ack.message.conversation_id, conv);
    assert.equal(ack.message.seq, 1);
    sb.send({ type: 'read', conversation_id: conv, seq: 2 });
    await sb.sync();
    const afterRow = await convRow(conv);
    assert.deepEqual(afterRow, before, 'A’s conversation is untouched');
    assert.equal((await convRow(ack.message.conversation_id)).visitor_read_seq, 1, 'the read mark went to B’s own conversation');
  });

  test('the ready frame of B never contains A’s history', async () => {
    const { conv } = await visitorA();
    const b = await session();
    const own = await sendMsg(b.token, 'B: before socket');
    const { ready } = await vsock(b.token);
    assert.equal(ready.conversation_id, own.conversation_id);
    assert.notEqual(ready.conversation_id, conv);
    assert.deepEqual(
      (ready.messages as Msg[]).map((x) => x.body),
      ['B: before socket'],
    );
  });
});

// ---- agent routes ------------------------------------------------------------------------

describe('agent routes and conversation ids', () => {
  test('A’s conversation id works on agent routes only with an agent cookie', async () => {
    const { a, conv } = await visitorA();
    const routes = [
      { method: 'GET' as const, url: `/api/v1/agent/conversations/${conv}/messages` },
      { method: 'POST' as const, url: `/api/v1/agent/conversations/${conv}/messages`, payload: { client_id: cid(), body: 'not an agent' } },
      { method: 'POST' as const, url: `/api/v1/agent/conversations/${conv}/read`, payload: { seq: 2 } },
    ];
    for (const r of routes) {
      for (const headers of [{}, auth(a.token), { cookie: 'convot_agent=' + a.token }]) {
        const res = await s.app.inject({ ...r, headers });
        assert.equal(res.statusCode, 401, `${r.method} ${r.url} with ${JSON.stringify(Object.keys(headers))}`);
        assert.equal(errOf(res).code, 'CONVOT_ERR_AGENT_AUTH_REQUIRED');
      }
    }
    assert.equal((await convRow(conv)).last_seq, 2, 'nothing was posted');
    assert.equal((await convRow(conv)).agent_read_seq, 2);
    for (const r of routes) {
      const res = await s.app.inject({ ...r, headers: { cookie } });
      assert.ok(res.statusCode === 200 || res.statusCode === 201, `${r.method} ${r.url} with the agent cookie: ${res.statusCode} ${res.body}`);
    }
  });

  const guesses = ['cnv_1', '1', `cnv_${randomBytes(16).toString('base64url')}`];

  for (const id of guesses) {
    test(`a guessed conversation id ${JSON.stringify(id.length > 10 ? 'cnv_<random>' : id)} → 404 CONVOT_ERR_NOT_FOUND on every agent route`, async () => {
      await visitorA(); // there are conversations to find, just not by guessing
      const routes = [
        { method: 'GET' as const, url: `/api/v1/agent/conversations/${id}/messages` },
        { method: 'POST' as const, url: `/api/v1/agent/conversations/${id}/messages`, payload: { client_id: cid(), body: 'guess' } },
        { method: 'POST' as const, url: `/api/v1/agent/conversations/${id}/read`, payload: { seq: 1 } },
      ];
      for (const r of routes) {
        const res = await s.app.inject({ ...r, headers: { cookie } });
        assert.equal(res.statusCode, 404, `${r.method} ${r.url}: ${res.body}`);
        assert.equal(errOf(res).code, 'CONVOT_ERR_NOT_FOUND');
      }
      const stored = await s.db.query("SELECT 1 FROM messages WHERE body = 'guess'");
      assert.equal(stored.length, 0);
    });
  }

  test('guessed ids in agent socket frames → error frames CONVOT_ERR_NOT_FOUND naming conversation_id', async () => {
    await visitorA();
    const { sock } = await asock();
    for (const id of guesses) {
      const clientId = cid();
      sock.send({ type: 'message', conversation_id: id, client_id: clientId, body: 'guess' });
      const e1 = await sock.nextType('error');
      assert.equal(e1.code, 'CONVOT_ERR_NOT_FOUND', `message frame to ${id}`);
      assert.equal(e1.field, 'conversation_id');
      sock.send({ type: 'read', conversation_id: id, seq: 1 });
      const e2 = await sock.nextType('error');
      assert.equal(e2.code, 'CONVOT_ERR_NOT_FOUND', `read frame for ${id}`);
      assert.equal(e2.field, 'conversation_id');
    }
    await sock.sync();
    assert.ok(!sock.frames.some((f) => f.type === 'ack'), 'no frame to a guessed id was acked');
    const stored = await s.db.query("SELECT 1 FROM messages WHERE body = 'guess'");
    assert.equal(stored.length, 0);
  });
});

// ---- credentials are not interchangeable ------------------------------------------------------

describe('credentials', () => {
  test('a visitor token used as the agent cookie → 401 (REST and socket upgrade)', async () => {
    const a = await session();
    for (const url of ['/api/v1/agent/conversations', '/api/v1/agent/me']) {
      const res = await s.app.inject({ method: 'GET', url, headers: { cookie: `convot_agent=${a.token}` } });
      if (url.endsWith('/me')) {
        assert.equal(res.statusCode, 200);
        assert.equal((res.json() as { agent: unknown }).agent, null, '/me sees nobody signed in');
      } else {
        assert.equal(res.statusCode, 401, res.body);
        assert.equal(errOf(res).code, 'CONVOT_ERR_AGENT_AUTH_REQUIRED');
      }
    }
    const presence = await s.app.inject({ method: 'PUT', url: '/api/v1/agent/presence', headers: { cookie: `convot_agent=${a.token}` }, payload: { online: true } });
    assert.equal(presence.statusCode, 401);
    const r = await refusedUpgrade(`${s.wsBase}/api/v1/agent/ws`, { headers: { cookie: `convot_agent=${a.token}` } });
    assert.equal(r.status, 401);
  });

  test('the agent cookie does not authenticate visitor routes (401 without a bearer token)', async () => {
    const routes = [
      { method: 'GET' as const, url: visitorPath('/messages') },
      { method: 'POST' as const, url: visitorPath('/messages'), payload: { client_id: cid(), body: 'as agent' } },
      { method: 'PUT' as const, url: visitorPath('/visitor'), payload: { name: 'x' } },
      { method: 'POST' as const, url: visitorPath('/events'), payload: { name: 'x' } },
      { method: 'POST' as const, url: visitorPath('/identify'), payload: { name: 'x' } },
      { method: 'POST' as const, url: visitorPath('/identify/token'), payload: { token: 'a.b.c' } },
      { method: 'POST' as const, url: visitorPath('/identity-token'), payload: {} },
    ];
    const agentToken = cookie.split('=')[1]!;
    for (const r of routes) {
      for (const headers of [{ cookie }, auth(decodeURIComponent(agentToken))]) {
        const res = await s.app.inject({ ...r, headers });
        assert.equal(res.statusCode, 401, `${r.method} ${r.url}: ${res.body}`);
        assert.equal(errOf(res).code, 'CONVOT_ERR_UNAUTHORIZED');
      }
    }
  });

  test('the agent cookie does not authenticate a visitor socket', async () => {
    const sock = await Sock.open(`${s.wsBase}/api/v1/apps/${APP_ID}/ws`, { headers: { cookie } });
    open.push(sock);
    sock.send({ type: 'ping' });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_UNAUTHORIZED');
    assert.ok(!sock.frames.some((f) => f.type === 'ready' || f.type === 'pong'));
  });

  test('session tokens are not accepted from the URL query', async () => {
    const { a } = await visitorA();
    for (const q of [`token=${a.token}`, `access_token=${a.token}`, `authorization=Bearer%20${a.token}`]) {
      const get = await s.app.inject({ method: 'GET', url: visitorPath(`/messages?${q}`) });
      assert.equal(get.statusCode, 401, `GET ?${q.split('=')[0]}`);
      assert.equal(errOf(get).code, 'CONVOT_ERR_UNAUTHORIZED');
      const post = await s.app.inject({ method: 'POST', url: visitorPath(`/messages?${q}`), payload: { client_id: cid(), body: 'via query' } });
      assert.equal(post.statusCode, 401);
      const resume = await s.app.inject({ method: 'POST', url: visitorPath(`/sessions?${q}`), remoteAddress: '10.88.250.1' });
      assert.equal(resume.statusCode, 201, 'a token in the query does not resume the session');
      assert.notEqual((resume.json() as Ses).session_id, a.session_id);
    }
    // The socket: a token in the URL does not authenticate; the first frame must still be auth.
    const sock = await Sock.open(`${s.wsBase}/api/v1/apps/${APP_ID}/ws?token=${encodeURIComponent(a.token)}`);
    open.push(sock);
    sock.send({ type: 'ping' });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_UNAUTHORIZED');
    assert.ok(!sock.frames.some((f) => f.type === 'ready'));
    const stored = await s.db.query("SELECT 1 FROM messages WHERE body = 'via query'");
    assert.equal(stored.length, 0);
  });
});

// ---- allowed_origins ------------------------------------------------------------------------

describe('allowed_origins', () => {
  test('REST from a foreign Origin → 403 CONVOT_ERR_ORIGIN_NOT_ALLOWED, even with a valid token; only the refusal is readable', async () => {
    const a = await session();
    const calls = [
      { method: 'GET' as const, url: visitorPath('/config') },
      { method: 'POST' as const, url: visitorPath('/sessions') },
      { method: 'GET' as const, url: visitorPath('/messages'), headers: auth(a.token) },
      { method: 'POST' as const, url: visitorPath('/messages'), headers: auth(a.token), payload: { client_id: cid(), body: 'from evil' } },
      { method: 'OPTIONS' as const, url: visitorPath('/messages') },
    ];
    for (const origin of [FOREIGN_ORIGIN, 'http://allowed.test.evil.test', 'http://allowed.test:8080', 'https://allowed.test', 'null']) {
      for (const c of calls) {
        const res = await s.app.inject({ ...c, headers: { ...(c.headers ?? {}), origin } });
        assert.equal(res.statusCode, 403, `${c.method} ${c.url} from ${origin}: ${res.body}`);
        assert.equal(errOf(res).code, 'CONVOT_ERR_ORIGIN_NOT_ALLOWED');
        // The refusal (no data in it) is readable by the page so the widget can say why.
        assert.equal(res.headers['access-control-allow-origin'], origin);
        assert.deepEqual(Object.keys(errOf(res)).sort(), ['code', 'message']);
      }
    }
    const stored = await s.db.query("SELECT 1 FROM messages WHERE body = 'from evil'");
    assert.equal(stored.length, 0);
  });

  test('REST from the allowed Origin, or with no Origin, works; the allowed origin gets CORS headers', async () => {
    const a = await session();
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: { ...auth(a.token), origin: ALLOWED_ORIGIN } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    const pre = await s.app.inject({ method: 'OPTIONS', url: visitorPath('/messages'), headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' } });
    assert.equal(pre.statusCode, 204);
    assert.equal(pre.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    const none = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(a.token) });
    assert.equal(none.statusCode, 200);
  });

  test('the server’s own origin (Origin equal to http(s)://<Host>) is allowed; a look-alike is not', async () => {
    const host = 'chat.convot.test:8080';
    for (const origin of [`http://${host}`, `https://${host}`]) {
      const res = await s.app.inject({ method: 'GET', url: visitorPath('/config'), headers: { host, origin } });
      assert.equal(res.statusCode, 200, `${origin}: ${res.body}`);
    }
    for (const origin of [`http://${host}.evil.test`, 'http://chat.convot.test', `ftp://${host}`]) {
      const res = await s.app.inject({ method: 'GET', url: visitorPath('/config'), headers: { host, origin } });
      assert.equal(res.statusCode, 403, `${origin}: ${res.body}`);
    }
  });

  test('WebSocket upgrade: a foreign Origin is refused with 403; the allowed Origin, no Origin and the server’s own origin succeed', async () => {
    const url = `${s.wsBase}/api/v1/apps/${APP_ID}/ws`;
    const refused = await refusedUpgrade(url, { headers: { origin: FOREIGN_ORIGIN } });
    assert.equal(refused.status, 403);
    assert.equal((JSON.parse(refused.body) as { code: string }).code, 'CONVOT_ERR_ORIGIN_NOT_ALLOWED');

    const own = new URL(s.wsBase).host; // 127.0.0.1:<port>, what the ws client sends as Host
    for (const origin of [ALLOWED_ORIGIN, undefined, `http://${own}`]) {
      const a = await session();
      const sock = await Sock.open(url, origin ? { headers: { origin } } : undefined);
      open.push(sock);
      sock.send({ type: 'auth', token: a.token, last_seq: 0 });
      const ready = await sock.nextType('ready');
      assert.equal(ready.session_id, a.session_id, `origin ${origin ?? '(none)'}`);
    }
  });
});
