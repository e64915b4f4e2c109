/**
 * Booking confirmations through the email outbox, against a real SMTP receiver: the visitor
 * gets the time in their zone with the calendar and manage links, the host gets a note, each
 * exactly once; without `email` in the config nothing is queued.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SmtpReceiver } from '../support/smtp.js';
import { emailConfigData, jobs, sleep, startEmailServer } from './email-helpers.js';
import { AGENT_EMAIL, newSession, visitorPath, type TestServer } from './helpers.js';

const EVERY_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '23:30']]]));

let s: TestServer;
let smtp: SmtpReceiver;

before(async () => {
  smtp = await SmtpReceiver.start();
  const data = emailConfigData(smtp.url) as { apps: Record<string, unknown>[] };
  data.apps[0]!.meeting_types = [{ id: 3, name: 'Product demo', duration_minutes: 30, location: 'https://meet.example.com/demo', timezone: 'UTC', weekly_hours: EVERY_DAY, min_notice_minutes: 60 }];
  s = await startEmailServer({ data });
});
after(async () => {
  await s.app.close();
  await s.db.close();
  await smtp.close();
});

async function book(email: string, timezone: string): Promise<{ id: string; manage_url: string; ics_url: string; start: string }> {
  const { token } = await newSession(s.app);
  const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const slots = await s.app.inject({ method: 'GET', url: visitorPath(`/scheduling/meeting-types/3/slots?from=${from}&days=2&tz=UTC`) });
  const free = (slots.json().days as { slots: { start: string }[] }[]).flatMap((d) => d.slots);
  const start = free[Math.floor(Math.random() * free.length)]!.start;
  const res = await s.app.inject({
    method: 'POST',
    url: visitorPath('/scheduling/bookings'),
    headers: { authorization: `Bearer ${token}` },
    payload: { meeting_type_id: 3, start, timezone, name: 'Ada <Lovelace>', email },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().booking;
}

describe('booking emails', () => {
  test('the visitor gets a confirmation (their time zone, calendar and manage links), the host a note, once each', async () => {
    const booking = await book('ada@visitor.test', 'Asia/Tokyo');
    await smtp.until((r) => r.some((m) => m.to.includes('ada@visitor.test')), 'the confirmation');
    const [mine] = smtp.to('ada@visitor.test');
    const { mail } = mine!;
    assert.equal(mail.subject, 'Booked: Product demo with Test');
    assert.match(mail.text ?? '', /GMT\+9/, 'the time in the visitor\u2019s zone');
    assert.ok(mail.text!.includes(booking.ics_url));
    assert.ok(mail.text!.includes(booking.manage_url));
    assert.match(mail.text ?? '', /https:\/\/meet\.example\.com\/demo/);
    assert.match(String(mail.html), /Ada &lt;Lovelace&gt;/, 'names are escaped in HTML');
    await smtp.until((r) => r.some((m) => m.to.includes(AGENT_EMAIL)), 'the host note');
    const [host] = smtp.to(AGENT_EMAIL);
    assert.match(host!.mail.subject ?? '', /^New booking: Product demo with Ada <Lovelace>$/);
    await sleep(1000);
    assert.equal(smtp.to('ada@visitor.test').length, 1);
    const queued = (await jobs(s.db)).filter((j) => j.kind.startsWith('booking_'));
    assert.deepEqual(queued.map((j) => j.kind).sort(), ['booking_confirmation', 'booking_host']);
  });
});
