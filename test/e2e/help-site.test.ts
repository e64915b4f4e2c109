/**
 * The public help site in Chromium, served by the built server on its own help_host (another
 * origin than the customer's site): a hostile article runs nothing and navigates nowhere; home,
 * search, articles and the sitemap work without JavaScript; a verified visitor following a link
 * with `?convot_identity=` arrives identified, the token gone from the address bar before any
 * request.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HOSTILE } from '../server/help-fixtures.js';
import { AGENT, launchBrowser, reserveHostOrigin, snippetPage, startConvot, startHostSite, watchProblems, type ConvotProcess, type HostSite } from './harness.js';

const SECRET = 'e2e-identity-secret-of-32-characters+';
const hostile = Object.entries(HOSTILE)
  .map(([name, body]) => `## ${name}\n\n${body}\n`)
  .join('\n');

let convot: ConvotProcess;
let shop: HostSite;
let browser: Browser;

before(async () => {
  const shopOrigin = await reserveHostOrigin();
  convot = await startConvot({
    allowedOrigins: [shopOrigin.origin],
    identitySecret: SECRET,
    app: (port) => ({
      // The server's own address is the help site's host; the shop is on localhost.
      help_host: `127.0.0.1:${port}`,
      status_url: 'https://status.example.com/',
      appearance: { theme_color: '#7c3aed' },
      articles: [
        { locale: 'en', slug: 'welcome', title: 'Welcome to the shop', category: 'Basics', description: 'Start here.', body: '# Hello\n\nOrders ship in **two days**. See [returns](returns).' },
        { locale: 'en', slug: 'returns', title: 'Returns and refunds', category: 'Orders', body: 'Send any order back within 30 days for a refund.' },
        { locale: 'en', slug: 'hostile', title: '<img src=x onerror=alert(1)>', description: '"><script>alert(2)</script>', body: hostile },
        { locale: 'fr', slug: 'welcome', title: 'Bienvenue', body: 'Bonjour.' },
      ],
    }),
  });
  const userHash = createHmac('sha256', SECRET).update('user_42').digest('hex');
  const identify = `<script nonce="NONCE">
    window.CONVOT_READY_TRIGGER = function () {
      Convot.identify({ external_id: "user_42", email: "sam@example.com", name: "Sam", user_hash: "${userHash}" });
    };
  </script>`;
  shop = await startHostSite(shopOrigin.port, convot.url, { '/': snippetPage(convot.url, undefined, identify) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shop?.close();
  await convot?.stop();
});

/** Records CSP violations from the first script on. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { violations: string[] };
    w.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));
  });
  return () => page.evaluate(() => (window as unknown as { violations: string[] }).violations);
}

const widgetReady = (page: Page) => page.waitForFunction(() => (window as unknown as { Convot?: { ready?: () => boolean } }).Convot?.ready?.() === true, undefined, { timeout: 20_000 });

test('a hostile article runs no script, opens no dialog, navigates nowhere and requests nothing elsewhere', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const violations = await watchViolations(page);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const navigations: string[] = [];
  page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
  const elsewhere: string[] = [];
  page.on('request', (r) => !r.url().startsWith(convot.url) && elsewhere.push(r.url()));

  const url = `${convot.url}/help/en/article/hostile`;
  const res = await page.goto(url);
  assert.equal(res?.status(), 200);
  await widgetReady(page);
  // Anything a meta refresh, a handler or a base tag would do has had its chance.
  await page.mouse.move(200, 400);
  await page.waitForTimeout(500);

  assert.deepEqual(dialogs, []);
  assert.deepEqual(navigations, [url]);
  assert.equal(page.url(), url);
  assert.deepEqual(elsewhere, []);
  assert.deepEqual(await violations(), []);
  assert.deepEqual(problems, []);
  // What was typed shows as text.
  assert.equal(await page.locator('article h1').textContent(), '<img src=x onerror=alert(1)>');
  assert.ok((await page.locator('.body').textContent())!.includes('<script>alert("x")</script>'));
  assert.equal(await page.locator('.body script, .body iframe, .body form, .body svg, .body base, .body meta, .body style, .body object, .body embed').count(), 0);
  assert.equal(await page.locator('head base').count(), 0);
  // The widget and the page's own button work under the CSP.
  await page.locator('#chat-with-us').click();
  await page.locator('convot-chat-panel textarea').waitFor();
  assert.deepEqual(await violations(), []);
  await context.close();
});

test('home, search, an article and the sitemap work without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  // `/` on the help host is its help center.
  await page.goto(`${convot.url}/`);
  assert.equal(page.url(), `${convot.url}/help/en/`);
  assert.equal(await page.title(), 'Help center · E2E Shop');
  assert.deepEqual(await page.locator('.card h2').allTextContents(), ['Basics', 'Orders', 'Other articles']);
  assert.equal(await page.locator('#chat-with-us').isHidden(), true);

  await page.locator('input[name="q"]').fill('refun');
  await page.locator('form.search button').click();
  await page.waitForURL(/\?q=refun$/);
  assert.equal(await page.locator('.results li').count(), 1);
  assert.deepEqual(await page.locator('.results mark').allTextContents(), ['refunds', 'refund']);
  await page.locator('.results a').click();
  await page.waitForURL(`${convot.url}/help/en/article/returns`);
  assert.equal(await page.locator('article h1').textContent(), 'Returns and refunds');
  assert.equal(await page.locator('link[rel="canonical"]').getAttribute('href'), `${convot.url}/help/en/article/returns`);

  const welcome = await page.goto(`${convot.url}/help/en/article/welcome`);
  assert.equal(welcome?.headers()['referrer-policy'], 'no-referrer');
  assert.match(welcome?.headers()['content-security-policy'] ?? '', /script-src 'nonce-/);
  assert.equal(await page.locator('link[rel="alternate"][hreflang="fr"]').getAttribute('href'), `${convot.url}/help/fr/article/welcome`);
  assert.equal(await page.locator('.body a').getAttribute('href'), `${convot.url}/help/en/article/returns`);

  const missing = await page.goto(`${convot.url}/help/en/article/nope`);
  assert.equal(missing?.status(), 404);
  assert.equal(await page.locator('h1').textContent(), 'Page not found');

  const sitemap = await page.request.get(`${convot.url}/help/sitemap.xml`);
  assert.equal(sitemap.status(), 200);
  const xml = await sitemap.text();
  for (const path of ['/help/en/', '/help/fr/', '/help/en/article/welcome', '/help/en/article/returns', '/help/fr/article/welcome']) assert.ok(xml.includes(`<loc>${convot.url}${path}</loc>`), path);
  await context.close();
});

test('a verified visitor follows a link from the shop with ?convot_identity= and arrives identified; the token leaves the address bar first', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${shop.origin}/`);
  const token = await page.evaluate(async () => {
    const w = window as unknown as { Convot: { ready(): boolean; identityToken(): Promise<string | null> } };
    while (!w.Convot.ready?.()) await new Promise((r) => setTimeout(r, 50));
    return w.Convot.identityToken();
  });
  assert.ok(token, 'the shop page mints a token for its verified visitor');

  const help = await context.newPage();
  const problems = watchProblems(help);
  const violations = await watchViolations(help);
  const leaked: string[] = [];
  help.on('request', (r) => {
    if (r.isNavigationRequest()) return;
    if (r.url().includes(token) || (r.headers().referer ?? '').includes(token)) leaked.push(r.url());
  });
  await help.goto(`${convot.url}/help/en/article/welcome?convot_identity=${token}#hello`);
  assert.equal(help.url(), `${convot.url}/help/en/article/welcome#hello`);
  await widgetReady(help);
  assert.ok(!(await help.evaluate(() => location.href)).includes('convot_identity'));
  // Verified on the help site: only a verified visitor gets an identity token.
  const again = await help.evaluate(() => (window as unknown as { Convot: { identityToken(): Promise<string | null> } }).Convot.identityToken());
  assert.ok(again, 'the visitor is verified on the help site');

  await help.locator('#chat-with-us').click();
  await help.locator('convot-chat-panel textarea').fill('Hello from the help site');
  await help.locator('convot-chat-panel textarea').press('Enter');
  await help.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();
  const login = await fetch(`${convot.url}/api/v1/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: AGENT.email, password: AGENT.password }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { conversations } = (await (await fetch(`${convot.url}/api/v1/agent/conversations`, { headers: { cookie } })).json()) as {
    conversations: { visitor: { external_id: string | null; verified: boolean }; last_message: { body: string } | null }[];
  };
  const mine = conversations.find((c) => c.last_message?.body === 'Hello from the help site');
  assert.equal(mine?.visitor.external_id, 'user_42');
  assert.equal(mine?.visitor.verified, true);
  assert.deepEqual(leaked, []);
  assert.deepEqual(await violations(), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the inbox: write an article with a live preview, publish it, and it is on the help site', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const violations = await watchViolations(page);
  await page.goto(`${convot.url}/inbox`);
  await page.locator('input[type=email]').fill(AGENT.email);
  await page.locator('input[type=password]').fill(AGENT.password);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Articles' }).click();
  // The config's articles are listed, drafts and all languages.
  await page.getByText('Returns and refunds').waitFor();
  await page.getByRole('button', { name: 'New article' }).click();
  await page.getByLabel('Title').fill('Gift cards');
  assert.equal(await page.getByLabel('Address (slug)').inputValue(), 'gift-cards');
  await page.getByLabel('Category').fill('Orders');
  await page.getByLabel('Article body (Markdown)').fill('## How they work\n\nGift cards **never expire**.\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1))');
  // The preview is the server's tree rendered by Lit: markup from the body stays text.
  const preview = page.getByLabel('Preview');
  await preview.locator('h3', { hasText: 'How they work' }).waitFor();
  assert.equal(await preview.locator('strong').textContent(), 'never expire');
  assert.equal(await preview.locator('img').count(), 0);
  assert.match((await preview.textContent())!, /<img src=x onerror=alert\(1\)>/);
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Saved and published.').waitFor();

  const site = await context.newPage();
  const res = await site.goto(`${convot.url}/help/en/article/gift-cards`);
  assert.equal(res?.status(), 200);
  assert.equal(await site.locator('article h1').textContent(), 'Gift cards');
  assert.equal(await site.locator('.body h2').textContent(), 'How they work');

  // Unpublished: gone from the site.
  await page.getByRole('button', { name: 'Unpublish' }).click();
  await page.getByText('Saved as a draft.').waitFor();
  assert.equal((await site.goto(`${convot.url}/help/en/article/gift-cards`))?.status(), 404);
  assert.deepEqual(await violations(), []);
  assert.deepEqual(problems, []);
  await context.close();
});
