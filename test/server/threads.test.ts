/**
 * Visitor threads: a visitor lists their own conversations (newest activity first, with a plain
 * preview and their unread count) and selects one, which reopens it (closing their open one
 * first, so one stays open) and moves their sockets and the inbox along.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { LIMITS, RateLimiter } from '../../server/rate-limit.js';
import {
  agentSocket,
  auth,
  cid,
  loginAgent,
  newSession,
  sendVisitor,
  startServer,
  stopServer,
  visitorPath,
  visitorSocket,
  type Frame,
  type Sock,
  type TestServer,
} from './helpers.js';

interface Thread {
  conversation_id: string;
  status: 'open' | 'closed';
  last_message: { author: string; body: string; created_at: string } | null;
  unread: number;
  created_at: string;
}

let s: TestServer;
let cookie: string;
const open: Sock[] = [];

before(async () => {
  s = await startServer({ listen: true, rateLimiter: new RateLimiter(Date.now, { ...LIMITS, session: { max: 100_000, windowMs: 60_000 } }) });
  cookie = await loginAgent(s.app);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
after(() => stopServer(s));

const visitor = async (token: string) => {
  const v = await visitorSocket(s.wsBase, token);
  open.push(v.sock);
  return v;
};
const threads = (token: string, query = '') => s.app.inject({ method: 'GET', url: visitorPath(`/conversations${query}`), headers: auth(token) });
const list = async (token: string, query = '') => {
  const res = await threads(token, query);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { threads: Thread[]; has_more: boolean };
};
const select = (token: string, id: string) => s.app.inject({ method: 'POST', url: visitorPath(`/conversations/${encodeURIComponent(id)}/select`), headers: auth(token) });
const closeOwn = (token: string) => s.app.inject({ method: 'POST', url: visitorPath('/conversation/close'), headers: auth(token) });
const reply = (id: string, body: string) =>
  s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${id}/messages`, headers: { cookie }, payload: { client_id: cid(), body } });
const statusFrame = (id: string, status: string) => (f: Frame) => f.type === 'conversation' && f.conversation_id === id && f.status === status;
const statuses = async (ids: string[]) =>
  Object.fromEntries((await s.db.query<{ public_id: string; status: string }>('SELECT public_id, status FROM conversations WHERE public_id = ANY($1)', [ids])).map((r) => [r.public_id, r.status]));

/** A visitor with two conversations: the first closed (with a team reply they have not read), the second open. */
async function twoThreads() {
  const { token } = await newSession(s.app);
  const first = await sendVisitor(s.app, token, 'first thread');
  assert.equal((await reply(first.conversation_id, 'an answer **with** Markdown')).statusCode, 201);
  assert.deepEqual((await closeOwn(token)).json(), { closed: true });
  const second = await sendVisitor(s.app, token, 'second thread');
  return { token, first: first.conversation_id, second: second.conversation_id };
}

describe('threads list', () => {
  test("lists only the visitor's own conversations, newest activity first, with a plain preview and unread team messages", async () => {
    const { token, first, second } = await twoThreads();
    const other = await newSession(s.app);
    await sendVisitor(s.app, other.token, 'someone else');

    const { threads: mine, has_more } = await list(token);
    assert.equal(has_more, false);
    assert.deepEqual(
      mine.map((t) => [t.conversation_id, t.status]),
      [
        [second, 'open'],
        [first, 'closed'],
      ],
    );
    assert.deepEqual(mine[1]!.last_message && { author: mine[1]!.last_message.author, body: mine[1]!.last_message.body }, { author: 'agent', body: 'an answer with Markdown' });
    assert.equal(mine[1]!.unread, 1, 'the team reply after the read mark');
    assert.equal(mine[0]!.unread, 0);
    assert.match(mine[0]!.created_at, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(mine[0]!.last_message?.body, 'second thread');

    const theirs = await list(other.token);
    assert.equal(theirs.threads.length, 1);
    assert.ok(![first, second].includes(theirs.threads[0]!.conversation_id));

    // A team reply moves a thread to the top (selected again first: closed ones take no replies);
    // a long body is cut; a new session has no threads.
    assert.equal((await select(token, first)).statusCode, 200);
    assert.equal((await reply(first, 'x'.repeat(500))).statusCode, 201);
    const after = await list(token);
    assert.equal(after.threads[0]!.conversation_id, first);
    assert.equal(after.threads[0]!.last_message!.body.length, 140);
    assert.equal(after.threads[0]!.unread, 2);
    assert.deepEqual(await list((await newSession(s.app)).token), { threads: [], has_more: false });
  });

  test('pages with before and limit; bad limits are a 400 naming the field; no token is a 401', async () => {
    const { token } = await newSession(s.app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.unshift((await sendVisitor(s.app, token, `thread ${i}`)).conversation_id);
      await closeOwn(token);
    }
    const page1 = await list(token, '?limit=2');
    assert.deepEqual(page1.threads.map((t) => t.conversation_id), ids.slice(0, 2));
    assert.equal(page1.has_more, true);
    const page2 = await list(token, `?limit=2&before=${page1.threads[1]!.conversation_id}`);
    assert.deepEqual(page2.threads.map((t) => t.conversation_id), ids.slice(2));
    assert.equal(page2.has_more, false);

    const tooMany = await threads(token, '?limit=51');
    assert.equal(tooMany.statusCode, 400);
    assert.equal(tooMany.json().field, 'limit');
    const anonymous = await s.app.inject({ method: 'GET', url: visitorPath('/conversations') });
    assert.equal(anonymous.statusCode, 401);
  });
});

describe('select a thread', () => {
  test('reopens a closed thread and closes the open one first; the sockets follow and get its history; the inbox hears both', async () => {
    const { sock: inbox } = await agentSocket(s.wsBase, cookie);
    open.push(inbox);
    const { token, first, second } = await twoThreads();
    const tab = await visitor(token);
    assert.equal(tab.ready.conversation_id, second);

    const res = await select(token, first);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { conversation_id: first, status: 'open' });
    assert.deepEqual(await statuses([first, second]), { [first]: 'open', [second]: 'closed' });

    // The socket hears its conversation close, then moves to the selected one and gets it from seq 1.
    const closing = await tab.sock.next(statusFrame(second, 'closed'));
    assert.equal(closing.history_seq, undefined, 'a status change in place replays nothing');
    const moved = await tab.sock.next(statusFrame(first, 'open'));
    assert.equal(moved.history_seq, 2, 'the move says which messages are history');
    const m1 = await tab.sock.next((f) => f.type === 'message' && f.message.conversation_id === first && f.message.seq === 1);
    const m2 = await tab.sock.next((f) => f.type === 'message' && f.message.conversation_id === first && f.message.seq === 2);
    assert.equal(m1.message.body, 'first thread');
    assert.equal(m2.message.author, 'agent');
    assert.ok(tab.sock.frames.findIndex(statusFrame(first, 'open')) < tab.sock.frames.indexOf(m1), 'the conversation frame comes first');
    await inbox.next((f) => f.type === 'conversation' && f.conversation.id === second && f.conversation.status === 'closed');
    await inbox.next((f) => f.type === 'conversation' && f.conversation.id === first && f.conversation.status === 'open');

    // The visitor writes in the selected thread now; a reload shows it too.
    const next = await sendVisitor(s.app, token, 'back in the first thread');
    assert.equal(next.conversation_id, first);
    assert.equal(next.seq, 3);
    const reloaded = await visitor(token);
    assert.equal(reloaded.ready.conversation_id, first);
    assert.equal(reloaded.ready.conversation_status, 'open');

    // Selecting the open one changes nothing and announces nothing.
    await tab.sock.sync();
    const seen = tab.sock.frames.length;
    const again = await select(token, first);
    assert.deepEqual(again.json(), { conversation_id: first, status: 'open' });
    await tab.sock.sync();
    assert.deepEqual(tab.sock.frames.slice(seen).map((f) => f.type), ['pong']);
    assert.deepEqual(await statuses([first, second]), { [first]: 'open', [second]: 'closed' });
  });

  test('a closed thread when nothing is open just reopens', async () => {
    const { token, first, second } = await twoThreads();
    await closeOwn(token);
    const tab = await visitor(token);
    assert.equal(tab.ready.conversation_id, second, 'the latest closed one shows');
    assert.equal((await select(token, first)).statusCode, 200);
    await tab.sock.next(statusFrame(first, 'open'));
    assert.deepEqual(await statuses([first, second]), { [first]: 'open', [second]: 'closed' });
  });

  test('a select racing a first message leaves one open conversation, and both succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const { token, first } = await twoThreads();
      await closeOwn(token);
      const [selected, sent] = await Promise.all([select(token, first), s.app.inject({ method: 'POST', url: visitorPath('/messages'), headers: auth(token), payload: { client_id: cid(), body: 'racing' } })]);
      assert.equal(selected.statusCode, 200, selected.body);
      assert.equal(sent.statusCode, 201, sent.body);
      const open = await s.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM conversations WHERE status = 'open' AND visitor_id = (SELECT visitor_id FROM conversations WHERE public_id = $1)`,
        [first],
      );
      assert.equal(open[0]!.n, 1);
    }
  });

  test("another visitor's thread, or an unknown id, is a 404 and changes nothing", async () => {
    const mine = await twoThreads();
    const other = await newSession(s.app);
    for (const id of [mine.first, 'cnv_unknown']) {
      const res = await select(other.token, id);
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json().code, 'CONVOT_ERR_NOT_FOUND');
    }
    assert.deepEqual(await statuses([mine.first, mine.second]), { [mine.first]: 'closed', [mine.second]: 'open' });
    assert.equal((await s.app.inject({ method: 'POST', url: visitorPath(`/conversations/${mine.first}/select`) })).statusCode, 401);
  });
});
