#!/usr/bin/env node
// `npm test`: every check, in order, then one total line `N passed, N failed` for all test
// suites together (CI reads it). Stops early only when a step's failure makes the rest moot.
import { spawn } from 'node:child_process';
import { ensureChromium } from './chromium.mjs';
import { ensurePostgres } from './postgres.mjs';

const steps = [
  { name: 'manifest', cmd: ['node', 'scripts/manifest.mjs', '--check'] },
  { name: 'typecheck', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'lint', cmd: ['npx', 'eslint', '.'] },
  { name: 'build', cmd: ['node', 'scripts/build.mjs'], required: true },
  { name: 'size', cmd: ['node', 'scripts/size.mjs'] },
  // The npm package as a site gets it: entries import in Node, no server dependencies, sideEffects.
  { name: 'package tests', cmd: ['sh', '-c', 'node --import tsx --test --test-reporter=spec test/package/*.test.ts'], suite: 'node' },
  { name: 'browser tests', cmd: ['npx', 'web-test-runner'], suite: 'wtr' },
  { name: 'server tests (PGlite)', cmd: ['sh', '-c', 'node --import tsx --test --test-reporter=spec test/server/*.test.ts'], suite: 'node' },
  {
    name: 'server tests (PostgreSQL)',
    cmd: ['sh', '-c', 'node scripts/with-postgres.mjs sh -c "node --import tsx --test --test-reporter=spec test/server/*.test.ts test/postgres/*.test.ts"'],
    suite: 'node',
  },
  { name: 'end-to-end tests', cmd: ['sh', '-c', 'node --import tsx --test --test-reporter=spec --test-concurrency=1 test/e2e/*.test.ts'], suite: 'node' },
  // The built widget in Chromium and the built server behind a fault-injecting proxy (issue 15):
  // cuts, black holes, reloads, tabs, a frozen tab, SIGKILL, PostgreSQL restarts (it starts its
  // own PostgreSQL) and a 10-minute disconnect, so about 20 minutes.
  { name: 'fault tests', cmd: ['sh', '-c', 'node --import tsx --test --test-reporter=spec --test-concurrency=1 test/fault/*.test.ts'], suite: 'node' },
];

function run(cmd) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let out = '';
    const tee = (stream) => (d) => {
      out += d.toString();
      stream.write(d);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** Test counts from a runner's own summary. */
function counts(kind, out) {
  if (kind === 'wtr') {
    const all = [...out.matchAll(/(\d+) passed, (\d+) failed/g)];
    const last = all.at(-1);
    return last ? { passed: Number(last[1]), failed: Number(last[2]) } : null;
  }
  const pass = out.match(/^\s*(?:#|ℹ) pass (\d+)/m);
  const fail = out.match(/^\s*(?:#|ℹ) fail (\d+)/m);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : null;
}

process.env.CHROMIUM_PATH ??= ensureChromium();
ensurePostgres();
let passed = 0;
let failed = 0;
const results = [];
for (const step of steps) {
  const t0 = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const { code, out } = await run(step.cmd);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  let note = code === 0 ? 'ok' : `FAILED (exit ${code})`;
  if (step.suite) {
    const c = counts(step.suite, out);
    if (c) {
      passed += c.passed;
      failed += c.failed;
      note += `: ${c.passed} passed, ${c.failed} failed`;
    } else if (code !== 0) {
      failed += 1; // the suite did not even report: count it as one failure
    }
  }
  results.push({ name: step.name, ok: code === 0, note, secs });
  if (code !== 0 && step.required) break;
}

console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? '✔' : '✘'} ${r.name.padEnd(18)} ${r.note} (${r.secs} s)`);
const allOk = results.length === steps.length && results.every((r) => r.ok);
console.log(`${passed} passed, ${failed} failed`);
process.exit(allOk && failed === 0 ? 0 : 1);
