/**
 * What a chat product is expected to show, between a visitor's page and the inbox, live: typing
 * both ways (in words, with the visitor's draft as a preview in the inbox), "Seen" both ways,
 * Markdown rendered on both sides; and a verified visitor's history on a second browser, which
 * an anonymous visitor does not get.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { AGENT, launchBrowser, reserveHostOrigin, snippetPage, startConvot, startHostSite, watchProblems, type ConvotProcess, type HostSite } from './harness.js';

const SECRET = 'e2e-basics-secret-of-32-characters+';
let convot: ConvotProcess;
let site: HostSite;
let browser: Browser;

before(async () => {
  const host = await reserveHostOrigin();
  convot = await startConvot({ allowedOrigins: [host.origin], identitySecret: SECRET });
  const userHash = createHmac('sha256', SECRET).update('user_42').digest('hex');
  const identify = `<script nonce="NONCE">
    window.CONVOT_READY_TRIGGER = function () {
      Convot.identify({ external_id: "user_42", email: "ada@example.com", name: "Ada", user_hash: "${userHash}" });
    };
  </script>`;
  site = await startHostSite(host.port, convot.url, { '/': snippetPage(convot.url), '/account': snippetPage(convot.url, undefined, identify) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await convot?.stop();
});

test('typing and "Seen" both ways between a visitor page and the inbox, with Markdown on both sides', async () => {
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const visitorProblems = watchProblems(visitor);
  await visitor.goto(`${site.origin}/`);
  await visitor.locator('convot-widget .launcher').click();
  const composer = visitor.locator('convot-chat-panel textarea');
  await composer.fill('Is **express** shipping `available`?');
  await composer.press('Enter');
  const mine = visitor.locator('convot-chat-panel .msg.visitor[data-status="sent"]');
  await mine.waitFor();
  assert.equal(await mine.locator('.status-text').innerText(), 'Sent');

  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  const agentProblems = watchProblems(agent);
  await agent.goto(`${convot.url}/inbox`);
  await agent.locator('form.login input[name="email"]').fill(AGENT.email);
  await agent.locator('form.login input[name="password"]').fill(AGENT.password);
  await agent.locator('form.login button[type="submit"]').click();
  await agent.locator('.conversation.unread').first().click();
  // Markdown from the server's tree: bold and code as elements, no stars or backticks.
  const inboxMessage = agent.locator('.message.visitor .bubble.md');
  await inboxMessage.locator('strong', { hasText: 'express' }).waitFor();
  assert.equal(await inboxMessage.locator('code').innerText(), 'available');

  // The agent has the conversation open: the visitor's message shows "Seen".
  await mine.locator('.status-text', { hasText: 'Seen' }).waitFor();

  // The visitor types: the inbox says so, with the draft; clearing the field stops it.
  const inboxTyping = agent.locator('.typing');
  await composer.pressSequentially('Also, do you', { delay: 20 });
  await inboxTyping.filter({ hasText: 'is typing…' }).waitFor();
  await agent.locator('.typing q', { hasText: 'Also, do you' }).waitFor();
  await composer.fill('');
  await agent.waitForFunction(() => !document.querySelector('convot-inbox')?.shadowRoot?.querySelector('convot-inbox-thread')?.shadowRoot?.querySelector('.typing')?.textContent?.trim());

  // The agent types: the visitor reads "Erin is typing…" in a polite live region.
  const visitorTyping = visitor.locator('convot-chat-panel .typing');
  assert.equal(await visitorTyping.getAttribute('aria-live'), 'polite');
  const reply = agent.locator('form.reply textarea');
  await reply.pressSequentially('Yes: *today* with', { delay: 20 });
  await visitorTyping.filter({ hasText: `${AGENT.name} is typing…` }).waitFor();
  await reply.fill('Yes: *today* with `EXPRESS`, see [rates](https://example.com/rates)');
  await reply.press('Enter');

  // The reply replaces the indicator and renders its Markdown (the renderer's chunk loads lazily).
  const answer = visitor.locator('convot-chat-panel .msg.agent .bubble.md');
  await answer.locator('em', { hasText: 'today' }).waitFor();
  assert.equal(await answer.locator('code').innerText(), 'EXPRESS');
  const link = answer.locator('a');
  assert.equal(await link.getAttribute('href'), 'https://example.com/rates');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
  await visitor.waitForFunction(() => {
    const panel = document.querySelector('convot-widget')?.shadowRoot?.querySelector('convot-chat-panel');
    return panel?.shadowRoot?.querySelector('.typing')?.textContent?.trim() === '';
  });

  // The visitor has the panel open, so the reply is read: the agent sees "Seen" under it.
  await agent.locator('.message.agent .seen', { hasText: 'Seen' }).waitFor();

  assert.deepEqual(visitorProblems, []);
  assert.deepEqual(agentProblems, []);
  await visitorContext.close();
  await agentContext.close();
});

test('a verified visitor sees their conversation on a second browser; an anonymous visitor there does not', async () => {
  const first = await browser.newContext();
  const page = await first.newPage();
  const problems = watchProblems(page);
  await page.goto(`${site.origin}/account`);
  await page.waitForFunction(() => (window as unknown as { Convot?: { ready?: () => boolean } }).Convot?.ready?.() === true);
  await page.locator('convot-widget .launcher').click();
  const composer = page.locator('convot-chat-panel textarea');
  await composer.fill('Order 77 arrived damaged');
  await composer.press('Enter');
  await page.locator('convot-chat-panel .msg.visitor[data-status="sent"]', { hasText: 'Order 77 arrived damaged' }).waitFor();

  // Another browser (nothing shared: no storage, no cookies), signed in as the same customer.
  const second = await browser.newContext();
  const other = await second.newPage();
  const otherProblems = watchProblems(other);
  await other.goto(`${site.origin}/account`);
  await other.locator('convot-widget .launcher').click();
  await other.locator('convot-chat-panel .msg.visitor', { hasText: 'Order 77 arrived damaged' }).waitFor();
  // And it goes on there: a message from the second browser reaches the first one live.
  await other.locator('convot-chat-panel textarea').fill('Photos attached later');
  await other.locator('convot-chat-panel textarea').press('Enter');
  await page.locator('convot-chat-panel .msg.visitor', { hasText: 'Photos attached later' }).waitFor();

  // An anonymous visitor in a third browser sees nothing of it.
  const third = await browser.newContext();
  const anonymous = await third.newPage();
  await anonymous.goto(`${site.origin}/`);
  await anonymous.locator('convot-widget .launcher').click();
  await anonymous.locator('convot-chat-panel .empty').waitFor();
  assert.equal(await anonymous.locator('convot-chat-panel .msg.visitor').count(), 0);

  assert.deepEqual(problems, []);
  assert.deepEqual(otherProblems, []);
  await Promise.all([first.close(), second.close(), third.close()]);
});
