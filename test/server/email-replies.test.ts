/**
 * The chat's emails through a real SMTP receiver: a team reply the visitor has not read within
 * `delay_seconds` is emailed once (a burst of replies in one email), a reply read in time is not,
 * and a new conversation while no agent is available is emailed to the app's agents.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/eventually.js';
import { SmtpReceiver } from '../support/smtp.js';
import { agentReply, emailConfigData, jobs, setVisitorEmail, sleep, startEmailServer, visitorWithConversation } from './email-helpers.js';
import { AGENT_EMAIL, AGENT_NAME, agentSocket, loginAgent, visitorSocket, type Sock, type TestServer } from './helpers.js';

let s: TestServer;
let smtp: SmtpReceiver;
let cookie: string;

before(async () => {
  smtp = await SmtpReceiver.start({ login: { user: 'mailer', pass: 's3cret' } });
  s = await startEmailServer({ data: emailConfigData(smtp.url, { public_url: 'https://chat.test.dev/' }), listen: true });
  cookie = await loginAgent(s.app);
});
after(async () => {
  await s.app.close();
  await s.db.close();
  await smtp.close();
});

/** Waits until every offline-reply job of the conversation is settled (sent or skipped). */
async function settled(conversationId: string): Promise<void> {
  await eventually(async () => {
    const rows = (await jobs(s.db, conversationId)).filter((j) => j.kind === 'visitor_reply');
    return rows.length && rows.every((j) => j.status === 'sent' || j.status === 'skipped') ? true : undefined;
  }, `the jobs of ${conversationId} to settle`);
}

describe('offline replies', () => {
  test('a reply not read within the delay is emailed once, to the visitor, with the recent messages', async () => {
    const to = 'jane@visitor.test';
    const v = await visitorWithConversation(s.app, to, 'My order #1234 has not arrived');
    await agentReply(s.app, cookie, v.conversationId, 'Sorry! It ships <today> & arrives "tomorrow".');
    await smtp.until((r) => r.some((m) => m.to.includes(to)), 'the reply email');
    await settled(v.conversationId);
    // A generous wait: a second email would have had several poll rounds to leave.
    await sleep(1500);
    const got = smtp.to(to);
    assert.equal(got.length, 1);
    const { mail } = got[0]!;
    assert.equal(mail.subject, 'New reply from Test', 'no visitor data in the subject');
    assert.equal(mail.from?.value[0]?.address, 'support@test.dev');
    assert.equal(mail.from?.value[0]?.name, 'Test Support');
    assert.match(mail.text ?? '', /My order #1234 has not arrived/);
    assert.match(mail.text ?? '', new RegExp(`${AGENT_NAME} \\(Test\\)`));
    assert.match(mail.text ?? '', /Sorry! It ships <today> & arrives "tomorrow"\./);
    assert.ok(mail.text!.indexOf('My order') < mail.text!.indexOf('Sorry!'), 'oldest first');
    const html = String(mail.html);
    assert.match(html, /It ships &lt;today&gt; &amp; arrives &quot;tomorrow&quot;\./, 'the HTML part is escaped');
    assert.doesNotMatch(html, /<today>/);
    // app_test allows one site: the link goes back there.
    assert.match(mail.text ?? '', /Continue the conversation: http:\/\/allowed\.test\//);
    assert.match(html, /href="http:\/\/allowed\.test\/"/);
    assert.match(String(mail.messageId), /^<convot-\d+@test\.dev>$/);
    const [job] = (await jobs(s.db, v.conversationId)).filter((j) => j.kind === 'visitor_reply');
    assert.equal(job!.status, 'sent');
    assert.equal(job!.recipient, to);
    assert.equal(job!.payload.covered_seq, 2);
  });

  test('a reply the visitor reads within the delay is not emailed', async () => {
    const to = 'reader@visitor.test';
    const v = await visitorWithConversation(s.app, to);
    const { sock } = await visitorSocket(s.wsBase, v.token);
    try {
      const reply = await agentReply(s.app, cookie, v.conversationId, 'Here is your answer');
      await sock.next((f) => f.type === 'message' && f.message.seq === reply.seq);
      sock.send({ type: 'read', seq: reply.seq });
      await eventually(async () => {
        const [c] = await s.db.query<{ visitor_read_seq: number }>('SELECT visitor_read_seq FROM conversations WHERE public_id = $1', [v.conversationId]);
        return c!.visitor_read_seq === reply.seq ? true : undefined;
      }, 'the read mark');
    } finally {
      await sock.close();
    }
    await settled(v.conversationId);
    const [job] = (await jobs(s.db, v.conversationId)).filter((j) => j.kind === 'visitor_reply');
    assert.equal(job!.status, 'skipped');
    assert.equal(smtp.to(to).length, 0);
  });

  test('a burst of five replies is one email with all five', async () => {
    const to = 'burst@visitor.test';
    const v = await visitorWithConversation(s.app, to);
    for (let i = 1; i <= 5; i++) await agentReply(s.app, cookie, v.conversationId, `Part ${i} of the answer`);
    await smtp.until((r) => r.some((m) => m.to.includes(to)), 'the burst email');
    await settled(v.conversationId);
    await sleep(1500);
    const got = smtp.to(to);
    assert.equal(got.length, 1);
    for (let i = 1; i <= 5; i++) assert.match(got[0]!.mail.text ?? '', new RegExp(`Part ${i} of the answer`));
    assert.equal((await jobs(s.db, v.conversationId)).filter((j) => j.kind === 'visitor_reply').length, 1, 'one job for the burst');
  });

  test('a reply after the email starts a new burst: a second email with it', async () => {
    const to = 'again@visitor.test';
    const v = await visitorWithConversation(s.app, to);
    await agentReply(s.app, cookie, v.conversationId, 'First answer');
    await smtp.until((r) => r.some((m) => m.to.includes(to)), 'the first email');
    await agentReply(s.app, cookie, v.conversationId, 'A follow-up');
    await smtp.until((r) => r.filter((m) => m.to.includes(to)).length === 2, 'the second email');
    await settled(v.conversationId);
    await sleep(1000);
    const got = smtp.to(to);
    assert.equal(got.length, 2);
    assert.match(got[1]!.mail.text ?? '', /A follow-up/);
  });

  test('no email address: nothing is sent; an address given before the send time is used', async () => {
    const anon = await visitorWithConversation(s.app, null);
    await agentReply(s.app, cookie, anon.conversationId, 'Anyone?');
    await settled(anon.conversationId);
    assert.equal((await jobs(s.db, anon.conversationId)).find((j) => j.kind === 'visitor_reply')?.last_error, 'no visitor email');

    const late = await visitorWithConversation(s.app, null);
    await agentReply(s.app, cookie, late.conversationId, 'We will email you');
    await setVisitorEmail(s.app, late.token, 'late@visitor.test');
    await smtp.until((r) => r.some((m) => m.to.includes('late@visitor.test')), 'the email to the address given after the reply');
  });

  test('an address that is not one plain address is never used', async () => {
    const v = await visitorWithConversation(s.app, 'a@visitor.test, victim@elsewhere.test');
    await agentReply(s.app, cookie, v.conversationId, 'Hello');
    await settled(v.conversationId);
    assert.equal(smtp.received.filter((r) => r.to.some((t) => t.includes('victim'))).length, 0);
  });
});

describe('new conversations while nobody is online', () => {
  test("the app's agents get one email for a new conversation when none is available", async () => {
    const v = await visitorWithConversation(s.app, 'curious@visitor.test', 'Do you ship to Norway?');
    await smtp.until((r) => r.some((m) => m.to.includes(AGENT_EMAIL) && /Norway/.test(m.mail.text ?? '')), 'the agent email');
    const got = smtp.to(AGENT_EMAIL).filter((m) => /Norway/.test(m.mail.text ?? ''));
    assert.equal(got.length, 1);
    assert.equal(got[0]!.mail.subject, 'New conversation on Test');
    assert.match(got[0]!.mail.text ?? '', /curious@visitor\.test/);
    assert.match(got[0]!.mail.text ?? '', /Answer in the inbox: https:\/\/chat\.test\.dev\/inbox/);
    // A second message in the same conversation is not a new conversation.
    const before = smtp.to(AGENT_EMAIL).length;
    const { sock } = await visitorSocket(s.wsBase, v.token);
    await sock.close();
    const jobsOf = (await jobs(s.db, v.conversationId)).filter((j) => j.kind === 'agent_new_conversation');
    assert.equal(jobsOf.length, 1);
    assert.equal(smtp.to(AGENT_EMAIL).length, before);
  });

  test('no email when an agent of the app is available', async () => {
    let sock: Sock | undefined;
    try {
      ({ sock } = await agentSocket(s.wsBase, cookie));
      await eventually(async () => ((await s.app.convot.repos.agents.appAvailable('app_test')) ? true : undefined), 'the agent to be available');
      const v = await visitorWithConversation(s.app, null, 'Quick question');
      // The hook runs before the message is acknowledged: had it queued an email, the row would exist.
      assert.equal((await jobs(s.db, v.conversationId)).filter((j) => j.kind === 'agent_new_conversation').length, 0);
    } finally {
      await sock?.close();
    }
  });
});
