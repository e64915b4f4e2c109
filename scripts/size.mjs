#!/usr/bin/env node
// Size budgets, in gzip bytes (deterministic, so CI checks them). Measures the snippet loader
// alone, and everything a first open of the chat loads: the loader plus every module reachable
// from dist/embed.js, including the lazily imported chat panel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGETS = { loader: 3 * 1024, firstOpen: 35 * 1024 };
const gz = (file) => gzipSync(readFileSync(join('dist', file)), { level: 9 }).length;

/** Files reachable from an entry through static and dynamic relative imports. */
function reachable(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join('dist', file), 'utf8');
    for (const m of code.matchAll(/(?:from\s*|import\s*\(?\s*)["']\.\/([\w.-]+\.js)["']/g)) visit(m[1]);
  };
  visit(entry);
  return [...seen];
}

const loader = gz('widget-loader.js');
const files = reachable('embed.js');
const firstOpen = loader + files.reduce((sum, f) => sum + gz(f), 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

console.log('size: gzip -9 bytes');
console.log(`  widget-loader.js          ${String(loader).padStart(7)}  (${kb(loader)} of ${kb(BUDGETS.loader)} budget)`);
for (const f of files) console.log(`  ${f.padEnd(26)}${String(gz(f)).padStart(7)}`);
console.log(`  first open, all included  ${String(firstOpen).padStart(7)}  (${kb(firstOpen)} of ${kb(BUDGETS.firstOpen)} budget)`);

let failed = false;
if (loader > BUDGETS.loader) {
  console.error(`size: widget-loader.js is ${loader} bytes gzip, over its ${BUDGETS.loader} byte budget`);
  failed = true;
}
if (firstOpen > BUDGETS.firstOpen) {
  console.error(`size: the first open loads ${firstOpen} bytes gzip, over its ${BUDGETS.firstOpen} byte budget`);
  failed = true;
}
process.exit(failed ? 1 : 0);
