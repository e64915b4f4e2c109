/**
 * `npm run bench:launcher`: how long until the launcher is painted, against a plain-DOM button
 * on the same kind of page, in one interleaved run (machines here are noisy: compare within a
 * run, never across runs). Real Chromium, real built server, cold cache each time, CPU
 * throttled (default 4x). Prints numbers; asserts nothing.
 *
 *   npm run build && npm run bench:launcher -- [--runs 15] [--throttle 4]
 */
import { parseArgs } from 'node:util';
import { launchBrowser, reserveHostOrigin, snippetPage, startConvot, startHostSite } from '../test/e2e/harness.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, throttle: { type: 'string', default: '4' } } });
const RUNS = Number(values.runs);
const THROTTLE = Number(values.throttle);

/** The reference: the same page with a fixed button made by a plain script, nothing else. */
const plainPage = (nonce: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host</title>
<style nonce="${nonce}">#plain-launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#2563eb}</style>
<script nonce="${nonce}" type="module">
  const b = document.createElement('button');
  b.id = 'plain-launcher';
  b.setAttribute('aria-label', 'Open chat');
  document.body.appendChild(b);
</script>
</head><body><main><h1>A shop on another origin</h1></main></body></html>`;

/** Records when a launcher first exists with a size, at the frame after (when it is painted). */
const probe = `(() => {
  const find = () => document.getElementById('plain-launcher') ?? document.querySelector('convot-widget')?.shadowRoot?.querySelector('.launcher');
  const tick = () => {
    const el = find();
    if (el && el.getBoundingClientRect().width > 0) requestAnimationFrame(() => (window.__launcherPainted = performance.now()));
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

const host = await reserveHostOrigin();
const convot = await startConvot({ allowedOrigins: [host.origin] });
const site = await startHostSite(host.port, convot.url, { '/snippet': snippetPage(convot.url), '/plain': plainPage });
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

const results: Record<string, number[]> = { plain: [], snippet: [] };
await measure('/snippet'); // warm the server's file cache and the browser process
await measure('/plain');
for (let i = 0; i < RUNS; i++) {
  results.plain!.push(await measure('/plain'));
  results.snippet!.push(await measure('/snippet'));
}
await browser.close();
await site.close();
await convot.stop();

const pct = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(p * list.length))]!;
console.log(`launcher painted after navigation start, ${RUNS} interleaved cold loads each, CPU throttle ${THROTTLE}x`);
console.log('page            p50 ms   p90 ms');
for (const [name, list] of Object.entries(results)) console.log(`${name.padEnd(14)}${pct(list, 0.5).toFixed(0).padStart(8)}${pct(list, 0.9).toFixed(0).padStart(9)}`);
const ratio = pct(results.snippet!, 0.5) / pct(results.plain!, 0.5);
console.log(`snippet / plain (p50): ${ratio.toFixed(2)}x  (${((ratio - 1) * 100).toFixed(0)} % slower)`);
