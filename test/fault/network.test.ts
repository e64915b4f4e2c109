/**
 * Issue 15's network faults, with the real built widget in Chromium and the real server behind
 * the fault proxy (test/fault/proxy.ts): a cut while sending, a silently dead path, reloads
 * mid-send, two tabs sending while the network is down, and a frozen tab. Every case counts
 * what was sent, what the database stored, what the page shows and what reached the inbox
 * socket: 0 lost, 0 duplicated, in send order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodies, exactlyOnceInOrder, openChat, openVisitor, outboxSize, send, shownAll, shownSent, sleep, storedInOrder, until, useWorld, waitOnline, type World } from './world.js';

const w: World = useWorld();

/** Waits until the page shows all of `sent` as stored, then checks every place. */
async function landed(world: World, page: import('playwright-core').Page, tag: string, sent: string[], ms = 120_000) {
  await until(async () => (await shownSent(page, tag)).length >= sent.length, `${sent.length} "${tag}" messages shown as sent`, ms, async () => ({ shown: await shownAll(page, tag), outbox: await outboxSize(page) }));
  const stored = await world.agent.stored(tag);
  storedInOrder(sent, stored);
  const page_ = exactlyOnceInOrder('page', sent, await shownAll(page, tag));
  await until(() => world.agent.received(tag).length >= sent.length, 'the inbox socket to get them', 30_000, () => world.agent.received(tag));
  await sleep(300); // a late duplicate would show up by now
  const inbox = exactlyOnceInOrder('inbox socket', sent, world.agent.received(tag));
  assert.equal(await outboxSize(page), 0, 'outbox empty');
  return { sent: sent.length, stored: stored.length, page: page_.count, inbox: inbox.count, lost: 0, duplicated: 0 };
}

test('1. network cut while the visitor sends (frames in flight, acks lost); restored with every frame duplicated: everything lands once, in order', async (t) => {
  const context = await w.browser.newContext();
  const page = await openVisitor(context, w.site);
  const tag = 'cut';
  const sent = bodies(tag, 30);
  try {
    // 10 sent 40 ms apart over a path with 300 ms latency, cut in the middle: some were stored
    // with their ack lost, some never reached the server.
    w.proxy.delay(300);
    await page.evaluate((all) => all.forEach((b, i) => setTimeout(() => (window as unknown as { Convot: { sendMessage(m: string): void } }).Convot.sendMessage(b), i * 40)), sent.slice(0, 10));
    await sleep(450);
    w.proxy.down();
    await sleep(500);
    // 20 more while the network is down.
    for (const b of sent.slice(10)) {
      await send(page, [b]);
      await sleep(50);
    }
    await sleep(3_000);
    assert.ok((await shownSent(page, tag)).length < 30, 'not everything could be acked while down');
    w.proxy.delay(0).duplicate(true);
    const restored = Date.now();
    w.proxy.up();
    const counts = await landed(w, page, tag, sent);
    t.diagnostic(`case 1: ${JSON.stringify(counts)}; landed ${((Date.now() - restored) / 1000).toFixed(1)} s after the network returned; duplicated frames forwarded: ${w.proxy.count('to-server', restored, 'duplicated')}`);
  } finally {
    w.proxy.up();
    w.proxy.delay(0).duplicate(false);
    await context.close();
  }
});

test('2. silently dead path (black hole): heartbeat finds it within the bound, reconnects when the path returns, nothing lost', async (t) => {
  const context = await w.browser.newContext();
  const page = await openVisitor(context, w.site);
  const tag = 'hole';
  const sent = bodies(tag, 12);
  try {
    await send(page, sent.slice(0, 4));
    await until(async () => (await shownSent(page, tag)).length === 4, 'first 4 acked', 30_000);
    // The page notes when it stops believing it is online.
    await page.evaluate(() => {
      const g = window as unknown as { Convot: { status(): { connection: string } }; offlineAt?: number };
      const timer = setInterval(() => {
        if (g.Convot.status().connection !== 'online') {
          g.offlineAt = Date.now();
          clearInterval(timer);
        }
      }, 50);
    });
    const t0 = Date.now();
    w.proxy.blackhole(true);
    // Sent into the dead socket: the page still believes it is online.
    for (const b of sent.slice(4)) {
      await send(page, [b]);
      await sleep(100);
    }
    // The heartbeat gives up on the socket, and the widget tries again (its request reaches the proxy).
    await until(() => w.proxy.log.some((e) => e.at > t0 && (e.kind === 'http' || e.kind === 'upgrade')), 'a reconnect attempt', 30_000);
    const retryMs = w.proxy.log.find((e) => e.at > t0 && (e.kind === 'http' || e.kind === 'upgrade'))!.at - t0;
    const detectedMs = (await page.evaluate(() => (window as unknown as { offlineAt?: number }).offlineAt ?? Infinity)) - t0;
    assert.ok(detectedMs <= 15_000, `dead path detected in ${detectedMs} ms (the heartbeat's bound: ~10 s, at most 15 s)`);
    assert.notEqual(await page.evaluate(() => (window as unknown as { Convot: { status(): { connection: string } } }).Convot.status().connection), 'online');
    await sleep(2_000);
    const restored = Date.now();
    w.proxy.blackhole(false);
    const counts = await landed(w, page, tag, sent);
    t.diagnostic(`case 2: ${JSON.stringify(counts)}; dead path detected after ${(detectedMs / 1000).toFixed(1)} s, first retry after ${(retryMs / 1000).toFixed(1)} s; landed ${((Date.now() - restored) / 1000).toFixed(1)} s after the path returned`);
  } finally {
    w.proxy.up();
    await context.close();
  }
});

test('3. reload mid-send: with frames in flight, and with the API cut (messages in the outbox): each message is stored once after the reload', async (t) => {
  const context = await w.browser.newContext();
  const page = await openVisitor(context, w.site);
  const tag = 'reload';
  const sent = bodies(tag, 25);
  try {
    // a) 10 sent over a 400 ms path, the page reloaded at once: some stored, none acked.
    w.proxy.delay(400);
    await send(page, sent.slice(0, 10));
    await sleep(150);
    await page.reload();
    w.proxy.delay(0);
    await openChat(page);
    // Shown as stored (from the history in `ready`), and acked (the outbox resend answered).
    await until(async () => (await shownSent(page, tag)).length === 10 && (await outboxSize(page)) === 0, 'the first 10 stored and acked after the reload', 60_000, async () => ({ shown: await shownAll(page, tag), outbox: await outboxSize(page) }));

    // b) The API is cut (the page's scripts stay reachable, as if cached): 15 wait in the outbox
    // across two reloads, then the network returns.
    w.proxy.scope(/^\/api\//).down();
    await sleep(300);
    await send(page, sent.slice(10));
    assert.equal(await outboxSize(page), 15);
    await page.reload();
    await openChat(page, false);
    assert.deepEqual(await shownAll(page, tag), sent.slice(10), 'after a reload with the API cut, the outbox shows (pending), in order');
    await page.reload();
    await openChat(page, false);
    const restored = Date.now();
    w.proxy.up();
    const counts = await landed(w, page, tag, sent);
    // And a last reload with the network up: the history shows each once.
    await page.reload();
    await openChat(page);
    await until(async () => (await shownSent(page, tag)).length >= sent.length, 'history after reload', 30_000);
    exactlyOnceInOrder('page after a last reload', sent, await shownAll(page, tag));
    t.diagnostic(`case 3: ${JSON.stringify(counts)}; landed ${((Date.now() - restored) / 1000).toFixed(1)} s after the network returned`);
  } finally {
    w.proxy.scope(null).up();
    w.proxy.delay(0);
    await context.close();
  }
});

test('5. two tabs send with the network down (a, b, c, …), one tab closed before it returns: all delivered exactly once, in order; then both tabs open when it returns', async (t) => {
  const context = await w.browser.newContext();
  const tab1 = await openVisitor(context, w.site);
  const tab2 = await openVisitor(context, w.site);
  const tag = 'tabs';
  const sent = bodies(tag, 24);
  try {
    const sessions = await Promise.all([tab1, tab2].map((p) => p.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(':token'))?.[1])));
    assert.equal(sessions[0], sessions[1], 'one session for both tabs');
    // a) Tab 1 sends a, tab 2 sends b, tab 1 sends c, four times; tab 2 closes; the network returns.
    w.proxy.down();
    await sleep(300);
    for (let i = 0; i < 12; i++) {
      await send(i % 3 === 1 ? tab2 : tab1, [sent[i]!]);
      await sleep(30);
    }
    await tab2.close();
    let restored = Date.now();
    w.proxy.up();
    const a = await landed(w, tab1, tag, sent.slice(0, 12));
    t.diagnostic(`case 5a (tab 2 closed): ${JSON.stringify(a)}; landed ${((Date.now() - restored) / 1000).toFixed(1)} s after the network returned`);

    // b) Both tabs open when the network returns: both flush the shared outbox.
    const tab3 = await openVisitor(context, w.site);
    w.proxy.down();
    await sleep(300);
    for (let i = 12; i < 24; i++) {
      await send(i % 2 ? tab3 : tab1, [sent[i]!]);
      await sleep(30);
    }
    restored = Date.now();
    w.proxy.up();
    const b1 = await landed(w, tab1, tag, sent);
    await until(async () => (await shownSent(tab3, tag)).length >= 24, 'tab 3 shows all', 60_000, () => shownAll(tab3, tag));
    exactlyOnceInOrder('tab 3', sent, await shownAll(tab3, tag));
    t.diagnostic(`case 5b (both tabs open): ${JSON.stringify(b1)}; landed ${((Date.now() - restored) / 1000).toFixed(1)} s after the network returned`);
  } finally {
    w.proxy.up();
    await context.close();
  }
});

test('7. a frozen tab (Page.setWebLifecycleState frozen, then active) catches up with no loss: acks and agent messages that came while frozen, and a connection cut while frozen', async (t) => {
  const context = await w.browser.newContext();
  const page = await openVisitor(context, w.site);
  const tag = 'frozen';
  const visitorSent = bodies(`${tag}-v`, 6);
  const agentSent = bodies(`${tag}-a`, 20);
  const cdp = await context.newCDPSession(page);
  try {
    await send(page, visitorSent.slice(0, 1));
    await until(async () => (await w.agent.stored(`${tag}-v`)).length === 1, 'the conversation', 30_000);
    const conversation = (await w.agent.stored(`${tag}-v`))[0]!.conversation_id;

    // a) Frames in flight when the tab freezes; 10 agent messages while it is frozen (15 s,
    // longer than the heartbeat's 10 s).
    w.proxy.delay(500);
    await send(page, visitorSent.slice(1, 6));
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await sleep(800); // they reach the server (their acks come back to a frozen tab)
    w.proxy.delay(0);
    for (const b of agentSent.slice(0, 10)) assert.equal(await w.agent.reply(conversation, b), 201);
    await sleep(15_000);
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await until(async () => (await shownSent(page, `${tag}-a`)).length >= 10 && (await shownSent(page, `${tag}-v`)).length >= 6, 'catch-up after the freeze', 60_000, () => shownAll(page, tag));

    // b) Frozen, 10 more agent messages, the connection cut while frozen, then active.
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    for (const b of agentSent.slice(10)) assert.equal(await w.agent.reply(conversation, b), 201);
    w.proxy.cut();
    await sleep(5_000);
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await waitOnline(page);
    await until(async () => (await shownSent(page, `${tag}-a`)).length >= 20, 'catch-up after the second freeze', 60_000, () => shownAll(page, tag));
    await sleep(500);
    const pageAgent = exactlyOnceInOrder('page (agent messages)', agentSent, await shownAll(page, `${tag}-a`));
    const pageVisitor = exactlyOnceInOrder('page (visitor messages)', visitorSent, await shownAll(page, `${tag}-v`));
    const stored = await w.agent.stored(tag);
    storedInOrder([...visitorSent, ...agentSent], stored);
    t.diagnostic(`case 7: agent sent 20, page shows ${pageAgent.count}; visitor sent 6, page shows ${pageVisitor.count}; stored ${stored.length}; lost 0, duplicated 0`);
  } finally {
    await cdp.detach().catch(() => undefined);
    w.proxy.up();
    w.proxy.delay(0);
    await context.close();
  }
});
