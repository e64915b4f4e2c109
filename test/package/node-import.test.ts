/**
 * Every entry of the npm package imports in plain Node without a DOM (server-side rendering, a
 * test runner, a framework's server build) without throwing, and registers no element there.
 * Runs against the built package (`npm run build` writes dist/npm/), resolving each entry by the
 * package's own name through its "exports", exactly as a consumer's import would. Each entry is
 * imported in a fresh `node` process with no loader, so nothing from this test leaks into it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; exports: Record<string, unknown> };
const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8')) as { modules: { declarations?: { tagName?: string }[] }[] };

/** Every tag Convot can define: the manifest's, plus the ones the defines/ files name. */
const TAGS = [
  ...new Set([
    ...manifest.modules.flatMap((m) => (m.declarations ?? []).map((d) => d.tagName).filter((t): t is string => !!t)),
    'convot-widget',
    'convot-chat-panel',
    'convot-inline',
  ]),
];

/** The JavaScript entries: "." and "./x.js", as specifiers a consumer writes. */
const ENTRIES = Object.keys(pkg.exports)
  .filter((key) => !key.endsWith('.json'))
  .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));

interface Probe {
  ok: boolean;
  error?: string;
  resolved: string;
  exports: string[];
  hasDocument: boolean;
  hasWindow: boolean;
  hasCustomElements: boolean;
  registered: string[];
  newGlobals: string[];
}

/** Imports `specifier` in a fresh Node process and reports what it did to the global scope. */
async function probe(specifier: string, extra = ''): Promise<Probe> {
  const script = `
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    const report = { ok: true, resolved: import.meta.resolve(${JSON.stringify(specifier)}), exports: [] };
    try {
      const mod = await import(${JSON.stringify(specifier)});
      report.exports = Object.keys(mod).sort();
      ${extra}
    } catch (e) {
      report.ok = false;
      report.error = String(e && e.stack || e);
    }
    report.hasDocument = typeof document !== 'undefined';
    report.hasWindow = typeof window !== 'undefined';
    report.hasCustomElements = typeof customElements !== 'undefined';
    report.registered = report.hasCustomElements ? ${JSON.stringify(TAGS)}.filter((t) => customElements.get(t) !== undefined) : [];
    report.newGlobals = Object.getOwnPropertyNames(globalThis).filter((n) => !before.has(n)).sort();
    process.stdout.write(JSON.stringify(report));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], { cwd: process.cwd(), env: { ...process.env, NODE_OPTIONS: '' } });
  return JSON.parse(stdout) as Probe;
}

/** What importing Lit alone adds to globalThis in Node (its stand-in registry and version marks). */
const litGlobals = probe('lit').then((p) => {
  assert.ok(p.ok, p.error);
  return new Set(p.newGlobals);
});

test('the package has JavaScript entries to check', () => {
  assert.ok(ENTRIES.length >= 4, `entries: ${ENTRIES.join(', ')}`);
  for (const entry of ['convot', 'convot/convot.js', 'convot/convot-widget.js', 'convot/convot-inline.js']) {
    assert.ok(ENTRIES.includes(entry), `package.json "exports" has ${entry}`);
  }
});

for (const entry of ENTRIES) {
  test(`import '${entry}' in Node without a DOM: no throw, no element registered, no globals of its own`, async () => {
    const p = await probe(entry);
    assert.ok(p.ok, `importing ${entry} threw:\n${p.error}`);
    assert.match(p.resolved, /\/dist\/npm\//, `${entry} resolves into the built package (dist/npm), got ${p.resolved}`);
    assert.equal(p.hasDocument, false, 'no document afterwards');
    assert.equal(p.hasWindow, false, 'no window afterwards');
    assert.deepEqual(p.registered, [], `${entry} registered elements in Node`);
    const lit = await litGlobals;
    assert.deepEqual(
      p.newGlobals.filter((n) => !lit.has(n)),
      [],
      `${entry} added globals beyond Lit's own (${[...lit].join(', ')})`,
    );
  });
}

test("'convot' exports the element classes and defineOnce, which is a no-op without a DOM", async () => {
  const p = await probe(
    pkg.name,
    `report.defineOnce = typeof mod.defineOnce;
     mod.defineOnce('convot-node-probe', class extends mod.ConvotWidget {});`,
  );
  assert.ok(p.ok, p.error);
  for (const name of ['ConvotWidget', 'ConvotChatPanel', 'defineOnce', 'protocol']) assert.ok(p.exports.includes(name), `exports ${name}`);
  assert.deepEqual(p.registered, []);
});

test('every Convot element is defined when a DOM exists (the no-op is only for DOM-less imports)', async () => {
  // A stand-in document (set after Lit has loaded, which reads document at import) is enough for
  // defineOnce to register into Lit's Node registry: the entries do call defineOnce, so the
  // tests above do not pass vacuously.
  const withDom = await run(
    process.execPath,
    [
      '--input-type=module',
      '--eval',
      `await import('lit');
       globalThis.document = {};
       await import(${JSON.stringify(`${pkg.name}/convot.js`)});
       process.stdout.write(JSON.stringify(${JSON.stringify(TAGS)}.filter((t) => customElements.get(t) !== undefined)));`,
    ],
    { env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const registered = JSON.parse(withDom.stdout) as string[];
  for (const tag of ['convot-widget', 'convot-chat-panel', 'convot-inline']) assert.ok(registered.includes(tag), `convot.js defines <${tag}> when a document exists`);
});
