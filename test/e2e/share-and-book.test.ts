/**
 * The team shares into a visitor's chat, end to end with the built server, the snippet on a
 * strict-CSP shop on another origin, and the real inbox: the agent sends a help article (the
 * visitor opens it in the Help tab) and offers a meeting type (the visitor picks a time in the
 * card and books); the agent then sees the booking in the inbox.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { AGENT, launchBrowser, reserveHostOrigin, snippetPage, startConvot, startHostSite, watchProblems, type ConvotProcess, type HostSite } from './harness.js';

const EVERY_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '23:30']]]));

let convot: ConvotProcess;
let shop: HostSite;
let browser: Browser;

before(async () => {
  const shopOrigin = await reserveHostOrigin();
  convot = await startConvot({
    allowedOrigins: [shopOrigin.origin],
    app: () => ({
      articles: [{ locale: 'en', slug: 'returns', title: 'Returns and refunds', category: 'Orders', description: 'Thirty days, no questions.', body: 'Send any order back within **30 days**.' }],
      meeting_types: [{ id: 3, name: 'Product demo', duration_minutes: 30, timezone: 'UTC', weekly_hours: EVERY_DAY, min_notice_minutes: 60, horizon_days: 30 }],
    }),
  });
  shop = await startHostSite(shopOrigin.port, convot.url, { '/': snippetPage(convot.url) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shop?.close();
  await convot?.stop();
});

test('an agent shares an article and offers a meeting; the visitor reads it and books in the chat; the booking is in the inbox', async () => {
  const visitorCtx = await browser.newContext();
  const visitor = await visitorCtx.newPage();
  const visitorProblems = watchProblems(visitor);
  await visitor.goto(shop.origin);
  await visitor.locator('convot-widget .launcher').click();
  await visitor.locator('convot-chat-panel textarea').fill('Do you take returns? And can I see a demo?');
  await visitor.keyboard.press('Enter');
  await visitor.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();

  const agentCtx = await browser.newContext();
  const inbox = await agentCtx.newPage();
  const inboxProblems = watchProblems(inbox);
  await inbox.goto(`${convot.url}/inbox`);
  await inbox.locator('input[type=email]').fill(AGENT.email);
  await inbox.locator('input[type=password]').fill(AGENT.password);
  await inbox.keyboard.press('Enter');
  await inbox.getByText('Do you take returns?').first().click();

  // An article: a card in the chat that opens in the Help tab.
  await inbox.getByRole('button', { name: 'Share…' }).click();
  await inbox.getByRole('button', { name: /Returns and refunds/ }).click();
  await inbox.locator('.bubble.card', { hasText: 'Returns and refunds' }).waitFor();
  const articleCard = visitor.locator('convot-article-card button');
  await articleCard.waitFor({ timeout: 15_000 });
  assert.match((await articleCard.textContent())!, /Thirty days, no questions\./);
  await articleCard.click();
  await visitor.locator('convot-help-panel .article-title', { hasText: 'Returns and refunds' }).waitFor();
  assert.equal(await visitor.locator('convot-help-panel .doc strong').textContent(), '30 days');
  await visitor.locator('convot-chat-panel [role="tab"]', { hasText: 'Chat' }).click();

  // A meeting: the card shows times; one click and the visitor only gives their details.
  await inbox.getByRole('button', { name: 'Share…' }).click();
  await inbox.getByRole('button', { name: /Product demo/ }).click();
  const times = visitor.locator('convot-booking-card li button');
  await times.first().waitFor({ timeout: 15_000 });
  await times.first().click();
  await visitor.locator('convot-booking-flow form.details').waitFor();
  await visitor.locator('convot-booking-flow [name="name"]').fill('Robin Visitor');
  await visitor.locator('convot-booking-flow [name="email"]').fill('robin@example.com');
  await visitor.locator('convot-booking-flow button[type="submit"]').click();
  await visitor.locator('convot-booking-flow .done h3').waitFor();
  assert.equal(await visitor.locator('convot-booking-flow .done h3').textContent(), 'You are booked');
  const ics = await visitor.locator('convot-booking-flow .done .links a').first().getAttribute('href');
  const calendar = await fetch(ics!);
  assert.equal(calendar.status, 200);
  assert.match(await calendar.text(), /BEGIN:VEVENT[\s\S]*Product demo/);

  // The agent sees it under Bookings.
  await inbox.getByRole('button', { name: 'Bookings' }).click();
  await inbox.getByText('Robin Visitor').first().waitFor({ timeout: 15_000 });
  assert.deepEqual(visitorProblems, []);
  assert.deepEqual(inboxProblems, []);
  await visitorCtx.close();
  await agentCtx.close();
});

test('the inbox: a new meeting type with a question is bookable in the widget, the question asked', async () => {
  const agentCtx = await browser.newContext();
  const inbox = await agentCtx.newPage();
  const problems = watchProblems(inbox);
  await inbox.goto(`${convot.url}/inbox`);
  await inbox.locator('input[type=email]').fill(AGENT.email);
  await inbox.locator('input[type=password]').fill(AGENT.password);
  await inbox.keyboard.press('Enter');
  await inbox.getByRole('button', { name: 'Bookings' }).click();
  await inbox.getByRole('button', { name: 'New meeting type' }).click();
  await inbox.getByLabel('Name').fill('Support call');
  await inbox.getByLabel('Time zone (IANA, e.g. Europe/Paris)').fill('UTC');
  await inbox.getByLabel('Minimum notice (minutes)').fill('60');
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) await inbox.getByLabel(day, { exact: true }).fill('00:00-23:30');
  await inbox.getByRole('button', { name: 'Add a question' }).click();
  await inbox.getByLabel('Question 1', { exact: true }).fill('Order number');
  await inbox.getByLabel('Required').check();
  await inbox.getByRole('button', { name: 'Save' }).click();
  await inbox.getByText('Support call').first().waitFor();

  const visitorCtx = await browser.newContext();
  const visitor = await visitorCtx.newPage();
  await visitor.goto(shop.origin);
  await visitor.waitForFunction(() => (window as unknown as { Convot?: { ready?: () => boolean } }).Convot?.ready?.() === true, undefined, { timeout: 20_000 });
  await visitor.evaluate(() => (window as unknown as { Convot: { openScheduling(): void } }).Convot.openScheduling());
  await visitor.locator('convot-booking-flow .type', { hasText: 'Support call' }).click();
  await visitor.locator('convot-booking-flow .slot').first().click();
  const question = visitor.locator('convot-booking-flow [name="q-q1"]');
  await question.waitFor();
  assert.equal(await question.getAttribute('required'), '');
  assert.match((await visitor.locator('convot-booking-flow form.details').textContent())!, /Order number/);
  assert.deepEqual(problems, []);
  await visitorCtx.close();
  await agentCtx.close();
});
