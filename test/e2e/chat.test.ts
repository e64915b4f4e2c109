import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { AGENT, APP_ID, launchBrowser, reserveHostOrigin, snippetPage, startConvot, startHostSite, watchProblems, type ConvotProcess, type HostSite } from './harness.js';

let convot: ConvotProcess;
let site: HostSite;
let browser: Browser;

before(async () => {
  const host = await reserveHostOrigin();
  convot = await startConvot({ allowedOrigins: [host.origin] });
  site = await startHostSite(host.port, convot.url, {
    '/': snippetPage(convot.url),
    '/element': (nonce) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Element</title>
      <script type="module" nonce="${nonce}" src="${convot.url}/dist/convot.js"></script></head>
      <body><h1>Element embed</h1><convot-widget app-id="${APP_ID}"></convot-widget></body></html>`,
  });
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

test('the element from the server /dist/ on another origin finds its server from the module URL, under a strict CSP', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${site.origin}/element`);
  await page.locator('convot-widget .launcher').waitFor();
  await page.locator('convot-widget .launcher').click();
  await page.locator('convot-chat-panel textarea').fill('Sent from the element');
  await page.locator('convot-chat-panel textarea').press('Enter');
  await page.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();
  assert.ok(requests.some((u) => u.startsWith(`${convot.url}/api/v1/apps/`)), 'the element talked to the server it was loaded from');
  assert.ok(requests.some((u) => /\/dist\/convot-chat-panel-[\w-]+\.js$/.test(u)), 'the panel chunk was loaded');
  assert.deepEqual(problems, []);
  await context.close();
});
