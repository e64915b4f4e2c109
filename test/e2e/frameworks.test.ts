/**
 * The framework examples (demo/frameworks/) as their users would ship them: bundled with the
 * `convot` package entries by the site's own build (esbuild here), served from the site's origin
 * under a strict CSP, talking to the Convot server named in the element's `server` property.
 * For each framework: a property bound from framework state reaches the element, a method
 * called through a ref opens the panel, and the framework counts the `convot-chat-opened` event.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
// @ts-expect-error: a plain .mjs build script, no declarations
import { buildFrameworks, FRAMEWORKS } from '../../demo/frameworks/build.mjs';
import { APP_ID, launchBrowser, reserveHostOrigin, startConvot, watchProblems, type ConvotProcess } from './harness.js';

let convot: ConvotProcess;
let site: Server;
let origin: string;
let browser: Browser;
let outdir: string;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

before(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'convot-frameworks-'));
  const host = await reserveHostOrigin();
  origin = host.origin;
  // Bundle once for the whole run, while the server starts.
  [convot] = await Promise.all([startConvot({ allowedOrigins: [origin] }), buildFrameworks(outdir)]);
  const ws = convot.url.replace(/^http/, 'ws');
  site = createServer((req, res) => {
    let path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!));
    if (path.endsWith('/')) path += 'index.html';
    const file = join(outdir, path);
    if (!file.startsWith(outdir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    // Angular's JIT compiler (this example skips the CLI's ahead-of-time build) evaluates code.
    const evalForJit = path.startsWith('/angular/') ? " 'unsafe-eval'" : '';
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': `default-src 'none'; script-src 'self'${evalForJit}; connect-src ${convot.url} ${ws}; img-src ${convot.url} data:; base-uri 'none'`,
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => site.listen(host.port, '127.0.0.1', r));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (site ? site.close(r) : r(undefined)));
  await convot?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

for (const name of FRAMEWORKS as string[]) {
  test(`${name}: state binds a property, a ref calls openChat(), the app counts convot-chat-opened`, async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${origin}/${name}/?server=${encodeURIComponent(convot.url)}&app=${APP_ID}`);
    const launcher = page.locator('convot-widget .launcher');
    const counter = page.locator('output#opened');

    // Framework state starts at "en": the launcher speaks English and nothing opened yet.
    await launcher.waitFor();
    assert.equal(await launcher.getAttribute('aria-label'), 'Open chat');
    assert.equal(await counter.innerText(), '0');

    // Changing the framework's state to "fr" reaches the element's `locale` property.
    await page.locator('select').selectOption('fr');
    await page.waitForFunction(() => document.querySelector('convot-widget')?.shadowRoot?.querySelector('.launcher')?.getAttribute('aria-label') === 'Ouvrir le chat', null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => document.querySelector('convot-widget')!.locale), 'fr');

    // The app's button calls openChat() through its ref: the panel opens, in French.
    await page.getByRole('button', { name: 'Open the chat' }).click();
    await page.locator('convot-chat-panel textarea').waitFor();
    assert.equal(await page.evaluate(() => document.querySelector('convot-widget')!.open), true);
    assert.equal(await launcher.getAttribute('aria-label'), 'Fermer le chat');

    // The framework received convot-chat-opened exactly once and rendered the count.
    await page.waitForFunction(() => document.querySelector('output#opened')?.textContent === '1', null, { timeout: 5_000 });
    // A second openChat() on an open panel fires nothing more.
    await page.getByRole('button', { name: 'Open the chat' }).click();
    await page.waitForTimeout(200);
    assert.equal(await counter.innerText(), '1');

    assert.deepEqual(problems, [], `${name} page had console errors or CSP violations`);
    await context.close();
  });
}
