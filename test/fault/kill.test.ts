/**
 * Issue 15: SIGKILL of the server under 100 concurrent sends (4 visitors, 25 each, in flight
 * together), then the server restarted on the same port and PGlite data folder. Every message
 * acknowledged before the kill is still stored; after the restart every message is stored once,
 * in order, and each page shows its own once, in order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { bodies, exactlyOnceInOrder, openVisitor, shownAll, shownSent, sleep, storedInOrder, until, useWorld, type World } from './world.js';

const w: World = useWorld();

test('8. SIGKILL of the server under 100 concurrent sends, restarted on the same port and data: 0 lost, 0 duplicated, acked messages survive', async (t) => {
  const contexts = await Promise.all([1, 2, 3, 4].map(() => w.browser.newContext()));
  const pages: Page[] = [];
  for (const c of contexts) pages.push(await openVisitor(c, w.site));
  const tags = pages.map((_, i) => `kill${i + 1}`);
  const sent = tags.map((tag) => bodies(tag, 25));
  try {
    // All four pages send 25 each, 40 ms apart, at the same time.
    await Promise.all(
      pages.map((p, i) => p.evaluate((all) => all.forEach((b, j) => setTimeout(() => (window as unknown as { Convot: { sendMessage(m: string): void } }).Convot.sendMessage(b), j * 40)), sent[i]!)),
    );
    // Killed once about a third has reached the inbox (checked every few milliseconds).
    const deadline = Date.now() + 30_000;
    while (tags.reduce((n, tag) => n + w.agent.received(tag).length, 0) < 30) {
      assert.ok(Date.now() < deadline, 'timed out waiting for 30 messages to be stored');
      await sleep(5);
    }
    await w.server.kill();
    const killedAt = Date.now();
    const atKill = tags.reduce((n, tag) => n + w.agent.received(tag).length, 0);
    const ackedBeforeKill = await Promise.all(pages.map((p, i) => shownSent(p, tags[i]!)));
    await sleep(1_000);
    await w.server.restart();
    await w.agent.connect();
    for (let i = 0; i < pages.length; i++) {
      await until(async () => (await shownSent(pages[i]!, tags[i]!)).length >= 25, `${tags[i]}: 25 shown as sent`, 120_000, () => shownAll(pages[i]!, tags[i]!));
    }
    const landedS = (Date.now() - killedAt) / 1000;
    await sleep(500);
    let stored = 0;
    let shown = 0;
    for (let i = 0; i < pages.length; i++) {
      const rows = await w.agent.stored(tags[i]!);
      storedInOrder(sent[i]!, rows);
      for (const b of ackedBeforeKill[i]!) assert.ok(rows.some((r) => r.body === b), `${b} was acked before the kill and is stored`);
      stored += rows.length;
      shown += exactlyOnceInOrder(`page ${i + 1}`, sent[i]!, await shownAll(pages[i]!, tags[i]!)).count;
    }
    const acked = ackedBeforeKill.reduce((n, a) => n + a.length, 0);
    t.diagnostic(`case 8: sent 100 (4 × 25), ${atKill} stored and ${acked} acked when killed; after restart stored ${stored}, pages ${shown}, lost 0, duplicated 0; all landed ${landedS.toFixed(1)} s after the kill`);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});
