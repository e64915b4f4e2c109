/**
 * The email outbox: the one way any feature sends email. A job is a row in `email_outbox`
 * (migration 11); the workers (email/worker.ts) on every instance send it once it is due.
 *
 * For other features (e.g. booking confirmations):
 *
 * ```ts
 * // inside your own transaction, so the email exists exactly when your row does
 * await db.transaction(async (q) => {
 *   const booking = await insertBooking(q, …);
 *   await app.convot.email.enqueue(q, {
 *     kind: 'booking_confirmation',
 *     to: booking.email,
 *     subject: 'Your meeting with Acme',
 *     text: '…',                       // required: every email has a plain-text part
 *     html: '<p>…</p>',                // optional: escape what you interpolate (email/render.ts `escapeHtml`)
 *     dedupeKey: `booking:${booking.id}:confirmation`,
 *     sendAfter: new Date(),           // optional: not before this time (default now)
 *   });
 * });
 * ```
 *
 * `enqueue` returns `{ status: 'queued', id }`, `{ status: 'duplicate' }` when that dedupe key
 * was enqueued before (nothing changes), or `{ status: 'off' }` when the config has no `email`
 * (nothing is stored). `enqueueEmail(q, input)` is the raw insert, for code that has already
 * checked that email is on.
 */
import { isEmailAddress } from './config.js';
import type { Queryable } from '../storage/db.js';

export interface EmailInput {
  /** What the email is, for logs and counting: letters, digits, `_` (e.g. `booking_confirmation`). */
  kind: string;
  /** One recipient address. */
  to: string;
  subject: string;
  /** The plain-text part (always sent). */
  text: string;
  /** An HTML part; every interpolated value must be escaped. */
  html?: string;
  /** Unique per email: a second enqueue with the same key does nothing. */
  dedupeKey: string;
  /** Not before this time; default now. */
  sendAfter?: Date;
}

export type EnqueueResult = { status: 'queued'; id: string } | { status: 'duplicate' } | { status: 'off' };

/** Checks an input before it is stored, so a bad job fails its caller, not the worker later. */
function check(input: EmailInput): void {
  if (!/^[a-z0-9_]{1,64}$/.test(input.kind)) throw new TypeError(`email kind must be 1–64 of a-z, 0-9, "_", got ${JSON.stringify(input.kind)}`);
  if (!isEmailAddress(input.to)) throw new TypeError(`email "to" must be one address, got ${JSON.stringify(input.to)}`);
  if (!input.subject || /[\r\n]/.test(input.subject)) throw new TypeError('email subject must be one non-empty line');
  if (!input.dedupeKey || input.dedupeKey.length > 500) throw new TypeError('email dedupeKey must be 1–500 characters');
  if (typeof input.text !== 'string' || !input.text) throw new TypeError('email text must be a non-empty string');
}

/** Stores a rendered email to send once due (raw insert; see `EmailOutbox.enqueue`). */
export async function enqueueEmail(q: Queryable, input: EmailInput): Promise<EnqueueResult> {
  check(input);
  const at = input.sendAfter ?? null;
  const rows = await q.query<{ id: string }>(
    `INSERT INTO email_outbox (kind, dedupe_key, recipient, subject, text_body, html_body, send_after, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::timestamptz, now()), COALESCE($7::timestamptz, now()))
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id::text AS id`,
    [input.kind, input.dedupeKey, input.to, input.subject, input.text, input.html ?? null, at],
  );
  return rows[0] ? { status: 'queued', id: rows[0].id } : { status: 'duplicate' };
}

/**
 * The outbox as the app exposes it (`app.convot.email`): enqueues when email is configured and
 * wakes this instance's worker, so a due email leaves without waiting for the next poll.
 */
export class EmailOutbox {
  constructor(
    readonly enabled: boolean,
    private readonly wake: () => void = () => undefined,
  ) {}

  async enqueue(q: Queryable, input: EmailInput): Promise<EnqueueResult> {
    if (!this.enabled) return { status: 'off' };
    const r = await enqueueEmail(q, input);
    if (r.status === 'queued' && (!input.sendAfter || input.sendAfter.getTime() <= Date.now())) this.wake();
    return r;
  }
}
