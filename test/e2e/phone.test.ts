/** The inbox on a 390 px phone: no sideways scrolling, every control reachable, list and conversation as separate screens. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AGENT, snippetPage, useSetup, watchProblems } from './harness.js';

const world = useSetup((url) => ({ '/': snippetPage(url) }));

test('the inbox at 390 px: no sideways scroll, Sign out reachable, list and conversation as screens with a back button', async () => {
  // A visitor writes first, so there is a conversation to open.
  const visitorContext = await world.browser.newContext();
  const visitor = await visitorContext.newPage();
  await visitor.goto(`${world.site.origin}/`);
  await visitor.locator('convot-widget .launcher').click();
  await visitor.locator('convot-chat-panel textarea').fill('Hello from a phone test');
  await visitor.locator('convot-chat-panel textarea').press('Enter');
  await visitor.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();

  const context = await world.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${world.convot.url}/inbox`);
  await page.locator('form.login input[name="email"]').fill(AGENT.email);
  await page.locator('form.login input[name="password"]').fill(AGENT.password);
  await page.locator('form.login button[type="submit"]').click();
  const row = page.locator('.conversation').first();
  await row.waitFor();

  const noSideways = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth && document.body.scrollWidth <= window.innerWidth);
  assert.ok(await noSideways(), 'the list screen scrolls sideways');
  const signOut = await page.locator('button.signout').boundingBox();
  assert.ok(signOut && signOut.x >= 0 && signOut.x + signOut.width <= 390, `Sign out is off-screen: ${JSON.stringify(signOut)}`);

  // The search, filters and alert controls fit too.
  for (const selector of ['input[type="search"]', '.filters button >> nth=-1', 'button.alert-toggle', 'button.enable-notifications']) {
    const box = await page.locator(selector).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${selector} is off-screen: ${JSON.stringify(box)}`);
  }

  await row.click();
  await page.locator('.message.visitor', { hasText: 'Hello from a phone test' }).waitFor();
  const close = await page.locator('convot-inbox-thread .set-status').boundingBox();
  assert.ok(close && close.x >= 0 && close.x + close.width <= 390, `Close is off-screen: ${JSON.stringify(close)}`);
  assert.equal(await page.locator('convot-inbox-list').isVisible(), false, 'the list stays on screen beside the conversation');
  assert.ok(await noSideways(), 'the conversation screen scrolls sideways');
  const reply = await page.locator('form.reply textarea').boundingBox();
  assert.ok(reply && reply.x + reply.width <= 390, 'the reply box is cut off');

  await page.locator('button.back').click();
  await row.waitFor();
  assert.equal(await page.locator('convot-inbox-thread').isVisible(), false);
  assert.deepEqual(problems, []);
  await context.close();
  await visitorContext.close();
});
