#!/usr/bin/env node
// Precompresses what the server serves (scripts in dist/ and the inbox page, copied into
// dist/pages/) as .br and .gz siblings, so the server sends them compressed without compressing
// per request. Brotli at its best quality: this runs once per build. Prints what it saved.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

mkdirSync('dist/pages', { recursive: true });
copyFileSync('server/pages/inbox.html', 'dist/pages/inbox.html');

const files = [
  ...readdirSync('dist').filter((f) => /\.(js|json|css|html)$/.test(f)).map((f) => join('dist', f)),
  ...readdirSync('dist/pages').filter((f) => f.endsWith('.html')).map((f) => join('dist/pages', f)),
];
let raw = 0;
let br = 0;
for (const file of files) {
  const data = readFileSync(file);
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  writeFileSync(`${file}.br`, b);
  writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
  raw += data.length;
  br += b.length;
}
console.log(`compress: ${files.length} files, ${(raw / 1024).toFixed(1)} KB → ${(br / 1024).toFixed(1)} KB brotli`);
