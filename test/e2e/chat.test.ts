import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { AGENT, launchBrowser, reserveHostOrigin, snippetPage, startConvot, startHostSite, watchProblems, type ConvotProcess, type HostSite } from './harness.js';

let convot: ConvotProcess;
let site: HostSite;
let browser: Browser;

before(async () => {
  const host = await reserveHostOrigin();
  convot = await startConvot({ allowedOrigins: [host.origin] });
  site = await startHostSite(host.port, convot.url, { '/': snippetPage(convot.url) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await convot?.stop();
});

test('a visitor on another origin chats with an agent in the inbox, live, and keeps it across reloads', async () => {
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const visitorProblems = watchProblems(visitor);
  await visitor.goto(`${site.origin}/`);
  await visitor.locator('convot-widget .launcher').click();
  const composer = visitor.locator('convot-chat-panel textarea');
  await composer.fill('Hi, where is my order #1234?');
  await composer.press('Enter');
  await visitor.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();

  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  const agentProblems = watchProblems(agent);
  await agent.goto(`${convot.url}/inbox`);
  await agent.locator('form.login input[name="email"]').fill(AGENT.email);
  await agent.locator('form.login input[name="password"]').fill(AGENT.password);
  await agent.locator('form.login button[type="submit"]').click();
  const row = agent.locator('.conversation.unread').first();
  await row.waitFor();
  assert.match(await row.innerText(), /where is my order/);
  await row.click();
  await agent.locator('.message.visitor', { hasText: 'where is my order #1234?' }).waitFor();
  await agent.locator('form.reply textarea').fill('It ships today!');
  await agent.locator('form.reply button[type="submit"]').click();

  // The reply arrives live, without a reload.
  await visitor.locator('convot-chat-panel .msg.agent', { hasText: 'It ships today!' }).waitFor();

  // Reload: the same visitor sees both messages.
  await visitor.reload();
  await visitor.locator('convot-widget .launcher').click();
  await visitor.locator('convot-chat-panel .msg.visitor', { hasText: 'where is my order #1234?' }).waitFor();
  await visitor.locator('convot-chat-panel .msg.agent', { hasText: 'It ships today!' }).waitFor();
  const bodies = await visitor.locator('convot-chat-panel .msg .bubble').allInnerTexts();
  assert.deepEqual(bodies, ['Hi, where is my order #1234?', 'It ships today!']);

  assert.deepEqual(visitorProblems, [], 'visitor page had console errors or CSP violations');
  assert.deepEqual(agentProblems, [], 'inbox page had console errors or CSP violations');
  await visitorContext.close();
  await agentContext.close();
});
