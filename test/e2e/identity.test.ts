import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { AGENT, launchBrowser, reserveHostOrigin, snippetPage, startConvot, startHostSite, watchProblems, type ConvotProcess, type HostSite } from './harness.js';

const SECRET = 'e2e-identity-secret-of-32-characters+';
let convot: ConvotProcess;
let app: HostSite;
let help: HostSite;
let browser: Browser;

before(async () => {
  const appOrigin = await reserveHostOrigin();
  const helpOrigin = await reserveHostOrigin();
  convot = await startConvot({ allowedOrigins: [appOrigin.origin, helpOrigin.origin], identitySecret: SECRET });
  // The customer's app page computes user_hash on its server, as the document describes.
  const userHash = createHmac('sha256', SECRET).update('user_123').digest('hex');
  const identify = `<script nonce="NONCE">
    window.CONVOT_READY_TRIGGER = function () {
      Convot.identify({ external_id: "user_123", email: "jane@example.com", name: "Jane Doe", user_hash: "${userHash}" });
    };
  </script>`;
  app = await startHostSite(appOrigin.port, convot.url, { '/': snippetPage(convot.url, undefined, identify) });
  help = await startHostSite(helpOrigin.port, convot.url, { '/article': snippetPage(convot.url) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await help?.close();
  await convot?.stop();
});

async function agentConversations(): Promise<{ visitor: { external_id: string | null; verified: boolean; name: string | null }; last_message: { body: string } | null }[]> {
  const login = await fetch(`${convot.url}/api/v1/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: AGENT.email, password: AGENT.password }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const res = await fetch(`${convot.url}/api/v1/agent/conversations`, { headers: { cookie } });
  return ((await res.json()) as { conversations: never[] }).conversations;
}

test("a verified visitor's identity token identifies the same person on a second origin, and leaves the address bar", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${app.origin}/`);
  // identify is verified server-side; then the widget mints a token for links.
  const token = await page.evaluate(async () => {
    const w = window as unknown as { Convot: { ready(): boolean; identityToken(): Promise<string | null> } };
    while (!w.Convot.ready?.()) await new Promise((r) => setTimeout(r, 50));
    return w.Convot.identityToken();
  });
  assert.ok(token, 'identityToken() should resolve to a token for a verified visitor');
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);

  // The help center is another origin: the visitor arrives with the token in the link.
  const helpPage = await context.newPage();
  const helpProblems = watchProblems(helpPage);
  const leaked: string[] = [];
  helpPage.on('request', (req) => {
    if (req.isNavigationRequest()) return;
    if (req.url().includes(token) || (req.headers().referer ?? '').includes(token)) leaked.push(req.url());
  });
  await helpPage.goto(`${help.origin}/article?convot_identity=${token}#intro`);
  await helpPage.waitForFunction(() => (window as unknown as { Convot?: { ready?: () => boolean } }).Convot?.ready?.() === true);
  assert.equal(new URL(helpPage.url()).search, '', 'the token must be removed from the address bar');
  assert.equal(new URL(helpPage.url()).hash, '#intro');
  await helpPage.locator('convot-widget .launcher').click();
  const composer = helpPage.locator('convot-chat-panel textarea');
  await composer.fill('Hello from the help center');
  await composer.press('Enter');
  await helpPage.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();

  const conversations = await agentConversations();
  const mine = conversations.find((c) => c.last_message?.body === 'Hello from the help center');
  assert.ok(mine, 'the message reached the inbox');
  assert.equal(mine.visitor.external_id, 'user_123');
  assert.equal(mine.visitor.verified, true);
  assert.deepEqual(leaked, [], 'no request carried the identity token');
  assert.deepEqual(problems, []);
  assert.deepEqual(helpProblems, []);
  await context.close();
});

test('a tampered identity token leaves the visitor anonymous with a warning', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  const forged = ['eyJhbGciOiJIUzI1NiJ9', Buffer.from(JSON.stringify({ external_id: 'admin', exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url'), 'c2lnbmF0dXJl'].join('.');
  const refused = page.waitForEvent('console', { predicate: (m) => m.type() === 'warning' && m.text().includes('identity token refused'), timeout: 15_000 });
  await page.goto(`${help.origin}/article?convot_identity=${forged}`);
  assert.equal(new URL(page.url()).search, '');
  await refused;
  assert.ok(warnings.some((w) => /identity token refused: the token signature does not match/.test(w)), `expected a warning, got ${JSON.stringify(warnings)}`);
  const token = await page.evaluate(() => (window as unknown as { Convot: { identityToken(): Promise<string | null> } }).Convot.identityToken());
  assert.equal(token, null);
  await context.close();
});
