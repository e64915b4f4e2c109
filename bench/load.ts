/**
 * The load bench (`npm run bench:load`): N visitor sockets and M agent sockets on loopback over
 * the real protocol against the Convot server in its own process, and in the same run a raw `ws`
 * echo-and-forward server as the physical reference. An open-loop rate sweep (sends are
 * scheduled at the rate, latency counted from the scheduled time) doubles the rate until two
 * steps in a row fail (ack or delivery p99 at 50 ms or more, or a message lost). Prints, per store: the highest passing rate,
 * its ratio to raw ws, socket opens per second, server RSS per socket at 1,000 and 10,000
 * sockets, and SQL statements per message and per socket open (a new visitor: the socket's auth starts the session). Rate limits are raised through the config file's
 * top-level `limits`, as an operator would. Server and generator are pinned to one core each
 * when taskset exists.
 *   npm run bench:load -- [--visitors 1000] [--agents 10] [--step 3] [--max-rate 16000]
 *                         [--idle 10000] [--open-seconds 60] [--database postgres://…|postgres] [--no-pglite] [--no-pin] [--cpu-prof]
 *                         [--opens-only]   (no rate sweep: socket opens, memory and what an open costs, by statement)
 * `--database postgres` starts a throwaway durable PostgreSQL (fsync on) for the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import WebSocket from 'ws';
import { startDurablePostgres } from './load-postgres.js';

const { values: opt } = parseArgs({
  options: {
    visitors: { type: 'string', default: '1000' },
    agents: { type: 'string', default: '10' },
    step: { type: 'string', default: '3' },
    'max-rate': { type: 'string', default: '16000' },
    idle: { type: 'string', default: '10000' },
    'open-seconds': { type: 'string', default: '60' },
    database: { type: 'string' },
    'no-pglite': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'opens-only': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
  },
});
const VISITORS = Number(opt.visitors);
const AGENTS = Number(opt.agents);
const STEP_S = Number(opt.step);
const MAX_RATE = Number(opt['max-rate']);
const IDLE = Math.max(Number(opt.idle), VISITORS);
const OPEN_S = Number(opt['open-seconds']);
const P99_MS = 50;
const pinned = !opt['no-pin'] && spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]).status === 0;

// ---- processes -------------------------------------------------------------------------

interface Stats {
  statements: number;
  /** Statements by text (first 90 characters), Convot only. */
  byText?: Record<string, number>;
  rss: number;
  /** V8 heap, external and array buffers after a GC: the part of RSS a socket's objects take. */
  heap: number;
  /** CPU time the server process used so far (ms). */
  cpu: number;
}

interface Server {
  port: number;
  stats(): Promise<Stats>;
  stop(): Promise<void>;
}

/**
 * The server process runs bundled as `npm run build` bundles the server (esbuild, packages
 * external), not under tsx: tsx keeps function names by wrapping every function, which adds
 * about 250 bytes to each closure and would count against each socket.
 */
// Inside the repo (.convot/ is ignored), so its packages resolve from node_modules.
const serverScript = join('.convot', `bench-load-server-${process.pid}.mjs`);
await build({ entryPoints: ['bench/load-server.ts'], bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning', outfile: serverScript });

async function startServer(args: string[]): Promise<Server> {
  const node = [...(opt['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : []), '--expose-gc', serverScript, ...args];
  const [cmd, argv] = pinned ? ['taskset', ['-c', '0', process.execPath, ...node]] : [process.execPath, node];
  const child: ChildProcess = spawn(cmd, argv as string[], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let failed: ((e: Error) => void) | undefined;
  child.once('exit', (code) => failed?.(new Error(`server exited (${code})`)));
  const next = () =>
    new Promise<Record<string, number>>((resolve, reject) => {
      failed = reject;
      child.once('message', (m) => resolve(m as Record<string, number>));
    });
  const { port } = await next();
  return {
    port: port!,
    stats: async () => {
      const reply = next();
      child.send({ cmd: 'stats' });
      return (await reply) as unknown as Stats;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ cmd: 'stop' });
      }),
  };
}

// ---- protocol adapters -----------------------------------------------------------------

interface Target {
  name: string;
  openVisitor(): Promise<WebSocket>;
  /** The same visitor's next page view (a returning visitor: the socket resumes their session). */
  reopenVisitor(previous: WebSocket): Promise<WebSocket>;
  openAgent(): Promise<WebSocket>;
  frame(clientId: string, body: string): string;
}

const opened = (ws: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
const untilFrame = (ws: WebSocket, type: string) =>
  new Promise<string>((resolve) => {
    const on = (d: WebSocket.RawData) => {
      const text = String(d);
      if (text.startsWith(`{"type":"${type}"`)) {
        ws.off('message', on);
        resolve(text);
      }
    };
    ws.on('message', on);
  });

function convotTarget(port: number): Target {
  const http = `http://127.0.0.1:${port}`;
  const ws = `ws://127.0.0.1:${port}`;
  let cookie: Promise<string> | undefined;
  const tokens = new WeakMap<WebSocket, string>();
  const visitor = async (token: string | undefined) => {
    const s = new WebSocket(`${ws}/api/v1/apps/app_load/ws`);
    await opened(s);
    const ready = untilFrame(s, 'ready');
    s.send(JSON.stringify({ type: 'auth', ...(token ? { token } : {}), last_seq: 0, page: { url: 'https://shop.example/pricing', language: 'en-US' } }));
    tokens.set(s, token ?? (JSON.parse(await ready) as { token: string }).token);
    if (token) await ready;
    return s;
  };
  return {
    name: 'convot',
    // A new visitor's page view, as the widget makes it: the socket's auth starts the session.
    openVisitor: () => visitor(undefined),
    reopenVisitor: (previous) => visitor(tokens.get(previous)),
    async openAgent() {
      cookie ??= fetch(`${http}/api/v1/agent/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'load@convot.test', password: 'load-bench-password' }),
      }).then((r) => String(r.headers.get('set-cookie')).split(';')[0]!);
      const s = new WebSocket(`${ws}/api/v1/agent/ws`, { headers: { cookie: await cookie } });
      const ready = untilFrame(s, 'ready');
      await opened(s);
      await ready;
      return s;
    },
    frame: (client_id, body) => JSON.stringify({ type: 'message', client_id, body }),
  };
}

function rawTarget(port: number): Target {
  const open = async (path: string) => {
    const s = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    await opened(s);
    return s;
  };
  return { name: 'raw ws', openVisitor: () => open('/'), reopenVisitor: () => open('/'), openAgent: () => open('/agent'), frame: (client_id, body) => JSON.stringify({ client_id, body }) };
}

/**
 * Opens `count` sockets, `concurrency` at a time, for at most `seconds` (the bench stays
 * bounded in time); returns those opened and the opens per second.
 */
async function openMany(count: number, open: () => Promise<WebSocket>, concurrency = 100, seconds = Infinity): Promise<{ sockets: WebSocket[]; perSecond: number; p50: number; p99: number }> {
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && performance.now() < until) {
        next++;
        const start = performance.now();
        sockets.push(await open());
        latencies.push(performance.now() - start);
      }
    }),
  );
  return { sockets, perSecond: sockets.length / ((performance.now() - t0) / 1000), p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

// ---- the sweep -------------------------------------------------------------------------

const CLIENT_ID = /"client_id":"(l-\d+)"/;
function pct(xs: number[], p: number): number {
  return xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN;
}

interface Step {
  rate: number;
  sent: number;
  lost: number;
  ackP99: number;
  deliveryP99: number;
  pass: boolean;
}

class Load {
  private seq = 0;
  private readonly scheduled = new Map<string, number>();
  private readonly pendingDeliveries = new Map<string, number>();
  private acks: number[] = [];
  private deliveries: number[] = [];

  constructor(
    private readonly target: Target,
    private readonly visitors: WebSocket[],
    agents: WebSocket[],
  ) {
    for (const v of visitors) {
      v.on('message', (d) => {
        const text = String(d);
        if (!text.startsWith('{"type":"ack"')) return;
        const id = CLIENT_ID.exec(text)?.[1];
        const t0 = id ? this.scheduled.get(id) : undefined;
        if (t0 === undefined || !id) return;
        this.acks.push(performance.now() - t0);
        this.scheduled.delete(id);
      });
    }
    for (const a of agents) {
      a.on('message', (d) => {
        const text = String(d);
        if (!text.startsWith('{"type":"message"')) return;
        const id = CLIENT_ID.exec(text)?.[1];
        const left = id ? this.pendingDeliveries.get(id) : undefined;
        if (!id || !left) return;
        this.deliveries.push(performance.now() - this.sentAt.get(id)!);
        if (left === 1) {
          this.pendingDeliveries.delete(id);
          this.sentAt.delete(id);
        } else this.pendingDeliveries.set(id, left - 1);
      });
    }
    this.agentCount = agents.length;
  }

  private readonly agentCount: number;
  private readonly sentAt = new Map<string, number>();

  /** Sends `count` messages at `rate` per second (open loop) and waits for them to settle. */
  async run(rate: number, count: number, settleMs = 3000): Promise<Step> {
    this.acks = [];
    this.deliveries = [];
    const start = performance.now();
    let i = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
        for (; i < due; i++) {
          const id = `l-${String(++this.seq).padStart(8, '0')}`;
          const at = start + (i / rate) * 1000;
          this.scheduled.set(id, at);
          this.sentAt.set(id, at);
          this.pendingDeliveries.set(id, this.agentCount);
          this.visitors[this.seq % this.visitors.length]!.send(this.target.frame(id, `load message ${this.seq}`));
        }
        if (i < count) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    // Settle: everything acked and delivered, or settleMs more.
    const deadline = performance.now() + settleMs;
    while ((this.scheduled.size || this.pendingDeliveries.size) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lost = this.scheduled.size + this.pendingDeliveries.size;
    this.scheduled.clear();
    this.pendingDeliveries.clear();
    this.sentAt.clear();
    const ackP99 = pct(this.acks, 99);
    const deliveryP99 = pct(this.deliveries, 99);
    return { rate, sent: count, lost, ackP99, deliveryP99, pass: lost === 0 && ackP99 < P99_MS && deliveryP99 < P99_MS };
  }
}

interface Result {
  name: string;
  best: Step | undefined;
  steps: Step[];
  opensPerSecond: number;
  /** Returning visitors' opens per second (their sockets resume their sessions). */
  returningPerSecond: number;
  rssPerSocket1k: number;
  rssPerSocketIdle: number;
  /**
   * RSS and JS heap each socket from 1,000 to the idle count added: the idle socket's own cost,
   * without what the store itself grew or gave back after start (PGlite's buffers).
   */
  rssPerSocketAdded: number;
  heapPerSocketAdded: number;
  /**
   * Server CPU per idle socket opened (ms; a new visitor's socket, its auth starting the
   * session): what the server's core could take (1000 / it opens per second), whether or not
   * the generator's core saturated first.
   */
  cpuPerOpen: number;
  /** What one open cost, by statement text (a new visitor: the socket's auth starts the session). */
  openStatements: [string, number][];
  /** Sockets open when RSS was measured the second time (IDLE, unless the time bound hit first). */
  idle: number;
  statementsPerMessage: number;
  statementsPerOpen: number;
}

async function measure(name: string, server: Server, target: Target): Promise<Result> {
  const agents = (await openMany(AGENTS, () => target.openAgent(), 1)).sockets;
  const base = await server.stats();
  const first = await openMany(VISITORS, () => target.openVisitor());
  const at1k = await server.stats();
  const load = new Load(target, first.sockets, agents);
  const steps: Step[] = [];
  let statements = 0;
  let messages = 0;
  if (!opt['opens-only']) {
    // Warm-up: every visitor's first message starts its conversation (not the steady state).
    // It is settled before the sweep, so no backlog of it is counted there.
    await load.run(Math.min(200, VISITORS), VISITORS, 60_000);
    for (let rate = 125; rate <= MAX_RATE; rate *= 2) {
      const before = (await server.stats()).statements;
      const step = await load.run(rate, Math.round(rate * STEP_S));
      statements += (await server.stats()).statements - before;
      messages += step.sent;
      steps.push(step);
      console.log(`  ${name}: ${rate} msg/s  ack p99 ${step.ackP99.toFixed(1)} ms  delivery p99 ${step.deliveryP99.toFixed(1)} ms  lost ${step.lost}${step.pass ? '' : '  ✗'}`);
      // One failing step can be a hiccup of a shared machine; two in a row end the sweep.
      if (!step.pass && steps.at(-2)?.pass === false) break;
    }
  }
  // Idle sockets up to IDLE (visitors who never chat): opens per second and RSS.
  const beforeMore = await server.stats();
  const generatorCpu = process.cpuUsage();
  const more = await openMany(IDLE - VISITORS, () => target.openVisitor(), 100, OPEN_S);
  const { user, system } = process.cpuUsage(generatorCpu);
  const idle = VISITORS + more.sockets.length;
  const atIdle = await server.stats();
  // Which side saturates: the generator's CPU per open beside the server's.
  if (more.sockets.length) console.log(`  ${name}: ${more.sockets.length} more sockets at ${more.perSecond.toFixed(0)}/s (open to ready p50 ${more.p50.toFixed(1)} ms, p99 ${more.p99.toFixed(1)} ms, 100 at a time); CPU per open: server ${((atIdle.cpu - beforeMore.cpu) / more.sockets.length).toFixed(2)} ms, generator ${((user + system) / 1000 / more.sockets.length).toFixed(2)} ms`);
  // Up to 5,000 of them come back (a next page view each): their sockets resume their sessions.
  const leaving = [...first.sockets, ...more.sockets].slice(0, 5000);
  const staying = [...first.sockets, ...more.sockets].slice(5000);
  for (const s of leaving) s.terminate();
  await new Promise((r) => setTimeout(r, 2000));
  const beforeBack = await server.stats();
  const backCpu = process.cpuUsage();
  let n = 0;
  const back = await openMany(leaving.length, () => target.reopenVisitor(leaving[n++]!));
  const backGenerator = process.cpuUsage(backCpu);
  const atBack = await server.stats();
  console.log(`  ${name}: ${back.sockets.length} returning visitors at ${back.perSecond.toFixed(0)}/s (p50 ${back.p50.toFixed(1)} ms, p99 ${back.p99.toFixed(1)} ms); CPU per open: server ${((atBack.cpu - beforeBack.cpu) / back.sockets.length).toFixed(2)} ms, generator ${((backGenerator.user + backGenerator.system) / 1000 / back.sockets.length).toFixed(2)} ms; ${((atBack.statements - beforeBack.statements) / back.sockets.length).toFixed(2)} statements each`);
  for (const s of [...agents, ...back.sockets, ...staying]) s.terminate();
  const opens = IDLE > VISITORS ? more.perSecond : first.perSecond;
  return {
    name,
    best: steps.filter((s) => s.pass).at(-1),
    steps,
    opensPerSecond: opens,
    returningPerSecond: back.perSecond,
    rssPerSocket1k: (at1k.rss - base.rss) / VISITORS,
    rssPerSocketIdle: (atIdle.rss - base.rss) / idle,
    cpuPerOpen: more.sockets.length ? (atIdle.cpu - beforeMore.cpu) / more.sockets.length : (at1k.cpu - base.cpu) / VISITORS,
    rssPerSocketAdded: (atIdle.rss - at1k.rss) / (idle - VISITORS),
    heapPerSocketAdded: (atIdle.heap - at1k.heap) / (idle - VISITORS),
    openStatements: Object.entries(at1k.byText ?? {})
      .map(([text, n]): [string, number] => [text, (n - (base.byText?.[text] ?? 0)) / VISITORS])
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]),
    idle,
    statementsPerMessage: messages ? statements / messages : NaN,
    statementsPerOpen: (at1k.statements - base.statements) / VISITORS,
  };
}

// ---- main ------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'convot-load-'));
const configFile = join(dir, 'convot.config.json');
const big = { max: 1_000_000, window_seconds: 60 };
writeFileSync(
  configFile,
  JSON.stringify({
    apps: [{ id: 'app_load', name: 'Load' }],
    agents: [{ email: 'load@convot.test', name: 'Load', password: 'load-bench-password' }],
    // Everything from one address on loopback: the limits an operator would raise for this.
    limits: { session: big, message: big, message_ip: big, conversation_ip: big, frame: big, socket_session: { max: 1000 }, socket_ip: { max: 1_000_000 } },
  }),
);

const results: Result[] = [];
const raw = await startServer(['raw']);
console.log(`raw ws reference (${VISITORS} visitors, ${AGENTS} agents)`);
results.push(await measure('raw ws', raw, rawTarget(raw.port)));
await raw.stop();

const stores: [string, string][] = [];
if (!opt['no-pglite']) stores.push(['PGlite', 'pglite']);
let pg: { url: string; stop(): void } | undefined;
if (opt.database) {
  if (opt.database === 'postgres') pg = await startDurablePostgres();
  stores.push(['PostgreSQL', pg?.url ?? opt.database]);
}
try {
  for (const [name, store] of stores) {
    const server = await startServer(['convot', store, configFile]);
    console.log(`${name} (${VISITORS} visitors, ${AGENTS} agents)`);
    results.push(await measure(name, server, convotTarget(server.port)));
    await server.stop();
  }
} finally {
  pg?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(serverScript, { force: true });
}

const rawBest = results[0]!.best?.rate ?? NaN;
// Not measured (fewer idle sockets than 1,000 more than the first thousand) prints as '-'.
const kb = (b: number) => (Number.isFinite(b) ? `${(b / 1024).toFixed(1)} KB` : '-');
console.log(`\n${VISITORS} visitor + ${AGENTS} agent sockets, steps of ${STEP_S} s, pass = ack and delivery p99 < ${P99_MS} ms, nothing lost; ${pinned ? 'server and load generator pinned to one core each' : 'not pinned (no taskset)'}\n`);
console.log('| store | msg/s (p99 < 50 ms) | ack p99 | delivery p99 | vs raw ws | socket opens/s (new visitors) | opens/s (returning visitors) | server CPU/open (opens/s one core could take) | RSS/socket @1k | RSS/socket @10k (sockets reached) | RSS/heap per socket added 1k→10k | SQL statements/msg | SQL statements/open |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const b = r.best;
  console.log(
    `| ${r.name} | ${b ? b.rate : '< 125'} | ${b ? `${b.ackP99.toFixed(1)} ms` : '-'} | ${b ? `${b.deliveryP99.toFixed(1)} ms` : '-'} | ${b ? `${((b.rate / rawBest) * 100).toFixed(1)} %` : '-'} | ${r.opensPerSecond.toFixed(0)} | ${r.returningPerSecond.toFixed(0)} | ${r.cpuPerOpen.toFixed(2)} ms (${(1000 / r.cpuPerOpen).toFixed(0)}) | ${kb(r.rssPerSocket1k)} | ${kb(r.rssPerSocketIdle)}${r.idle < IDLE ? ` (${r.idle})` : ''} | ${kb(r.rssPerSocketAdded)} / ${kb(r.heapPerSocketAdded)} | ${r.name === 'raw ws' ? '-' : r.statementsPerMessage.toFixed(2)} | ${r.name === 'raw ws' ? '-' : r.statementsPerOpen.toFixed(1)} |`,
  );
}
for (const r of results) {
  if (!r.openStatements.length) continue;
  console.log(`\n${r.name}: statements per open (a new visitor: the socket's auth starts the session)`);
  for (const [text, n] of r.openStatements) console.log(`  ${n.toFixed(2)}  ${text}`);
}
process.exit(0);
