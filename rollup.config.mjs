// Browser bundles. The snippet loader is a classic-script IIFE; everything else is ES modules
// with shared chunks, so the launcher path never pulls the chat panel (a dynamic import).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const plugins = () => [
  nodeResolve({ exportConditions: ['production'], extensions: ['.ts', '.js'] }),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: false }),
  terser({ ecma: 2022, format: { comments: false } }),
];

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
];
