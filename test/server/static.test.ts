/**
 * Static files: precompressed copies are sent when the browser accepts them, content-hashed
 * chunks are cached for good, entry files and the loader briefly. Runs over a small built tree
 * in a temporary root, so it needs no build.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { buildApp, type ConvotApp } from '../../server/app.js';
import type { Db } from '../../server/storage/db.js';
import { openTestDb, testConfig } from './helpers.js';

const script = `export const x = ${JSON.stringify('convot '.repeat(400))};\n`;

describe('static files', () => {
  let root: string;
  let db: Db;
  let app: ConvotApp;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'convot-static-'));
    mkdirSync(join(root, 'dist', 'pages'), { recursive: true });
    mkdirSync(join(root, 'demo'));
    for (const name of ['widget-loader.js', 'embed.js', 'convot-chat-panel-DJaNwLXc.js', 'pages/inbox.html', 'compat-hubspot.js']) {
      const file = join(root, 'dist', name);
      writeFileSync(file, script);
      writeFileSync(`${file}.br`, brotliCompressSync(script));
      writeFileSync(`${file}.gz`, gzipSync(script));
    }
    db = await openTestDb();
    app = await buildApp({ db, config: testConfig(), root });
  });
  after(async () => {
    await app.close();
    await db.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('brotli when accepted, then gzip, else the plain file', async () => {
    const br = await app.inject({ url: '/dist/embed.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), script);
    assert.match(String(br.headers['content-type']), /javascript/);
    const gz = await app.inject({ url: '/dist/embed.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const plain = await app.inject({ url: '/dist/embed.js' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, script);
  });

  test('content-hashed chunks are immutable; entries and the loader get a short cache', async () => {
    const chunk = await app.inject({ url: '/dist/convot-chat-panel-DJaNwLXc.js', headers: { 'accept-encoding': 'br' } });
    assert.equal(chunk.headers['cache-control'], 'public, max-age=31536000, immutable');
    const entry = await app.inject({ url: '/dist/embed.js', headers: { 'accept-encoding': 'br' } });
    assert.equal(entry.headers['cache-control'], 'public, max-age=300');
    const loader = await app.inject({ url: '/widget-loader.js', headers: { 'accept-encoding': 'br' } });
    assert.equal(loader.statusCode, 200);
    assert.equal(loader.headers['content-encoding'], 'br');
    assert.equal(loader.headers['cache-control'], 'public, max-age=300');
  });

  test('the HubSpot drop-in is served at /compat/hubspot.js, compressed, with a short cache', async () => {
    const br = await app.inject({ url: '/compat/hubspot.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), script);
    assert.match(String(br.headers['content-type']), /javascript/);
    assert.equal(br.headers['cache-control'], 'public, max-age=300');
    const gz = await app.inject({ url: '/compat/hubspot.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
  });

  test('the inbox page is served compressed from the build, with its CSP', async () => {
    const res = await app.inject({ url: '/inbox', headers: { 'accept-encoding': 'br' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
  });
});
