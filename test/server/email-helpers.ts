/**
 * Helpers for the email tests: a server with `email` configured against a test SMTP receiver,
 * short delays and retries, and shortcuts for agent replies, visitor emails and the outbox rows.
 */
import { Writable } from 'node:stream';
import { buildApp, type AppOptions } from '../../server/app.js';
import { parseConfig } from '../../server/config.js';
import { LIMITS, RateLimiter } from '../../server/rate-limit.js';
import type { Db } from '../../server/storage/db.js';
import type { ConvotApp } from '../../server/app.js';
import { auth, cid, newSession, openTestDb, sendVisitor, testConfigData, visitorPath, type Msg, type TestServer } from './helpers.js';

export const FROM = 'Test Support <support@test.dev>';

export function emailConfigData(smtpUrl: string, email: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...testConfigData(), email: { smtp_url: smtpUrl, from: FROM, delay_seconds: 1, ...email } };
}

/** Log lines (pino JSON) written by the app, for checks on what is logged. */
export class LogLines {
  readonly lines: Record<string, unknown>[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, cb) => {
      for (const l of String(chunk).split('\n')) if (l.trim()) this.lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  get text(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }
}

export async function startEmailServer(opts: {
  data: Record<string, unknown>;
  db?: Db;
  log?: LogLines;
  worker?: AppOptions['email'];
  listen?: boolean;
}): Promise<TestServer> {
  const db = opts.db ?? (await openTestDb());
  const app = await buildApp({
    db,
    config: parseConfig(opts.data, {}),
    root: process.cwd(),
    // Many visitors from one address in these files.
    rateLimiter: new RateLimiter(Date.now, { ...LIMITS, session: { max: 100_000, windowMs: 60_000 } }),
    logger: opts.log ? { level: 'info', stream: opts.log.stream } : false,
    email: { pollMs: 100, retryBaseMs: 300, ...opts.worker },
  });
  let wsBase = '';
  if (opts.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('no TCP address');
    wsBase = `ws://127.0.0.1:${addr.port}`;
  }
  return { app, db, wsBase };
}

/** A visitor with a first message (which starts their conversation), optionally with an email. */
export async function visitorWithConversation(app: ConvotApp, email: string | null, first = 'Hello, is anyone there?') {
  const session = await newSession(app);
  if (email) await setVisitorEmail(app, session.token, email);
  const msg = await sendVisitor(app, session.token, first);
  return { token: session.token, conversationId: msg.conversation_id };
}

export async function setVisitorEmail(app: ConvotApp, token: string, email: string): Promise<void> {
  const res = await app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(token), payload: { email } });
  if (res.statusCode !== 200) throw new Error(`visitor update: ${res.statusCode} ${res.body}`);
}

export async function agentReply(app: ConvotApp, cookie: string, conversationId: string, body: string): Promise<Msg> {
  const res = await app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${conversationId}/messages`, headers: { cookie }, payload: { client_id: cid(), body } });
  if (res.statusCode !== 201) throw new Error(`agent reply: ${res.statusCode} ${res.body}`);
  return (res.json() as { message: Msg }).message;
}

export interface JobRow {
  id: string;
  kind: string;
  status: string;
  recipient: string | null;
  attempts: number;
  dedupe_key: string;
  last_error: string | null;
  payload: Record<string, unknown>;
}

/** Outbox rows, oldest first, optionally of one conversation's offline replies. */
export async function jobs(db: Db, conversationPublicId?: string): Promise<JobRow[]> {
  if (!conversationPublicId) return db.query<JobRow>('SELECT id::text AS id, kind, status, recipient, attempts, dedupe_key, last_error, payload FROM email_outbox ORDER BY id');
  return db.query<JobRow>(
    `SELECT e.id::text AS id, e.kind, e.status, e.recipient, e.attempts, e.dedupe_key, e.last_error, e.payload FROM email_outbox e
     JOIN conversations c ON e.payload->>'conversation_id' = c.id::text OR e.dedupe_key LIKE 'agent_new_conversation:' || c.id || ':%'
     WHERE c.public_id = $1 ORDER BY e.id`,
    [conversationPublicId],
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
