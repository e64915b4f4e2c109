/**
 * The fault suite's world: the built `convot serve` as a child process (killable, restartable
 * on the same port and data folder), a FaultProxy in front of it that the page is told is the
 * Convot server, a host site on another origin serving the snippet, Chromium, and an agent
 * (a signed-in inbox socket plus the inbox's REST API) talking to the server directly.
 *
 * Counting helpers read the three places a message can be: what the page shows (the chat
 * panel's bubbles and their status), what the database stored (the inbox API's history of every
 * conversation) and what reached the inbox socket.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';
import { AGENT, APP_ID, freePort, launchBrowser, reserveHostOrigin, snippetPage, startHostSite, type HostSite } from '../e2e/harness.js';
import { FaultProxy } from './proxy.js';

export { AGENT, APP_ID };

/** Limits raised so the suite's bursts (100 sends, resends) measure faults, not rate limits. */
const LIMITS = {
  session: { max: 10_000, window_seconds: 60 },
  message: { max: 10_000, window_seconds: 60 },
  message_ip: { max: 100_000, window_seconds: 60 },
  conversation_ip: { max: 10_000, window_seconds: 60 },
  frame: { max: 100_000, window_seconds: 60 },
  login: { max: 1_000, window_seconds: 60 },
  socket_session: { max: 100 },
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (polling) until `cond` holds; throws naming what it waited for, with `detail()`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms: number, detail?: () => unknown | Promise<unknown>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}${detail ? `: ${JSON.stringify(await detail())}` : ''}`);
    await sleep(250);
  }
}

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  readonly running: boolean;
  /** SIGKILL: nothing flushed, nothing closed. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder (after kill or stop). */
  restart(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  output(): string;
}

/** Runs the built `node bin/convot.mjs serve` and resolves once it prints its URL. */
export async function startServer(opts: { allowedOrigins: string[]; database?: string; port?: number }): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'convot-fault-'));
  const configFile = join(dataDir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      apps: [{ id: APP_ID, name: 'Fault Shop', identity_secret: 'fault-secret-of-at-least-32-characters', allowed_origins: opts.allowedOrigins }],
      agents: [AGENT],
      limits: LIMITS,
    }),
  );
  const port = opts.port ?? (await freePort());
  let child: ChildProcess | null = null;
  let output = '';
  const launch = async () => {
    const args = ['bin/convot.mjs', 'serve', '--port', String(port), '--data', dataDir, '--config', configFile];
    if (opts.database) args.push('--database', opts.database);
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let started = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`convot serve did not start:\n${output}`)), 60_000);
      let mine = '';
      const onData = (d: Buffer) => {
        output += d.toString();
        mine += d.toString();
        if (!started && mine.includes('Convot is running on')) {
          started = true;
          clearTimeout(timer);
          resolve();
        }
      };
      c.stdout!.on('data', onData);
      c.stderr!.on('data', onData);
      c.once('exit', (code) => {
        clearTimeout(timer);
        if (!started) reject(new Error(`convot serve exited with ${code}:\n${output}`));
      });
    });
  };
  await launch();
  const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    get running() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    async kill() {
      const c = child!;
      c.kill('SIGKILL');
      await exited(c);
    },
    async restart() {
      output += '\n--- restart ---\n';
      await launch();
    },
    async stop() {
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        await exited(c);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
    output: () => output,
  };
}

// ---- the agent ------------------------------------------------------------------------------

export interface WireMessage {
  seq: number;
  body: string;
  author: string;
  client_id: string | null;
  conversation_id: string;
}

/** The inbox's side: a signed-in socket that records every message frame, and the REST API. */
export class Agent {
  readonly frames: { type: string; message?: WireMessage; [k: string]: unknown }[] = [];
  private ws: WebSocket | null = null;
  private constructor(
    private server: string,
    private readonly cookie: string,
  ) {}

  static async login(server: string): Promise<Agent> {
    const res = await fetch(`${server}/api/v1/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: AGENT.email, password: AGENT.password }) });
    assert.equal(res.status, 200, `agent login: ${res.status}`);
    return new Agent(server, res.headers.get('set-cookie')!.split(';')[0]!);
  }

  /** Opens the inbox socket (again, e.g. after a server restart) and waits for `ready`. */
  async connect(server = this.server): Promise<void> {
    this.server = server;
    this.ws?.terminate();
    const ws = new WebSocket(`${server.replace(/^http/, 'ws')}/api/v1/agent/ws`, { headers: { cookie: this.cookie } });
    this.ws = ws;
    let ready = false;
    ws.on('message', (d) => {
      const frame = JSON.parse(String(d)) as Agent['frames'][number];
      if (frame.type === 'ready') ready = true;
      this.frames.push(frame);
    });
    ws.on('error', () => undefined);
    await until(() => ready, 'the inbox socket ready', 30_000);
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws?.terminate();
  }

  /** Bodies starting with `tag` that reached the inbox socket, in arrival order. */
  received(tag: string): string[] {
    return this.frames.filter((f) => f.type === 'message' && f.message!.body.startsWith(tag)).map((f) => f.message!.body);
  }

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.server}/api/v1/agent/${path}`, { headers: { cookie: this.cookie } });
    assert.equal(res.status, 200, `GET ${path}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  /** Every stored message whose body starts with `tag`, per conversation in seq order. */
  async stored(tag: string): Promise<WireMessage[]> {
    const found: WireMessage[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await this.get<{ conversations: { id: string }[]; has_more: boolean }>(`conversations?limit=50${before ? `&before=${before}` : ''}`);
      for (const c of page.conversations) {
        const { messages } = await this.get<{ messages: WireMessage[] }>(`conversations/${c.id}/messages?after=0`);
        found.push(...messages.filter((m) => m.body.startsWith(tag)));
      }
      if (!page.has_more || !page.conversations.length) return found;
      before = page.conversations.at(-1)!.id;
    }
  }

  /** Posts a reply through `via` (a proxy, or the server), with a client id; returns the status. */
  async reply(conversationId: string, body: string, via = this.server): Promise<number> {
    const res = await fetch(`${via}/api/v1/agent/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.cookie },
      body: JSON.stringify({ client_id: randomUUID(), body }),
    });
    await res.arrayBuffer();
    return res.status;
  }
}

// ---- the visitor's page -----------------------------------------------------------------------

export interface Shown {
  author: string;
  status: string;
  body: string;
}

declare const Convot: { sendMessage(m: string): void; open(): void; status(): { loaded: boolean; connection: string } };

/** Opens the host page (the snippet) in a new tab of `context`, opens the chat, waits until online. */
export async function openVisitor(context: BrowserContext, site: HostSite, path = '/'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site.origin}${path}`);
  await openChat(page);
  return page;
}

/** After a load or reload: the widget is there, the chat open, the socket online. */
export async function openChat(page: Page, online = true): Promise<void> {
  await page.waitForFunction(() => typeof Convot !== 'undefined' && Convot.status().loaded, undefined, { timeout: 60_000 });
  await page.evaluate(() => Convot.open());
  await page.locator('convot-chat-panel textarea').waitFor({ timeout: 60_000 });
  if (online) await waitOnline(page);
}

export async function waitOnline(page: Page, ms = 90_000): Promise<void> {
  await page.waitForFunction(() => Convot.status().connection === 'online', undefined, { timeout: ms, polling: 100 });
}

export async function connection(page: Page): Promise<string> {
  return page.evaluate(() => Convot.status().connection);
}

/** Sends each body through the page's `Convot.sendMessage`, in one go. */
export async function send(page: Page, bodies: string[]): Promise<void> {
  await page.evaluate((all) => {
    for (const b of all) Convot.sendMessage(b);
  }, bodies);
}

/** The chat panel's messages, top to bottom. */
export async function shown(page: Page): Promise<Shown[]> {
  return page.locator('convot-chat-panel .msg[data-key]').evaluateAll((els) =>
    els.map((e) => ({
      author: e.classList.contains('agent') ? 'agent' : 'visitor',
      status: (e as HTMLElement).dataset.status ?? '',
      body: (e.querySelector('.bubble')?.textContent ?? '').trim(),
    })),
  );
}

/** Bodies with `tag` the page shows as sent (stored), in page order. */
export async function shownSent(page: Page, tag: string): Promise<string[]> {
  return (await shown(page)).filter((m) => m.body.startsWith(tag) && m.status === 'sent').map((m) => m.body);
}

/** Bodies with `tag` the page shows at all (sent, pending or failed), in page order. */
export async function shownAll(page: Page, tag: string): Promise<string[]> {
  return (await shown(page)).filter((m) => m.body.startsWith(tag)).map((m) => m.body);
}

/** Outbox entries (pending messages) in this origin's storage. */
export async function outboxSize(page: Page): Promise<number> {
  return page.evaluate((app) => Object.keys(localStorage).filter((k) => k.startsWith(`convot:${app}:outbox:`)).length, APP_ID);
}

/** `tag-001` … `tag-NNN`. */
export const bodies = (tag: string, n: number, from = 1) => Array.from({ length: n }, (_, i) => `${tag}-${String(i + from).padStart(3, '0')}`);

// ---- counting -------------------------------------------------------------------------------

export interface Tally {
  sent: number;
  [place: string]: number;
}

/**
 * Asserts that `got` holds every `sent` body exactly once, in send order. Returns the counts
 * for the report line.
 */
export function exactlyOnceInOrder(place: string, sent: string[], got: string[]): { count: number; lost: number; duplicated: number } {
  const lost = sent.filter((b) => !got.includes(b));
  const duplicated = got.length - new Set(got).size;
  const foreign = got.filter((b) => !sent.includes(b));
  assert.deepEqual({ lost, duplicated, foreign }, { lost: [], duplicated: 0, foreign: [] }, `${place}: every message exactly once`);
  assert.deepEqual(got, sent, `${place}: in send order`);
  return { count: got.length, lost: lost.length, duplicated };
}

/** Stored messages with `tag`: in one conversation, seq ascending, bodies in send order. */
export function storedInOrder(sent: string[], stored: WireMessage[]): void {
  const conversations = new Set(stored.map((m) => m.conversation_id));
  assert.equal(conversations.size, 1, 'all in one conversation');
  const seqs = stored.map((m) => m.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seq ascending');
  exactlyOnceInOrder('database', sent, stored.map((m) => m.body));
}

// ---- the world ------------------------------------------------------------------------------

export interface World {
  server: ServerProcess;
  proxy: FaultProxy;
  site: HostSite;
  browser: Browser;
  agent: Agent;
}

export interface WorldOptions {
  /** A PostgreSQL URL (default: PGlite in a temp folder). */
  database?: string;
  /** Extra host pages, given the Convot URL the page uses (the proxy's). */
  pages?: (convotUrl: string) => Record<string, (nonce: string) => string>;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const host = await reserveHostOrigin();
  const server = await startServer({ allowedOrigins: [host.origin], database: opts.database });
  const proxy = await FaultProxy.start(server.url);
  const site = await startHostSite(host.port, proxy.url, { '/': snippetPage(proxy.url), ...opts.pages?.(proxy.url) });
  const browser = await launchBrowser();
  const agent = await Agent.login(server.url);
  await agent.connect();
  return { server, proxy, site, browser, agent };
}

export async function stopWorld(w: Partial<World>): Promise<void> {
  w.agent?.close();
  await w.browser?.close();
  await w.site?.close();
  await w.proxy?.close();
  await w.server?.stop();
}

/** The world, started before a file's tests and stopped after. Filled in by the `before` hook. */
export function useWorld(opts: WorldOptions = {}): World {
  const w = {} as World;
  before(async () => Object.assign(w, await startWorld(opts)));
  after(async () => stopWorld(w));
  return w;
}
