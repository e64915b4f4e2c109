/**
 * What `npm install convot` gives a site: the widget library and Lit, never the server. Checks
 * the root package.json against the built dist/npm/ (run `npm run build` first) and against
 * what `npm pack` would publish, and that a bundler honouring "sideEffects" keeps every element
 * registration of `convot/convot.js` and drops everything of ours for a bare `import 'convot'`.
 */
import nodeResolve from '@rollup/plugin-node-resolve';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { rollup } from 'rollup';

const run = promisify(execFile);
type Deps = Record<string, string>;
interface Pkg {
  name: string;
  private?: boolean;
  bin?: Record<string, string>;
  workspaces?: string[];
  exports: Record<string, string | { types?: string; default: string }>;
  sideEffects: string[] | boolean;
  files: string[];
  dependencies?: Deps;
  peerDependencies?: Deps;
  optionalDependencies?: Deps;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Pkg;
const serverPkg = JSON.parse(readFileSync('server/package.json', 'utf8')) as Pkg;

/** Packages only the server needs: they must never reach a site's node_modules through convot. */
const SERVER_PACKAGES = [...new Set([...Object.keys(serverPkg.dependencies ?? {}), 'fastify', '@fastify/static', '@fastify/websocket', 'pg', '@electric-sql/pglite', 'jose', 'ws'])];
const installed = (p: Pkg): string[] => Object.keys({ ...p.dependencies, ...p.peerDependencies, ...p.optionalDependencies });

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
const npmJs = existsSync('dist/npm') ? walk('dist/npm').filter((f) => f.endsWith('.js')) : [];
/** The package a bare specifier names: `lit/decorators.js` → lit, `@a/b/c` → @a/b. */
const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

test('the package is built (npm run build writes dist/npm/)', () => {
  assert.ok(npmJs.length > 0, 'dist/npm/ has no modules: run `npm run build` first');
});

test('root dependencies are browser packages only; the server packages live in the @convot/server workspace', () => {
  const leaked = installed(pkg).filter((d) => SERVER_PACKAGES.includes(d));
  assert.deepEqual(leaked, [], `root package.json installs server packages for every site: ${leaked.join(', ')}`);
  assert.ok(pkg.workspaces?.includes('server'), 'root package.json declares the server workspace');
  assert.equal(serverPkg.name, '@convot/server');
  assert.equal(serverPkg.private, true);
  for (const dep of ['fastify', '@fastify/static', '@fastify/websocket', 'pg', '@electric-sql/pglite', 'jose']) {
    assert.ok(serverPkg.dependencies?.[dep], `server/package.json depends on ${dep}`);
  }
  assert.equal(serverPkg.bin?.convot, 'bin/convot.mjs', 'the convot command belongs to the server package');
  assert.equal(pkg.bin, undefined, 'the library has no bin: its published files hold no server');
});

test('every "exports" entry and its type declarations exist', () => {
  for (const [key, target] of Object.entries(pkg.exports)) {
    const paths = typeof target === 'string' ? [target] : [target.default, target.types];
    if (key !== '.' && !key.endsWith('.json') && typeof target !== 'string') assert.ok(target.types, `${key} names its types`);
    for (const p of paths) if (p) assert.ok(existsSync(p), `${key} → ${p} is missing`);
  }
});

test('npm pack ships the library only: dist/npm/ and the manifest, no server, no self-contained bundle', async () => {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { maxBuffer: 16 * 1024 * 1024 });
  const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  const stray = files.filter((f) => !f.startsWith('dist/npm/') && !['package.json', 'README.md', 'LICENSE', 'custom-elements.json'].includes(f));
  assert.deepEqual(stray, [], 'files outside dist/npm/ would be published');
  for (const [key, target] of Object.entries(pkg.exports)) {
    for (const p of typeof target === 'string' ? [target] : [target.default, target.types]) {
      if (p && !p.endsWith('package.json')) assert.ok(files.includes(p.replace(/^\.\//, '')), `${key}: ${p} is not published`);
    }
  }
});

// A throwaway "site" whose node_modules/convot is this repository, as after `npm install convot`.
const tmp = mkdtempSync(join(tmpdir(), 'convot-bundle-'));
mkdirSync(join(tmp, 'node_modules'));
symlinkSync(process.cwd(), join(tmp, 'node_modules', 'convot'), 'dir');
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Bundle {
  /** What runs when the site's module is imported: the entry chunk and its static imports. */
  entry: string;
  /** The entry plus lazily loaded chunks. */
  all: string;
  /** Every bare specifier our modules import (left external, as a site's bundler would resolve them). */
  externals: Set<string>;
}

/** Bundles `code` like a site's bundler would: our package by name, "sideEffects" honoured, Lit external. */
async function bundle(name: string, source: string): Promise<Bundle> {
  const input = join(tmp, `${name}.js`);
  writeFileSync(input, source);
  const externals = new Set<string>();
  const build = await rollup({
    input,
    external: (id) => {
      const bare = !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && packageOf(id) !== pkg.name;
      if (bare) externals.add(id);
      return bare;
    },
    plugins: [nodeResolve({ rootDir: tmp })],
    onwarn: () => {},
  });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  const chunks = new Map(output.flatMap((o) => (o.type === 'chunk' ? [[o.fileName, o] as const] : [])));
  // What importing the site's module runs: its chunk and the chunks it imports statically.
  const staticGraph = new Set<string>();
  const visit = (file: string): void => {
    const chunk = chunks.get(file);
    if (!chunk || staticGraph.has(file)) return;
    staticGraph.add(file);
    chunk.imports.forEach(visit);
  };
  visit([...chunks.values()].find((c) => c.isEntry)!.fileName);
  const code = (files: Iterable<string>): string => [...files].map((f) => chunks.get(f)!.code).join('\n');
  return { entry: code(staticGraph), all: code(chunks.keys()), externals };
}

test('every bare import of the package is a declared dependency, and every dependency is imported', async () => {
  const entries = Object.keys(pkg.exports).filter((k) => !k.endsWith('.json')).map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
  const { externals } = await bundle('every-entry', entries.map((e) => `export * from '${e}';\n`).join(''));
  const used = new Set([...externals].map(packageOf));
  const declared = installed(pkg);
  assert.deepEqual([...used].filter((p) => !declared.includes(p)), [], 'imported but not in dependencies');
  assert.deepEqual(declared.filter((p) => !used.has(p)), [], 'in dependencies but never imported by the package');
  assert.ok(used.has('lit'), 'lit stays an external import (bundlers dedupe it)');
  for (const f of npmJs) assert.doesNotMatch(readFileSync(f, 'utf8'), /class LitElement\b|litHtmlVersions/, `${f} carries a copy of Lit`);
});

test('"sideEffects": convot/convot.js keeps every registration under a tree-shaking bundler', async () => {
  const { entry } = await bundle('all', `import 'convot/convot.js';\n`);
  for (const tag of ['convot-widget', 'convot-inline', 'convot-chat-panel']) assert.match(entry, new RegExp(`defineOnce\\(["']${tag}["']`), `<${tag}> registration was dropped`);
});

test('"sideEffects": convot/convot-widget.js and convot/convot-inline.js register their element', async () => {
  assert.match((await bundle('widget', `import 'convot/convot-widget.js';\n`)).entry, /defineOnce\(["']convot-widget["']/);
  assert.match((await bundle('inline', `import 'convot/convot-inline.js';\n`)).entry, /defineOnce\(["']convot-inline["']/);
});

test('"sideEffects": the main entry registers nothing and a bare import of it bundles to nothing of ours', async () => {
  // (The widget registers its chat panel when it first opens: that lazy chunk is not the entry.)
  const classOnly = (await bundle('class', `import { ConvotWidget } from 'convot';\nexport { ConvotWidget };\n`)).entry;
  assert.match(classOnly, /class ConvotWidget\b/);
  assert.doesNotMatch(classOnly, /defineOnce\(["']|customElements\.define\(/, 'importing a class registered an element');
  const bare = (await bundle('bare', `import 'convot';\n`)).all;
  assert.doesNotMatch(bare, /Convot|convot-/, `import 'convot' kept code:\n${bare.slice(0, 400)}`);
});
