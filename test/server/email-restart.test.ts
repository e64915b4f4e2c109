/**
 * The outbox survives restarts: the server is stopped between a team reply and its email, and a
 * new server on the same data (a PGlite folder, or the same PostgreSQL database under
 * scripts/with-postgres.mjs) sends exactly one email. A job a crashed worker left mid-send is sent
 * once its lease has run out, and not before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { enqueueEmail } from '../../server/email/outbox.js';
import type { Db } from '../../server/storage/db.js';
import { openPglite } from '../../server/storage/pglite.js';
import { openPostgres } from '../../server/storage/postgres.js';
import { freshDatabase } from '../support/postgres.js';
import { eventually } from '../support/eventually.js';
import { SmtpReceiver } from '../support/smtp.js';
import { agentReply, emailConfigData, jobs, sleep, startEmailServer, visitorWithConversation } from './email-helpers.js';
import { loginAgent, type TestServer } from './helpers.js';

let smtp: SmtpReceiver;
let openDb: () => Promise<Db>;
let cleanup = () => undefined as void;

before(async () => {
  smtp = await SmtpReceiver.start();
  const pgBase = process.env.CONVOT_TEST_DATABASE_URL;
  if (pgBase) {
    const url = await freshDatabase(pgBase);
    openDb = () => openPostgres(url);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'convot-email-restart-'));
    openDb = () => openPglite(join(dir, 'pgdata'));
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
});
after(async () => {
  await smtp.close();
  cleanup();
});

async function start(delaySeconds: number): Promise<TestServer> {
  return startEmailServer({ data: emailConfigData(smtp.url, { delay_seconds: delaySeconds }), db: await openDb() });
}
async function stop(s: TestServer): Promise<void> {
  await s.app.close();
  await s.db.close();
}

test('a restart between the reply and the send still sends exactly one email', async () => {
  const to = 'restart@visitor.test';
  const first = await start(2);
  const cookie = await loginAgent(first.app);
  const v = await visitorWithConversation(first.app, to, 'Where is my parcel?');
  await agentReply(first.app, cookie, v.conversationId, 'It left the warehouse this morning.');
  await stop(first);
  assert.equal(smtp.to(to).length, 0, 'stopped before the send time');

  const second = await start(2);
  try {
    await smtp.until((r) => r.some((m) => m.to.includes(to)), 'the email from the restarted server');
    await eventually(async () => ((await jobs(second.db, v.conversationId)).find((j) => j.kind === 'visitor_reply')?.status === 'sent' ? true : undefined), 'sent');
    await sleep(1500);
    const got = smtp.to(to);
    assert.equal(got.length, 1);
    assert.match(got[0]!.mail.text ?? '', /It left the warehouse this morning\./);
    assert.match(got[0]!.mail.text ?? '', /Where is my parcel\?/);
  } finally {
    await stop(second);
  }
});

test('a job left mid-send by a crashed worker is sent once its lease runs out, not before', async () => {
  const db = await openDb();
  const r = await enqueueEmail(db, { kind: 'crash_test', to: 'crash@visitor.test', subject: 'After a crash', text: 'x', dedupeKey: 'crash:1' });
  const id = (r as { id: string }).id;
  // What a worker that died during the SMTP conversation leaves behind: leased for 2 more seconds.
  await db.query(`UPDATE email_outbox SET status = 'sending', attempts = 1, locked_until = now() + interval '2 seconds' WHERE id = $1`, [id]);
  const leasedUntil = Date.now() + 2000;
  await db.close();

  const s = await start(1);
  try {
    await smtp.until((m) => m.some((x) => x.to.includes('crash@visitor.test')), 'the email after the lease');
    assert.ok(smtp.to('crash@visitor.test')[0]!.at >= leasedUntil - 300, 'not while another worker held the lease');
    await eventually(async () => ((await jobs(s.db)).find((j) => j.id === id)?.status === 'sent' ? true : undefined), 'sent');
    await sleep(1000);
    assert.equal(smtp.to('crash@visitor.test').length, 1);
    assert.equal((await jobs(s.db)).find((j) => j.id === id)?.attempts, 2);
  } finally {
    await stop(s);
  }
});
