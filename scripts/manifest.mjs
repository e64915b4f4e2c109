#!/usr/bin/env node
// Writes custom-elements.json from the element sources; `--check` fails when the committed
// manifest differs from a fresh analysis (CI uses it so the manifest never goes stale).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const out = 'node_modules/.cache/convot-cem'; // custom-elements-manifest.config.mjs writes here
const r = spawnSync('npx', ['cem', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) process.exit(r.status ?? 1);
const manifest = JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8'));
// The analyzer lists modules in the order the file system returns them, which differs between
// checkouts; sorted by path, the manifest is the same everywhere.
manifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
const fresh = JSON.stringify(manifest, null, 2) + '\n';
if (check) {
  let committed = '';
  try {
    committed = readFileSync('custom-elements.json', 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (committed !== fresh) {
    console.error('custom-elements.json is stale: run `npm run build` and commit it.');
    process.exit(1);
  }
  console.log('custom-elements.json is up to date.');
} else {
  writeFileSync('custom-elements.json', fresh);
}
