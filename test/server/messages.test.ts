import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auth, cid, loginAgent, newSession, postMessage, sendVisitor, startServer, stopServer, visitorPath, type Msg, type TestServer } from './helpers.js';

interface ErrBody {
  code: string;
  message: string;
  field?: string;
}

let s: TestServer;
let cookie: string;
before(async () => {
  s = await startServer();
  cookie = await loginAgent(s.app);
});
after(() => stopServer(s));

const countRows = async (conversationPublicId: string, clientId?: string): Promise<number> => {
  const rows = await s.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
     WHERE c.public_id = $1 AND ($2::text IS NULL OR m.client_id = $2)`,
    [conversationPublicId, clientId ?? null],
  );
  return rows[0]!.n;
};

const history = async (token: string, query = '') => {
  const res = await s.app.inject({ method: 'GET', url: visitorPath(`/messages${query}`), headers: auth(token) });
  return { res, body: res.json() as { conversation_id: string | null; messages: Msg[] } };
};

const agentView = async (conversationId: string) => {
  const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/conversations/${conversationId}/messages`, headers: { cookie } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as {
    conversation: { id: string; visitor: Record<string, unknown> };
    messages: Msg[];
    events: { name: string; data: Record<string, unknown>; created_at: string }[];
  };
};

describe('POST /messages', () => {
  test('stores messages with seq 1 then 2 (201)', async () => {
    const { token } = await newSession(s.app);
    const c1 = cid();
    const r1 = await postMessage(s.app, token, 'hello', c1);
    assert.equal(r1.statusCode, 201);
    const m1 = (r1.json() as { message: Msg }).message;
    assert.equal(m1.seq, 1);
    assert.equal(m1.body, 'hello');
    assert.equal(m1.client_id, c1);
    assert.equal(m1.author, 'visitor');
    assert.equal(m1.agent_name, null);
    assert.match(m1.conversation_id, /^cnv_/);
    assert.ok(!Number.isNaN(Date.parse(m1.created_at)));

    const r2 = await postMessage(s.app, token, 'second');
    assert.equal(r2.statusCode, 201);
    const m2 = (r2.json() as { message: Msg }).message;
    assert.equal(m2.seq, 2);
    assert.equal(m2.conversation_id, m1.conversation_id);
  });

  test('the same client_id again → 200 with the same seq, stored once', async () => {
    const { token } = await newSession(s.app);
    const c1 = cid();
    const first = await postMessage(s.app, token, 'only once', c1);
    assert.equal(first.statusCode, 201);
    const m1 = (first.json() as { message: Msg }).message;

    const retry = await postMessage(s.app, token, 'only once', c1);
    assert.equal(retry.statusCode, 200);
    const m2 = (retry.json() as { message: Msg }).message;
    assert.deepEqual(m2, m1);

    // A retry with a different body still returns the stored message.
    const retry2 = await postMessage(s.app, token, 'changed body', c1);
    assert.equal(retry2.statusCode, 200);
    assert.equal((retry2.json() as { message: Msg }).message.body, 'only once');

    assert.equal(await countRows(m1.conversation_id, c1), 1);
    assert.equal(await countRows(m1.conversation_id), 1);

    const next = await sendVisitor(s.app, token, 'after retry');
    assert.equal(next.seq, 2, 'a retry does not consume a seq');
  });

  test('concurrent sends with one client_id store one row', async () => {
    const { token } = await newSession(s.app);
    await sendVisitor(s.app, token, 'opens the conversation');
    const c = cid();
    const results = await Promise.all([postMessage(s.app, token, 'race', c), postMessage(s.app, token, 'race', c), postMessage(s.app, token, 'race', c)]);
    const codes = results.map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [200, 200, 201]);
    const seqs = new Set(results.map((r) => (r.json() as { message: Msg }).message.seq));
    assert.deepEqual([...seqs], [2]);
    const conv = (results[0]!.json() as { message: Msg }).message.conversation_id;
    assert.equal(await countRows(conv, c), 1);
  });

  test('a body of exactly 5000 characters is accepted', async () => {
    const { token } = await newSession(s.app);
    const res = await postMessage(s.app, token, 'a'.repeat(5000));
    assert.equal(res.statusCode, 201);
    assert.equal((res.json() as { message: Msg }).message.body.length, 5000);
  });
});

describe('GET /messages (history)', () => {
  test('before any message: conversation_id null, no messages', async () => {
    const { token } = await newSession(s.app);
    const { res, body } = await history(token);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body, { conversation_id: null, conversation_status: null, messages: [] });
  });

  test('after=N returns only later messages, in seq order', async () => {
    const { token } = await newSession(s.app);
    for (const b of ['one', 'two', 'three', 'four']) await sendVisitor(s.app, token, b);

    const all = await history(token);
    assert.deepEqual(
      all.body.messages.map((m) => [m.seq, m.body]),
      [
        [1, 'one'],
        [2, 'two'],
        [3, 'three'],
        [4, 'four'],
      ],
    );
    const later = await history(token, '?after=2');
    assert.equal(later.res.statusCode, 200);
    assert.deepEqual(
      later.body.messages.map((m) => [m.seq, m.body]),
      [
        [3, 'three'],
        [4, 'four'],
      ],
    );
    assert.equal(later.body.conversation_id, all.body.conversation_id);
    const none = await history(token, '?after=4');
    assert.deepEqual(none.body.messages, []);
  });

  test('a bad after → 400 naming the field', async () => {
    const { token } = await newSession(s.app);
    for (const q of ['?after=-1', '?after=abc', '?after=1.5']) {
      const { res } = await history(token, q);
      assert.equal(res.statusCode, 400, q);
      const e = res.json() as ErrBody;
      assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST', q);
      assert.equal(e.field, 'after', q);
    }
  });

  test("two visitors' conversations are independent", async () => {
    const a = await newSession(s.app);
    const b = await newSession(s.app);
    const a1 = await sendVisitor(s.app, a.token, 'A secret one');
    const b1 = await sendVisitor(s.app, b.token, 'B first');
    const a2 = await sendVisitor(s.app, a.token, 'A secret two');
    assert.equal(a1.seq, 1);
    assert.equal(b1.seq, 1, 'each conversation starts at seq 1');
    assert.equal(a2.seq, 2);
    assert.notEqual(a1.conversation_id, b1.conversation_id);

    const hb = await history(b.token);
    assert.equal(hb.body.conversation_id, b1.conversation_id);
    assert.deepEqual(
      hb.body.messages.map((m) => m.body),
      ['B first'],
    );
    assert.ok(!JSON.stringify(hb.body).includes('A secret'));
    const ha = await history(a.token);
    assert.deepEqual(
      ha.body.messages.map((m) => m.body),
      ['A secret one', 'A secret two'],
    );
  });
});

describe('bad requests', () => {
  let token: string;
  before(async () => {
    token = (await newSession(s.app)).token;
  });

  const badBodies: [string, unknown, string][] = [
    ['missing body', { client_id: 'abcdefgh-1' }, 'body'],
    ['body not a string', { client_id: 'abcdefgh-2', body: 42 }, 'body'],
    ['body null', { client_id: 'abcdefgh-3', body: null }, 'body'],
    ['empty body', { client_id: 'abcdefgh-4', body: '' }, 'body'],
    ['whitespace body', { client_id: 'abcdefgh-5', body: '  \n\t ' }, 'body'],
    ['body over 5000 chars', { client_id: 'abcdefgh-6', body: 'x'.repeat(5001) }, 'body'],
    ['missing client_id', { body: 'hi' }, 'client_id'],
    ['client_id too short', { client_id: 'abc', body: 'hi' }, 'client_id'],
    ['client_id too long', { client_id: 'a'.repeat(65), body: 'hi' }, 'client_id'],
    ['client_id with bad characters', { client_id: 'abc def!/<>', body: 'hi' }, 'client_id'],
    ['client_id not a string', { client_id: 12345678, body: 'hi' }, 'client_id'],
    ['JSON array instead of object', ['hi'], 'body'],
  ];
  for (const [name, payload, field] of badBodies) {
    test(`${name} → 400 CONVOT_ERR_BAD_REQUEST field ${field}`, async () => {
      const res = await s.app.inject({ method: 'POST', url: visitorPath('/messages'), headers: auth(token), payload: payload as object });
      assert.equal(res.statusCode, 400, res.body);
      const e = res.json() as ErrBody;
      assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST');
      assert.equal(e.field, field);
      assert.equal(typeof e.message, 'string');
      assert.ok(e.message.length > 0);
    });
  }

  test('no bad request stored anything', async () => {
    const { body } = await history(token);
    assert.deepEqual(body, { conversation_id: null, conversation_status: null, messages: [] });
  });

  test('non-JSON body with content-type application/json → 400 CONVOT_ERR_INVALID_JSON', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: visitorPath('/messages'),
      headers: { ...auth(token), 'content-type': 'application/json' },
      payload: '{"client_id": "abcdefgh", body: oops',
    });
    assert.equal(res.statusCode, 400);
    const e = res.json() as ErrBody;
    assert.equal(e.code, 'CONVOT_ERR_INVALID_JSON');
    assert.equal(typeof e.message, 'string');
  });

  test('empty body with content-type application/json → 400 CONVOT_ERR_INVALID_JSON', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: visitorPath('/messages'),
      headers: { ...auth(token), 'content-type': 'application/json' },
      payload: '',
    });
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_INVALID_JSON');
  });

  test('an unsupported media type (application/xml) → 400 CONVOT_ERR_BAD_REQUEST field content-type', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: visitorPath('/messages'),
      headers: { ...auth(token), 'content-type': 'application/xml' },
      payload: '<message>hello</message>',
    });
    assert.equal(res.statusCode, 400);
    const e = res.json() as ErrBody;
    assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST');
    assert.equal(e.field, 'content-type');
  });

  test('a text/plain body (even holding JSON) is not accepted as a message', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: visitorPath('/messages'),
      headers: { ...auth(token), 'content-type': 'text/plain' },
      payload: JSON.stringify({ client_id: cid(), body: 'smuggled' }),
    });
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_BAD_REQUEST');
    const { body } = await history(token);
    assert.deepEqual(body.messages, []);
  });

  test('missing bearer → 401 CONVOT_ERR_UNAUTHORIZED', async () => {
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/messages'), payload: { client_id: cid(), body: 'hi' } });
    assert.equal(res.statusCode, 401);
    assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_UNAUTHORIZED');
    const get = await s.app.inject({ method: 'GET', url: visitorPath('/messages') });
    assert.equal(get.statusCode, 401);
    assert.equal((get.json() as ErrBody).code, 'CONVOT_ERR_UNAUTHORIZED');
  });

  test('invalid bearer or another scheme → 401 CONVOT_ERR_UNAUTHORIZED', async () => {
    for (const authorization of ['Bearer nope-nope-nope-nope-nope-nope', 'Bearer ', `Basic ${token}`, token]) {
      const res = await s.app.inject({ method: 'POST', url: visitorPath('/messages'), headers: { authorization }, payload: { client_id: cid(), body: 'hi' } });
      assert.equal(res.statusCode, 401, authorization);
      assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_UNAUTHORIZED');
    }
  });

  test('a body over 64 KB → 413 CONVOT_ERR_PAYLOAD_TOO_LARGE', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: visitorPath('/messages'),
      headers: auth(token),
      payload: { client_id: cid(), body: 'x'.repeat(70 * 1024) },
    });
    assert.equal(res.statusCode, 413);
    const e = res.json() as ErrBody;
    assert.equal(e.code, 'CONVOT_ERR_PAYLOAD_TOO_LARGE');
    assert.equal(typeof e.message, 'string');
  });

  test('unknown route → 404 CONVOT_ERR_NOT_FOUND', async () => {
    for (const url of ['/api/v1/nope', visitorPath('/nope'), '/api/v1/agent/nope?x=1']) {
      const res = await s.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      const e = res.json() as ErrBody;
      assert.equal(e.code, 'CONVOT_ERR_NOT_FOUND', url);
      assert.ok(!e.message.includes('?'), 'the message does not echo the query string');
    }
  });

  test('wrong method on a known path → 404 CONVOT_ERR_NOT_FOUND', async () => {
    const res = await s.app.inject({ method: 'DELETE', url: visitorPath('/messages'), headers: auth(token) });
    assert.equal(res.statusCode, 404);
    assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_NOT_FOUND');
  });
});

describe('PUT /visitor and POST /events', () => {
  test('profile fields are stored, session_data merges across calls, segments replace', async () => {
    const { token } = await newSession(s.app);
    const m = await sendVisitor(s.app, token, 'hi, I have a question');

    const put1 = await s.app.inject({
      method: 'PUT',
      url: visitorPath('/visitor'),
      headers: auth(token),
      payload: {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        company: 'Analytical Engines',
        phone: '+44 20 0000 0000',
        custom_data: { plan: 'pro' },
        session_data: { page: '/pricing', visits: 1 },
        segments: ['trial', 'eu'],
      },
    });
    assert.equal(put1.statusCode, 200, put1.body);
    assert.deepEqual(put1.json(), { ok: true });

    const put2 = await s.app.inject({
      method: 'PUT',
      url: visitorPath('/visitor'),
      headers: auth(token),
      payload: { session_data: { visits: 2, cart: 3 }, segments: ['paying'], custom_data: { seats: 5 } },
    });
    assert.equal(put2.statusCode, 200, put2.body);

    const view = await agentView(m.conversation_id);
    const v = view.conversation.visitor;
    assert.equal(v.name, 'Ada Lovelace', 'fields not in the second call are kept');
    assert.equal(v.email, 'ada@example.com');
    assert.equal(v.company, 'Analytical Engines');
    assert.equal(v.phone, '+44 20 0000 0000');
    assert.equal(v.external_id, null);
    assert.equal(v.verified, false);
    assert.deepEqual(v.session_data, { page: '/pricing', visits: 2, cart: 3 });
    assert.deepEqual(v.segments, ['paying']);
    assert.deepEqual(v.custom_data, { plan: 'pro', seats: 5 });

    const list = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie } });
    const summary = (list.json() as { conversations: { id: string; visitor: Record<string, unknown> }[] }).conversations.find((c) => c.id === m.conversation_id);
    assert.ok(summary);
    assert.deepEqual(summary.visitor.session_data, { page: '/pricing', visits: 2, cart: 3 });
  });

  test('profile set before the first message shows once the conversation exists', async () => {
    const { token } = await newSession(s.app);
    const put = await s.app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(token), payload: { name: 'Early Bird' } });
    assert.equal(put.statusCode, 200);
    const m = await sendVisitor(s.app, token, 'now I write');
    const view = await agentView(m.conversation_id);
    assert.equal(view.conversation.visitor.name, 'Early Bird');
  });

  test("one visitor's profile does not leak into another's", async () => {
    const a = await newSession(s.app);
    const b = await newSession(s.app);
    await s.app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(a.token), payload: { name: 'Alice', segments: ['a'] } });
    const mb = await sendVisitor(s.app, b.token, 'from b');
    const view = await agentView(mb.conversation_id);
    assert.equal(view.conversation.visitor.name, null);
    assert.deepEqual(view.conversation.visitor.segments, []);
  });

  test('bad profile updates → 400 naming the field', async () => {
    const { token } = await newSession(s.app);
    const cases: [unknown, string][] = [
      [{ avatar_url: 'javascript:alert(1)' }, 'avatar_url'],
      [{ segments: 'vip' }, 'segments'],
      [{ segments: [1, 2] }, 'segments'],
      [{ session_data: 'x' }, 'session_data'],
      [{ custom_data: [1] }, 'custom_data'],
      [{ name: 42 }, 'name'],
      // Identity fields go through POST /identify, never through PUT /visitor.
      [{ external_id: 'user-42' }, 'external_id'],
      [{ user_hash: 'deadbeef' }, 'user_hash'],
    ];
    for (const [payload, field] of cases) {
      const res = await s.app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(token), payload: payload as object });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      const e = res.json() as ErrBody;
      assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST');
      assert.equal(e.field, field, JSON.stringify(payload));
    }
  });

  test('PUT /visitor and POST /events require a session', async () => {
    const put = await s.app.inject({ method: 'PUT', url: visitorPath('/visitor'), payload: { name: 'x' } });
    assert.equal(put.statusCode, 401);
    assert.equal((put.json() as ErrBody).code, 'CONVOT_ERR_UNAUTHORIZED');
    const ev = await s.app.inject({ method: 'POST', url: visitorPath('/events'), payload: { name: 'x' } });
    assert.equal(ev.statusCode, 401);
    assert.equal((ev.json() as ErrBody).code, 'CONVOT_ERR_UNAUTHORIZED');
  });

  test('events are stored on the timeline in order and shown to agents', async () => {
    const { token } = await newSession(s.app);
    const e1 = await s.app.inject({ method: 'POST', url: visitorPath('/events'), headers: auth(token), payload: { name: 'viewed_pricing', data: { plan: 'pro' } } });
    assert.equal(e1.statusCode, 201, e1.body);
    assert.deepEqual(e1.json(), { ok: true });
    const m = await sendVisitor(s.app, token, 'question about pricing');
    const e2 = await s.app.inject({ method: 'POST', url: visitorPath('/events'), headers: auth(token), payload: { name: 'started_checkout' } });
    assert.equal(e2.statusCode, 201);

    const view = await agentView(m.conversation_id);
    assert.deepEqual(
      view.events.map((e) => [e.name, e.data]),
      [
        ['viewed_pricing', { plan: 'pro' }],
        ['started_checkout', {}],
      ],
    );
    for (const e of view.events) assert.ok(!Number.isNaN(Date.parse(e.created_at)));
    assert.deepEqual(
      view.messages.map((x) => x.body),
      ['question about pricing'],
    );
  });

  test('bad events → 400 naming the field', async () => {
    const { token } = await newSession(s.app);
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'ok', data: 'nope' }, 'data'],
      [{ name: 'ok', data: { big: 'x'.repeat(17 * 1024) } }, 'data'],
    ];
    for (const [payload, field] of cases) {
      const res = await s.app.inject({ method: 'POST', url: visitorPath('/events'), headers: auth(token), payload: payload as object });
      assert.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 80));
      const e = res.json() as ErrBody;
      assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST');
      assert.equal(e.field, field);
    }
  });
});
