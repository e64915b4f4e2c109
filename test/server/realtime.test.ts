import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  AGENT_NAME,
  Sock,
  agentSocket,
  auth,
  cid,
  loginAgent,
  newSession,
  refusedUpgrade,
  sendVisitor,
  startServer,
  stopServer,
  visitorPath,
  visitorSocket,
  type Frame,
  type TestServer,
} from './helpers.js';

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

const track = <T extends { sock: Sock }>(x: T): T => {
  open.push(x.sock);
  return x;
};
const visitor = async (token: string, lastSeq = 0) => track(await visitorSocket(s.wsBase, token, lastSeq));
const agent = async () => track(await agentSocket(s.wsBase, cookie));
const rawVisitorSocket = async (): Promise<Sock> => {
  const sock = await Sock.open(`${s.wsBase}/api/v1/apps/app_test/ws`);
  open.push(sock);
  return sock;
};

const rowCount = async (conversationPublicId: string): Promise<number> => {
  const rows = await s.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.public_id = $1',
    [conversationPublicId],
  );
  return rows[0]!.n;
};

const isMessage = (body: string) => (f: Frame) => f.type === 'message' && f.message?.body === body;

describe('visitor socket', () => {
  test('auth → ready with session_id, no conversation yet, no messages', async () => {
    const { session_id, token } = await newSession(s.app);
    const { ready } = await visitor(token);
    assert.equal(ready.type, 'ready');
    assert.equal(ready.session_id, session_id);
    assert.equal(ready.conversation_id, null);
    assert.deepEqual(ready.messages, []);
    assert.equal(ready.read_seq, 0);
    assert.equal(typeof ready.available, 'boolean');
    assert.match(ready.visitor.id, /^vis_/);
    assert.ok(!JSON.stringify(ready).includes(token), 'the token is never echoed');
  });

  test('message frame → ack with the stored message; same client_id again → same seq, one row', async () => {
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    const c = cid();
    sock.send({ type: 'message', client_id: c, body: 'hello over ws' });
    const ack = await sock.nextType('ack');
    assert.equal(ack.client_id, c);
    assert.equal(ack.message.seq, 1);
    assert.equal(ack.message.body, 'hello over ws');
    assert.equal(ack.message.author, 'visitor');
    assert.equal(ack.message.client_id, c);
    assert.match(ack.message.conversation_id, /^cnv_/);

    sock.send({ type: 'message', client_id: c, body: 'hello over ws' });
    const ack2 = await sock.nextType('ack');
    assert.equal(ack2.client_id, c);
    assert.deepEqual(ack2.message, ack.message);
    assert.equal(await rowCount(ack.message.conversation_id), 1);

    sock.send({ type: 'message', client_id: cid(), body: 'second' });
    const ack3 = await sock.nextType('ack');
    assert.equal(ack3.message.seq, 2);
  });

  test('a REST retry of a socket-sent client_id returns the same message', async () => {
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    const c = cid();
    sock.send({ type: 'message', client_id: c, body: 'sent once' });
    const ack = await sock.nextType('ack');
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/apps/app_test/messages', headers: { authorization: `Bearer ${token}` }, payload: { client_id: c, body: 'sent once' } });
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { message: { seq: number } }).message.seq, ack.message.seq);
    assert.equal(await rowCount(ack.message.conversation_id), 1);
  });

  test('reconnecting: last_seq 0 → full history in ready, last_seq 1 → only later messages', async () => {
    const { token } = await newSession(s.app);
    const m1 = await sendVisitor(s.app, token, 'first');
    await sendVisitor(s.app, token, 'second');
    await sendVisitor(s.app, token, 'third');

    const full = await visitor(token, 0);
    assert.equal(full.ready.conversation_id, m1.conversation_id);
    assert.deepEqual(
      full.ready.messages.map((m: { seq: number; body: string }) => [m.seq, m.body]),
      [
        [1, 'first'],
        [2, 'second'],
        [3, 'third'],
      ],
    );
    const later = await visitor(token, 1);
    assert.equal(later.ready.conversation_id, m1.conversation_id);
    assert.deepEqual(
      later.ready.messages.map((m: { seq: number }) => m.seq),
      [2, 3],
    );
    const none = await visitor(token, 3);
    assert.deepEqual(none.ready.messages, []);
  });

  test('a socket that connected before the first message follows the new conversation', async () => {
    const { token } = await newSession(s.app);
    const tab1 = await visitor(token);
    const tab2 = await visitor(token);
    assert.equal(tab2.ready.conversation_id, null);
    const c = cid();
    tab1.sock.send({ type: 'message', client_id: c, body: 'from tab 1' });
    const ack = await tab1.sock.nextType('ack');
    const seen = await tab2.sock.next(isMessage('from tab 1'));
    assert.deepEqual(seen.message, ack.message);
  });
});

describe('agent and visitor sockets together', () => {
  test("an agent socket receives the visitor's message live, with the conversation summary", async () => {
    const { sock: agentSock, ready } = await agent();
    assert.equal(ready.agent.name, AGENT_NAME);
    assert.equal(typeof ready.agents_online, 'number');

    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    sock.send({ type: 'message', client_id: cid(), body: 'agent, are you there?' });
    const ack = await sock.nextType('ack');

    const live = await agentSock.next(isMessage('agent, are you there?'));
    assert.deepEqual(live.message, ack.message);
    assert.equal(live.conversation.id, ack.message.conversation_id);
    assert.equal(live.conversation.unread_count, 1);
    assert.equal(live.conversation.last_seq, 1);
    assert.equal(live.conversation.last_message.body, 'agent, are you there?');
    assert.equal(live.conversation.app_id, 'app_test');

    sock.send({ type: 'message', client_id: cid(), body: 'hello?' });
    const live2 = await agentSock.next(isMessage('hello?'));
    assert.equal(live2.message.seq, 2);
    assert.equal(live2.conversation.unread_count, 2);
  });

  test("the visitor's profile rides a message frame only when the socket has not seen it", async () => {
    const { sock: agentSock } = await agent();
    const { token } = await newSession(s.app);
    await sendVisitor(s.app, token, 'profile 1');
    const first = await agentSock.next(isMessage('profile 1'));
    assert.equal(first.conversation.visitor.name, null, 'a socket new to the conversation gets the profile');
    await sendVisitor(s.app, token, 'profile 2');
    const second = await agentSock.next(isMessage('profile 2'));
    assert.equal('visitor' in second.conversation, false, 'an unchanged profile is not sent again');
    assert.equal(second.conversation.last_seq, 2);

    // A change arrives in a conversation frame, with the profile; the next message leaves it out.
    const res = await s.app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(token), payload: { name: 'Renamed', custom_data: { plan: 'pro' } } });
    assert.equal(res.statusCode, 200, res.body);
    const changed = await agentSock.next((f) => f.type === 'conversation' && f.conversation.visitor?.name === 'Renamed');
    assert.deepEqual(changed.conversation.visitor.custom_data, { plan: 'pro' });
    await sendVisitor(s.app, token, 'profile 3');
    assert.equal('visitor' in (await agentSock.next(isMessage('profile 3'))).conversation, false);

    // A read mark re-reads the summary; the profile did not change, so it stays out.
    agentSock.send({ type: 'read', conversation_id: first.conversation.id, seq: 3 });
    await agentSock.next((f) => f.type === 'conversation' && f.conversation.agent_read_seq === 3);
    await sendVisitor(s.app, token, 'profile 4');
    assert.equal('visitor' in (await agentSock.next(isMessage('profile 4'))).conversation, false);

    // Another inbox that opens now has not seen it: its first frame carries it.
    const { sock: later } = await agent();
    await sendVisitor(s.app, token, 'profile 5');
    assert.equal((await later.next(isMessage('profile 5'))).conversation.visitor.name, 'Renamed');
    assert.equal('visitor' in (await agentSock.next(isMessage('profile 5'))).conversation, false);
  });

  test('a REST-sent visitor message also reaches the agent socket', async () => {
    const { sock: agentSock } = await agent();
    const { token } = await newSession(s.app);
    const m = await sendVisitor(s.app, token, 'sent over REST');
    const live = await agentSock.next(isMessage('sent over REST'));
    assert.deepEqual(live.message, m);
  });

  test('the agent replies over its socket → both visitor tabs get it, another visitor does not', async () => {
    const { sock: agentSock } = await agent();
    const { token } = await newSession(s.app);
    const tab1 = await visitor(token);
    const tab2 = await visitor(token);
    const other = await newSession(s.app);
    const otherTab = await visitor(other.token);

    const first = await sendVisitor(s.app, token, 'I need help');
    await agentSock.next(isMessage('I need help'));
    // The other visitor has a conversation too, so a misrouted delivery would have somewhere to go.
    await sendVisitor(s.app, other.token, 'unrelated');

    const c = cid();
    agentSock.send({ type: 'message', conversation_id: first.conversation_id, client_id: c, body: 'Happy to help!' });
    const ack = await agentSock.nextType('ack');
    assert.equal(ack.client_id, c);
    assert.equal(ack.message.author, 'agent');
    assert.equal(ack.message.agent_name, AGENT_NAME);
    assert.equal(ack.message.seq, 2);

    for (const tab of [tab1, tab2]) {
      const f = await tab.sock.next(isMessage('Happy to help!'));
      assert.equal(f.message.author, 'agent');
      assert.equal(f.message.agent_name, AGENT_NAME);
      assert.equal(f.message.conversation_id, first.conversation_id);
      assert.equal(f.message.seq, 2);
    }
    // Delivery to the owner's sockets is done; anything meant for the other socket was sent
    // before its pong.
    await otherTab.sock.next(isMessage('unrelated'));
    await otherTab.sock.sync();
    assert.ok(!otherTab.sock.frames.some((f) => f.type === 'message' && f.message.author === 'agent'), 'the other visitor got no agent message');
    assert.ok(!JSON.stringify(otherTab.sock.frames).includes('Happy to help!'));

    // The reply is idempotent on client_id over the socket too.
    agentSock.send({ type: 'message', conversation_id: first.conversation_id, client_id: c, body: 'Happy to help!' });
    const ack2 = await agentSock.nextType('ack');
    assert.equal(ack2.message.seq, 2);
    assert.equal(await rowCount(first.conversation_id), 2);
  });

  test('an agent REST reply reaches the visitor socket', async () => {
    const { token } = await newSession(s.app);
    const m = await sendVisitor(s.app, token, 'question');
    const { sock } = await visitor(token, 1);
    const res = await s.app.inject({
      method: 'POST',
      url: `/api/v1/agent/conversations/${m.conversation_id}/messages`,
      headers: { cookie },
      payload: { client_id: cid(), body: 'answer via REST' },
    });
    assert.equal(res.statusCode, 201);
    const f = await sock.next(isMessage('answer via REST'));
    assert.equal(f.message.author, 'agent');
    assert.equal(f.message.agent_name, AGENT_NAME);
    assert.equal(f.message.seq, 2);
  });

  /** Sends six messages back to back from one tab; resolves once every socket has them all. */
  const burst = async () => {
    const { sock: agentSock } = await agent();
    const { token } = await newSession(s.app);
    const tab1 = await visitor(token);
    const tab2 = await visitor(token);
    const bodies = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
    for (const body of bodies) tab1.sock.send({ type: 'message', client_id: cid(), body });
    const acks: Frame[] = [];
    for (let i = 0; i < bodies.length; i++) acks.push(await tab1.sock.nextType('ack'));
    assert.deepEqual(
      acks.map((a) => [a.message.seq, a.message.body]),
      bodies.map((b, i) => [i + 1, b]),
    );
    const convId: string = acks[0]!.message.conversation_id;
    for (const sock of [agentSock, tab1.sock, tab2.sock]) {
      await sock.next(isMessage('b6'));
      await sock.sync();
    }
    const agentFrames = agentSock.frames.filter((x) => x.type === 'message' && x.message.conversation_id === convId);
    return { convId, agentSock, agentFrames, tabs: [tab1.sock, tab2.sock] };
  };

  test('a burst of messages reaches every socket once each, in seq order', async () => {
    const { convId, agentFrames, tabs } = await burst();
    assert.deepEqual(
      agentFrames.map((f) => f.message.seq),
      [1, 2, 3, 4, 5, 6],
      'agent socket',
    );
    for (const [i, tab] of tabs.entries()) {
      const seqs = tab.frames.filter((f) => f.type === 'message' && f.message.conversation_id === convId).map((f) => f.message.seq);
      assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6], `visitor tab ${i + 1}`);
    }
    assert.equal(await rowCount(convId), 6);
  });

  test("during a burst, each agent message frame's summary covers its message", async () => {
    const { agentFrames } = await burst();
    for (const f of agentFrames) {
      assert.ok(
        f.conversation.last_seq >= f.message.seq,
        `the frame for seq ${f.message.seq} carries a summary with last_seq ${f.conversation.last_seq} (unread_count ${f.conversation.unread_count})`,
      );
    }
    const final = agentFrames.at(-1)!;
    assert.equal(final.conversation.last_seq, 6, 'the last frame leaves the inbox with the current summary');
    assert.equal(final.conversation.unread_count, 6);
    assert.equal(final.conversation.last_message.seq, 6);
  });

  test('agent message frame for an unknown conversation → error NOT_FOUND', async () => {
    const { sock } = await agent();
    sock.send({ type: 'message', conversation_id: 'cnv_doesnotexist', client_id: cid(), body: 'hello' });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_NOT_FOUND');
    assert.equal(e.field, 'conversation_id');
  });

  test('read marks: agent read and visitor read frames reach the agent as conversation updates', async () => {
    const { sock: agentSock } = await agent();
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    const m = await sendVisitor(s.app, token, 'unread one');
    await agentSock.next(isMessage('unread one'));

    agentSock.send({ type: 'read', conversation_id: m.conversation_id, seq: 1 });
    const upd = await agentSock.next((f) => f.type === 'conversation' && f.conversation.id === m.conversation_id);
    assert.equal(upd.conversation.unread_count, 0);
    assert.equal(upd.conversation.agent_read_seq, 1);

    agentSock.send({ type: 'message', conversation_id: m.conversation_id, client_id: cid(), body: 'reply to read' });
    await sock.next(isMessage('reply to read'));
    sock.send({ type: 'read', seq: 99 }); // clamped to the last seq
    await agentSock.next((f) => f.type === 'conversation' && f.conversation.id === m.conversation_id);
    const again = await visitor(token, 2);
    assert.equal(again.ready.read_seq, 2);
  });

  test('an open inbox makes the app available; presence frames switch Away and back, live', async () => {
    const { sock: agentSock } = await agent();
    const { token } = await newSession(s.app);
    const { sock, ready } = await visitor(token);
    assert.equal(ready.available, true, 'an agent with the inbox open who is not away is available');
    try {
      agentSock.send({ type: 'presence', online: false });
      assert.deepEqual(await sock.nextType('availability'), { type: 'availability', available: false });
      // Presence frames also announce inbox connections; wait for the one about going away.
      const p = await agentSock.next((f) => f.type === 'presence' && f.agent.away === true);
      assert.equal(p.agent.online, false);
      assert.equal(p.agents_online, 0);
      const cfg = await s.app.inject({ method: 'GET', url: '/api/v1/apps/app_test/config' });
      assert.equal((cfg.json() as { available: boolean }).available, false);
      const late = await visitor((await newSession(s.app)).token);
      assert.equal(late.ready.available, false, 'a socket opened while the only agent is away starts unavailable');
    } finally {
      agentSock.send({ type: 'presence', online: true });
    }
    assert.deepEqual(await sock.nextType('availability'), { type: 'availability', available: true });
    const p2 = await agentSock.next((f) => f.type === 'presence' && f.agent.away === false);
    assert.equal(p2.agents_online, 1);
  });
});

describe('bad frames', () => {
  test('non-JSON text → error CONVOT_ERR_INVALID_JSON (before and after auth)', async () => {
    const raw = await rawVisitorSocket();
    raw.send('this is not json');
    const e1 = await raw.nextType('error');
    assert.equal(e1.code, 'CONVOT_ERR_INVALID_JSON');

    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    sock.send('{"type": "message", ');
    const e2 = await sock.nextType('error');
    assert.equal(e2.code, 'CONVOT_ERR_INVALID_JSON');
    assert.equal(typeof e2.message, 'string');
    // The socket stays usable.
    await sock.sync();
  });

  test('JSON that is not an object → error CONVOT_ERR_BAD_REQUEST', async () => {
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    sock.send('[1,2,3]');
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST');
    assert.equal(e.field, 'frame');
  });

  test('unknown type → CONVOT_ERR_UNKNOWN_FRAME with field type', async () => {
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    sock.send({ type: 'teleport' });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_UNKNOWN_FRAME');
    assert.equal(e.field, 'type');
    sock.send({ no_type: true });
    const e2 = await sock.nextType('error');
    assert.equal(e2.code, 'CONVOT_ERR_UNKNOWN_FRAME');
    assert.equal(e2.field, 'type');
  });

  test('message frame with a number body → CONVOT_ERR_BAD_REQUEST field body, nothing stored', async () => {
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    sock.send({ type: 'message', client_id: cid(), body: 42 });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST');
    assert.equal(e.field, 'body');
    sock.send({ type: 'message', client_id: 'bad id!', body: 'hi' });
    const e2 = await sock.nextType('error');
    assert.equal(e2.code, 'CONVOT_ERR_BAD_REQUEST');
    assert.equal(e2.field, 'client_id');
    const again = await visitor(token);
    assert.equal(again.ready.conversation_id, null);
  });

  test('a binary frame → CONVOT_ERR_BAD_REQUEST', async () => {
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    sock.ws.send(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST');
  });

  test('a second auth frame → CONVOT_ERR_BAD_REQUEST', async () => {
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    sock.send({ type: 'auth', token, last_seq: 0 });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_BAD_REQUEST');
  });

  test('a non-auth first frame → CONVOT_ERR_UNAUTHORIZED and nothing is stored', async () => {
    const raw = await rawVisitorSocket();
    raw.send({ type: 'message', client_id: cid(), body: 'sneaky' });
    const e = await raw.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_UNAUTHORIZED');
    raw.send({ type: 'ping' });
    const e2 = await raw.nextType('error');
    assert.equal(e2.code, 'CONVOT_ERR_UNAUTHORIZED');
    const rows = await s.db.query("SELECT 1 FROM messages WHERE body = 'sneaky'");
    assert.equal(rows.length, 0);
  });

  test('a bad token → error frame, then the socket closes with 4401', async () => {
    const raw = await rawVisitorSocket();
    raw.send({ type: 'auth', token: 'A'.repeat(43), last_seq: 0 });
    const e = await raw.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_UNAUTHORIZED');
    const closed = await raw.closedWithin();
    assert.equal(closed.code, 4401);
  });

  test('a malformed (too short) token → error frame, then the socket closes with 4401', async () => {
    const raw = await rawVisitorSocket();
    raw.send({ type: 'auth', token: 'short', last_seq: 0 });
    const e = await raw.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_UNAUTHORIZED', `got ${e.code} (field ${e.field})`);
    const closed = await raw.closedWithin(3000); // well before the 10 s auth timeout
    assert.equal(closed.code, 4401);
  });

  test('a frame over the 16 KB frame limit → error CONVOT_ERR_PAYLOAD_TOO_LARGE naming the client_id; the socket stays open', async () => {
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    const c = cid();
    sock.send({ type: 'message', client_id: c, body: 'x'.repeat(20 * 1024) });
    const e = await sock.nextType('error');
    assert.equal(e.code, 'CONVOT_ERR_PAYLOAD_TOO_LARGE');
    await sock.sync();
    const again = await visitor(token);
    assert.equal(again.ready.conversation_id, null, 'nothing was stored');
  });

  test('a frame over the 1 MB hard cap closes the socket with 1009', async () => {
    const { token } = await newSession(s.app);
    const { sock } = await visitor(token);
    sock.send({ type: 'message', client_id: cid(), body: 'x'.repeat(1100 * 1024) });
    const closed = await sock.closedWithin();
    assert.equal(closed.code, 1009);
  });

});

describe('upgrade refusals', () => {
  test('visitor socket from a foreign Origin is refused with 403', async () => {
    const r = await refusedUpgrade(`${s.wsBase}/api/v1/apps/app_test/ws`, { headers: { origin: 'http://evil.test' } });
    assert.equal(r.status, 403);
    assert.equal((JSON.parse(r.body) as { code: string }).code, 'CONVOT_ERR_ORIGIN_NOT_ALLOWED');
  });

  test('visitor socket from the allowed Origin is accepted', async () => {
    const sock = await Sock.open(`${s.wsBase}/api/v1/apps/app_test/ws`, { headers: { origin: 'http://allowed.test' } });
    open.push(sock);
    const { token } = await newSession(s.app);
    sock.send({ type: 'auth', token, last_seq: 0 });
    const ready = await sock.nextType('ready');
    assert.equal(ready.conversation_id, null);
  });

  test('visitor socket for an unknown app is refused with 404', async () => {
    const r = await refusedUpgrade(`${s.wsBase}/api/v1/apps/app_nope/ws`);
    assert.equal(r.status, 404);
    assert.equal((JSON.parse(r.body) as { code: string }).code, 'CONVOT_ERR_UNKNOWN_APP');
  });
});
