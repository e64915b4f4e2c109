/**
 * Issue 15's "sends before the widget loaded": 20 messages sent on the loader's stub (and 20
 * queued in `_q` before the loader even ran), then the page reloads before the widget module
 * arrives (the proxy holds embed.js back). After the reload they are sent once, in order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { APP_ID, bodies, exactlyOnceInOrder, openChat, outboxSize, shownAll, shownSent, sleep, storedInOrder, until, useWorld, type World } from './world.js';

declare const Convot: { sendMessage(m: string): void; status(): { loaded: boolean; connection: string } };

/** The snippet with 20 sends already queued in `_q`, once per tab (a reload does not queue them again). */
const queuedPage = (convotUrl: string) => (nonce: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Queued</title>
<script nonce="${nonce}">
  window.Convot = { app_id: "${APP_ID}" };
  var tag = new URLSearchParams(location.search).get("tag");
  if (!sessionStorage.getItem("queued")) {
    sessionStorage.setItem("queued", "1");
    window.Convot._q = [];
    for (var i = 1; i <= 20; i++) window.Convot._q.push(["do", "message:send", tag + "-" + String(i).padStart(3, "0")]);
  }
</script>
<script async src="${convotUrl}/widget-loader.js"></script>
</head><body><main><h1>Queued before the loader</h1></main></body></html>`;

const w: World = useWorld({ pages: (url) => ({ '/queued': queuedPage(url) }) });

/** Waits for all of `sent` to be stored, then counts page, database and inbox socket. */
async function landed(page: Page, tag: string, sent: string[]) {
  await until(async () => (await shownSent(page, tag)).length >= sent.length, `${sent.length} "${tag}" messages shown as sent`, 90_000, async () => ({ shown: await shownAll(page, tag), outbox: await outboxSize(page) }));
  const stored = await w.agent.stored(tag);
  storedInOrder(sent, stored);
  const shownCount = exactlyOnceInOrder('page', sent, await shownAll(page, tag)).count;
  await until(() => w.agent.received(tag).length >= sent.length, 'the inbox socket to get them', 30_000);
  await sleep(300);
  const inbox = exactlyOnceInOrder('inbox socket', sent, w.agent.received(tag)).count;
  assert.equal(await outboxSize(page), 0, 'outbox empty');
  return { sent: sent.length, stored: stored.length, page: shownCount, inbox, lost: 0, duplicated: 0 };
}

const TRIALS = 5;

test('4. 20 messages sent on the loader stub, the page reloaded before the widget module arrived: sent once after the reload, in order (5 trials)', async (t) => {
  // embed.js (the widget module) answers only after 1.5 s; everything else passes.
  w.proxy.scope(/^\/dist\/embed\.js/).delay(1_500);
  try {
    for (let trial = 1; trial <= TRIALS; trial++) {
      const context = await w.browser.newContext();
      const page = await context.newPage();
      const tag = `stub${trial}`;
      const sent = bodies(tag, 20);
      await page.goto(`${w.site.origin}/`, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => typeof Convot !== 'undefined' && typeof Convot.sendMessage === 'function');
      const before = await page.evaluate((all) => {
        const loaded = Convot.status().loaded;
        for (const b of all) Convot.sendMessage(b);
        return loaded;
      }, sent);
      assert.equal(before, false, 'sent on the stub, before the widget loaded');
      await page.reload({ waitUntil: 'domcontentloaded' });
      await openChat(page);
      const counts = await landed(page, tag, sent);
      t.diagnostic(`case 4, stub, trial ${trial}: ${JSON.stringify(counts)}`);
      await context.close();
    }
  } finally {
    w.proxy.scope(null).delay(0);
  }
});

test('4b. 20 messages queued in _q before the loader ran, the page reloaded before the widget module arrived: sent once after the reload, in order (5 trials)', async (t) => {
  w.proxy.scope(/^\/dist\/embed\.js/).delay(1_500);
  try {
    for (let trial = 1; trial <= TRIALS; trial++) {
      const context = await w.browser.newContext();
      const page = await context.newPage();
      const tag = `queued${trial}`;
      const sent = bodies(tag, 20);
      await page.goto(`${w.site.origin}/queued?tag=${tag}`, { waitUntil: 'domcontentloaded' });
      // The loader has run (its stub answers status()); the widget module has not.
      await page.waitForFunction(() => typeof Convot !== 'undefined' && typeof Convot.status === 'function');
      assert.equal(await page.evaluate(() => Convot.status().loaded), false);
      await page.reload({ waitUntil: 'domcontentloaded' });
      await openChat(page);
      const counts = await landed(page, tag, sent);
      t.diagnostic(`case 4b, _q, trial ${trial}: ${JSON.stringify(counts)}`);
      await context.close();
    }
  } finally {
    w.proxy.scope(null).delay(0);
  }
});
