/**
 * What a message costs and how it travels: one statement per visitor message on each store;
 * the writing instance delivers from memory; a second instance reads each message once for all
 * of its sockets and delivers it exactly once; a socket that is behind gets the gap from the
 * database, in order. Statements are counted with storage/statement-count.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp, type ConvotApp } from '../../server/app.js';
import type { Db } from '../../server/storage/db.js';
import { countStatements, type CountingDb } from '../../server/storage/statement-count.js';
import { agentSocket, cid, loginAgent, newSession, openTestDb, testConfig, visitorSocket, type Frame, type Sock } from './helpers.js';

async function listen(app: ConvotApp): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no TCP address');
  return `ws://127.0.0.1:${addr.port}`;
}

const isMessage = (clientId: string) => (f: Frame) => f.type === 'message' && f.message.client_id === clientId;

/** Sends on a visitor socket and waits for the ack. */
async function send(sock: Sock, body: string): Promise<{ clientId: string; ack: Frame }> {
  const clientId = cid();
  sock.send({ type: 'message', client_id: clientId, body });
  return { clientId, ack: await sock.next((f) => f.type === 'ack' && f.client_id === clientId) };
}

describe('delivery and statements per message', () => {
  let raw: Db;
  let dbA: CountingDb;
  let dbB: CountingDb;
  let a: ConvotApp;
  let b: ConvotApp;
  let wsA: string;
  let wsB: string;

  before(async () => {
    raw = await openTestDb();
    // Two instances on one database, each counting its own statements.
    dbA = countStatements(raw);
    dbB = countStatements(raw);
    a = await buildApp({ db: dbA, config: testConfig(), root: process.cwd() });
    b = await buildApp({ db: dbB, root: process.cwd() });
    wsA = await listen(a);
    wsB = await listen(b);
  });
  after(async () => {
    await a.close();
    await b.close();
    await raw.close();
  });

  test('a visitor message is one statement, however many agent sockets this instance has', async () => {
    const cookie = await loginAgent(a);
    const inboxes = await Promise.all([1, 2, 3].map(() => agentSocket(wsA, cookie)));
    const s = await newSession(a);
    const { sock } = await visitorSocket(wsA, s.token);
    const first = await send(sock, 'starts the conversation');
    for (const { sock: inbox } of inboxes) await inbox.next(isMessage(first.clientId));
    dbA.reset();
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await send(sock, `message ${i}`)).clientId);
    for (const { sock: inbox } of inboxes) for (const id of sent) await inbox.next(isMessage(id));
    assert.equal(dbA.statements, 5, `statements: ${JSON.stringify([...dbA.byText])}`);
    sock.ws.close();
    for (const { sock: inbox } of inboxes) inbox.ws.close();
  });

  test('a burst from many visitors shares statements (merged appends): every message stored once, seqs in send order, delivered once elsewhere', async () => {
    const cookie = await loginAgent(b);
    const { sock: inbox } = await agentSocket(wsB, cookie);
    const visitors = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const { sock } = await visitorSocket(wsA, (await newSession(a)).token);
        const first = await send(sock, 'starts the conversation');
        await inbox.next(isMessage(first.clientId));
        return sock;
      }),
    );
    dbA.reset();
    // Three messages per visitor, all sent before any ack: they queue behind each other's commits.
    const sent = visitors.map((sock) =>
      [0, 1, 2].map((i) => {
        const clientId = cid();
        sock.send({ type: 'message', client_id: clientId, body: `burst ${i}` });
        return clientId;
      }),
    );
    const acks = await Promise.all(visitors.map((sock, v) => Promise.all(sent[v]!.map((id) => sock.next((f) => f.type === 'ack' && f.client_id === id)))));
    for (const perVisitor of acks) assert.deepEqual(perVisitor.map((f) => f.message.seq), [2, 3, 4], 'seqs follow the send order');
    for (const id of sent.flat()) await inbox.next(isMessage(id));
    await inbox.sync();
    const delivered = inbox.frames.filter((f) => f.type === 'message' && sent.flat().includes(f.message.client_id));
    assert.equal(delivered.length, 36, 'each message reaches the other instance once');
    assert.ok(dbA.statements < 36, `merged: ${dbA.statements} statements for 36 messages: ${JSON.stringify([...dbA.byText].map(([k, v]) => [k.slice(0, 60), v]))}`);
    for (const sock of visitors) sock.ws.close();
    inbox.ws.close();
  });

  test('another instance reads each message once for all its sockets and delivers it exactly once', async () => {
    const cookie = await loginAgent(b);
    const inboxes = await Promise.all([1, 2, 3].map(() => agentSocket(wsB, cookie)));
    const s = await newSession(a);
    const visitorOnB = await visitorSocket(wsB, s.token);
    const { sock } = await visitorSocket(wsA, s.token);
    const first = await send(sock, 'starts the conversation');
    for (const { sock: inbox } of inboxes) await inbox.next(isMessage(first.clientId));
    await visitorOnB.sock.next(isMessage(first.clientId));
    dbA.reset();
    dbB.reset();
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { clientId } = await send(sock, `message ${i}`);
      sent.push(clientId);
      // One at a time, so each is its own fan-out event (no coalescing).
      for (const { sock: inbox } of inboxes) await inbox.next(isMessage(clientId));
      await visitorOnB.sock.next(isMessage(clientId));
    }
    assert.equal(dbA.statements, 4, 'the writer does not read its own messages back');
    assert.equal(dbB.statements, 4, `one read per message on the other instance: ${JSON.stringify([...dbB.byText])}`);
    for (const { sock: inbox } of [...inboxes, visitorOnB]) {
      await inbox.sync();
      for (const id of [first.clientId, ...sent]) assert.equal(inbox.frames.filter(isMessage(id)).length, 1, 'exactly once');
    }
    for (const x of [sock, visitorOnB.sock, ...inboxes.map((i) => i.sock)]) x.ws.close();
  });

  test('a socket behind by N messages gets the gap from the database, in order, once', async () => {
    const s = await newSession(a);
    const { sock } = await visitorSocket(wsA, s.token);
    await send(sock, 'one');
    // Three messages stored without being announced: the socket missed them.
    const session = (await a.convot.repos.visitors.findSession('app_test', s.token))!;
    for (const body of ['two', 'three', 'four']) await a.convot.repos.conversations.addVisitorMessage(session, cid(), body);
    dbA.reset();
    const fifth = await send(sock, 'five');
    await sock.next(isMessage(fifth.clientId));
    await sock.sync();
    const seqs = sock.frames.filter((f) => f.type === 'message').map((f) => f.message.seq);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
    assert.equal(dbA.statements, 2, 'the write, and one read for the gap');
    sock.ws.close();
  });
});
