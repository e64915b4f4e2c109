/**
 * Shared helpers for the server tests: one in-memory PGlite database and one app per test file,
 * REST shortcuts, and a WebSocket client that collects frames and awaits the next one matching a
 * predicate (so tests wait on events, never on timers).
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { buildApp, type AppOptions, type ConvotApp } from '../../server/app.js';
import { parseConfig, type ConvotConfig } from '../../server/config.js';
import type { RateLimiter } from '../../server/rate-limit.js';
import type { Db } from '../../server/storage/db.js';
import { openPglite } from '../../server/storage/pglite.js';
import { openPostgres } from '../../server/storage/postgres.js';
import { freshDatabase } from '../support/postgres.js';

export const APP_ID = 'app_test';
export const ALLOWED_ORIGIN = 'http://allowed.test';
export const AGENT_EMAIL = 'agent@test.dev';
export const AGENT_NAME = 'Agent Smith';
export const AGENT_PASSWORD = 'correct horse battery';
/** app_test's identity_secret (at least 32 characters, as the server requires). */
export const TEST_IDENTITY_SECRET = 'test-secret-of-at-least-32-characters';

export function testConfigData(): Record<string, unknown> {
  return {
    apps: [{ id: APP_ID, name: 'Test', identity_secret: TEST_IDENTITY_SECRET, allowed_origins: [ALLOWED_ORIGIN] }],
    agents: [{ email: AGENT_EMAIL, name: AGENT_NAME, password: AGENT_PASSWORD }],
  };
}

export const testConfig = (): ConvotConfig => parseConfig(testConfigData(), {});

export interface TestServer {
  app: ConvotApp;
  db: Db;
  /** Base ws:// URL when started with `listen: true`. */
  wsBase: string;
}

/**
 * The store under test: in-memory PGlite, or, when CONVOT_TEST_DATABASE_URL is set (npm test
 * runs the suite a second time under scripts/with-postgres.mjs), a fresh PostgreSQL database.
 * Every test file runs unchanged on both.
 */
export async function openTestDb(): Promise<Db> {
  const base = process.env.CONVOT_TEST_DATABASE_URL;
  return base ? openPostgres(await freshDatabase(base)) : openPglite();
}

/** Starts an app on a fresh database, or on `db` (a restart over the same data). */
export async function startServer(
  opts: { listen?: boolean; config?: ConvotConfig; rateLimiter?: RateLimiter; db?: Db } & Pick<AppOptions, 'trustProxy' | 'logger'> = {},
): Promise<TestServer> {
  const db = opts.db ?? (await openTestDb());
  const app = await buildApp({ db, config: opts.config ?? testConfig(), root: process.cwd(), rateLimiter: opts.rateLimiter, trustProxy: opts.trustProxy, logger: opts.logger });
  let wsBase = '';
  if (opts.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no TCP address');
    wsBase = `ws://127.0.0.1:${addr.port}`;
  }
  return { app, db, wsBase };
}

export async function stopServer(s: TestServer | undefined): Promise<void> {
  if (!s) return;
  await s.app.close();
  await s.db.close();
}

/** A fresh client id (letters, digits and "-", 8–64 chars). */
export const cid = (): string => `c-${randomUUID()}`;

export const visitorPath = (rest: string, appId = APP_ID): string => `/api/v1/apps/${appId}${rest}`;

export interface Session {
  session_id: string;
  token: string;
}

export async function newSession(app: ConvotApp, appId = APP_ID): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: visitorPath('/sessions', appId) });
  if (res.statusCode !== 201) throw new Error(`session: ${res.statusCode} ${res.body}`);
  const b = res.json() as Session;
  return { session_id: b.session_id, token: b.token };
}

export const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export async function postMessage(app: ConvotApp, token: string, body: string, clientId = cid()) {
  return app.inject({ method: 'POST', url: visitorPath('/messages'), headers: auth(token), payload: { client_id: clientId, body } });
}

/** Sends one visitor message and returns the stored message; throws unless 201. */
export async function sendVisitor(app: ConvotApp, token: string, body: string, clientId = cid()): Promise<Msg> {
  const res = await postMessage(app, token, body, clientId);
  if (res.statusCode !== 201) throw new Error(`send: ${res.statusCode} ${res.body}`);
  return (res.json() as { message: Msg }).message;
}

/** Signs the test agent (or `email`) in and returns a `Cookie` header value (`convot_agent=…`). */
export async function loginAgent(app: ConvotApp, password = AGENT_PASSWORD, email = AGENT_EMAIL): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/agent/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login: ${res.statusCode} ${res.body}`);
  const set = res.headers['set-cookie'];
  const line = Array.isArray(set) ? set[0]! : String(set);
  return line.split(';')[0]!;
}

export interface Msg {
  conversation_id: string;
  seq: number;
  client_id: string | null;
  author: 'visitor' | 'agent' | 'system';
  agent_name: string | null;
  body: string;
  created_at: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = { type: string } & Record<string, any>;

interface Waiter {
  pred: (f: Frame) => boolean;
  resolve: (f: Frame) => void;
}

/**
 * A WebSocket test client. Every received frame is kept in `frames`; `next(pred)` resolves with
 * the oldest frame matching pred that no earlier `next` took, waiting for it if needed.
 */
export class Sock {
  readonly frames: Frame[] = [];
  private readonly taken = new Set<Frame>();
  private waiters: Waiter[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('error', () => undefined); // surfaced through open() and closed
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(String(data)) as Frame;
      this.frames.push(f);
      const w = this.waiters.find((x) => x.pred(f));
      if (w) {
        this.waiters = this.waiters.filter((x) => x !== w);
        this.taken.add(f);
        w.resolve(f);
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
  }

  static open(url: string, options?: WebSocket.ClientOptions): Promise<Sock> {
    const ws = new WebSocket(url, options);
    const sock = new Sock(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(sock));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  next(pred: (f: Frame) => boolean = () => true, timeoutMs = 4000): Promise<Frame> {
    const found = this.frames.find((f) => !this.taken.has(f) && pred(f));
    if (found) {
      this.taken.add(found);
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a frame; received: ${JSON.stringify(this.frames.map((f) => f.type))}`));
      }, timeoutMs);
      const w: Waiter = {
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      this.waiters.push(w);
    });
  }

  nextType(type: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f.type === type, timeoutMs);
  }

  /** Round-trips a ping: every frame the server sent before it has arrived once this resolves. */
  async sync(): Promise<void> {
    this.send({ type: 'ping' });
    await this.nextType('pong');
  }

  /** Resolves with the close code and reason, or rejects if the socket is still open after timeoutMs. */
  closedWithin(timeoutMs = 4000): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the socket is still open after ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.closed, timeout]).finally(() => clearTimeout(timer));
  }

  /** Closes politely; a peer that does not answer the close handshake within 2 s is terminated. */
  async close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    try {
      return await this.closedWithin(2000);
    } catch {
      this.ws.terminate();
      return this.closed;
    }
  }
}

/** Opens a visitor socket and authenticates it; resolves with the socket and its `ready` frame. */
export async function visitorSocket(
  wsBase: string,
  token: string,
  lastSeq = 0,
  appId = APP_ID,
  opts: { headers?: Record<string, string>; page?: Record<string, unknown> } = {},
): Promise<{ sock: Sock; ready: Frame }> {
  const sock = await Sock.open(`${wsBase}/api/v1/apps/${appId}/ws`, opts.headers ? { headers: opts.headers } : undefined);
  sock.send({ type: 'auth', token, last_seq: lastSeq, ...(opts.page ? { page: opts.page } : {}) });
  const ready = await sock.next((f) => f.type === 'ready' || f.type === 'error');
  if (ready.type !== 'ready') throw new Error(`visitor auth failed: ${JSON.stringify(ready)}`);
  return { sock, ready };
}

/** Opens an agent socket with the sign-in cookie; resolves after its `ready` frame. */
export async function agentSocket(wsBase: string, cookie: string): Promise<{ sock: Sock; ready: Frame }> {
  const sock = await Sock.open(`${wsBase}/api/v1/agent/ws`, { headers: { cookie } });
  const ready = await sock.nextType('ready');
  return { sock, ready };
}

/** Attempts a WebSocket upgrade that should be refused; resolves with the HTTP status and body. */
export function refusedUpgrade(url: string, options?: WebSocket.ClientOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (e) => reject(e));
  });
}
