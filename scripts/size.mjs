#!/usr/bin/env node
// Size budgets, in gzip bytes (deterministic, so CI checks them). Measures the snippet loader
// alone, and everything a first open of the chat loads: the loader plus every module reachable
// from dist/embed.js, including the lazily imported chat panel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

// The first open grew from 35 to 38 KB in round three for what every chat needs from the first
// message on: typing and Seen, grouped threads with date dividers (0.8 KB), one socket per
// browser shared by its tabs (1.1 KB), and the settings, events, clear() and consent hooks of the
// HubSpot-parity work (1.4 KB). Then 39 KB for chat flows (0.7 KB): which flow a page gets must
// be known before the launcher shows (on a page no flow matches, it does not), and a flow's
// first bot step shows with the panel; its quick replies are a chunk of their own ("bot").
// Rare features stay in the lazy chunks below.
// The earlier-conversations list (4 KB) carries its strings in every locale, like the chat extras.
const BUDGETS = { loader: 3 * 1024, firstOpen: 39 * 1024, help: 12 * 1024, book: 12 * 1024, extras: 4 * 1024, markdown: 3 * 1024, settings: 2 * 1024, consent: 2 * 1024, 'new conversation': 1024, compat: 4 * 1024, files: 5 * 1024, bot: 2 * 1024, threads: 4 * 1024 };
/**
 * Chunks loaded only when the visitor opens another tab, or when the chat shows something rare
 * (an article or booking card, the nobody-online email ask, attachments, the earlier conversations): not part of the chat's first open.
 */
const LATER_TABS = /^(convot-(help-panel|booking-flow|chat-extras|chat-files|chat-bot|consent-ask|inline|threads)|threads|chat-markdown|settings|new-conversation)-/;
const gz = (file) => gzipSync(readFileSync(join('dist', file)), { level: 9 }).length;

/** Files reachable from an entry through relative imports (static only, or dynamic too). */
function reachable(entry, { dynamic = true, skip = null } = {}) {
  const pattern = dynamic ? /(?:from\s*|import\s*\(?\s*)["']\.\/([\w.-]+\.js)["']/g : /(?:from\s*|import\s*)["']\.\/([\w.-]+\.js)["']/g;
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || (skip && file !== entry && skip.test(file))) return;
    seen.add(file);
    const code = readFileSync(join('dist', file), 'utf8');
    for (const m of code.matchAll(pattern)) visit(m[1]);
  };
  visit(entry);
  return [...seen];
}

const loader = gz('widget-loader.js');
// A page loads one locale's strings at most: count the largest, not all of them.
const { locales } = JSON.parse(readFileSync(join('dist', 'preload.json'), 'utf8'));
const localeFiles = new Set(Object.values(locales).flat());
const largestLocale = Object.values(locales).sort((a, b) => b.reduce((n, f) => n + gz(f), 0) - a.reduce((n, f) => n + gz(f), 0))[0] ?? [];
const files = reachable('embed.js', { skip: LATER_TABS }).filter((f) => !localeFiles.has(f) || largestLocale.includes(f));
// What paints the launcher: the static graph of embed.js. The panel must not be in it.
const launcherPath = reachable('embed.js', { dynamic: false });
const launcherBytes = loader + launcherPath.reduce((sum, f) => sum + gz(f), 0);
const firstOpen = loader + files.reduce((sum, f) => sum + gz(f), 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

console.log('size: gzip -9 bytes');
console.log(`  widget-loader.js          ${String(loader).padStart(7)}  (${kb(loader)} of ${kb(BUDGETS.loader)} budget)`);
for (const f of files) console.log(`  ${f.padEnd(26)}${String(gz(f)).padStart(7)}`);
console.log(`  first open, all included  ${String(firstOpen).padStart(7)}  (${kb(firstOpen)} of ${kb(BUDGETS.firstOpen)} budget)`);
console.log(`  launcher (no panel code)  ${String(launcherBytes).padStart(7)}  (${kb(launcherBytes)})`);

let failed = false;
// The Help and Book tabs: each chunk and what it needs beyond the chat's first open.
// Also what only pages with settings load (window.Convot.settings; the consent prompt of a cookie banner).
for (const [tab, prefix] of [['help', 'convot-help-panel'], ['book', 'convot-booking-flow'], ['extras', 'convot-chat-extras'], ['settings', 'settings-'], ['consent', 'convot-consent-ask'], ['new conversation', 'new-conversation'], ['markdown', 'chat-markdown'], ['files', 'convot-chat-files'], ['bot', 'convot-chat-bot'], ['threads', 'convot-threads']]) {
  const entry = reachable('embed.js').find((f) => f.startsWith(prefix));
  const extra = entry ? reachable(entry, { dynamic: false }).filter((f) => !files.includes(f) && !localeFiles.has(f)) : [];
  const bytes = extra.reduce((sum, f) => sum + gz(f), 0);
  console.log(`  ${`${tab}, on first use`.padEnd(25)} ${String(bytes).padStart(7)}  (${kb(bytes)} of ${kb(BUDGETS[tab])} budget: ${extra.join(', ')})`);
  if (!entry) {
    console.error(`size: no ${prefix} chunk found (it must be a dynamic import of its own)`);
    failed = true;
  } else if (files.includes(entry)) {
    console.error(`size: the ${tab} tab is in the chat's first open`);
    failed = true;
  }
  if (bytes > BUDGETS[tab]) {
    console.error(`size: the ${tab} tab loads ${bytes} bytes gzip, over its ${BUDGETS[tab]} byte budget`);
    failed = true;
  }
}
const panelInLauncherPath = launcherPath.filter((f) => f.startsWith('convot-chat-panel'));
if (panelInLauncherPath.length) {
  console.error(`size: the launcher path statically imports the chat panel (${panelInLauncherPath.join(', ')}); it must load lazily`);
  failed = true;
}
if (loader > BUDGETS.loader) {
  console.error(`size: widget-loader.js is ${loader} bytes gzip, over its ${BUDGETS.loader} byte budget`);
  failed = true;
}
if (firstOpen > BUDGETS.firstOpen) {
  console.error(`size: the first open loads ${firstOpen} bytes gzip, over its ${BUDGETS.firstOpen} byte budget`);
  failed = true;
}
// The HubSpot drop-in: its classic script plus what its module adds to the widget's first open.
const compatFiles = reachable('compat-hubspot-api.js', { skip: LATER_TABS }).filter((f) => !files.includes(f) && !localeFiles.has(f));
const compat = gz('compat-hubspot.js') + compatFiles.reduce((sum, f) => sum + gz(f), 0);
console.log(`  ${'HubSpot drop-in, beyond'.padEnd(25)} ${String(compat).padStart(7)}  (${kb(compat)} of ${kb(BUDGETS.compat)} budget: compat-hubspot.js, ${compatFiles.join(', ')})`);
if (compat > BUDGETS.compat) {
  console.error(`size: the HubSpot drop-in adds ${compat} bytes gzip, over its ${BUDGETS.compat} byte budget`);
  failed = true;
}
process.exit(failed ? 1 : 0);
