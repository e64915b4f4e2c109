/**
 * Typing and "Seen", both ways, across two instances on one database (a visitor on A, the inbox
 * on B): typing crosses over the fan-out without touching a table, is limited per sender, and
 * the preview is cut; read marks reach the other side live. Also the chat Markdown tree on
 * stored messages and agents' avatars from the config.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp, type ConvotApp } from '../../server/app.js';
import { ConfigError, parseConfig } from '../../server/config.js';
import type { Db } from '../../server/storage/db.js';
import { TYPING_PREVIEW_MAX } from '../../src/protocol/wire.js';
import { agentSocket, cid, loginAgent, newSession, openTestDb, testConfigData, visitorSocket, type Frame, type Sock } from './helpers.js';

const AVATAR = 'https://cdn.example.com/ada.png';
const TYPING_MAX = 5;

async function listen(app: ConvotApp): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no TCP address');
  return `ws://127.0.0.1:${addr.port}`;
}

const config = () => {
  const data = testConfigData();
  (data.agents as Record<string, unknown>[])[0]!.avatar_url = AVATAR;
  data.limits = { typing: { max: TYPING_MAX, window_seconds: 60 } };
  return parseConfig(data, {});
};

let db: Db;
let a: ConvotApp;
let b: ConvotApp;
let wsA: string;
let wsB: string;
const open: Sock[] = [];

before(async () => {
  db = await openTestDb();
  a = await buildApp({ db, config: config(), root: process.cwd() });
  b = await buildApp({ db, root: process.cwd(), config: config() });
  wsA = await listen(a);
  wsB = await listen(b);
});
after(async () => {
  for (const s of open) s.ws.close();
  await a.close();
  await b.close();
  await db.close();
});

/** A visitor on A with a conversation (one message), and an inbox on B. */
async function pair() {
  const s = await newSession(a);
  const visitor = await visitorSocket(wsA, s.token);
  const inbox = await agentSocket(wsB, await loginAgent(b));
  open.push(visitor.sock, inbox.sock);
  const clientId = cid();
  visitor.sock.send({ type: 'message', client_id: clientId, body: 'hello' });
  const ack = await visitor.sock.nextType('ack');
  const conversationId = ack.message.conversation_id as string;
  await inbox.sock.next((f) => f.type === 'message' && f.message.client_id === clientId);
  return { s, visitor: visitor.sock, inbox: inbox.sock, conversationId };
}

const tableCounts = async () =>
  (await db.query<{ m: number; c: string }>(`SELECT (SELECT count(*)::int FROM messages) AS m, (SELECT string_agg(last_seq || ':' || agent_read_seq || ':' || visitor_read_seq, ',' ORDER BY id) FROM conversations) AS c`))[0];

describe('typing', () => {
  test('the visitor typing on instance A reaches the inbox on B with the draft, then the stop; nothing is stored', async () => {
    const { visitor, inbox, conversationId } = await pair();
    const before = await tableCounts();
    visitor.send({ type: 'typing', typing: true, text: 'I have a question about' });
    const on = await inbox.nextType('typing');
    assert.deepEqual(on, { type: 'typing', conversation_id: conversationId, typing: true, text: 'I have a question about' });
    visitor.send({ type: 'typing', typing: false });
    const off = await inbox.nextType('typing');
    assert.deepEqual(off, { type: 'typing', conversation_id: conversationId, typing: false });
    await visitor.sync();
    assert.deepEqual(await tableCounts(), before, 'typing writes nothing');
  });

  test('an agent typing on B reaches the visitor on A with their public name and avatar, never an id', async () => {
    const { visitor, inbox, conversationId } = await pair();
    inbox.send({ type: 'typing', conversation_id: conversationId, typing: true });
    const on = await visitor.nextType('typing');
    assert.deepEqual(on, { type: 'typing', typing: true, name: 'Agent Smith', avatar_url: AVATAR });
    inbox.send({ type: 'typing', conversation_id: conversationId, typing: false });
    assert.equal((await visitor.nextType('typing')).typing, false);
  });

  test('a draft preview is cut to TYPING_PREVIEW_MAX characters; a malformed frame is refused naming the field', async () => {
    const { visitor, inbox } = await pair();
    visitor.send({ type: 'typing', typing: true, text: 'x'.repeat(3000) });
    assert.equal((await inbox.nextType('typing')).text.length, TYPING_PREVIEW_MAX);
    visitor.send({ type: 'typing', typing: 'yes' });
    const error = await visitor.nextType('error');
    assert.equal(error.code, 'CONVOT_ERR_BAD_REQUEST');
    assert.equal(error.field, 'typing');
  });

  test('typing frames are rate limited per session (and per agent sign-in); a conversation of no app of the agent is 404', async () => {
    const { visitor, inbox, conversationId } = await pair();
    for (let i = 0; i < TYPING_MAX; i++) visitor.send({ type: 'typing', typing: i % 2 === 0 });
    visitor.send({ type: 'typing', typing: true });
    const refused = await visitor.nextType('error');
    assert.equal(refused.code, 'CONVOT_ERR_RATE_LIMITED');
    // Exactly the frames within the limit reached the inbox.
    await visitor.sync();
    await inbox.sync();
    const typed = (inbox as unknown as { frames: Frame[] }).frames.filter((f) => f.type === 'typing' && f.conversation_id === conversationId);
    assert.equal(typed.length, TYPING_MAX);

    inbox.send({ type: 'typing', conversation_id: 'cnv_nope', typing: true });
    assert.equal((await inbox.nextType('error')).code, 'CONVOT_ERR_NOT_FOUND');
  });

  test('before the visitor has a conversation, typing reaches nobody', async () => {
    const s = await newSession(a);
    const { sock } = await visitorSocket(wsA, s.token);
    const inbox = await agentSocket(wsB, await loginAgent(b));
    open.push(sock, inbox.sock);
    sock.send({ type: 'typing', typing: true, text: 'hi' });
    await sock.sync();
    await assert.rejects(inbox.sock.nextType('typing', 500));
  });
});

describe('seen', () => {
  test('the agent reading on B shows "Seen" to the visitor on A (live, and in the next ready)', async () => {
    const { s, visitor, inbox, conversationId } = await pair();
    inbox.send({ type: 'read', conversation_id: conversationId, seq: 1 });
    assert.equal((await visitor.nextType('seen')).seq, 1);
    const again = await visitorSocket(wsB, s.token);
    open.push(again.sock);
    assert.equal(again.ready.seen_seq, 1);
  });

  test('the visitor reading on A shows "Seen" to the inbox on B (visitor_read_seq in the summary)', async () => {
    const { visitor, inbox, conversationId } = await pair();
    inbox.send({ type: 'message', conversation_id: conversationId, client_id: cid(), body: 'How can I help?' });
    const reply = await visitor.next((f) => f.type === 'message' && f.message.author === 'agent');
    assert.equal(reply.message.agent_avatar_url, AVATAR);
    visitor.send({ type: 'read', seq: reply.message.seq });
    const summary = await inbox.next((f) => f.type === 'conversation' && f.conversation.id === conversationId && f.conversation.visitor_read_seq === reply.message.seq);
    assert.equal(summary.conversation.visitor_read_seq, 2);
  });
});

describe('markdown in messages', () => {
  test('a body with Markdown gets the chat tree; plain text gets none; the body is stored as typed', async () => {
    const { visitor, inbox, conversationId } = await pair();
    const body = '**bold** and `code`\n\n- one\n- [two](https://example.com/x)';
    inbox.send({ type: 'message', conversation_id: conversationId, client_id: cid(), body });
    const m = (await visitor.next((f) => f.type === 'message' && f.message.author === 'agent')).message;
    assert.equal(m.body, body);
    assert.deepEqual(m.md, [
      { t: 'p', c: [{ t: 'strong', c: [{ t: 'text', v: 'bold' }] }, { t: 'text', v: ' and ' }, { t: 'code', v: 'code' }] },
      { t: 'list', ordered: false, items: [[{ t: 'p', c: [{ t: 'text', v: 'one' }] }], [{ t: 'p', c: [{ t: 'link', href: 'https://example.com/x', c: [{ t: 'text', v: 'two' }] }] }]] },
    ]);
    inbox.send({ type: 'message', conversation_id: conversationId, client_id: cid(), body: 'just words, 2 * 3' });
    assert.equal((await visitor.next((f) => f.type === 'message' && f.message.author === 'agent')).message.md, undefined);
  });

  test('hostile bodies: no script or data link, no image, no heading, raw HTML stays text, absurd nesting does not break the message', async () => {
    const { visitor } = await pair();
    const corpus = [
      '[click](javascript:alert(1)) *x*',
      '[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) *x*',
      '[a](JaVaScRiPt:alert(1)) [b]( javascript:alert(1)) [c](&#106;avascript:alert(1)) *x*',
      '![tracker](https://evil.example/pixel.png) *x*',
      '# Heading *x*',
      '<img src=x onerror=alert(1)> <script>alert(1)</script> **x**',
      '<a href="javascript:alert(1)">x</a> *y*',
      `${'> '.repeat(2000)}*deep*`,
      `${'- '.repeat(1500)}*deep*`,
      `${'*'.repeat(2400)}x${'*'.repeat(2400)}`,
      `${'['.repeat(2000)}x${'](https://a.example)'.repeat(100)}`,
      '[\u202egnp.exe](https://example.com/\u202e) *x*',
      '[x](https://ex\u0430mple.com) *x*',
    ];
    const walk = (nodes: unknown, visit: (n: Record<string, unknown>) => void): void => {
      if (!Array.isArray(nodes)) return;
      for (const n of nodes as Record<string, unknown>[]) {
        visit(n);
        walk(n.c, visit);
        if (Array.isArray(n.items)) for (const item of n.items) walk(item, visit);
      }
    };
    for (const body of corpus) {
      const clientId = cid();
      visitor.send({ type: 'message', client_id: clientId, body: body.slice(0, 5000) });
      const ack = await visitor.next((f) => f.type === 'ack' && f.client_id === clientId);
      assert.equal(ack.message.body, body.slice(0, 5000).trim());
      walk(ack.message.md, (n) => {
        assert.ok(['p', 'list', 'pre', 'text', 'strong', 'em', 'del', 'code', 'link', 'br'].includes(n.t as string), `node ${String(n.t)} in ${JSON.stringify(body.slice(0, 40))}`);
        if (n.t === 'link') assert.match(n.href as string, /^(https?:|mailto:|tel:)/);
      });
      const text = JSON.stringify(ack.message.md ?? []);
      assert.doesNotMatch(text, /"href":"(javascript|data):/i);
    }
    // The homograph is shown as its punycode host, so the link says where it goes.
    visitor.send({ type: 'message', client_id: cid(), body: '[x](https://ex\u0430mple.com) *y*' });
    const homograph = await visitor.nextType('ack');
    assert.match(JSON.stringify(homograph.message.md), /xn--/);
  });
});

describe('agents[].avatar_url', () => {
  test('must be an absolute https URL', () => {
    for (const bad of ['http://cdn.example.com/a.png', 'javascript:alert(1)', '/a.png', 42]) {
      const data = testConfigData();
      (data.agents as Record<string, unknown>[])[0]!.avatar_url = bad;
      assert.throws(() => parseConfig(data, {}), (e: unknown) => e instanceof ConfigError && /agents\[0\]\.avatar_url must be an absolute https URL/.test(e.message));
    }
  });
});
