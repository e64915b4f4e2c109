#!/usr/bin/env node
// Bundles the framework examples with esbuild, as a site's own build would: each imports the
// widget from the `convot` package entries (this repository's dist/npm/, through the exports map
// of package.json; run `npm run build` first). Svelte files are compiled with svelte/compiler and
// Vue single-file components with vue/compiler-sfc in tiny esbuild plugins.
//   node demo/frameworks/build.mjs [outdir]   (default: a temp folder; prints where)
// then serve outdir and open <name>/?server=<your Convot server>&app=<app id>.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const FRAMEWORKS = ['react', 'vue', 'svelte', 'angular'];

const svelte = {
  name: 'svelte',
  setup(build) {
    build.onLoad({ filter: /\.svelte$/ }, async ({ path }) => {
      const { compile } = await import('svelte/compiler');
      const { js, warnings } = compile(readFileSync(path, 'utf8'), { filename: path, generate: 'client', css: 'external' });
      return { contents: js.code, loader: 'js', warnings: warnings.map((w) => ({ text: w.message })) };
    });
  },
};

const vue = {
  name: 'vue',
  setup(build) {
    build.onLoad({ filter: /\.vue$/ }, async ({ path }) => {
      const { parse, compileScript } = await import('vue/compiler-sfc');
      const { descriptor, errors } = parse(readFileSync(path, 'utf8'), { filename: path });
      if (errors.length) return { errors: errors.map((e) => ({ text: String(e) })) };
      const script = compileScript(descriptor, {
        id: basename(path),
        inlineTemplate: true,
        // What `vue({ template: { compilerOptions: { isCustomElement } } })` does in Vite.
        templateOptions: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('convot-') } },
      });
      return { contents: script.content, loader: descriptor.scriptSetup?.lang === 'ts' ? 'ts' : 'js' };
    });
  },
};

const page = (name) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Convot in ${name}</title>
<script type="module" src="./main.js"></script></head>
<body><div id="root"></div>${name === 'angular' ? '<app-root></app-root>' : ''}</body></html>
`;

/** Bundles every example into outdir/<name>/ (index.html, main.js and its chunks). */
export async function buildFrameworks(outdir) {
  await Promise.all(
    FRAMEWORKS.map(async (name) => {
      const dir = join(outdir, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'index.html'), page(name));
      await esbuild.build({
        entryPoints: { main: join(here, name, name === 'react' ? 'main.tsx' : 'main.ts') },
        bundle: true,
        splitting: true, // the widget's chat panel and languages stay lazy chunks
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        minify: true,
        jsx: 'automatic',
        outdir: dir,
        logLevel: 'warning',
        plugins: [svelte, vue],
        define: {
          'process.env.NODE_ENV': '"production"',
          __VUE_OPTIONS_API__: 'false',
          __VUE_PROD_DEVTOOLS__: 'false',
          __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
        },
      });
    }),
  );
  return outdir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildFrameworks(process.argv[2] ?? mkdtempSync(join(tmpdir(), 'convot-frameworks-')));
  console.log(`built ${FRAMEWORKS.join(', ')} into ${out}`);
}
