/**
 * The outbox as other features use it (`app.convot.email.enqueue`): dedupe keys, sending later,
 * retries with backoff against an SMTP server that refuses and then accepts, giving up, and the
 * one line logged when email is off. Failures are logged with the job id, never the body.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EMAIL_OFF_LINE } from '../../server/email/index.js';
import { enqueueEmail } from '../../server/email/outbox.js';
import { backoffMs } from '../../server/email/worker.js';
import { eventually } from '../support/eventually.js';
import { SmtpReceiver, freePort } from '../support/smtp.js';
import { LogLines, emailConfigData, jobs, sleep, startEmailServer } from './email-helpers.js';
import { openTestDb, testConfigData, type TestServer } from './helpers.js';

let smtp: SmtpReceiver;
let s: TestServer;
const log = new LogLines();

before(async () => {
  smtp = await SmtpReceiver.start();
  s = await startEmailServer({ data: emailConfigData(smtp.url), log, worker: { maxAttempts: 4 } });
});
after(async () => {
  await s.app.close();
  await s.db.close();
  await smtp.close();
});

const statusOf = async (id: string, db = s.db) => (await jobs(db)).find((j) => j.id === id)!;

describe('the outbox API', () => {
  test('enqueue sends once; the same dedupe key is never enqueued twice', async () => {
    const input = { kind: 'booking_confirmation', to: 'guest@visitor.test', subject: 'Your meeting', text: 'See you on Monday.', html: '<p>See you on Monday.</p>', dedupeKey: 'booking:1:confirmation' };
    const first = await s.app.convot.email.enqueue(s.db, input);
    assert.equal(first.status, 'queued');
    assert.deepEqual(await s.app.convot.email.enqueue(s.db, input), { status: 'duplicate' });
    // Inside a caller's transaction too.
    assert.deepEqual(await s.db.transaction((q) => s.app.convot.email.enqueue(q, input)), { status: 'duplicate' });
    await smtp.until((r) => r.some((m) => m.to.includes('guest@visitor.test')), 'the booking email');
    await eventually(async () => ((await statusOf((first as { id: string }).id)).status === 'sent' ? true : undefined), 'the job to be marked sent');
    await sleep(800);
    const got = smtp.to('guest@visitor.test');
    assert.equal(got.length, 1);
    assert.equal(got[0]!.mail.subject, 'Your meeting');
    assert.equal(got[0]!.mail.text?.trim(), 'See you on Monday.');
    assert.match(String(got[0]!.mail.html), /<p>See you on Monday\.<\/p>/);
  });

  test('sendAfter holds an email until its time', async () => {
    const at = new Date(Date.now() + 1500);
    const r = await s.app.convot.email.enqueue(s.db, { kind: 'reminder', to: 'later@visitor.test', subject: 'Reminder', text: 'Soon.', dedupeKey: 'reminder:1', sendAfter: at });
    assert.equal(r.status, 'queued');
    await smtp.until((m) => m.some((x) => x.to.includes('later@visitor.test')), 'the reminder');
    assert.ok(smtp.to('later@visitor.test')[0]!.at >= at.getTime() - 50, 'not before sendAfter');
  });

  test('bad input fails the caller, not the worker', async () => {
    const ok = { kind: 'x', to: 'a@b.test', subject: 's', text: 't', dedupeKey: 'k' };
    await assert.rejects(enqueueEmail(s.db, { ...ok, to: 'a@b.test, c@d.test' }), /"to" must be one address/);
    await assert.rejects(enqueueEmail(s.db, { ...ok, subject: 'a\r\nBcc: x@y.test' }), /subject must be one non-empty line/);
    await assert.rejects(enqueueEmail(s.db, { ...ok, kind: 'Bad Kind' }), /kind/);
  });
});

describe('retries', () => {
  test('a refusing SMTP server: retried with growing delays, sent once when it accepts', async () => {
    let refusals = 2;
    smtp.refuse = () => refusals-- > 0;
    const start = smtp.attempts.length;
    const body = 'The secret body must never reach a log.';
    const r = await s.app.convot.email.enqueue(s.db, { kind: 'retry_test', to: 'retry@visitor.test', subject: 'Retry', text: body, dedupeKey: 'retry:1' });
    assert.equal(r.status, 'queued');
    const id = (r as { id: string }).id;
    await smtp.until((m) => m.some((x) => x.to.includes('retry@visitor.test')), 'the email after two refusals');
    await eventually(async () => ((await statusOf(id)).status === 'sent' ? true : undefined), 'sent');
    await sleep(1000);
    smtp.refuse = () => false;
    assert.equal(smtp.to('retry@visitor.test').length, 1);
    const job = await statusOf(id);
    assert.equal(job.attempts, 3);
    // Three attempts, the second gap about twice the first (300 ms, then 600 ms).
    const [a, b, c] = smtp.attempts.slice(start);
    assert.ok(b! - a! >= backoffMs(1, 300) - 100, `first retry after ≥ 300 ms (was ${b! - a!})`);
    assert.ok(c! - b! >= backoffMs(2, 300) - 100, `second retry after ≥ 600 ms (was ${c! - b!})`);
    const warnings = log.lines.filter((l) => l.msg === 'email: send failed, will retry' && l.emailJob === id);
    assert.equal(warnings.length, 2);
    assert.equal(warnings[0]!.level, 40);
    assert.match(String(warnings[0]!.error), /451/);
    assert.doesNotMatch(log.text, /secret body/);
  });

  test('an SMTP server that is down, then up: sent once', async () => {
    const port = await freePort();
    const log2 = new LogLines();
    // Its own database, so only its worker (pointed at the dead port) can take the job.
    const s2 = await startEmailServer({ data: emailConfigData(`smtp://127.0.0.1:${port}`), log: log2 });
    let late: SmtpReceiver | undefined;
    try {
      const r = await s2.app.convot.email.enqueue(s2.db, { kind: 'down_test', to: 'down@visitor.test', subject: 'Down', text: 'x', dedupeKey: 'down:1' });
      const id = (r as { id: string }).id;
      await eventually(async () => ((await statusOf(id, s2.db)).attempts >= 2 ? true : undefined), 'two failed attempts');
      assert.match(String(log2.lines.find((l) => l.emailJob === id)?.error), /ECONNREFUSED/);
      late = await SmtpReceiver.start({ port });
      await late.until((m) => m.length > 0, 'the email once the server is up');
      await eventually(async () => ((await statusOf(id, s2.db)).status === 'sent' ? true : undefined), 'sent');
      await sleep(800);
      assert.equal(late.received.length, 1);
    } finally {
      await s2.app.close();
      await s2.db.close();
      await late?.close();
    }
  });

  test('after the last attempt the job is given up with an error log', async () => {
    smtp.refuse = () => true;
    try {
      const r = await s.app.convot.email.enqueue(s.db, { kind: 'doomed', to: 'never@visitor.test', subject: 'Never', text: 'x', dedupeKey: 'doomed:1' });
      const id = (r as { id: string }).id;
      await eventually(async () => ((await statusOf(id)).status === 'failed' ? true : undefined), 'the job to be given up', 30_000);
      const job = await statusOf(id);
      assert.equal(job.attempts, 4);
      assert.match(String(job.last_error), /451/);
      const gaveUp = log.lines.filter((l) => l.emailJob === id && l.level === 50);
      assert.equal(gaveUp.length, 1);
      assert.equal(gaveUp[0]!.msg, 'email: gave up after the last attempt');
      await sleep(1500);
      assert.equal((await statusOf(id)).attempts, 4, 'no attempt after giving up');
    } finally {
      smtp.refuse = () => false;
    }
  });
});

describe('email off', () => {
  test('without email in the config: one log line at start, nothing enqueued', async () => {
    const offLog = new LogLines();
    const db = await openTestDb();
    const off = await startEmailServer({ data: testConfigData(), log: offLog, db });
    try {
      const lines = offLog.lines.filter((l) => /\bemail\b/i.test(String(l.msg).replace(process.cwd(), '')));
      assert.equal(lines.length, 1, JSON.stringify(offLog.lines));
      assert.equal(lines[0]!.msg, EMAIL_OFF_LINE);
      assert.match(EMAIL_OFF_LINE, /"email"/);
      assert.equal(off.app.convot.email.enabled, false);
      assert.deepEqual(await off.app.convot.email.enqueue(db, { kind: 'x', to: 'a@b.test', subject: 's', text: 't', dedupeKey: 'off:1' }), { status: 'off' });
      assert.equal((await jobs(db)).length, 0);
    } finally {
      await off.app.close();
      await db.close();
    }
  });
});
