/**
 * Chat flows through the HubSpot drop-in, end to end: the SDK document's route-buttons example
 * (three buttons that push a query parameter and call `widget.refresh({openToNewThread: true})`)
 * copied unchanged into a page, against a server whose app has three flows targeted by those
 * parameters, and the document's quickReplyButtonClick example. The page allows inline event
 * handlers (`script-src-attr 'unsafe-inline'`) because the example's buttons use `onclick`;
 * everything else stays under the strict policy.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { AGENT, APP_ID, launchBrowser, reserveHostOrigin, startConvot, startHostSite, watchProblems, type ConvotProcess, type HostSite } from './harness.js';

/** The document's example, as written. */
const ROUTE_BUTTONS = `<div class="chat-buttons"> <button onclick="window.history.pushState({}, 'talk_to_sales', '?sales_chat=true'); window.HubSpotConversations.widget.refresh({openToNewThread: true});">Talk to sales</button> <button onclick="window.history.pushState({}, 'talk_to_customer_support', '?cs_chat=true'); window.HubSpotConversations.widget.refresh({openToNewThread: true});">Talk to customer support</button> <button onclick="window.history.pushState({}, 'talk_to_the_ceo', '?ceo_chat=true'); window.HubSpotConversations.widget.refresh({openToNewThread: true});">Talk to the CEO</button> </div>`;

/** The quickReplyButtonClick example as written (its handler names `payload` but takes `event`, so it throws), and one that logs the payload. */
const QUICK_REPLY = `<script nonce="NONCE">window.hsConversationsOnReady = [() => {
window.HubSpotConversations.on('quickReplyButtonClick', event => { console.log(\`The text content of the clicked button is \${payload.value[0]}\`); });
window.HubSpotConversations.on('quickReplyButtonClick', event => { console.log('quick reply ' + JSON.stringify(event)); });
}];</script>`;

const FLOWS = [
  {
    id: 'sales',
    name: 'Sales',
    match: { query: { sales_chat: 'true' } },
    welcome_message: 'Welcome to sales!',
    bot: {
      name: 'Sales bot',
      steps: [{ id: 'start', message: 'How can we help?', quick_replies: { options: [{ label: 'Learn more', tags: ['lead'] }, 'Pricing', 'Something else'] } }],
      handoff_message: 'A salesperson will be right with you.',
    },
  },
  { id: 'support', name: 'Support', match: { query: { cs_chat: 'true' } }, welcome_message: 'Customer support here: what went wrong?' },
  { id: 'ceo', name: 'CEO', match: { query: { ceo_chat: 'true' } }, welcome_message: 'The CEO reads every message.' },
];

let convot: ConvotProcess;
let site: HostSite;
let browser: Browser;

before(async () => {
  const host = await reserveHostOrigin();
  convot = await startConvot({ allowedOrigins: [host.origin], app: () => ({ chat_flows: FLOWS }) });
  const compat = (nonce: string) => `<script nonce="${nonce}" src="${convot.url}/compat/hubspot.js" data-app-id="${APP_ID}"></script>`;
  site = await startHostSite(
    host.port,
    convot.url,
    { '/': (nonce) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>${QUICK_REPLY.replace('NONCE', nonce)}</head><body><h1>Shop</h1>${ROUTE_BUTTONS}${compat(nonce)}</body></html>` },
    "script-src-attr 'unsafe-inline'",
  );
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await site?.close();
  await convot?.stop();
});

async function agentList(): Promise<{ id: string; flow_id: string | null; tags: string[]; status: string; last_message: { body: string } | null }[]> {
  const login = await fetch(`${convot.url}/api/v1/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: AGENT.email, password: AGENT.password }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const res = await fetch(`${convot.url}/api/v1/agent/conversations`, { headers: { cookie } });
  return (await res.json()).conversations;
}

const waitFor = async (cond: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 300; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
};

const visible = (page: Page) => page.locator('convot-widget .launcher').isVisible();

test('three route buttons open three flows, each a new thread with its greeting; the quick-reply event carries the document\'s payload', async () => {
  const page = await browser.newPage();
  const problems = watchProblems(page);
  const logs: string[] = [];
  page.on('console', (m: ConsoleMessage) => logs.push(m.text()));
  await page.goto(`${site.origin}/`);
  await page.waitForFunction(() => (window as { HubSpotConversations?: unknown }).HubSpotConversations);
  await page.locator('convot-widget').waitFor({ state: 'attached' });
  await page.waitForTimeout(1500); // the config has arrived: no flow targets this page
  assert.equal(await visible(page), false, 'no flow matches the page: no widget');

  const panel = page.locator('convot-widget convot-chat-panel');
  await page.getByRole('button', { name: 'Talk to sales' }).click();
  assert.match(page.url(), /\?sales_chat=true$/);
  await panel.locator('.msg.welcome', { hasText: 'Welcome to sales!' }).waitFor();
  await panel.locator('.msg.bot.waiting', { hasText: 'How can we help?' }).waitFor();
  assert.equal(await visible(page), true);
  await panel.locator('convot-quick-replies button', { hasText: 'Learn more' }).click();
  await panel.locator('.msg.bot', { hasText: 'A salesperson will be right with you.' }).waitFor();
  await waitFor(() => logs.includes('quick reply {"name":"QUICK_REPLIES","multiSelect":false,"value":["Learn more"]}'), 'the quick-reply payload');
  // The document's own handler refers to an undefined `payload`: its error is reported, not thrown into the page.
  assert.deepEqual(
    problems.map((p) => p.replace(/\s+/g, ' ')),
    [problems[0]!.replace(/\s+/g, ' ')],
  );
  assert.match(problems[0]!, /console\.error: Convot \(HubSpot drop-in\): a "quickReplyButtonClick" handler threw: ReferenceError: payload is not defined/);
  problems.length = 0;

  await page.waitForTimeout(1100); // refresh is throttled to one call a second
  await page.getByRole('button', { name: 'Talk to customer support' }).click();
  await panel.locator('.msg.welcome', { hasText: 'Customer support here' }).waitFor();
  const composer = panel.locator('textarea');
  await composer.fill('My order is late');
  await composer.press('Enter');
  await waitFor(async () => (await agentList()).some((c) => c.flow_id === 'support'), 'the support thread');

  await page.waitForTimeout(1100);
  await page.getByRole('button', { name: 'Talk to the CEO' }).click();
  await panel.locator('.msg.welcome', { hasText: 'The CEO reads every message.' }).waitFor();
  await composer.fill('Great product');
  await composer.press('Enter');
  await waitFor(async () => (await agentList()).some((c) => c.flow_id === 'ceo'), 'the CEO thread');

  const threads = await agentList();
  assert.deepEqual(threads.map((c) => [c.flow_id, c.status]).sort(), [['ceo', 'open'], ['sales', 'closed'], ['support', 'closed']]);
  assert.deepEqual(threads.find((c) => c.flow_id === 'sales')!.tags, ['lead']);

  // Back to a page no flow targets: the open chat keeps the widget; once the team closes it, refresh() takes it away.
  await page.waitForTimeout(1100);
  await page.evaluate(() => {
    history.pushState({}, '', '/');
    (window as unknown as { HubSpotConversations: { widget: { refresh(): void } } }).HubSpotConversations.widget.refresh();
  });
  assert.equal(await visible(page), true, 'a chat is active');
  const ceo = threads.find((c) => c.flow_id === 'ceo')!;
  const login = await fetch(`${convot.url}/api/v1/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: AGENT.email, password: AGENT.password }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  assert.equal((await fetch(`${convot.url}/api/v1/agent/conversations/${ceo.id}/close`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' })).status, 200);
  await waitFor(async () => !(await visible(page)), 'the widget to go away once no chat is active');
  assert.deepEqual(problems, []);
  await page.close();
});
