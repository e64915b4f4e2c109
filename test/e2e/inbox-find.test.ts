/**
 * The inbox's find and filter, the visitor context panel, and agent alerts, end to end: the
 * built server, a host page on another origin, and Chromium for both the visitor and the agent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { AGENT, APP_ID, snippetPage, useSetup, watchProblems } from './harness.js';
import { eventually } from '../support/eventually.js';

const setup = useSetup((convotUrl) => ({
  '/': snippetPage(convotUrl),
  '/from': (nonce) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>From</title><style nonce="${nonce}"></style></head>
    <body><a id="go" href="/shop?item=7#details">To the shop</a></body></html>`,
  '/shop': snippetPage(convotUrl),
}));

/** A visitor made over the REST API (as the widget would): a session and a profile; `say` sends a message. */
async function restSession(profile: Record<string, string> = {}): Promise<{ say: (body: string) => Promise<string> }> {
  const base = `${setup.convot.url}/api/v1/apps/${APP_ID}`;
  const headers = { origin: setup.site.origin, 'content-type': 'application/json' };
  const session = await fetch(`${base}/sessions`, { method: 'POST', headers, body: '{}' });
  assert.equal(session.status, 201, await session.clone().text());
  const { token } = (await session.json()) as { token: string };
  const authed = { ...headers, authorization: `Bearer ${token}` };
  if (Object.keys(profile).length) assert.equal((await fetch(`${base}/visitor`, { method: 'PUT', headers: authed, body: JSON.stringify(profile) })).status, 200);
  return {
    say: async (body) => {
      const res = await fetch(`${base}/messages`, { method: 'POST', headers: authed, body: JSON.stringify({ client_id: `c-${crypto.randomUUID()}`, body }) });
      assert.equal(res.status, 201);
      return ((await res.json()) as { message: { conversation_id: string } }).message.conversation_id;
    },
  };
}

/** A visitor who sends `bodies`; returns their conversation's id. */
async function restVisitor(bodies: string[], profile: Record<string, string> = {}): Promise<string> {
  const v = await restSession(profile);
  let id = '';
  for (const body of bodies) id = await v.say(body);
  return id;
}

/** The inbox's socket is up, so what a visitor writes next arrives live. */
const socketOpen = (agent: Page) =>
  agent.waitForFunction(() => (document.querySelector('convot-inbox') as unknown as { controller: { state: { socketStatus: string } } }).controller.state.socketStatus === 'open');

async function signIn(agent: Page): Promise<void> {
  await agent.goto(`${setup.convot.url}/inbox`);
  await agent.locator('form.login input[name="email"]').fill(AGENT.email);
  await agent.locator('form.login input[name="password"]').fill(AGENT.password);
  await agent.locator('form.login button[type="submit"]').click();
  await agent.locator('input[type="search"]').waitFor();
  // The first page of the list is in (the title's count is about it).
  await agent.waitForFunction(() => (document.querySelector('convot-inbox') as unknown as { controller: { state: { listLoaded: boolean } } }).controller.state.listLoaded);
}

const rows = (agent: Page) => agent.locator('convot-inbox-list button.conversation');
const rowIds = async (agent: Page) => (await rows(agent).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).sort();

test('search and filters: messages (stemmed), names, emails; closed ones found and reopened; live updates keep the filter', async () => {
  const refund = await restVisitor(['Hello', 'I was refunded twice for order 42']);
  const ada = await restVisitor(['Where is my parcel?'], { name: 'Ada Lovelace', email: 'ada@analytical.example' });
  const other = await restVisitor(['Just browsing']);

  const ctx = await setup.browser.newContext();
  const agent = await ctx.newPage();
  const problems = watchProblems(agent);
  await signIn(agent);
  await eventually(async () => ((await rows(agent).count()) >= 3 ? true : undefined), 'the list');

  const search = agent.locator('input[type="search"]');
  await search.fill('refunds');
  await eventually(async () => (JSON.stringify(await rowIds(agent)) === JSON.stringify([refund]) ? true : undefined), 'the stemmed search');
  await search.fill('lovelace');
  await eventually(async () => (JSON.stringify(await rowIds(agent)) === JSON.stringify([ada]) ? true : undefined), 'the name search');
  await search.fill('ada@analytical.example');
  await search.press('Enter');
  await eventually(async () => (JSON.stringify(await rowIds(agent)) === JSON.stringify([ada]) ? true : undefined), 'the email search');

  // While searching, a message in a conversation that does not match stays out of the list.
  await search.fill('refund');
  await eventually(async () => (JSON.stringify(await rowIds(agent)) === JSON.stringify([refund]) ? true : undefined), 'the refund search');
  const liveCheck = await restVisitor(['Another unrelated message']);
  // The unfiltered list has them (the socket delivered), the filtered one does not.
  await search.fill('');
  await eventually(async () => ((await rowIds(agent)).includes(liveCheck) ? true : undefined), 'the live conversation in the full list');
  await search.fill('refund');
  await eventually(async () => (JSON.stringify(await rowIds(agent)) === JSON.stringify([refund]) ? true : undefined), 'the refund search again');

  // Close it from the search result; with the Closed filter it is found, and reopened from there.
  await rows(agent).first().click();
  await agent.locator('convot-inbox-thread .set-status', { hasText: 'Close' }).click();
  await agent.locator('convot-inbox-list .status-chip', { hasText: 'Closed' }).waitFor();
  await agent.locator('.filters button', { hasText: 'Closed' }).click();
  await eventually(async () => (JSON.stringify(await rowIds(agent)) === JSON.stringify([refund]) ? true : undefined), 'the closed search');
  await agent.locator('.filters button', { hasText: 'Open' }).click();
  await eventually(async () => ((await rows(agent).count()) === 0 ? true : undefined), 'no open refund conversation');
  await agent.locator('convot-inbox-list .empty', { hasText: 'No conversations match' }).waitFor();
  await agent.locator('.filters button', { hasText: 'Open' }).click(); // off again: closed and open
  await eventually(async () => (JSON.stringify(await rowIds(agent)) === JSON.stringify([refund]) ? true : undefined), 'the search without status');
  await agent.locator('convot-inbox-thread .set-status', { hasText: 'Reopen' }).click();
  await agent.locator('convot-inbox-thread .set-status', { hasText: 'Close' }).waitFor();

  // Unread: the opened conversation is read; the others are not.
  await search.fill('');
  await agent.locator('.filters button', { hasText: 'Unread' }).click();
  await eventually(async () => {
    const ids = await rowIds(agent);
    return ids.includes(ada) && ids.includes(other) && !ids.includes(refund) ? true : undefined;
  }, 'the unread filter');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the visitor panel shows where the visitor is and follows a single-page route change', async () => {
  const visitorCtx = await setup.browser.newContext({ locale: 'fr-CA', timezoneId: 'Asia/Tokyo' });
  const visitor = await visitorCtx.newPage();
  const visitorProblems = watchProblems(visitor);
  await visitor.goto(`${setup.site.origin}/from`);
  await visitor.locator('#go').click();
  await visitor.waitForURL(/\/shop/);
  await visitor.locator('convot-widget .launcher').click();
  const composer = visitor.locator('convot-chat-panel textarea');
  await composer.fill('Which size should I take?');
  await composer.press('Enter');
  await visitor.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();

  const agentCtx = await setup.browser.newContext();
  // A controllable clock (it runs on its own until moved), to see the visitor's local time tick.
  await agentCtx.clock.install();
  const agent = await agentCtx.newPage();
  await signIn(agent);
  await agent.locator('input[type="search"]').fill('size');
  await rows(agent).first().click();
  const panel = agent.locator('convot-inbox-profile');
  const field = (key: string) => panel.locator(`dd[data-context="${key}"]`);
  await field('page').waitFor();
  assert.equal(await field('page').innerText(), `${setup.site.origin}/shop?item=7`);
  assert.equal(await field('referrer').innerText(), `${setup.site.origin}/from`);
  assert.match(await field('browser').innerText(), /^Chrome \d+ on Linux/);
  assert.equal(await field('device').innerText(), 'Desktop');
  assert.equal(await field('language').innerText(), 'Canadian French · fr-CA');
  const tokyoNow = () =>
    agent.evaluate(() =>
      [0, 60_000].map((ago) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' }).format(Date.now() - ago)),
    );
  const shown = await field('local-time').innerText();
  assert.match(shown, /\(Asia\/Tokyo\)$/);
  // Tokyo's wall clock in the agent's own format, now or a minute ago (the minute may just have turned).
  const tokyo = await tokyoNow();
  assert.ok(tokyo.some((t) => shown.startsWith(t)), `${shown} vs ${tokyo.join(', ')}`);
  // It ticks: three minutes later it shows three minutes later.
  await agent.clock.fastForward('03:00');
  await eventually(async () => {
    const [now] = await tokyoNow();
    const later = await field('local-time').innerText();
    return later !== shown && later.startsWith(now!) ? true : undefined;
  }, 'the local time to tick');

  // A single-page app changes route: the panel follows, live.
  await visitor.evaluate(() => history.pushState({}, '', '/shop/checkout?step=2'));
  await eventually(async () => ((await field('page').innerText()) === `${setup.site.origin}/shop/checkout?step=2` ? true : undefined), 'the new route in the panel');
  assert.equal(await field('referrer').innerText(), `${setup.site.origin}/from`);
  assert.deepEqual(visitorProblems, []);
  await visitorCtx.close();
  await agentCtx.close();
});

/** Counts notifications, permission requests and oscillator starts in the inbox page. */
const ALERT_SPY = `
  window.__alerts = { notes: [], asked: 0, oscillators: 0 };
  const Native = window.Notification;
  class Spy extends Native {
    constructor(title, options) { super(title, options); window.__alerts.notes.push({ title, body: options && options.body }); }
    static get permission() { return Native.permission; }
    static requestPermission(...a) { window.__alerts.asked++; return Native.requestPermission(...a); }
  }
  window.Notification = Spy;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...a) { window.__alerts.oscillators++; return start.apply(this, a); };
`;

interface Spied {
  notes: { title: string; body: string }[];
  asked: number;
  oscillators: number;
}

test('alerts: a chime, a desktop notification once enabled by a click, and the unread count in the title', async () => {
  const ctx = await setup.browser.newContext();
  await ctx.addInitScript(ALERT_SPY);
  const agent = await ctx.newPage();
  const spied = () => agent.evaluate(() => (window as unknown as { __alerts: Spied }).__alerts);
  await signIn(agent);
  // Nothing is asked on load; the control asks on click.
  const enable = agent.locator('button.enable-notifications');
  await enable.waitFor();
  assert.equal((await spied()).asked, 0);
  await ctx.grantPermissions(['notifications'], { origin: setup.convot.url });
  await enable.click();
  await enable.waitFor({ state: 'detached' });
  assert.equal((await spied()).asked, 1);
  await socketOpen(agent);
  // Start from a read list (earlier tests' conversations).
  const unreadNow = await agent.evaluate(() => document.title);

  const grace = await restSession({ name: 'Grace Hopper' });
  const first = await grace.say('Is anyone there?');
  const note = await eventually(async () => (await spied()).notes.find((n) => n.body === 'Is anyone there?'), 'the notification');
  assert.equal(note.title, 'New conversation: Grace Hopper');
  assert.ok((await spied()).oscillators >= 1, 'the chime played');
  const count = (t: string) => Number(/^\((\d+)\) Convot inbox$/.exec(t)?.[1] ?? 0);
  await eventually(async () => (count(await agent.title()) === count(unreadNow) + 1 ? true : undefined), 'the title count');

  // Opening the conversation reads it.
  await agent.locator(`convot-inbox-list button.conversation[data-id="${first}"]`).click();
  await eventually(async () => (count(await agent.title()) === count(unreadNow) ? true : undefined), 'the title count back');
  // Looking at it: the visitor's next message neither chimes nor notifies, and stays read.
  const before = await spied();
  await grace.say('Ah, hello!');
  await agent.locator('.message.visitor', { hasText: 'Ah, hello!' }).waitFor();
  await eventually(async () => (count(await agent.title()) === count(unreadNow) ? true : undefined), 'the title count unchanged');
  const after = await spied();
  assert.equal(after.notes.length, before.notes.length, 'no notification for the conversation on screen');
  assert.equal(after.oscillators, before.oscillators, 'no chime for the conversation on screen');
  // Muted: notifications still come, the chime does not; the choice survives a reload.
  await agent.locator('button.alert-toggle').click();
  await agent.reload();
  await agent.locator('button.alert-toggle', { hasText: 'Sound off' }).waitFor();
  await socketOpen(agent);
  await restVisitor(['Another question while muted']);
  await eventually(async () => (await spied()).notes.find((n) => n.body === 'Another question while muted'), 'the muted notification');
  assert.equal((await spied()).oscillators, 0, 'no chime while muted (a fresh page after the reload)');
  assert.ok(before.oscillators >= 1);
  await ctx.close();
});
