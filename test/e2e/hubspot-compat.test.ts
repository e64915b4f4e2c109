/**
 * The HubSpot Conversations drop-in, end to end: pages on another origin (strict CSP) load
 * `/compat/hubspot.js` from the built server, and run the code examples of the SDK document
 * that the drop-in covers, copied as the document writes them, each inside a nonce'd script
 * (as a function the test calls, or at load). Two changes only, each because the document's text
 * does not run as JavaScript: the `userInteractedWithWidget` and `widgetLoaded` examples use
 * typographic quotes (‘…’), straightened here, and the `off` example lost its
 * `window.HubSpotConversations.off(` (restored). The chat-flow examples (route buttons, quick
 * replies) are in hubspot-flows.test.ts, against a server with chat flows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import jwt from 'jsonwebtoken';
import type { ConsoleMessage, Page } from 'playwright-core';
import { AGENT, APP_ID, useSetup, watchProblems } from './harness.js';

const compat = (url: string, nonce: string) => `<script nonce="${nonce}" src="${url}/compat/hubspot.js" data-app-id="${APP_ID}"></script>`;
const head = (nonce: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>${body.replaceAll('NONCE', nonce)}</head>`;

const ON_READY = `<script nonce="NONCE"> function onConversationsAPIReady() { console.log(\`HubSpot Conversations API: \${window.HubSpotConversations}\`); } /* configure window.hsConversationsSettings if needed. */ window.hsConversationsSettings = {}; /* If external API methods are already available, use them. */ if (window.HubSpotConversations) { onConversationsAPIReady(); } else { /* Otherwise, callbacks can be added to the hsConversationsOnReady on the window object. These callbacks will be called once the external API has been initialized. */ window.hsConversationsOnReady = [onConversationsAPIReady]; } </script>`;

const SETTINGS = `<script nonce="NONCE">window.hsConversationsSettings = { loadImmediately: false, inlineEmbedSelector: '#some-id', enableWidgetCookieBanner: true, disableAttachment: true }; window.hsConversationsOnReady = [ () => { window.HubSpotConversations.widget.load(); }, ];</script>`;
const STYLING = `<style nonce="NONCE">#hubspot-conversations-inline-iframe { width: 300px; height: 500px; border:none; }</style>`;

/** The document's widget and event examples, each the body of a function the test calls. */
const EXAMPLES = `<script nonce="NONCE">
window.hsConversationsSettings = { loadImmediately: false };
function exampleLoad() { window.HubSpotConversations.widget.load(); /* ... */ // Force the widget to load in an open state
window.HubSpotConversations.widget.load({ widgetOpen: true }); }
function exampleRefresh() { window.HubSpotConversations.widget.refresh(); /* ... */ // Force the widget to open to a specific chat flow
window.HubSpotConversations.widget.refresh({ openToNewThread: true }); }
function exampleStatus() { const status = window.HubSpotConversations.widget.status(); if (status.loaded) { window.HubSpotConversations.widget.refresh(); } else { window.HubSpotConversations.widget.load(); } }
function exampleOnOff() { const handleEvent = eventPayload => console.log(eventPayload); window.HubSpotConversations.on('conversationStarted', handleEvent); /* ... */ window.HubSpotConversations.off('conversationStarted', handleEvent); }
function exampleEvents() {
window.HubSpotConversations.on('conversationStarted', payload => { console.log( \`Started conversation with id \${payload.conversation.conversationId}\` ); });
window.HubSpotConversations.on('conversationClosed', payload => { console.log( \`Conversation with id \${ payload.conversation.conversationId } has been closed!\` ); });
window.HubSpotConversations.on('unreadConversationCountChanged', payload => { console.log(\`New unread count is \${payload.unreadCount}!\`); });
window.HubSpotConversations.on('contactAssociated', payload => { console.log(payload.message); });
window.HubSpotConversations.on('userInteractedWithWidget', payload => { console.log(payload.message); });
window.HubSpotConversations.on('widgetLoaded', payload => { console.log(payload.message); });
window.HubSpotConversations.on('widgetClosed', event => { console.log(event); });
}
</script>`;

/** The identity token a site's server signs, as the Convot document's Node.js example does (startConvot's default secret). */
const SECRET = 'e2e-secret-of-at-least-32-characters';
const token = (secret: string) => jwt.sign({ external_id: 'hs_user_7', email: 'hs@example.com' }, secret, { algorithm: 'HS256', expiresIn: '10m' });
const identified = (t: string) => `<script nonce="NONCE">window.hsConversationsSettings = { identificationEmail: "hs@example.com", identificationToken: "${t}" };
window.hsConversationsOnReady = [() => { window.HubSpotConversations.on('contactAssociated', payload => { console.log(payload.message); }); }];</script>`;

const setup = useSetup((url) => ({
  '/identified': (nonce) => `${head(nonce, identified(token(SECRET)))}<body>${compat(url, nonce)}</body></html>`,
  '/wrong-token': (nonce) => `${head(nonce, identified(token('another-secret-of-at-least-32-characters')))}<body>${compat(url, nonce)}</body></html>`,
  '/ready': (nonce) => `${head(nonce, ON_READY)}<body><h1>Shop</h1>${compat(url, nonce)}</body></html>`,
  '/inline': (nonce) => `${head(nonce, STYLING + SETTINGS)}<body><div id="some-id"></div>${compat(url, nonce)}</body></html>`,
  '/control': (nonce) => `${head(nonce, EXAMPLES)}<body><h1>Shop</h1>${compat(url, nonce)}</body></html>`,
}));

function consoleOf(page: Page): { logs: string[]; warnings: string[] } {
  const out = { logs: [] as string[], warnings: [] as string[] };
  page.on('console', (m: ConsoleMessage) => (m.type() === 'warning' ? out.warnings : out.logs).push(m.text()));
  return out;
}

/** Polls a function in the page (a string would be eval'd, which the page's CSP forbids). */
const until = async (page: Page, fn: (arg: string[]) => unknown, what: string, arg: string[] = []) => {
  try {
    await page.waitForFunction(fn, arg, { timeout: 20_000 });
  } catch (e) {
    throw new Error(`waiting for ${what}: ${(e as Error).message}`);
  }
};
const waitFor = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(cond(), `timed out waiting for ${what}`);
};

async function agent(path: string, body?: unknown): Promise<unknown> {
  const base = setup.convot.url;
  const login = await fetch(`${base}/api/v1/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: AGENT.email, password: AGENT.password }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const res = await fetch(`${base}/api/v1/agent/${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  assert.ok(res.ok, `${path}: ${res.status}`);
  return res.json();
}

test('hsConversationsOnReady: the callback runs once the API exists, and the widget loads by itself', async () => {
  const page = await setup.browser.newPage();
  const problems = watchProblems(page);
  const out = consoleOf(page);
  await page.goto(`${setup.site.origin}/ready`);
  await waitFor(() => out.logs.includes('HubSpot Conversations API: [object Object]'), 'the ready callback');
  await page.locator('convot-widget .launcher').waitFor();
  assert.equal(await page.evaluate('window.HubSpotConversations.widget.status().loaded'), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('settings: an inline embed in #some-id with the document\'s element ids and styling, and nothing stored before consent', async () => {
  const context = await setup.browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const out = consoleOf(page);
  // A new visitor's session starts on the socket (its auth), not with a request.
  const sessions: string[] = [];
  page.on('request', (r) => r.url().endsWith('/sessions') && sessions.push(r.url()));
  page.on('websocket', (ws) => sessions.push(ws.url()));
  await page.goto(`${setup.site.origin}/inline`);
  const iframe = page.locator('#some-id > #hubspot-conversations-inline-parent > #hubspot-conversations-inline-iframe');
  await iframe.waitFor();
  assert.equal(await page.locator('convot-widget').count(), 0, 'inline replaces the floating widget');
  const box = await iframe.boundingBox();
  assert.deepEqual([box?.width, box?.height], [300, 500], 'the document\'s styling example applies');
  const accept = page.locator('#hubspot-conversations-inline-iframe convot-consent-ask button.accept');
  await accept.waitFor();
  await page.waitForTimeout(500);
  assert.deepEqual(sessions, [], 'no session before consent');
  assert.equal(await page.evaluate('localStorage.length + sessionStorage.length + document.cookie.length'), 0);
  await accept.click();
  await until(page, () => Object.keys(localStorage).some((k) => k.endsWith(':token')), `a stored session after consent ${JSON.stringify(out)} ${JSON.stringify(problems)} ${sessions}`);
  assert.deepEqual(sessions.map((u) => new URL(u).pathname), [`/api/v1/apps/${APP_ID}/ws`], 'one socket, no session request');
  assert.equal(await page.locator('#hubspot-conversations-inline-iframe').evaluate((el) => (el as unknown as { runtime: { state: { settings: { hideAttachmentButton: boolean } } } }).runtime.state.settings.hideAttachmentButton), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('widget control and events, as the document\'s examples call them', async () => {
  const context = await setup.browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const out = consoleOf(page);
  await page.goto(`${setup.site.origin}/control`);
  await until(page, () => (window as { HubSpotConversations?: unknown }).HubSpotConversations, 'the API');
  await page.evaluate('exampleEvents()');
  assert.equal(await page.locator('convot-widget').count(), 0, 'loadImmediately: false');

  // status(): not loaded, so load; then (a second later) loaded, so refresh.
  await page.evaluate('exampleStatus()');
  await page.locator('convot-widget .launcher').waitFor();
  await waitFor(() => out.logs.includes('Widget loaded'), 'widgetLoaded');
  await page.waitForTimeout(1100);
  await page.evaluate('exampleStatus()');
  assert.equal(out.warnings.filter((w) => w.includes('ignored')).length, 0);

  // Throttled to one call a second: the second call of each pair is ignored, with a warning.
  await page.waitForTimeout(1100);
  await page.evaluate('exampleLoad()');
  assert.equal(out.warnings.filter((w) => w.includes('HubSpotConversations.widget.load() ignored')).length, 1);
  await page.waitForTimeout(1100);
  await page.evaluate('exampleRefresh()');
  assert.equal(out.warnings.filter((w) => w.includes('HubSpotConversations.widget.refresh() ignored')).length, 1);

  // open, close (not the visitor: no widgetClosed), remove, load({ widgetOpen: true }).
  await page.evaluate('window.HubSpotConversations.widget.open()');
  await until(page, () => document.querySelector('convot-widget')?.open === true, 'open');
  await page.evaluate('window.HubSpotConversations.widget.close()');
  await until(page, () => document.querySelector('convot-widget')?.open === false, 'close');
  await page.evaluate('window.HubSpotConversations.widget.remove()');
  assert.equal(await page.locator('convot-widget').count(), 0);
  assert.deepEqual(await page.evaluate('window.HubSpotConversations.widget.status()'), { loaded: false });
  await page.waitForTimeout(1100);
  await page.evaluate('window.HubSpotConversations.widget.load({ widgetOpen: true })');
  await until(page, () => document.querySelector('convot-widget')?.open === true, 'load({ widgetOpen: true })');

  // The visitor starts a conversation; the team replies and closes it.
  const composer = page.locator('convot-chat-panel textarea');
  await composer.fill('Hello from a HubSpot page');
  await composer.press('Enter');
  await waitFor(() => out.logs.some((l) => l.startsWith('Started conversation with id cnv_')), 'conversationStarted');
  const id = out.logs.find((l) => l.startsWith('Started conversation with id '))!.slice('Started conversation with id '.length);
  await page.locator('convot-widget .launcher').click(); // the visitor closes it
  await waitFor(() => out.logs.some((l) => l.includes('Widget closed')), 'widgetClosed');
  assert.ok(out.logs.some((l) => l === 'Visitor interacted with the widget'), 'userInteractedWithWidget');
  await agent(`conversations/${id}/messages`, { client_id: crypto.randomUUID(), body: 'Hi from the team' });
  await waitFor(() => out.logs.includes('New unread count is 1!'), 'unreadConversationCountChanged');
  await agent(`conversations/${id}/close`);
  await waitFor(() => out.logs.includes(`Conversation with id ${id} has been closed!`), 'conversationClosed');

  // on/off: the handler is gone before anything fires.
  await page.evaluate('exampleOnOff()');

  // clear({ resetWidget: true }): storage forgotten, a fresh widget, a new visitor.
  const before = await page.evaluate(`localStorage.getItem('convot:${APP_ID}:token')`);
  assert.ok(before);
  await page.evaluate('window.HubSpotConversations.clear({ resetWidget: true })');
  await until(page, ([key, old]) => { const t = localStorage.getItem(key!); return t && t !== old; }, 'a new session', [`convot:${APP_ID}:token`, String(before)]);
  assert.equal(await page.locator('convot-widget').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('identificationEmail + identificationToken (a Convot identity token) identify the visitor; a wrong token leaves them anonymous with one warning', async () => {
  const context = await setup.browser.newContext();
  const page = await context.newPage();
  const out = consoleOf(page);
  await page.goto(`${setup.site.origin}/identified`);
  await waitFor(() => out.logs.includes('Contact associated'), 'contactAssociated');
  const composer = page.locator('convot-chat-panel textarea');
  await page.evaluate('window.HubSpotConversations.widget.open()');
  await composer.fill('Hello, I am identified');
  await composer.press('Enter');
  await page.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();
  const login = await fetch(`${setup.convot.url}/api/v1/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: AGENT.email, password: AGENT.password }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const list = (await (await fetch(`${setup.convot.url}/api/v1/agent/conversations`, { headers: { cookie } })).json()) as { conversations: { visitor: { external_id: string | null; verified: boolean }; last_message: { body: string } | null }[] };
  const mine = list.conversations.find((c) => c.last_message?.body === 'Hello, I am identified');
  assert.equal(mine?.visitor.external_id, 'hs_user_7');
  assert.equal(mine?.visitor.verified, true);
  // The same token on the next page view is not sent again (each token is accepted once).
  const warningsBefore = out.warnings.length;
  await page.reload();
  await page.locator('convot-widget .launcher').waitFor();
  await page.waitForTimeout(1500);
  assert.equal(out.warnings.length, warningsBefore, out.warnings.join('\n'));
  await context.close();

  const other = await setup.browser.newContext();
  const wrong = await other.newPage();
  const wrongOut = consoleOf(wrong);
  await wrong.goto(`${setup.site.origin}/wrong-token`);
  await waitFor(() => wrongOut.warnings.some((w) => w.includes('identity token refused')), 'the warning');
  await wrong.waitForTimeout(1000);
  assert.equal(wrongOut.warnings.filter((w) => w.includes('identity')).length, 1, wrongOut.warnings.join('\n'));
  assert.ok(!wrongOut.logs.includes('Contact associated'));
  await other.close();
});
