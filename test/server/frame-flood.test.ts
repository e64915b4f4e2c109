/**
 * Socket frames under abuse: every frame type is rate limited per session (read and ping too),
 * read marks are announced only when they move, and a socket that does not read is cut off once
 * its send buffer passes `limits.send_buffer_bytes`, so server memory stays flat.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { parseConfig } from '../../server/config.js';
import { Sock, agentSocket, cid, loginAgent, newSession, sendVisitor, startServer, stopServer, testConfigData, visitorSocket, type TestServer } from './helpers.js';

const FRAME_MAX = 40;
const SEND_BUFFER = 64 * 1024;

let s: TestServer;
before(async () => {
  s = await startServer({
    listen: true,
    config: parseConfig(
      {
        ...testConfigData(),
        limits: { frame: { max: FRAME_MAX, window_seconds: 60 }, message: { max: 10_000, window_seconds: 60 }, send_buffer_bytes: { max: SEND_BUFFER } },
      },
      {},
    ),
  });
});
after(() => stopServer(s));

/** The TCP socket under a test client: pausing it makes a client that reads nothing. */
const tcp = (sock: Sock): Socket => (sock.ws as unknown as { _socket: Socket })._socket;
/** Bytes queued unsent on the server's side of every open socket. */
const serverBuffered = (): number => [...(s.app.websocketServer.clients as Set<WebSocket>)].reduce((n, c) => n + c.bufferedAmount, 0);

test('a read-frame flood against a non-reading inbox: limited per session, nothing announced twice, server memory flat', async () => {
  const v = await newSession(s.app);
  const m = await sendVisitor(s.app, v.token, 'hello');
  const agent = await agentSocket(s.wsBase, await loginAgent(s.app));
  const { sock } = await visitorSocket(s.wsBase, v.token);
  tcp(agent.sock).pause();
  try {
    const before = process.memoryUsage().heapUsed;
    const FLOOD = 20_000;
    for (let i = 0; i < FLOOD; i++) sock.send({ type: 'read', seq: m.seq });
    sock.send({ type: 'ping' });
    // The flood is answered: the first frames are handled, the rest refused as rate limited
    // (a generous deadline: on a busy machine PostgreSQL takes seconds for the first frames).
    await sock.next((f) => f.type === 'error' && f.code === 'CONVOT_ERR_RATE_LIMITED', 60_000);
    while (sock.frames.filter((f) => f.type === 'error').length < FLOOD - FRAME_MAX) await new Promise((r) => setTimeout(r, 50));
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 48 * 1024 * 1024, `heap grew ${Math.round(grown / 1e6)} MB`);
    assert.ok(serverBuffered() <= SEND_BUFFER + 16 * 1024, `server send buffers hold ${serverBuffered()} bytes`);
    const reads = sock.frames.filter((f) => f.type === 'read').length;
    assert.ok(reads <= 1, `the read mark moved once, announced ${reads} times`);

    tcp(agent.sock).resume();
    await agent.sock.sync();
    const conversationFrames = agent.sock.frames.filter((f) => f.type === 'conversation').length;
    assert.ok(conversationFrames <= 1, `the inbox got ${conversationFrames} conversation frames for one read mark`);
  } finally {
    // Closed whatever happened, or a paused inbox left behind would change the next test's count.
    await sock.close();
    await agent.sock.close();
  }
});

test('ping frames count too: past the limit a ping is refused', async () => {
  const v = await newSession(s.app);
  const { sock } = await visitorSocket(s.wsBase, v.token);
  for (let i = 0; i < FRAME_MAX + 5; i++) sock.send({ type: 'ping' });
  const err = await sock.next((f) => f.type === 'error');
  assert.equal(err.code, 'CONVOT_ERR_RATE_LIMITED');
  assert.equal(sock.frames.filter((f) => f.type === 'pong').length, FRAME_MAX);
  await sock.close();
});

test('an inbox socket that does not read is cut off once its send buffer passes the bound; a new one catches up', async () => {
  const v = await newSession(s.app);
  const cookie = await loginAgent(s.app);
  const agent = await agentSocket(s.wsBase, cookie);
  tcp(agent.sock).pause();
  const big = 'x'.repeat(4900);
  const open = () => s.app.websocketServer.clients.size;
  const opened = open();
  // The kernel's socket buffers take a few MB first; then the server's own queue grows to the bound.
  let sent = 0;
  while (open() === opened && sent < 4000) {
    await Promise.all(Array.from({ length: 20 }, () => sendVisitor(s.app, v.token, `${sent++} ${big}`, cid())));
    assert.ok(serverBuffered() <= SEND_BUFFER + 16 * 1024, `server send buffers hold ${serverBuffered()} bytes`);
  }
  assert.equal(open(), opened - 1, `the server cut the socket off (after ${sent} messages)`);
  tcp(agent.sock).resume();
  const closed = await agent.sock.closedWithin(4000);
  assert.equal(closed.code, 1006, 'cut off without a close handshake');
  const again = await agentSocket(s.wsBase, cookie);
  assert.equal(again.ready.type, 'ready');
  await again.sock.close();
});
