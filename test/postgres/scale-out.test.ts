/**
 * Two `convot serve` processes on one PostgreSQL database: a visitor on one, an agent on the
 * other. Messages cross both ways exactly once and in order, also after the LISTEN connections
 * are killed (they reconnect and catch up). Runs under scripts/with-postgres.mjs.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { AGENT, APP_ID, startConvot, type ConvotProcess } from '../e2e/harness.js';
import { freshDatabase } from '../support/postgres.js';

const baseUrl = process.env.CONVOT_TEST_DATABASE_URL;
if (!baseUrl) throw new Error('CONVOT_TEST_DATABASE_URL is not set: run this through scripts/with-postgres.mjs');

let databaseUrl: string;
let a: ConvotProcess;
let b: ConvotProcess;

interface Frame {
  type: string;
  [k: string]: unknown;
}

/** A socket that records frames and waits for the ones a test expects. */
class Peer {
  readonly frames: Frame[] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.frames.push(JSON.parse(String(d)) as Frame);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async open(url: string, headers: Record<string, string> = {}): Promise<Peer> {
    const ws = new WebSocket(url, { headers });
    const peer = new Peer(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return peer;
  }
  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }
  async until(pred: (frames: Frame[]) => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this.frames)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
  messages(): { seq: number; body: string; author: string }[] {
    return this.frames.filter((f) => f.type === 'message').map((f) => f.message as { seq: number; body: string; author: string });
  }
}

before(async () => {
  databaseUrl = await freshDatabase(baseUrl);
  const origins = ['http://shop.test'];
  // Both start at once: migrations take turns on an advisory lock.
  [a, b] = await Promise.all([
    startConvot({ allowedOrigins: origins, extraArgs: ['--database', databaseUrl] }),
    startConvot({ allowedOrigins: origins, extraArgs: ['--database', databaseUrl] }),
  ]);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

test('two instances on one PostgreSQL deliver every message once, in order, across instances, and survive a killed LISTEN', async () => {
  const session = (await (await fetch(`${a.url}/api/v1/apps/${APP_ID}/sessions`, { method: 'POST' })).json()) as { token: string };
  const login = await fetch(`${b.url}/api/v1/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: AGENT.email, password: AGENT.password }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

  const visitor = await Peer.open(`${a.url.replace('http', 'ws')}/api/v1/apps/${APP_ID}/ws`);
  visitor.send({ type: 'auth', token: session.token, last_seq: 0 });
  await visitor.until((f) => f.some((x) => x.type === 'ready'), 'visitor ready');
  const agent = await Peer.open(`${b.url.replace('http', 'ws')}/api/v1/agent/ws`, { cookie });
  await agent.until((f) => f.some((x) => x.type === 'ready'), 'agent ready');

  // Visitor (instance A) → agent (instance B).
  for (let i = 1; i <= 5; i++) visitor.send({ type: 'message', client_id: randomUUID(), body: `v${i}` });
  await agent.until((f) => f.filter((x) => x.type === 'message').length >= 5, 'five visitor messages on B');
  const conversationId = (agent.frames.find((f) => f.type === 'message')!.conversation as { id: string }).id;
  assert.deepEqual(agent.messages().map((m) => [m.seq, m.body]), [[1, 'v1'], [2, 'v2'], [3, 'v3'], [4, 'v4'], [5, 'v5']]);

  // Agent (instance B) → visitor (instance A).
  for (let i = 1; i <= 3; i++) agent.send({ type: 'message', conversation_id: conversationId, client_id: randomUUID(), body: `a${i}` });
  await visitor.until((f) => f.filter((x) => x.type === 'message' && (x.message as { author: string }).author === 'agent').length >= 3, 'three agent replies on A');

  // Kill every LISTEN connection; the instances reconnect and catch up.
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
  if (killed.rowCount !== 2) await admin.end();
  assert.equal(killed.rowCount, 2, 'one LISTEN connection per instance');

  // Sent right away, possibly while the instances are still reconnecting.
  visitor.send({ type: 'message', client_id: randomUUID(), body: 'v6 after kill' });
  agent.send({ type: 'message', conversation_id: conversationId, client_id: randomUUID(), body: 'a4 after kill' });
  await agent.until((f) => f.some((x) => x.type === 'message' && (x.message as { body: string }).body === 'v6 after kill'), 'v6 on B after the kill', 15_000);
  await visitor.until((f) => f.some((x) => x.type === 'message' && (x.message as { body: string }).body === 'a4 after kill'), 'a4 on A after the kill', 15_000);

  // Both LISTEN connections are back (a reconnect that failed once retries a second later, so
  // poll rather than read once; the deliveries above already needed both).
  try {
    let listening = 0;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const r = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`);
      listening = r.rows[0].n;
      if (listening === 2) break;
    }
    assert.equal(listening, 2, 'one LISTEN connection per instance again');
  } finally {
    // An open client would keep this test file's process alive (and the suite waiting) after a failure.
    await admin.end();
  }

  // Every message once, in seq order, on both sides.
  const seqs = (ms: { seq: number }[]) => ms.map((m) => m.seq);
  const agentSeqs = seqs(agent.messages());
  assert.deepEqual(agentSeqs, [...agentSeqs].sort((x, y) => x - y), 'agent socket got messages in order');
  assert.equal(new Set(agentSeqs).size, agentSeqs.length, 'agent socket got no duplicates');
  const visitorSeqs = seqs(visitor.messages());
  assert.deepEqual(visitorSeqs, [...visitorSeqs].sort((x, y) => x - y), 'visitor socket got messages in order');
  assert.equal(new Set(visitorSeqs).size, visitorSeqs.length, 'visitor socket got no duplicates');
  assert.deepEqual(agent.messages().filter((m) => m.author === 'visitor').map((m) => m.body), ['v1', 'v2', 'v3', 'v4', 'v5', 'v6 after kill']);
  assert.deepEqual(visitor.messages().filter((m) => m.author === 'agent').map((m) => m.body), ['a1', 'a2', 'a3', 'a4 after kill']);
  visitor.ws.close();
  agent.ws.close();
});
