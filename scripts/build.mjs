#!/usr/bin/env node
// `npm run build`: browser bundles (rollup: the self-contained dist/ the server serves, and the
// npm package's modules in dist/npm/), brotli and gzip copies of what the server serves
// (scripts/compress.mjs), the server (esbuild, dependencies external, into the @convot/server
// workspace's server/dist/), the npm package's type declarations (tsc, into dist/npm/) and the
// custom elements manifest (cem). Prints each step's time.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const steps = [
  ['browser bundles', 'npx', ['rollup', '-c', '--silent']],
  ['precompressed files (br, gz)', 'node', ['scripts/compress.mjs']],
  ['server', 'npx', ['esbuild', 'server/cli.ts', '--bundle', '--platform=node', '--target=node20', '--format=esm', '--packages=external', '--log-level=warning', '--outfile=server/dist/cli.js']],
  ['type declarations', 'npx', ['tsc', '-p', 'tsconfig.build.json']],
  ['custom-elements.json', 'node', ['scripts/manifest.mjs']],
];

rmSync('dist', { recursive: true, force: true });
rmSync('server/dist', { recursive: true, force: true });
for (const [name, cmd, args] of steps) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${name} failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`build: ${name} (${Date.now() - t0} ms)`);
}
