/**
 * Two Convot instances on one PostgreSQL database, each with its own pool and email worker
 * polling fast: every queued email and every unread-reply email is sent exactly once, whichever
 * instance enqueued it. Runs under scripts/with-postgres.mjs.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EmailRepo } from '../../server/email/email-repo.js';
import { enqueueEmail } from '../../server/email/outbox.js';
import { migrate } from '../../server/storage/migrations.js';
import { openPostgres } from '../../server/storage/postgres.js';
import { freshDatabase } from '../support/postgres.js';
import { eventually } from '../support/eventually.js';
import { SmtpReceiver } from '../support/smtp.js';
import { LogLines, agentReply, emailConfigData, jobs, sleep, startEmailServer, visitorWithConversation } from '../server/email-helpers.js';
import { loginAgent, type TestServer } from '../server/helpers.js';

const baseUrl = process.env.CONVOT_TEST_DATABASE_URL;
if (!baseUrl) throw new Error('CONVOT_TEST_DATABASE_URL is not set: run this through scripts/with-postgres.mjs');

let smtp: SmtpReceiver;
let a: TestServer;
let b: TestServer;
const logA = new LogLines();
const logB = new LogLines();

before(async () => {
  smtp = await SmtpReceiver.start();
  const url = await freshDatabase(baseUrl);
  const data = emailConfigData(smtp.url, { delay_seconds: 1 });
  // Both poll every 20 ms: claims collide as often as they can.
  a = await startEmailServer({ data, db: await openPostgres(url), log: logA, worker: { pollMs: 20 } });
  b = await startEmailServer({ data, db: await openPostgres(url), log: logB, worker: { pollMs: 20 } });
});
after(async () => {
  for (const s of [a, b]) {
    await s?.app.close();
    await s?.db.close();
  }
  await smtp.close();
});

const sentLogs = () => [...logA.lines, ...logB.lines].filter((l) => l.msg === 'email: sent');

test('sixty queued emails, two instances claiming: each sent exactly once', async (t) => {
  const N = 60;
  // Enqueued through both instances, then due at one moment.
  const at = new Date(Date.now() + 500);
  for (let i = 0; i < N; i++) {
    const s = i % 2 ? a : b;
    const r = await s.app.convot.email.enqueue(s.db, { kind: 'bulk', to: `bulk${i}@visitor.test`, subject: `Bulk ${i}`, text: `n=${i}`, dedupeKey: `bulk:${i}`, sendAfter: at });
    assert.equal(r.status, 'queued');
  }
  await smtp.until((r) => r.filter((m) => m.mail.subject?.startsWith('Bulk ')).length >= N, 'all bulk emails');
  await eventually(async () => ((await jobs(a.db)).filter((j) => j.kind === 'bulk' && j.status === 'sent').length === N ? true : undefined), 'every job marked sent');
  await sleep(1500);
  const subjects = smtp.received.map((m) => m.mail.subject).filter((x) => x?.startsWith('Bulk '));
  assert.equal(subjects.length, N, 'no email twice');
  assert.equal(new Set(subjects).size, N, 'every email once');
  const sent = sentLogs().filter((l) => l.kind === 'bulk');
  assert.equal(sent.length, N);
  assert.equal(new Set(sent.map((l) => l.emailJob)).size, N);
  for (const j of (await jobs(a.db)).filter((x) => x.kind === 'bulk')) assert.equal(j.attempts, 1, `job ${j.id} was claimed once`);
  const byA = logA.lines.filter((l) => l.msg === 'email: sent' && l.kind === 'bulk').length;
  t.diagnostic(`sent by instance A: ${byA}, by B: ${N - byA}`);
});

test('unread replies written on either instance: one email per conversation', async () => {
  const cookieA = await loginAgent(a.app);
  const cookieB = await loginAgent(b.app);
  const convs: { to: string; id: string }[] = [];
  for (let i = 0; i < 6; i++) {
    const to = `reply${i}@visitor.test`;
    const v = await visitorWithConversation(i % 2 ? a.app : b.app, to, `Question ${i}`);
    // Replies in a burst, alternating instances.
    for (let k = 0; k < 3; k++) await agentReply(k % 2 ? a.app : b.app, k % 2 ? cookieA : cookieB, v.conversationId, `Answer ${i}.${k}`);
    convs.push({ to, id: v.conversationId });
  }
  await smtp.until((r) => convs.every((c) => r.some((m) => m.to.includes(c.to))), 'one email per conversation');
  for (const c of convs) {
    await eventually(async () => ((await jobs(a.db, c.id)).filter((j) => j.kind === 'visitor_reply').every((j) => j.status === 'sent' || j.status === 'skipped') ? true : undefined), 'settled');
  }
  await sleep(2000);
  for (const [i, c] of convs.entries()) {
    const got = smtp.to(c.to);
    assert.equal(got.length, 1, `conversation ${i}: one email`);
    for (let k = 0; k < 3; k++) assert.match(got[0]!.mail.text ?? '', new RegExp(`Answer ${i}\\.${k}`));
  }
});

test('claims from four connections hammering at once never share a job', async () => {
  // No workers here: four pools on another database call claim() in tight loops at the same time.
  const url = await freshDatabase(baseUrl);
  const dbs = await Promise.all([1, 2, 3, 4].map(() => openPostgres(url)));
  try {
    await migrate(dbs[0]!);
    const N = 400;
    for (let i = 0; i < N; i++) await enqueueEmail(dbs[0]!, { kind: 'claim', to: `c${i}@visitor.test`, subject: 's', text: 't', dedupeKey: `claim:${i}` });
    const claimed: string[] = [];
    await Promise.all(
      dbs.map(async (db) => {
        const repo = new EmailRepo(db);
        for (;;) {
          const got = await repo.claim(3, 300);
          if (!got.length) return;
          claimed.push(...got.map((j) => j.id));
        }
      }),
    );
    assert.equal(claimed.length, N, 'no job claimed twice');
    assert.equal(new Set(claimed).size, N, 'every job claimed');
  } finally {
    await Promise.all(dbs.map((db) => db.close()));
  }
});
