/**
 * A host page whose CSP requires Trusted Types (plus nonce scripts and styles) loads the
 * snippet, opens the chat and sends a message with zero violations: the loader's script URL
 * comes from its "convot" policy and Lit's templates from its "lit-html" policy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_ID, snippetPage, useSetup, watchProblems } from './harness.js';

/** What the README tells a site to add to its policy. */
export const TRUSTED_TYPES_POLICY = "require-trusted-types-for 'script'; trusted-types convot lit-html";

const world = useSetup(
  (url) => ({
    '/': snippetPage(url),
    '/hubspot': (nonce) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body><script nonce="${nonce}" src="${url}/compat/hubspot.js" data-app-id="${APP_ID}"></script></body></html>`,
  }),
  TRUSTED_TYPES_POLICY,
);

test('the snippet under a CSP that requires Trusted Types: loads, opens and chats with zero violations', async () => {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { violations: string[] };
    w.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));
  });
  const problems = watchProblems(page);
  await page.goto(`${world.site.origin}/`);
  const header = await page.request.get(`${world.site.origin}/`);
  assert.match(header.headers()['content-security-policy'] ?? '', /require-trusted-types-for 'script'/);
  await page.waitForFunction(() => (window as unknown as { Convot?: { ready(): boolean } }).Convot?.ready() === true);
  await page.locator('convot-widget .launcher').click();
  await page.locator('convot-chat-panel textarea').fill('Hello under Trusted Types');
  await page.locator('convot-chat-panel textarea').press('Enter');
  await page.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();
  assert.deepEqual(await page.evaluate(() => (window as unknown as { violations: string[] }).violations), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the HubSpot drop-in under the same policy: its module comes through the "convot" policy, and the chat works', async () => {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { violations: string[] };
    w.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));
  });
  const problems = watchProblems(page);
  await page.goto(`${world.site.origin}/hubspot`);
  await page.waitForFunction(() => (window as unknown as { HubSpotConversations?: unknown }).HubSpotConversations);
  await page.locator('convot-widget .launcher').click();
  await page.locator('convot-chat-panel textarea').fill('Hello from the drop-in under Trusted Types');
  await page.locator('convot-chat-panel textarea').press('Enter');
  await page.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();
  assert.deepEqual(await page.evaluate(() => (window as unknown as { violations: string[] }).violations), []);
  assert.deepEqual(problems, []);
  await context.close();
});
