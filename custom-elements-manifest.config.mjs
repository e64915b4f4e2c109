// cem analyze settings. The manifest is written by scripts/manifest.mjs (npm run build).
export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/**/*.styles.ts', 'src/elements/shared/**'],
  litelement: true,
  packagejson: false,
  outdir: 'node_modules/.cache/convot-cem',
};
