/**
 * The load bench's server process: the real Convot server (PGlite in memory, or PostgreSQL at
 * the URL given) with its statements counted, or the raw `ws` reference. Reports its port over
 * IPC, then answers `stats` (statements so far, by text, RSS and JS heap after a GC, CPU ms used) and `stop`.
 *   node --expose-gc --import tsx bench/load-server.ts convot <pglite|postgres://…> <config.json>
 *   node --expose-gc --import tsx bench/load-server.ts raw
 * (bench/load.ts runs it bundled with esbuild, as the server ships, rather than under tsx.)
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { buildApp } from '../server/app.js';
import { loadConfigFile } from '../server/config.js';
import { openPglite } from '../server/storage/pglite.js';
import { openPostgres } from '../server/storage/postgres.js';
import { countStatements } from '../server/storage/statement-count.js';

const [kind, store, configFile] = process.argv.slice(2);
const send = (m: unknown) => process.send!(m);
let statements = () => 0;
let byText = (): Record<string, number> => ({});
let stop: () => Promise<void>;

if (kind === 'convot') {
  const db = countStatements(store === 'pglite' ? await openPglite() : await openPostgres(store!));
  const app = await buildApp({ db, config: await loadConfigFile(configFile!), root: process.cwd() });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  statements = () => db.statements;
  byText = () => Object.fromEntries(db.byText);
  stop = async () => {
    await app.close();
    await db.close();
  };
  send({ port: Number(new URL(url).port) });
} else {
  // The physical reference: a visitor frame is acked to its sender and forwarded to every agent.
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const agents = new Set<WebSocket>();
  wss.on('connection', (ws, req) => {
    if (req.url === '/agent') {
      agents.add(ws);
      ws.on('close', () => agents.delete(ws));
      return;
    }
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { client_id: string; body: string };
      ws.send(JSON.stringify({ type: 'ack', client_id: f.client_id }));
      const out = JSON.stringify({ type: 'message', message: { client_id: f.client_id, body: f.body } });
      for (const a of agents) a.send(out);
    });
  });
  await new Promise((r) => wss.once('listening', r));
  stop = () => new Promise((r) => wss.close(() => r()));
  send({ port: (wss.address() as { port: number }).port });
}

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stats') {
    globalThis.gc?.();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    const { user, system } = process.cpuUsage();
    send({ statements: statements(), byText: byText(), rss, heap: heapUsed + external + arrayBuffers, cpu: (user + system) / 1000 });
  } else if (m.cmd === 'stop') {
    void stop().finally(() => process.exit(0));
  }
});
