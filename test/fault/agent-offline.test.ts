/**
 * Issue 15: 50 agent messages sent while the visitor's network is down for 30 s, and for
 * 10 minutes. The agent posts through a second proxy that sends every POST twice (the server
 * stores each client id once). When the network returns, the page shows all 50 once, in order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultProxy } from './proxy.js';
import { bodies, connection, exactlyOnceInOrder, openVisitor, send, shownAll, sleep, storedInOrder, until, useWorld, type World } from './world.js';

const w: World = useWorld();

async function agentWhileDown(seconds: number, tag: string): Promise<string> {
  const context = await w.browser.newContext();
  const page = await openVisitor(context, w.site);
  const agentProxy = await FaultProxy.start(w.server.url);
  agentProxy.duplicate(true);
  const hello = `${tag}-hello`;
  const sent = bodies(`${tag}-a`, 50);
  try {
    await send(page, [hello]);
    await until(async () => (await w.agent.stored(hello)).length === 1, 'the conversation', 30_000);
    const conversation = (await w.agent.stored(hello))[0]!.conversation_id;

    w.proxy.down();
    const t0 = Date.now();
    // Spread over the first 80 % of the disconnect.
    const gap = (seconds * 1000 * 0.8) / sent.length;
    for (const b of sent) {
      const status = await w.agent.reply(conversation, b, agentProxy.url);
      assert.ok(status === 200 || status === 201, `reply answered ${status}`);
      await sleep(gap);
    }
    await sleep(Math.max(0, t0 + seconds * 1000 - Date.now()));
    assert.notEqual(await connection(page), 'online', 'the page was offline');
    assert.deepEqual(await shownAll(page, `${tag}-a`), [], 'nothing reached the page while down');

    const restored = Date.now();
    w.proxy.up();
    await until(async () => (await shownAll(page, `${tag}-a`)).length >= 50, '50 agent messages on the page', 120_000, () => shownAll(page, `${tag}-a`));
    const landedS = (Date.now() - restored) / 1000;
    await sleep(500);
    const shownCount = exactlyOnceInOrder('page', sent, await shownAll(page, `${tag}-a`)).count;
    const stored = await w.agent.stored(tag);
    storedInOrder([hello, ...sent], stored);
    const inbox = exactlyOnceInOrder('inbox socket', sent, w.agent.received(`${tag}-a`)).count;
    // Every POST went twice; the copies were answered as the same stored message.
    const copies = agentProxy.log.filter((e) => e.kind === 'http-response' && e.fate === 'duplicated' && e.method === 'POST');
    assert.equal(copies.length, 50, 'every reply POST was sent twice');
    assert.deepEqual(copies.filter((e) => e.status! >= 300).map((e) => e.status), [], 'the duplicate POSTs were answered as success (idempotent)');
    return `sent 50 (each POST twice), stored ${stored.length - 1}, page ${shownCount}, inbox ${inbox}, lost 0, duplicated 0; shown ${landedS.toFixed(1)} s after the network returned`;
  } finally {
    w.proxy.up();
    await agentProxy.close();
    await context.close();
  }
}

test('6. 50 agent messages during a 30 s disconnect: all shown once, in order, after reconnection', async (t) => {
  t.diagnostic(`case 6 (30 s): ${await agentWhileDown(30, 'off30')}`);
});

test('6b. 50 agent messages during a 10 min disconnect: all shown once, in order, after reconnection', async (t) => {
  t.diagnostic(`case 6 (10 min): ${await agentWhileDown(600, 'off600')}`);
});
