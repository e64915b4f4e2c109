/**
 * axe-core on the real pages: the inbox (signed in, a conversation open) and the widget on a
 * host page (closed and open), in light and dark colour schemes. Any violation fails.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AGENT, APP_ID, launchBrowser, reserveHostOrigin, snippetPage, startConvot, startHostSite, type ConvotProcess, type HostSite } from './harness.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let convot: ConvotProcess;
let site: HostSite;
let browser: Browser;

before(async () => {
  const host = await reserveHostOrigin();
  convot = await startConvot({ allowedOrigins: [host.origin] });
  const localized = (locale: string) => (nonce: string) => `<!doctype html>
<html lang="${locale}" dir="rtl"><head><meta charset="utf-8"><title>Host</title>
<script nonce="${nonce}">window.Convot = { app_id: "${APP_ID}", _q: [["config", "locale", "${locale}"]] };</script>
<script async src="${convot.url}/widget-loader.js"></script></head><body><main><h1>متجر</h1></main></body></html>`;
  site = await startHostSite(host.port, convot.url, { '/': snippetPage(convot.url), '/ar': localized('ar'), '/he': localized('he') });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await convot?.stop();
});

/** Runs axe (shadow DOM included) and returns one line per violation. */
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the widget and the inbox have no axe violations (${colorScheme})`, async () => {
    // bypassCSP lets the test inject axe; the pages themselves keep their strict policies.
    const context = await browser.newContext({ colorScheme, bypassCSP: true });
    const visitor = await context.newPage();
    await visitor.goto(`${site.origin}/`);
    await visitor.locator('convot-widget .launcher').waitFor();
    assert.deepEqual(await violations(visitor), [], 'widget closed');
    await visitor.locator('convot-widget .launcher').click();
    await visitor.locator('convot-chat-panel textarea').fill(`Accessibility check (${colorScheme})`);
    await visitor.locator('convot-chat-panel textarea').press('Enter');
    await visitor.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();
    assert.deepEqual(await violations(visitor), [], 'widget open with a message');

    const inbox = await context.newPage();
    await inbox.goto(`${convot.url}/inbox`);
    await inbox.locator('form.login input[name="email"]').waitFor();
    assert.deepEqual(await violations(inbox), [], 'inbox sign-in');
    await inbox.locator('form.login input[name="email"]').fill(AGENT.email);
    await inbox.locator('form.login input[name="password"]').fill(AGENT.password);
    await inbox.locator('form.login button[type="submit"]').click();
    await inbox.locator('.conversation').first().click();
    await inbox.locator('.message.visitor').first().waitFor();
    assert.deepEqual(await violations(inbox), [], 'inbox with a conversation open');
    await context.close();
  });
}

for (const locale of ['ar', 'he']) {
  test(`the widget has no axe violations right-to-left (${locale}), closed and open`, async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const visitor = await context.newPage();
    await visitor.goto(`${site.origin}/${locale}`);
    await visitor.waitForFunction(() => (window as unknown as { Convot?: { ready(): boolean } }).Convot?.ready() === true);
    await visitor.locator('convot-widget .launcher').waitFor();
    assert.deepEqual(await violations(visitor), [], 'widget closed');
    await visitor.locator('convot-widget .launcher').click();
    await visitor.locator('convot-chat-panel textarea').waitFor();
    assert.equal(await visitor.locator('convot-widget .root').getAttribute('dir'), 'rtl');
    assert.deepEqual(await violations(visitor), [], 'widget open');
    await context.close();
  });
}

test('forced colours keep the launcher, preview and composer outlined; reduced motion stops the launcher transition', async () => {
  const context = await browser.newContext({ forcedColors: 'active', reducedMotion: 'reduce' });
  const visitor = await context.newPage();
  await visitor.goto(`${site.origin}/`);
  await visitor.waitForFunction(() => (window as unknown as { Convot?: { ready(): boolean } }).Convot?.ready() === true);
  const launcher = visitor.locator('convot-widget .launcher');
  const style = (prop: string) => launcher.evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), prop);
  assert.equal(await style('border-top-style'), 'solid');
  assert.ok(parseFloat(await style('border-top-width')) >= 1);
  assert.equal(await style('transition-duration'), '0s');
  await launcher.click();
  const textarea = visitor.locator('convot-chat-panel textarea');
  await textarea.waitFor();
  assert.equal(await textarea.evaluate((el) => getComputedStyle(el).borderTopStyle), 'solid');
  await context.close();
});
