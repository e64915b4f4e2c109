/**
 * `npm run bench:launcher`: how long until the launcher is painted, against plain-DOM buttons
 * on the same kind of page, in one interleaved run (machines here are noisy: compare within a
 * run, never across runs). Real Chromium, real built server, cold cache each time, CPU
 * throttled (default 4x). Prints numbers; asserts nothing.
 *
 *   npm run build && npm run bench:launcher -- [--runs 15] [--throttle 4]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { launchBrowser, reserveHostOrigin, snippetPage, startConvot } from '../test/e2e/harness.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, throttle: { type: 'string', default: '4' } } });
const RUNS = Number(values.runs);
const THROTTLE = Number(values.throttle);

/** A fixed button made with plain DOM calls: the least any launcher can cost. */
const PLAIN_SCRIPT = `(() => {
  const draw = () => {
    const b = document.createElement('button');
    b.id = 'plain-launcher';
    b.setAttribute('aria-label', 'Open chat');
    b.style.cssText = 'position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#2563eb';
    document.body.appendChild(b);
  };
  if (document.body) draw(); else document.addEventListener('DOMContentLoaded', draw);
})();`;

/**
 * The references, on the same page as the snippet: the plain button drawn by an inline script
 * (no request at all), and by an async script from another origin (the one request any
 * third-party launcher needs, as the snippet's loader is).
 */
const plainPage = (nonce: string, script: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host</title>
${script.replaceAll('NONCE', nonce)}
</head><body><main><h1>A shop on another origin</h1></main></body></html>`;

/**
 * Records when a launcher is first painted: the first frame in which it exists with a size
 * renders it, and a message posted from that frame's animation callback runs once the frame's
 * rendering is done. (The next frame's callback, measured before, also counted whatever the
 * page ran after the paint, such as the widget's own module.)
 */
const probe = `(() => {
  const find = () => document.getElementById('plain-launcher') ?? document.querySelector('convot-widget')?.shadowRoot?.querySelector('.launcher');
  const tick = () => {
    const el = find();
    if (!el || el.getBoundingClientRect().width === 0) return void requestAnimationFrame(tick);
    const after = new MessageChannel();
    after.port1.onmessage = () => (window.__launcherPainted = performance.now());
    after.port2.postMessage(0);
  };
  requestAnimationFrame(tick);
})();`;

const host = await reserveHostOrigin();
const convot = await startConvot({ allowedOrigins: [host.origin] });
const scriptHost = await reserveHostOrigin(); // another origin, like the Convot server
const pages: Record<string, (nonce: string) => string> = {
  '/snippet': snippetPage(convot.url),
  '/plain-inline': (nonce) => plainPage(nonce, `<script nonce="NONCE">${PLAIN_SCRIPT}</script>`),
  '/plain-async': (nonce) => plainPage(nonce, `<script async src="http://127.0.0.1:${scriptHost.port}/plain.js"></script>`),
};
const servers = [
  createServer((req, res) => {
    const page = pages[(req.url ?? '/').split('?')[0]!];
    if (!page) return void res.writeHead(404).end();
    const nonce = Math.random().toString(36).slice(2);
    const csp = `default-src 'none'; script-src 'nonce-${nonce}' ${convot.url} http://127.0.0.1:${scriptHost.port}; connect-src ${convot.url} ${convot.url.replace('http', 'ws')}; style-src 'nonce-${nonce}' 'unsafe-inline'; base-uri 'none'`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(page(nonce));
  }).listen(host.port, '127.0.0.1'),
  createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(PLAIN_SCRIPT)).listen(scriptHost.port, '127.0.0.1'),
];
const site = { origin: host.origin, close: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))) };
const browser = await launchBrowser();

async function measure(path: string): Promise<number> {
  const context = await browser.newContext(); // cold cache every time
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  await page.addInitScript(probe);
  await page.goto(`${site.origin}${path}`);
  const ms = (await page.waitForFunction(() => (window as unknown as { __launcherPainted?: number }).__launcherPainted, undefined, { timeout: 30_000 })).jsonValue();
  await context.close();
  return ms as Promise<number>;
}

const results: Record<string, number[]> = { 'plain-inline': [], 'plain-async': [], snippet: [] };
for (const path of Object.keys(pages)) await measure(path); // warm the servers and the browser process
for (let i = 0; i < RUNS; i++) for (const name of Object.keys(results)) results[name]!.push(await measure(`/${name}`));
await browser.close();
await site.close();
await convot.stop();

const pct = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(p * list.length))]!;
console.log(`launcher painted after navigation start, ${RUNS} interleaved cold loads each, CPU throttle ${THROTTLE}x`);
console.log('page            p50 ms   p90 ms');
for (const [name, list] of Object.entries(results)) console.log(`${name.padEnd(14)}${pct(list, 0.5).toFixed(0).padStart(8)}${pct(list, 0.9).toFixed(0).padStart(9)}`);
for (const ref of ['plain-inline', 'plain-async']) {
  const ratio = pct(results.snippet!, 0.5) / pct(results[ref]!, 0.5);
  console.log(`snippet / ${ref} (p50): ${ratio.toFixed(2)}x  (${((ratio - 1) * 100).toFixed(0)} % slower)`);
}
