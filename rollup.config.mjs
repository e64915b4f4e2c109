// Browser bundles. The snippet loader is a classic-script IIFE; everything else is ES modules
// with shared chunks, so the launcher path never pulls the chat panel (a dynamic import).
// These self-contained files (Lit included) are what the server serves under /dist/.
//
// The npm package is built separately into dist/npm/: one ES module per source module, Lit and
// every other bare import left external (a bundler dedupes them), not minified.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { existsSync, readFileSync } from 'node:fs';
import esbuild from 'rollup-plugin-esbuild';

// package.json "sideEffects" describes the published dist/npm/ files; this build reads src/, so
// it must not apply that list to our own modules (it would drop `import './define/…'`).
const plugins = () => [
  nodeResolve({ exportConditions: ['production'], extensions: ['.ts', '.js'], ignoreSideEffectsForRoot: true }),
  minifyCss(),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: false }),
  terser({ ecma: 2022, format: { comments: false } }),
];

/**
 * Lit's css`` literals reach the bundle as written (terser leaves template text alone): this
 * drops their comments and the whitespace around braces and semicolons, and collapses the rest.
 * Whitespace elsewhere is kept as one space (it separates descendant selectors). Our own
 * sources only; about a kilobyte gzip off the chat's first open.
 */
function minifyCss() {
  return {
    name: 'convot-minify-css',
    transform(code, id) {
      if (!/[\\/]src[\\/].*\.ts$/.test(id) || !code.includes('css`')) return null;
      const out = code.replace(/\bcss`([^`]*)`/g, (_all, text) => {
        const min = text
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s*([{};])\s*/g, '$1')
          .replace(/\s+/g, ' ')
          .trim();
        return `css\`${min}\``;
      });
      return { code: out, map: null };
    },
  };
}

/**
 * Writes dist/preload.json: the chunks embed.js needs before the launcher can paint (its static
 * imports, transitively) and, per locale, the chunk of its strings. The loader preloads them in
 * parallel with embed.js, so the launcher is one request level from the page, not three.
 */
function preloadManifest() {
  return {
    name: 'convot-preload-manifest',
    generateBundle(_options, bundle) {
      const chunks = new Map(Object.values(bundle).filter((c) => c.type === 'chunk').map((c) => [c.fileName, c]));
      const deps = (file, seen = new Set()) => {
        for (const dep of chunks.get(file)?.imports ?? []) if (!seen.has(dep)) deps(dep, seen.add(dep));
        return seen;
      };
      const base = [...deps('embed.js')];
      const locales = {};
      for (const chunk of chunks.values()) {
        const locale = chunk.facadeModuleId?.match(/i18n[\\/]locales[\\/](\w+)\.ts$/)?.[1];
        if (locale) locales[locale] = [chunk.fileName, ...[...deps(chunk.fileName)].filter((f) => !base.includes(f) && f !== 'embed.js')];
      }
      this.emitFile({ type: 'asset', fileName: 'preload.json', source: JSON.stringify({ base, locales }) });
    },
  };
}

/** Puts dist/preload.json into the loader where it says __CONVOT_PRELOAD__ (built after the modules). */
const inlinePreload = () => ({
  name: 'convot-inline-preload',
  transform(code, id) {
    if (!id.endsWith('loader.ts')) return null;
    return { code: code.replace(/(?<!declare const )__CONVOT_PRELOAD__/g, readFileSync('dist/preload.json', 'utf8')), map: null };
  },
});

/** The package's entries (package.json "exports"): source → dist/npm/<same path>.js */
const npmEntries = ['src/index.ts', 'src/convot.ts', 'src/define/convot-widget.ts', 'src/define/convot-inline.ts', 'src/define/convot-scheduling.ts'].filter((file) => {
  if (existsSync(file)) return true;
  console.warn(`rollup: ${file} does not exist yet; its npm entry is not built`);
  return false;
});

// Rollup builds these in order: the modules first, so the loader can read their preload list.
export default [
  {
    input: {
      embed: 'src/api/embed.ts',
      convot: 'src/convot.ts',
      'convot-widget': 'src/define/convot-widget.ts',
      // The HubSpot Conversations drop-in's module (loaded by compat-hubspot.js below); it shares
      // the widget's chunks and is never part of the snippet's path.
      'compat-hubspot-api': 'src/api/compat/hubspot.ts',
      // No `index` here: the side-effect-free entry is for bundlers (dist/npm/). Built here, its
      // re-export of all of src/protocol put the server's request parsers in the launcher's chunk.
    },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    plugins: [...plugins(), preloadManifest()],
  },
  {
    // The inbox is another app: built on its own, so what it shares with the widget (Lit, the
    // protocol, the Markdown tree) never moves the widget's chunk boundaries or its first open.
    input: { inbox: 'src/inbox/main.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'inbox-[name]-[hash].js' },
    plugins: plugins(),
  },
  {
    // Served at /compat/hubspot.js: reads data-app-id off its script tag, loads the module above.
    input: 'src/api/compat/hubspot-loader.ts',
    output: { file: 'dist/compat-hubspot.js', format: 'iife' },
    plugins: plugins(),
  },
  {
    input: 'src/api/loader.ts',
    output: { file: 'dist/widget-loader.js', format: 'iife' },
    plugins: [inlinePreload(), ...plugins()],
  },
  {
    input: npmEntries,
    // Bare specifiers (lit, lit/decorators.js, lit/directives/*) are the package's dependencies.
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
    output: { dir: 'dist/npm', format: 'es', preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    plugins: [nodeResolve({ extensions: ['.ts', '.js'], ignoreSideEffectsForRoot: true }), esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: false })],
  },
];
