/**
 * Chat throughput and latency on the embedded store: N visitors each send M messages over
 * their sockets, each waiting for the ack before the next (closed loop, so latency is per
 * message, not queueing of a burst); one agent socket receives them all. Prints numbers only.
 *   npx tsx bench/messages.ts [visitors=20] [messages=25]
 * Set CONVOT_BENCH_DATABASE_URL=postgres://… to measure PostgreSQL instead of PGlite.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { buildApp } from '../server/app.js';
import { parseConfig } from '../server/config.js';
import { RateLimiter } from '../server/rate-limit.js';
import { openPglite } from '../server/storage/pglite.js';
import { openPostgres } from '../server/storage/postgres.js';

const visitors = Number(process.argv[2] ?? 20);
const perVisitor = Number(process.argv[3] ?? 25);
const dbUrl = process.env.CONVOT_BENCH_DATABASE_URL;

const db = dbUrl ? await openPostgres(dbUrl) : await openPglite();
const config = parseConfig({ apps: [{ id: 'app_bench', name: 'Bench' }], agents: [{ email: 'bench@convot.test', name: 'Bench', password: 'bench-password' }] }, {});
// No limits: this measures the pipeline, not the rate limiter.
const unlimited = new RateLimiter();
unlimited.hit = () => undefined;
const app = await buildApp({ db, config, root: process.cwd(), rateLimiter: unlimited });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const wsBase = base.replace('http', 'ws');

const login = await app.inject({ method: 'POST', url: '/api/v1/agent/login', payload: { email: 'bench@convot.test', password: 'bench-password' } });
const cookie = String(login.headers['set-cookie']).split(';')[0]!;
const agent = new WebSocket(`${wsBase}/api/v1/agent/ws`, { headers: { cookie } });
await new Promise((r) => agent.once('open', r));

const total = visitors * perVisitor;
const sentAt = new Map<string, number>();
const ackLatency: number[] = [];
const deliveryLatency: number[] = [];
let delivered = 0;
let resolveDone!: () => void;
const done = new Promise<void>((r) => (resolveDone = r));
agent.on('message', (d) => {
  const f = JSON.parse(String(d));
  if (f.type !== 'message' || f.message.author !== 'visitor') return;
  const t0 = sentAt.get(f.message.client_id);
  if (t0 !== undefined) deliveryLatency.push(performance.now() - t0);
  if (++delivered === total) resolveDone();
});

const sockets = await Promise.all(
  Array.from({ length: visitors }, async () => {
    const s = await app.inject({ method: 'POST', url: '/api/v1/apps/app_bench/sessions' });
    const ws = new WebSocket(`${wsBase}/api/v1/apps/app_bench/ws`);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'auth', token: s.json().token, last_seq: 0 }));
    await new Promise<void>((r) => ws.on('message', (d) => JSON.parse(String(d)).type === 'ready' && r()));
    return ws;
  }),
);

/** One visitor: send, wait for the ack, repeat. */
async function visitorLoop(ws: WebSocket): Promise<void> {
  for (let i = 0; i < perVisitor; i++) {
    const id = randomUUID();
    const acked = new Promise<void>((resolve) => {
      const onFrame = (d: WebSocket.RawData) => {
        const f = JSON.parse(String(d));
        if (f.type === 'ack' && f.client_id === id) {
          ws.off('message', onFrame);
          resolve();
        }
      };
      ws.on('message', onFrame);
    });
    sentAt.set(id, performance.now());
    ws.send(JSON.stringify({ type: 'message', client_id: id, body: `message ${i}` }));
    await acked;
    ackLatency.push(performance.now() - sentAt.get(id)!);
  }
}

const start = performance.now();
await Promise.all(sockets.map(visitorLoop));
await done;
const secs = (performance.now() - start) / 1000;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
console.log(`store: ${dbUrl ? 'PostgreSQL' : 'PGlite (in memory)'}; ${visitors} visitors x ${perVisitor} messages = ${total}`);
console.log(`throughput: ${(total / secs).toFixed(0)} messages/s (${secs.toFixed(2)} s)`);
console.log(`ack latency ms:      p50 ${pct(ackLatency, 50).toFixed(1)}  p95 ${pct(ackLatency, 95).toFixed(1)}  max ${Math.max(...ackLatency).toFixed(1)}`);
console.log(`delivery to agent ms: p50 ${pct(deliveryLatency, 50).toFixed(1)}  p95 ${pct(deliveryLatency, 95).toFixed(1)}  max ${Math.max(...deliveryLatency).toFixed(1)}`);

for (const ws of sockets) ws.close();
agent.close();
await app.close();
await db.close();
