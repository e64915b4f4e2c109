// Browser bundles. The snippet loader is a classic-script IIFE; everything else is ES modules
// with shared chunks, so the launcher path never pulls the chat panel (a dynamic import).
// These self-contained files (Lit included) are what the server serves under /dist/.
//
// The npm package is built separately into dist/npm/: one ES module per source module, Lit and
// every other bare import left external (a bundler dedupes them), not minified.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { existsSync } from 'node:fs';
import esbuild from 'rollup-plugin-esbuild';

// package.json "sideEffects" describes the published dist/npm/ files; this build reads src/, so
// it must not apply that list to our own modules (it would drop `import './define/…'`).
const plugins = () => [
  nodeResolve({ exportConditions: ['production'], extensions: ['.ts', '.js'], ignoreSideEffectsForRoot: true }),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: false }),
  terser({ ecma: 2022, format: { comments: false } }),
];

/** The package's entries (package.json "exports"): source → dist/npm/<same path>.js */
const npmEntries = ['src/index.ts', 'src/convot.ts', 'src/define/convot-widget.ts', 'src/define/convot-inline.ts'].filter((file) => {
  if (existsSync(file)) return true;
  console.warn(`rollup: ${file} does not exist yet; its npm entry is not built`);
  return false;
});

export default [
  {
    input: 'src/api/loader.ts',
    output: { file: 'dist/widget-loader.js', format: 'iife' },
    plugins: plugins(),
  },
  {
    input: {
      embed: 'src/api/embed.ts',
      convot: 'src/convot.ts',
      'convot-widget': 'src/define/convot-widget.ts',
      index: 'src/index.ts',
      inbox: 'src/inbox/main.ts',
    },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    plugins: plugins(),
  },
  {
    input: npmEntries,
    // Bare specifiers (lit, lit/decorators.js, lit/directives/*) are the package's dependencies.
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
    output: { dir: 'dist/npm', format: 'es', preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    plugins: [nodeResolve({ extensions: ['.ts', '.js'], ignoreSideEffectsForRoot: true }), esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: false })],
  },
];
