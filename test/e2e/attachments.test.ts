/**
 * Files both ways, end to end: the built server, the snippet on a shop on another origin (strict
 * CSP that allows `blob:` images), and the real inbox. The visitor attaches an image and a PDF;
 * the agent sees the image's thumbnail and downloads the PDF; the agent attaches a file back and
 * the visitor downloads it: the same bytes every time. The agent's paste and drop reach the visitor too.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { PDF, PNG_3x2 } from '../support/files.js';
import { AGENT, launchBrowser, reserveHostOrigin, snippetPage, startConvot, startHostSite, watchProblems, type ConvotProcess, type HostSite } from './harness.js';

let convot: ConvotProcess;
let shop: HostSite;
let browser: Browser;

before(async () => {
  const shopOrigin = await reserveHostOrigin();
  convot = await startConvot({ allowedOrigins: [shopOrigin.origin], app: () => ({ attachments: { max_bytes: 1024 * 1024 } }) });
  shop = await startHostSite(shopOrigin.port, convot.url, { '/': snippetPage(convot.url) }, '', 'blob:');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shop?.close();
  await convot?.stop();
});

test('a visitor attaches an image and a PDF, the agent sees the thumbnail and downloads the PDF, then attaches a file back that the visitor downloads', async () => {
  const visitorCtx = await browser.newContext({ acceptDownloads: true });
  const visitor = await visitorCtx.newPage();
  const visitorProblems = watchProblems(visitor);
  await visitor.goto(shop.origin);
  await visitor.locator('convot-widget .launcher').click();
  await visitor.locator('convot-chat-panel textarea').fill('Here are my files');
  await visitor.keyboard.press('Enter');
  await visitor.locator('convot-chat-panel .msg.visitor[data-status="sent"]').waitFor();

  const input = visitor.locator('convot-chat-panel input[type=file]');
  await input.setInputFiles([{ name: 'dot.png', mimeType: 'image/png', buffer: Buffer.from(PNG_3x2) }]);
  await visitor.locator('convot-attachment img[alt="dot.png"]').waitFor({ timeout: 15_000 });
  await input.setInputFiles([{ name: 'terms.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) }]);
  await visitor.locator('convot-attachment button.file', { hasText: 'terms.pdf' }).waitFor({ timeout: 15_000 });
  // The thumbnail is an object URL (no token in any URL), decoded by the browser.
  const thumb = visitor.locator('convot-attachment img[alt="dot.png"]');
  assert.match((await thumb.getAttribute('src'))!, /^blob:/);
  await visitor.waitForFunction(() => {
    const host = document.querySelector('convot-widget')!.shadowRoot!.querySelector('convot-chat-panel')!.shadowRoot!.querySelector('convot-attachment')!;
    const img = host.shadowRoot!.querySelector('img');
    return img?.complete && img.naturalWidth === 3;
  });

  const agentCtx = await browser.newContext({ acceptDownloads: true });
  const inbox = await agentCtx.newPage();
  const inboxProblems = watchProblems(inbox);
  await inbox.goto(`${convot.url}/inbox`);
  await inbox.locator('input[type=email]').fill(AGENT.email);
  await inbox.locator('input[type=password]').fill(AGENT.password);
  await inbox.keyboard.press('Enter');
  // The list's preview is the newest message: the PDF's name (its body is the plain-text fallback).
  await inbox.getByText('terms.pdf').first().click();

  // The thumbnail (fetched with the agent's cookie) and the PDF as a download.
  const agentThumb = inbox.locator('a.thumb img[alt="dot.png"]');
  await agentThumb.waitFor();
  await inbox.waitForFunction(() => {
    const img = document.querySelector('convot-inbox')!.shadowRoot!.querySelector('convot-inbox-thread')?.shadowRoot?.querySelector<HTMLImageElement>('a.thumb img');
    return img ? img.complete && img.naturalWidth === 3 : false;
  });
  const [pdfDownload] = await Promise.all([inbox.waitForEvent('download'), inbox.locator('a.file', { hasText: 'terms.pdf' }).click()]);
  assert.equal(pdfDownload.suggestedFilename(), 'terms.pdf');
  assert.deepEqual(new Uint8Array(await readFile((await pdfDownload.path())!)), PDF);

  // The agent attaches a file back; the visitor downloads it.
  const note = Buffer.from('Your invoice number is 42.\n');
  await inbox.locator('#attach').setInputFiles([{ name: 'invoice.txt', mimeType: 'text/plain', buffer: note }]);
  await inbox.locator('a.file', { hasText: 'invoice.txt' }).waitFor({ timeout: 15_000 });
  const back = visitor.locator('convot-attachment button.file', { hasText: 'invoice.txt' });
  await back.waitFor({ timeout: 15_000 });
  const [download] = await Promise.all([visitor.waitForEvent('download'), back.click()]);
  assert.equal(download.suggestedFilename(), 'invoice.txt');
  assert.deepEqual(await readFile((await download.path())!), note);

  // The inbox also takes a pasted image (into the reply field) and a file dropped on the thread.
  await inbox.evaluate((png) => {
    const view = document.querySelector('convot-inbox')!.shadowRoot!.querySelector('convot-inbox-thread')!.shadowRoot!;
    const paste = new DataTransfer();
    paste.items.add(new File([new Uint8Array(png)], 'pasted.png', { type: 'image/png' }));
    view.querySelector('textarea')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: paste, bubbles: true, cancelable: true }));
    const drop = new DataTransfer();
    drop.items.add(new File(['dropped notes'], 'dropped.txt', { type: 'text/plain' }));
    view.querySelector('.log')!.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
  }, [...PNG_3x2]);
  await visitor.locator('convot-attachment img[alt="pasted.png"]').waitFor({ timeout: 15_000 });
  await visitor.locator('convot-attachment button.file', { hasText: 'dropped.txt' }).waitFor({ timeout: 15_000 });

  // A file over the app's 1 MB: the visitor is told, and nothing is sent.
  await input.setInputFiles([{ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(1024 * 1024 + 1) }]);
  await visitor.locator('convot-uploads [role=alert]', { hasText: 'huge.pdf is larger than 1 MB' }).waitFor();

  assert.deepEqual(visitorProblems, []);
  assert.deepEqual(inboxProblems, []);
  await visitorCtx.close();
  await agentCtx.close();
});
