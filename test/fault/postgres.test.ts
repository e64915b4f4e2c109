/**
 * Issue 15 on PostgreSQL (a throwaway server this file starts, so it can stop and restart it):
 * a PostgreSQL restart while the visitor sends; LISTEN connections killed while an agent works
 * on a second server instance; and the database away for a while (503 and error frames naming
 * the client id; once it returns, the stranded messages land in order without a reconnect).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { freePort } from '../e2e/harness.js';
import { freshDatabase, startPostgres, type PostgresServer } from '../support/postgres.js';
import { Agent, APP_ID, bodies, exactlyOnceInOrder, openVisitor, send, shownAll, shownSent, sleep, startServer, startWorld, stopWorld, storedInOrder, until, type ServerProcess, type World, type WireMessage } from './world.js';

let postgres: PostgresServer;
let databaseUrl: string;
const w = {} as World;

before(async () => {
  postgres = startPostgres(await freePort());
  databaseUrl = await freshDatabase(postgres.url);
  Object.assign(w, await startWorld({ database: databaseUrl }));
});

after(async () => {
  await stopWorld(w);
  postgres?.stop();
});

/** Error frames the server sent the page since `since`, by code, with the client ids they named. */
function errorFrames(since: number): { code: string; client_id?: string }[] {
  return w.proxy.log
    .filter((e) => e.kind === 'to-client' && e.at >= since && e.data?.includes('"type":"error"'))
    .map((e) => JSON.parse(e.data!) as { code: string; client_id?: string });
}

async function sql<T>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

test('9. PostgreSQL restarted while the visitor sends: every message stored once, in order, shown once on the page and in the inbox', async (t) => {
  const context = await w.browser.newContext();
  const page = await openVisitor(context, w.site);
  const tag = 'pgrestart';
  const sent = bodies(tag, 60);
  try {
    const t0 = Date.now();
    // 60 messages, 100 ms apart; PostgreSQL restarts 2 s in.
    await page.evaluate((all) => all.forEach((b, i) => setTimeout(() => (window as unknown as { Convot: { sendMessage(m: string): void } }).Convot.sendMessage(b), i * 100)), sent);
    await sleep(2_000);
    await postgres.halt();
    const down = Date.now();
    await postgres.resume();
    const downMs = Date.now() - down;
    await until(async () => (await shownSent(page, tag)).length >= 60, '60 shown as sent', 120_000, () => shownAll(page, tag));
    const landedS = (Date.now() - t0) / 1000;
    await sleep(500);
    const stored = await w.agent.stored(tag);
    storedInOrder(sent, stored);
    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE body LIKE '${tag}-%'`);
    assert.equal(rows[0]!.n, 60, 'rows in the messages table');
    const shown = exactlyOnceInOrder('page', sent, await shownAll(page, tag)).count;
    const inbox = exactlyOnceInOrder('inbox socket', sent, w.agent.received(tag)).count;
    const errors = errorFrames(t0);
    t.diagnostic(
      `case 9 (restart): sent 60, stored ${stored.length}, page ${shown}, inbox ${inbox}, lost 0, duplicated 0; PostgreSQL down ~${(downMs / 1000).toFixed(1)} s; ${errors.length} error frames (${[...new Set(errors.map((e) => e.code))].join(', ') || 'none'}); all stored ${landedS.toFixed(1)} s after the first send`,
    );
  } finally {
    await context.close();
  }
});

test('9b. LISTEN connections killed (pg_terminate_backend) while the agent works on a second instance: messages still reach the agent and the visitor, once, in order', async (t) => {
  const b: ServerProcess = await startServer({ allowedOrigins: [w.site.origin], database: databaseUrl });
  const agentB = await Agent.login(b.url);
  await agentB.connect();
  const context = await w.browser.newContext();
  const page = await openVisitor(context, w.site);
  const tag = 'listen';
  const visitorSent = bodies(`${tag}-v`, 16);
  const agentSent = bodies(`${tag}-a`, 15);
  try {
    await send(page, visitorSent.slice(0, 1));
    await until(() => agentB.received(`${tag}-v`).length === 1, 'the first message on instance B', 30_000);
    const conversation = agentB.frames.find((f) => f.type === 'message' && f.message!.body === visitorSent[0])!.message!.conversation_id;
    const killed: number[] = [];
    for (let round = 0; round < 3; round++) {
      const r = await sql<{ pid: number }>(`SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
      killed.push(r.length);
      // Right away, while the instances reconnect: 5 from the visitor (on A), 5 from the agent (on B).
      for (let i = 0; i < 5; i++) {
        await send(page, [visitorSent[1 + round * 5 + i]!]);
        assert.equal(await agentB.reply(conversation, agentSent[round * 5 + i]!), 201);
      }
      await sleep(1_500);
    }
    assert.ok(killed.every((n) => n === 2), `two LISTEN connections (one per instance) killed each round: ${killed.join(', ')}`);
    await until(() => agentB.received(`${tag}-v`).length >= 16, '16 visitor messages on instance B', 60_000, () => agentB.received(`${tag}-v`));
    await until(async () => (await shownAll(page, `${tag}-a`)).length >= 15, '15 agent messages on the page (instance A)', 60_000, () => shownAll(page, tag));
    await until(async () => (await shownSent(page, `${tag}-v`)).length >= 16, 'the visitor messages acked', 60_000, () => shownAll(page, tag));
    await sleep(1_000);
    const inboxB = exactlyOnceInOrder('inbox socket on B (visitor messages)', visitorSent, agentB.received(`${tag}-v`)).count;
    const pageAgent = exactlyOnceInOrder('page on A (agent messages)', agentSent, await shownAll(page, `${tag}-a`)).count;
    exactlyOnceInOrder('page on A (visitor messages)', visitorSent, await shownAll(page, `${tag}-v`));
    const stored = await agentB.stored(tag);
    const byAuthor = (author: string) => stored.filter((m: WireMessage) => m.author === author);
    assert.equal(new Set(stored.map((m) => m.conversation_id)).size, 1);
    exactlyOnceInOrder('database (visitor)', visitorSent, byAuthor('visitor').map((m) => m.body));
    exactlyOnceInOrder('database (agent)', agentSent, byAuthor('agent').map((m) => m.body));
    const listening = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`);
    assert.equal(listening[0]!.n, 2, 'both instances LISTEN again');
    t.diagnostic(`case 9b (LISTEN killed 3 times, ${killed.join('+')} backends): visitor sent 16, stored ${byAuthor('visitor').length}, inbox on B ${inboxB}; agent sent 15, stored ${byAuthor('agent').length}, page on A ${pageAgent}; lost 0, duplicated 0`);
  } finally {
    agentB.close();
    await context.close();
    await b.stop();
  }
});

test('10. database away: 503 with Retry-After and error frames naming each client id; when it returns, the stranded messages land in order without a reconnect', async (t) => {
  const context = await w.browser.newContext();
  const page = await openVisitor(context, w.site);
  const tag = 'away';
  const sent = bodies(tag, 12);
  try {
    await send(page, sent.slice(0, 2));
    await until(async () => (await shownSent(page, tag)).length === 2, 'first 2 acked', 30_000);
    const halted = Date.now();
    await postgres.halt();
    for (const b of sent.slice(2)) {
      await send(page, [b]);
      await sleep(100);
    }
    // REST answers 503 with Retry-After.
    const res = await fetch(`${w.server.url}/api/v1/apps/${APP_ID}/sessions`, { method: 'POST', headers: { origin: w.site.origin } });
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After');
    assert.equal(((await res.json()) as { code: string }).code, 'CONVOT_ERR_UNAVAILABLE');
    // Every stranded message was answered with an error frame naming its client id.
    const clientIds = await page.evaluate((app) => Object.keys(localStorage).filter((k) => k.startsWith(`convot:${app}:outbox:`)).map((k) => k.slice(`convot:${app}:outbox:`.length)), APP_ID);
    assert.equal(clientIds.length, 10, '10 waiting in the outbox');
    await until(() => clientIds.every((id) => errorFrames(halted).some((e) => e.client_id === id)), 'an error frame for each stranded message', 30_000, () => errorFrames(halted));
    assert.deepEqual([...new Set(errorFrames(halted).map((e) => e.code))], ['CONVOT_ERR_UNAVAILABLE']);
    await sleep(8_000);
    assert.equal((await shownSent(page, tag)).length, 2, 'nothing stored while the database is away');
    const upgradesBefore = w.proxy.count('upgrade', halted);
    await postgres.resume();
    const resumed = Date.now();
    await until(async () => (await shownSent(page, tag)).length >= 12, 'the stranded messages acked', 90_000, () => shownAll(page, tag));
    const landedS = (Date.now() - resumed) / 1000;
    assert.equal(w.proxy.count('upgrade', halted), 0, 'the socket stayed up: no reconnect');
    assert.equal(upgradesBefore, 0);
    await sleep(500);
    const stored = await w.agent.stored(tag);
    storedInOrder(sent, stored);
    const shown = exactlyOnceInOrder('page', sent, await shownAll(page, tag)).count;
    const inbox = exactlyOnceInOrder('inbox socket', sent, w.agent.received(tag)).count;
    t.diagnostic(`case 10: sent 12 (10 while the database was away ${((resumed - halted) / 1000).toFixed(1)} s), stored ${stored.length}, page ${shown}, inbox ${inbox}, lost 0, duplicated 0; ${errorFrames(halted).length} UNAVAILABLE error frames, all with client_id; landed ${landedS.toFixed(1)} s after the database returned, on the same socket`);
  } finally {
    await context.close();
  }
});

test('10b. two tabs, database away: messages one tab could not store land before a message the other tab sends once it is back', async (t) => {
  const context = await w.browser.newContext();
  const tabA = await openVisitor(context, w.site);
  const tabB = await openVisitor(context, w.site);
  const tag = 'awaytabs';
  const sent = bodies(tag, 5);
  try {
    await send(tabA, sent.slice(0, 1));
    await until(async () => (await shownSent(tabB, tag)).length === 1, 'the first message on both tabs', 30_000);
    const halted = Date.now();
    await postgres.halt();
    for (const b of sent.slice(1, 3)) {
      await send(tabA, [b]);
      await sleep(100);
    }
    await until(() => errorFrames(halted).length >= 2, 'tab A refused', 30_000);
    await postgres.resume();
    // Tab A waits for its resend timer; tab B sends right away.
    await send(tabB, sent.slice(3));
    await until(async () => (await shownSent(tabA, tag)).length >= 5 && (await shownSent(tabB, tag)).length >= 5, 'all on both tabs', 60_000, async () => [await shownAll(tabA, tag), await shownAll(tabB, tag)]);
    await sleep(500);
    const stored = await w.agent.stored(tag);
    storedInOrder(sent, stored);
    exactlyOnceInOrder('tab A', sent, await shownAll(tabA, tag));
    exactlyOnceInOrder('tab B', sent, await shownAll(tabB, tag));
    const inbox = exactlyOnceInOrder('inbox socket', sent, w.agent.received(tag)).count;
    t.diagnostic(`case 10b: sent 5 (2 refused in tab A, 2 more from tab B after the database returned), stored ${stored.length}, both tabs 5, inbox ${inbox}, lost 0, duplicated 0, in order`);
  } finally {
    await context.close();
  }
});
