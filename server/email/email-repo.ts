/**
 * The email module's SQL: claiming and settling outbox jobs, and the reads that compose the chat's
 * emails. Claims are safe with any number of instances on one PostgreSQL database (and on PGlite):
 * due rows are locked with FOR UPDATE SKIP LOCKED and leased in the same statement, so two
 * workers never claim one job, and a job whose worker died is claimed again once its lease ends.
 */
import type { Db, Queryable } from '../storage/db.js';
import type { TranscriptMessage } from './render.js';

export interface EmailJob {
  id: string;
  kind: string;
  recipient: string | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  payload: Record<string, unknown>;
  /** Including this one. */
  attempts: number;
}

export interface ReplyFacts {
  conversation_id: string;
  app_name: string;
  app_disabled: boolean;
  allowed_origins: string[];
  visitor_email: string | null;
  visitor_read_seq: number;
  emailed_seq: number;
}

export interface Uncovered {
  /** The lowest and highest seq of agent replies the visitor has neither read nor been emailed. */
  first_seq: number;
  last_seq: number;
  /** When the oldest of them was written. */
  first_at: Date;
}

const JOB_COLUMNS = 'e.id::text AS id, e.kind, e.recipient, e.subject, e.text_body, e.html_body, e.payload, e.attempts';

export class EmailRepo {
  constructor(private readonly db: Db) {}

  /**
   * Claims up to `limit` due jobs for `leaseSeconds`: pending ones whose time has come, and ones
   * left `sending` by a worker whose lease ran out (it crashed or hung). Counts the attempt.
   */
  async claim(limit: number, leaseSeconds: number): Promise<EmailJob[]> {
    return this.db.query<EmailJob>(
      `WITH due AS (
         SELECT id FROM email_outbox
         WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND locked_until < now())
         ORDER BY next_attempt_at, id LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE email_outbox e SET status = 'sending', attempts = e.attempts + 1, locked_until = now() + make_interval(secs => $2)
       FROM due WHERE e.id = due.id
       RETURNING ${JOB_COLUMNS}`,
      [limit, leaseSeconds],
    );
  }

  async markSent(id: string): Promise<void> {
    await this.db.query(`UPDATE email_outbox SET status = 'sent', sent_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1`, [id]);
  }

  /** A failed attempt: try again after `delayMs`. */
  async markRetry(id: string, delayMs: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE email_outbox SET status = 'pending', locked_until = NULL, last_error = $3, next_attempt_at = now() + make_interval(secs => $2) WHERE id = $1`,
      [id, delayMs / 1000, error],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.query(`UPDATE email_outbox SET status = 'failed', locked_until = NULL, last_error = $2 WHERE id = $1`, [id, error]);
  }

  /** Nothing to send (read in time, no address, covered by another email). */
  async markSkipped(id: string, reason: string): Promise<void> {
    await this.db.query(`UPDATE email_outbox SET status = 'skipped', locked_until = NULL, last_error = $2 WHERE id = $1`, [id, reason]);
  }

  /** Not yet: back to pending until `at`, and this claim does not count as an attempt. */
  async postpone(id: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE email_outbox SET status = 'pending', locked_until = NULL, attempts = GREATEST(attempts - 1, 0), next_attempt_at = $2 WHERE id = $1`,
      [id, at],
    );
  }

  /** Stores what a job composed at send time will send (its retries send exactly this). */
  async setContent(q: Queryable, id: string, c: { to: string; subject: string; text: string; html: string; payload: Record<string, unknown> }): Promise<void> {
    await q.query(`UPDATE email_outbox SET recipient = $2, subject = $3, text_body = $4, html_body = $5, payload = payload || $6::jsonb WHERE id = $1`, [
      id,
      c.to,
      c.subject,
      c.text,
      c.html,
      JSON.stringify(c.payload),
    ]);
  }

  // ---- offline replies ---------------------------------------------------------------------

  /**
   * After an agent reply: makes sure a job will look at this conversation once the delay has
   * passed. A burst of replies shares one job: the key is the conversation and the seq the
   * visitor has already read or been emailed up to, which a burst does not move.
   */
  async enqueueReplyCheck(conversationId: string, delaySeconds: number): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO email_outbox (kind, dedupe_key, payload, send_after, next_attempt_at)
       SELECT 'visitor_reply', 'visitor_reply:' || c.id || ':' || GREATEST(c.visitor_read_seq, COALESCE(m.emailed_seq, 0)),
         jsonb_build_object('conversation_id', c.id::text), now() + make_interval(secs => $2), now() + make_interval(secs => $2)
       FROM conversations c LEFT JOIN email_reply_marks m ON m.conversation_id = c.id WHERE c.id = $1
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id::text AS id`,
      [conversationId, delaySeconds],
    );
    return rows.length > 0;
  }

  async replyFacts(q: Queryable, conversationId: string): Promise<ReplyFacts | null> {
    const rows = await q.query<ReplyFacts>(
      `SELECT c.id::text AS conversation_id, a.name AS app_name, a.disabled AS app_disabled, a.allowed_origins, v.email AS visitor_email,
         c.visitor_read_seq, COALESCE(m.emailed_seq, 0) AS emailed_seq
       FROM conversations c JOIN apps a ON a.id = c.app_id JOIN visitors v ON v.id = c.visitor_id
       LEFT JOIN email_reply_marks m ON m.conversation_id = c.id WHERE c.id = $1`,
      [conversationId],
    );
    return rows[0] ?? null;
  }

  /** Agent replies after `afterSeq`; null when there are none. */
  async uncoveredReplies(q: Queryable, conversationId: string, afterSeq: number): Promise<Uncovered | null> {
    const rows = await q.query<{ first_seq: number | null; last_seq: number | null; first_at: Date | null }>(
      `SELECT min(seq) AS first_seq, max(seq) AS last_seq, min(created_at) AS first_at FROM messages
       WHERE conversation_id = $1 AND author = 'agent' AND seq > $2`,
      [conversationId, afterSeq],
    );
    const r = rows[0];
    return r && r.first_seq !== null ? { first_seq: Number(r.first_seq), last_seq: Number(r.last_seq), first_at: new Date(r.first_at!) } : null;
  }

  /**
   * Moves the conversation's emailed mark from `from` to `to`; false when another job moved it
   * first (then that job's email covers these replies).
   */
  async coverReplies(q: Queryable, conversationId: string, from: number, to: number): Promise<boolean> {
    const rows = await q.query(
      `INSERT INTO email_reply_marks (conversation_id, emailed_seq) VALUES ($1, $3)
       ON CONFLICT (conversation_id) DO UPDATE SET emailed_seq = EXCLUDED.emailed_seq WHERE email_reply_marks.emailed_seq = $2
       RETURNING conversation_id`,
      [conversationId, from, to],
    );
    return rows.length > 0;
  }

  /** The last `limit` messages up to `toSeq`, oldest first. */
  async transcript(q: Queryable, conversationId: string, toSeq: number, limit: number): Promise<TranscriptMessage[]> {
    return q.query<TranscriptMessage>(
      `SELECT * FROM (
         SELECT m.seq, m.author, a.name AS agent_name, m.body, m.created_at FROM messages m LEFT JOIN agents a ON a.id = m.agent_id
         WHERE m.conversation_id = $1 AND m.seq <= $2 ORDER BY m.seq DESC LIMIT $3
       ) t ORDER BY seq`,
      [conversationId, toSeq, limit],
    );
  }

  // ---- new conversations ------------------------------------------------------------------

  /** The enabled agents who work on an app, with the facts their email needs. */
  async agentsOf(appId: string): Promise<{ id: string; email: string }[]> {
    return this.db.query(`SELECT id::text AS id, email FROM agents WHERE NOT disabled AND (apps IS NULL OR $1 = ANY(apps)) ORDER BY id`, [appId]);
  }

  async newConversationFacts(conversationId: string): Promise<{ app_name: string; visitor_name: string | null; visitor_email: string | null } | null> {
    const rows = await this.db.query<{ app_name: string; visitor_name: string | null; visitor_email: string | null }>(
      `SELECT a.name AS app_name, v.name AS visitor_name, v.email AS visitor_email
       FROM conversations c JOIN apps a ON a.id = c.app_id JOIN visitors v ON v.id = c.visitor_id WHERE c.id = $1`,
      [conversationId],
    );
    return rows[0] ?? null;
  }
}
