/**
 * Sends the outbox. Every instance runs one worker; they share the table and never send one job
 * twice (EmailRepo.claim). A failed send is retried with exponential backoff and logged with the
 * job's id and kind (never its body or recipient); after `maxAttempts` the job is given up with
 * an error log. A clean shutdown finishes the sends in flight; a crash leaves them leased, and
 * another worker (or this one after a restart) claims them once the lease runs out.
 */
import { createTransport } from 'nodemailer';
import type { Log } from '../log.js';
import type { Db } from '../storage/db.js';
import { isEmailAddress, type EmailConfig } from './config.js';
import type { EmailJob, EmailRepo } from './email-repo.js';
import { renderVisitorReply } from './render.js';

/** How a message leaves: nodemailer's transport, or anything with the same `sendMail`. */
export interface MailTransport {
  sendMail(mail: { from: string; to: string; subject: string; text: string; html?: string; messageId: string }): Promise<unknown>;
  close?(): void;
}

export interface EmailWorkerOptions {
  /** How often to look for due jobs (a local enqueue also wakes the worker). Default 2 s. */
  pollMs?: number;
  /** The first retry's delay; each further retry doubles it (capped at an hour). Default 30 s. */
  retryBaseMs?: number;
  /** Attempts before a job is given up. Default 8 (about an hour of retries with the defaults). */
  maxAttempts?: number;
  /** How long a claimed job is this worker's; well above the SMTP timeouts. Default 300 s. */
  leaseSeconds?: number;
}

/** SMTP timeouts: a send gives up long before its lease ends, so no second worker takes it over meanwhile. */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000, dnsTimeout: 30_000 };
const MAX_RETRY_DELAY_MS = 3_600_000;
const BATCH = 10;
/** Messages of the conversation shown in an offline-reply email. */
const TRANSCRIPT_LENGTH = 10;

export function smtpTransport(config: EmailConfig): MailTransport {
  return createTransport({ url: config.smtp_url, ...SMTP_TIMEOUTS });
}

/** The delay before retry number `attempt` (1-based count of attempts made). */
export const backoffMs = (attempt: number, baseMs: number): number => Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_MS);

/** A short, body-free description of a failure for logs and `last_error`. */
function describeError(e: unknown): string {
  const err = e as { code?: string; responseCode?: number; message?: string };
  return [err.code, err.responseCode, String(err.message ?? e).split('\n')[0]!.slice(0, 300)].filter((x) => x !== undefined && x !== '').join(' ');
}

/** The domain of the From address, for Message-IDs. */
const fromDomain = (from: string): string => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'convot.invalid';

export class EmailWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly pollMs: number;
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;
  private readonly leaseSeconds: number;

  constructor(
    private readonly db: Db,
    private readonly repo: EmailRepo,
    private readonly config: EmailConfig,
    private readonly transport: MailTransport,
    private readonly log: Log,
    opts: EmailWorkerOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 2000;
    this.retryBaseMs = opts.retryBaseMs ?? 30_000;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.leaseSeconds = opts.leaseSeconds ?? 300;
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due jobs now (or right after the current round). */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again && !this.closed) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Stops claiming and waits for the sends in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.transport.close?.();
  }

  private async drain(): Promise<void> {
    try {
      while (!this.closed) {
        const jobs = await this.repo.claim(BATCH, this.leaseSeconds);
        if (!jobs.length) return;
        await Promise.all(jobs.map((j) => this.process(j)));
      }
    } catch (e) {
      this.log.error({ err: describeError(e) }, 'email: could not read the outbox');
    }
  }

  private async process(job: EmailJob): Promise<void> {
    try {
      if (job.attempts > this.maxAttempts) {
        // Claimed again after a crash mid-send with no attempts left.
        await this.repo.markFailed(job.id, 'lease expired after the last attempt');
        this.log.error({ emailJob: job.id, kind: job.kind, attempts: job.attempts - 1 }, 'email: gave up (no attempts left)');
        return;
      }
      const mail = job.subject === null ? await this.compose(job) : job;
      if (!mail) return;
      await this.transport.sendMail({
        from: this.config.from,
        to: mail.recipient!,
        subject: mail.subject!,
        text: mail.text_body!,
        ...(mail.html_body ? { html: mail.html_body } : {}),
        // Stable per job: a receiving server that sees a duplicate can tell.
        messageId: `<convot-${job.id}@${fromDomain(this.config.from)}>`,
      });
      await this.repo.markSent(job.id);
      this.log.info({ emailJob: job.id, kind: job.kind, attempts: job.attempts }, 'email: sent');
    } catch (e) {
      const error = describeError(e);
      if (job.attempts >= this.maxAttempts) {
        this.log.error({ emailJob: job.id, kind: job.kind, attempts: job.attempts, error }, 'email: gave up after the last attempt');
        await this.repo.markFailed(job.id, error).catch(() => undefined);
        return;
      }
      const delay = backoffMs(job.attempts, this.retryBaseMs);
      this.log.warn({ emailJob: job.id, kind: job.kind, attempt: job.attempts, retryInMs: delay, error }, 'email: send failed, will retry');
      // If this write fails too, the lease runs out and the job is claimed again: nothing is lost.
      await this.repo.markRetry(job.id, delay, error).catch(() => undefined);
    }
  }

  /**
   * Composes a job whose content is decided at send time (the offline-reply email). Returns the
   * job with its content, or null when there is nothing to send (now or yet).
   */
  private async compose(job: EmailJob): Promise<EmailJob | null> {
    if (job.kind !== 'visitor_reply') {
      await this.repo.markFailed(job.id, `no content and no composer for kind ${job.kind}`);
      this.log.error({ emailJob: job.id, kind: job.kind }, 'email: job has no content');
      return null;
    }
    const conversationId = String(job.payload.conversation_id);
    const delayMs = this.config.delay_seconds * 1000;
    const outcome = await this.db.transaction(async (q): Promise<{ skip: string } | { later: Date } | { mail: EmailJob }> => {
      const facts = await this.repo.replyFacts(q, conversationId);
      if (!facts) return { skip: 'conversation gone' };
      if (facts.app_disabled) return { skip: 'app removed' };
      const from = Math.max(facts.visitor_read_seq, facts.emailed_seq);
      const uncovered = await this.repo.uncoveredReplies(q, conversationId, from);
      // Read in time, or already emailed by another job of this conversation.
      if (!uncovered) return { skip: 'read or already emailed' };
      const due = uncovered.first_at.getTime() + delayMs;
      if (due > Date.now() + 50) return { later: new Date(due) };
      if (!facts.visitor_email) return { skip: 'no visitor email' };
      // The widget's email is not validated on the way in: one plain address, or nothing is sent.
      if (!isEmailAddress(facts.visitor_email)) return { skip: 'visitor email is not one address' };
      if (!(await this.repo.coverReplies(q, conversationId, facts.emailed_seq, uncovered.last_seq))) return { skip: 'covered by another email' };
      const messages = await this.repo.transcript(q, conversationId, uncovered.last_seq, TRANSCRIPT_LENGTH);
      const r = renderVisitorReply({ team: facts.app_name, messages, link: siteLink(facts.allowed_origins) });
      const content = { to: facts.visitor_email, subject: r.subject, text: r.text, html: r.html, payload: { covered_from_seq: uncovered.first_seq, covered_seq: uncovered.last_seq } };
      await this.repo.setContent(q, job.id, content);
      return { mail: { ...job, recipient: content.to, subject: content.subject, text_body: content.text, html_body: content.html } };
    });
    if ('skip' in outcome) {
      await this.repo.markSkipped(job.id, outcome.skip);
      this.log.info({ emailJob: job.id, kind: job.kind, reason: outcome.skip }, 'email: nothing to send');
      return null;
    }
    if ('later' in outcome) {
      await this.repo.postpone(job.id, outcome.later);
      return null;
    }
    return outcome.mail;
  }
}

/**
 * Where "continue the conversation" points. The server records no page URL for a visitor, so
 * the link is the app's site when its allowed_origins name exactly one site (never `*`);
 * otherwise the email has no link. The widget there resumes the conversation.
 */
export function siteLink(allowedOrigins: string[]): string | null {
  const sites = allowedOrigins.filter((o) => /^https?:\/\//.test(o));
  return sites.length === 1 && !allowedOrigins.includes('*') ? `${sites[0]}/` : null;
}
