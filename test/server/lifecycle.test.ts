/**
 * The conversation lifecycle: one open conversation per visitor (enforced by the database, also
 * under simultaneous first sends), close, reopen, and visitor sockets that follow along.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { migrate } from '../../server/storage/migrations.js';
import { LIMITS, RateLimiter } from '../../server/rate-limit.js';
import type { Db } from '../../server/storage/db.js';
import {
  APP_ID,
  agentSocket,
  auth,
  cid,
  loginAgent,
  newSession,
  openTestDb,
  postMessage,
  sendVisitor,
  startServer,
  stopServer,
  visitorPath,
  visitorSocket,
  type Frame,
  type Msg,
  type Sock,
  type TestServer,
} from './helpers.js';

interface ErrBody {
  code: string;
  message: string;
  field?: string;
}
interface Summary {
  id: string;
  status: 'open' | 'closed';
  closed_at: string | null;
  last_seq: number;
}

let s: TestServer;
let cookie: string;
const open: Sock[] = [];

before(async () => {
  // Many visitors from one IP in this file.
  s = await startServer({ listen: true, rateLimiter: new RateLimiter(Date.now, { ...LIMITS, session: { max: 100_000, windowMs: 60_000 } }) });
  cookie = await loginAgent(s.app);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
after(() => stopServer(s));

const track = <T extends { sock: Sock }>(x: T): T => {
  open.push(x.sock);
  return x;
};
const visitor = async (token: string, lastSeq = 0) => track(await visitorSocket(s.wsBase, token, lastSeq));
const agent = async () => track(await agentSocket(s.wsBase, cookie));
const lifecycle = (id: string, action: 'close' | 'reopen', c = cookie) =>
  s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${id}/${action}`, headers: { cookie: c } });
const reply = (id: string, body: string, clientId = cid()) =>
  s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${id}/messages`, headers: { cookie }, payload: { client_id: clientId, body } });
const history = async (token: string) =>
  (await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(token) })).json() as {
    conversation_id: string | null;
    conversation_status: string | null;
    messages: Msg[];
  };
const statusFrame = (id: string, status: string) => (f: Frame) => f.type === 'conversation' && f.conversation_id === id && f.status === status;
const isMessage = (body: string) => (f: Frame) => f.type === 'message' && f.message?.body === body;

describe('close', () => {
  test('the visitor closes their own open conversation (refresh open_to_new_thread): sockets and the inbox hear it; nothing open is a no-op', async () => {
    const { sock: inbox } = await agent();
    const { token } = await newSession(s.app);
    const tab = await visitor(token);
    const none = await s.app.inject({ method: 'POST', url: visitorPath('/conversation/close'), headers: auth(token) });
    assert.equal(none.statusCode, 200, none.body);
    assert.deepEqual(none.json(), { closed: false });
    const first = await sendVisitor(s.app, token, 'a first thread');
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/conversation/close'), headers: auth(token) });
    assert.deepEqual(res.json(), { closed: true });
    await tab.sock.next(statusFrame(first.conversation_id, 'closed'));
    await inbox.next((f) => f.type === 'conversation' && f.conversation.id === first.conversation_id && f.conversation.status === 'closed');
    const second = await sendVisitor(s.app, token, 'a second thread');
    assert.notEqual(second.conversation_id, first.conversation_id);
    const anonymous = await s.app.inject({ method: 'POST', url: visitorPath('/conversation/close') });
    assert.equal(anonymous.statusCode, 401);
  });

  test("close → the visitor's sockets and the inbox hear it; the next message starts a new conversation that the sockets follow", async () => {
    const { sock: inbox } = await agent();
    const { token } = await newSession(s.app);
    const tab = await visitor(token);
    const first = await sendVisitor(s.app, token, 'before the close');
    await tab.sock.next(isMessage('before the close'));

    const res = await lifecycle(first.conversation_id, 'close');
    assert.equal(res.statusCode, 200, res.body);
    const closed = (res.json() as { conversation: Summary }).conversation;
    assert.equal(closed.status, 'closed');
    assert.match(closed.closed_at ?? '', /^\d{4}-\d\d-\d\dT/);
    await tab.sock.next(statusFrame(first.conversation_id, 'closed'));
    const update = await inbox.next((f) => f.type === 'conversation' && f.conversation.id === first.conversation_id && f.conversation.status === 'closed');
    assert.ok(update.conversation.closed_at);

    // The closed conversation stays what the widget shows (history and status) until a new message.
    assert.deepEqual(await history(token), { conversation_id: first.conversation_id, conversation_status: 'closed', messages: [first] });
    const reloaded = await visitor(token);
    assert.equal(reloaded.ready.conversation_id, first.conversation_id);
    assert.equal(reloaded.ready.conversation_status, 'closed');

    reloaded.sock.send({ type: 'message', client_id: cid(), body: 'after the close' });
    const ack = await reloaded.sock.nextType('ack');
    const next: string = ack.message.conversation_id;
    assert.notEqual(next, first.conversation_id, 'a new conversation');
    assert.equal(ack.message.seq, 1, 'seq counts per conversation');
    // Both tabs move to the new conversation: a status frame first, then its messages from seq 1.
    for (const sock of [tab.sock, reloaded.sock]) {
      await sock.next(statusFrame(next, 'open'));
      const m = await sock.next(isMessage('after the close'));
      assert.equal(m.message.conversation_id, next);
      const i = sock.frames.findIndex(statusFrame(next, 'open'));
      assert.ok(i < sock.frames.indexOf(m), 'the status frame comes before the messages');
    }
    const live = await inbox.next(isMessage('after the close'));
    assert.equal(live.conversation.id, next);
    assert.equal(live.conversation.status, 'open');

    const rows = await s.db.query<{ public_id: string; status: string }>(
      'SELECT c.public_id, c.status FROM conversations c JOIN visitors v ON v.id = c.visitor_id JOIN messages m ON m.conversation_id = c.id WHERE m.body = ANY($1) ORDER BY c.id',
      [['before the close', 'after the close']],
    );
    assert.deepEqual(rows, [
      { public_id: first.conversation_id, status: 'closed' },
      { public_id: next, status: 'open' },
    ]);
    assert.deepEqual(await history(token), { conversation_id: next, conversation_status: 'open', messages: [ack.message] });
  });

  test('closing twice is fine (200, still closed); an agent cannot reply to a closed conversation, except a retry of a reply stored before', async () => {
    const { token } = await newSession(s.app);
    const m = await sendVisitor(s.app, token, 'close me twice');
    const earlier = cid();
    assert.equal((await reply(m.conversation_id, 'stored before the close', earlier)).statusCode, 201);
    assert.equal((await lifecycle(m.conversation_id, 'close')).statusCode, 200);
    const again = await lifecycle(m.conversation_id, 'close');
    assert.equal(again.statusCode, 200);
    assert.equal((again.json() as { conversation: Summary }).conversation.status, 'closed');

    const refused = await reply(m.conversation_id, 'too late');
    assert.equal(refused.statusCode, 409);
    assert.equal((refused.json() as ErrBody).code, 'CONVOT_ERR_CONVERSATION_CLOSED');
    const retry = await reply(m.conversation_id, 'stored before the close', earlier);
    assert.equal(retry.statusCode, 200, 'the retry gets its stored message back');

    const { sock: inbox } = await agent();
    inbox.send({ type: 'message', conversation_id: m.conversation_id, client_id: cid(), body: 'too late over the socket' });
    const e = await inbox.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_CONVERSATION_CLOSED');
    assert.equal(e.field, 'conversation_id');
    assert.equal((await s.db.query("SELECT 1 FROM messages WHERE body LIKE 'too late%'")).length, 0);
  });

  test('close and reopen: unknown ids → 404 CONVOT_ERR_NOT_FOUND; without sign-in → 401', async () => {
    for (const action of ['close', 'reopen'] as const) {
      const res = await lifecycle('cnv_unknown', action);
      assert.equal(res.statusCode, 404);
      assert.equal((res.json() as ErrBody).code, 'CONVOT_ERR_NOT_FOUND');
      const anonymous = await s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/cnv_unknown/${action}` });
      assert.equal(anonymous.statusCode, 401);
      assert.equal((anonymous.json() as ErrBody).code, 'CONVOT_ERR_AGENT_AUTH_REQUIRED');
    }
  });
});

describe('reopen', () => {
  test('reopen is refused (409) while the visitor has another open conversation, and works once that one is closed', async () => {
    const { token } = await newSession(s.app);
    const first = await sendVisitor(s.app, token, 'first thread');
    await lifecycle(first.conversation_id, 'close');
    const second = await sendVisitor(s.app, token, 'second thread');
    assert.notEqual(second.conversation_id, first.conversation_id);

    const conflict = await lifecycle(first.conversation_id, 'reopen');
    assert.equal(conflict.statusCode, 409);
    const err = conflict.json() as ErrBody;
    assert.equal(err.code, 'CONVOT_ERR_OPEN_CONVERSATION_EXISTS');
    assert.ok(err.message.includes(second.conversation_id), `the message names the open conversation: ${err.message}`);

    const { sock: tab } = await visitor(token);
    assert.equal((await lifecycle(second.conversation_id, 'close')).statusCode, 200);
    await tab.next(statusFrame(second.conversation_id, 'closed'));
    const reopened = await lifecycle(first.conversation_id, 'reopen');
    assert.equal(reopened.statusCode, 200, reopened.body);
    const summary = (reopened.json() as { conversation: Summary }).conversation;
    assert.equal(summary.status, 'open');
    assert.equal(summary.closed_at, null);
    assert.equal((await lifecycle(first.conversation_id, 'reopen')).statusCode, 200, 'reopening an open conversation is fine');

    // The socket moves to the reopened conversation and gets its history from seq 1.
    await tab.next(statusFrame(first.conversation_id, 'open'));
    const old = await tab.next(isMessage('first thread'));
    assert.equal(old.message.seq, 1);
    assert.equal(old.message.conversation_id, first.conversation_id);

    // The visitor's next message continues the reopened conversation; agents can reply again.
    const more = await sendVisitor(s.app, token, 'back in the first thread');
    assert.equal(more.conversation_id, first.conversation_id);
    assert.equal(more.seq, 2);
    assert.equal((await reply(first.conversation_id, 'welcome back')).statusCode, 201);
    const open = await s.db.query("SELECT 1 FROM conversations c JOIN visitors v ON v.id = c.visitor_id WHERE c.status = 'open' AND c.public_id = ANY($1)", [
      [first.conversation_id, second.conversation_id],
    ]);
    assert.equal(open.length, 1);
  });

  test('the database refuses a second open conversation for one visitor', async () => {
    const { token } = await newSession(s.app);
    const m = await sendVisitor(s.app, token, 'only one open');
    await assert.rejects(
      s.db.query(
        `INSERT INTO conversations (public_id, app_id, visitor_id)
         SELECT 'cnv_second_open', app_id, visitor_id FROM conversations WHERE public_id = $1`,
        [m.conversation_id],
      ),
      (e: unknown) => (e as { code?: string }).code === '23505',
    );
  });
});

describe('simultaneous first sends', () => {
  test('20 visitors, 3 sockets each sending their first message at once (plus a REST retry): one conversation per visitor, no message twice', async () => {
    const visitors = await Promise.all(Array.from({ length: 20 }, () => newSession(s.app)));
    const tabs = await Promise.all(visitors.map(async (v) => Promise.all([visitor(v.token), visitor(v.token), visitor(v.token)])));
    const sent = visitors.map((_, i) => [0, 1, 2].map((t) => ({ client_id: cid(), body: `race ${i}.${t}` })));
    const acks = Promise.all(tabs.flatMap((three) => three.map(({ sock }) => sock.nextType('ack', 15_000))));
    tabs.forEach((three, i) => three.forEach(({ sock }, t) => sock.send({ type: 'message', ...sent[i]![t]! })));
    // The same client id again over REST while the socket sends are in flight.
    const retries = await Promise.all(visitors.map((v, i) => postMessage(s.app, v.token, sent[i]![0]!.body, sent[i]![0]!.client_id)));
    for (const r of retries) assert.ok(r.statusCode === 200 || r.statusCode === 201, r.body);
    const acked = await acks;

    const rows = await s.db.query<{ visitor: string; conversations: number; messages: number; seqs: number[]; client_ids: number }>(
      `SELECT v.public_id AS visitor, count(DISTINCT c.id)::int AS conversations, count(m.id)::int AS messages,
         array_agg(m.seq ORDER BY m.seq) AS seqs, count(DISTINCT m.client_id)::int AS client_ids
       FROM visitors v JOIN conversations c ON c.visitor_id = v.id JOIN messages m ON m.conversation_id = c.id
       WHERE m.body LIKE 'race %' GROUP BY v.public_id`,
    );
    assert.equal(rows.length, 20);
    for (const r of rows) {
      assert.equal(r.conversations, 1, `visitor ${r.visitor} has one conversation`);
      assert.equal(r.messages, 3, `visitor ${r.visitor} has each message once`);
      assert.deepEqual(r.seqs.map(Number), [1, 2, 3]);
      assert.equal(r.client_ids, 3);
    }
    // Every ack of one visitor names the same conversation.
    for (let i = 0; i < 20; i++) {
      const ids = new Set(acked.slice(i * 3, i * 3 + 3).map((a) => a.message.conversation_id));
      assert.equal(ids.size, 1);
    }
  });
});

describe('migration', () => {
  let db: Db;
  before(async () => {
    db = await openTestDb();
  });
  after(() => db.close());

  test('duplicate open conversations from before the index: the newest stays open, the others close with their messages kept', async () => {
    await migrate(db, 4);
    await db.exec(`
      INSERT INTO apps (id, name) VALUES ('${APP_ID}', 'Test');
      INSERT INTO visitors (public_id, app_id) VALUES ('vis_dup', '${APP_ID}'), ('vis_single', '${APP_ID}');
      INSERT INTO conversations (public_id, app_id, visitor_id, created_at)
        SELECT 'cnv_dup_' || n, '${APP_ID}', (SELECT id FROM visitors WHERE public_id = 'vis_dup'), now() - (n || ' minutes')::interval
        FROM generate_series(1, 3) n;
      INSERT INTO conversations (public_id, app_id, visitor_id) SELECT 'cnv_single', '${APP_ID}', id FROM visitors WHERE public_id = 'vis_single';
      INSERT INTO messages (conversation_id, seq, client_id, author, body) SELECT id, 1, 'c-same-id', 'visitor', public_id FROM conversations;
    `);
    await migrate(db);
    const rows = await db.query<{ public_id: string; status: string; closed: boolean }>(
      'SELECT public_id, status, closed_at IS NOT NULL AS closed FROM conversations ORDER BY public_id',
    );
    assert.deepEqual(rows, [
      { public_id: 'cnv_dup_1', status: 'open', closed: false },
      { public_id: 'cnv_dup_2', status: 'closed', closed: true },
      { public_id: 'cnv_dup_3', status: 'closed', closed: true },
      { public_id: 'cnv_single', status: 'open', closed: false },
    ]);
    assert.equal((await db.query('SELECT 1 FROM messages')).length, 4, 'no message is lost');
    await assert.rejects(db.query("UPDATE conversations SET status = 'open' WHERE public_id = 'cnv_dup_2'"), (e: unknown) => (e as { code?: string }).code === '23505');
  });
});
