/**
 * End-to-end harness: starts the built `convot serve` (the command users run) on a free port
 * with a temp data dir and config, a host-page server on another origin, and Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { chromiumPath } from '../../scripts/chromium.mjs';

export const AGENT = { email: 'agent@e2e.test', name: 'Erin', password: 'e2e-password' };
export const APP_ID = 'app_e2e';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface ConvotProcess {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** Runs `node bin/convot.mjs serve` and resolves once it prints its URL. */
export async function startConvot(opts: {
  allowedOrigins: string[];
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  identitySecret?: string;
  /** More keys of the app's config entry (articles, help_host…), given the server's port. */
  app?: (port: number) => Record<string, unknown>;
}): Promise<ConvotProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'convot-e2e-'));
  const configFile = join(dataDir, 'config.json');
  const port = await freePort();
  writeFileSync(
    configFile,
    JSON.stringify({
      apps: [{ id: APP_ID, name: 'E2E Shop', identity_secret: opts.identitySecret ?? 'e2e-secret-of-at-least-32-characters', allowed_origins: opts.allowedOrigins, ...opts.app?.(port) }],
      agents: [AGENT],
    }),
  );
  const child: ChildProcess = spawn(process.execPath, ['bin/convot.mjs', 'serve', '--port', String(port), '--data', dataDir, '--config', configFile, ...(opts.extraArgs ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`convot serve did not start:\n${output}`)), 30_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('Convot is running on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`convot serve exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A host-site origin on a free port, to put in allowed_origins before either server starts. */
export async function reserveHostOrigin(): Promise<{ port: number; origin: string }> {
  const port = await freePort();
  return { port, origin: `http://localhost:${port}` };
}

export interface HostSite {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves pages on its own origin (`http://localhost:PORT`, while Convot is on 127.0.0.1), each
 * under a strict Content-Security-Policy that allows only the Convot server and a nonce.
 */
export async function startHostSite(port: number, convotUrl: string, pages: Record<string, (nonce: string) => string>, extraPolicy = '', extraImgSrc = ''): Promise<HostSite> {
  const ws = convotUrl.replace(/^http/, 'ws');
  const server: Server = createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const page = pages[path];
    if (!page) {
      res.writeHead(404).end('not found');
      return;
    }
    const nonce = Math.random().toString(36).slice(2);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}' ${convotUrl}; connect-src ${convotUrl} ${ws}; style-src 'nonce-${nonce}'; img-src ${convotUrl} data:${extraImgSrc ? ` ${extraImgSrc}` : ''}; base-uri 'none'${extraPolicy ? `; ${extraPolicy}` : ''}`,
    });
    res.end(page(nonce));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { origin: `http://localhost:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** The snippet, exactly as the Convot document shows it. */
export const snippetPage = (convotUrl: string, appId = APP_ID, extraHead = '') => (nonce: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script nonce="${nonce}">
  window.Convot = { app_id: "${appId}" };
</script>
<script async src="${convotUrl}/widget-loader.js"></script>
${extraHead.replaceAll('NONCE', nonce)}
</head><body><main><h1>A shop on another origin</h1></main></body></html>`;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Records console errors, CSP violations and uncaught exceptions of a page. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  return problems;
}

export interface Setup {
  convot: ConvotProcess;
  site: HostSite;
  browser: Browser;
}

/**
 * The usual test file's world, started before its tests and stopped after: the built server
 * allowing one host origin, that host site serving `pages` (given the server URL), and Chromium.
 * The returned object is filled in by the `before` hook.
 */
export function useSetup(pages: (convotUrl: string) => Record<string, (nonce: string) => string>, extraPolicy = ''): Setup {
  const setup = {} as Setup;
  before(async () => {
    const host = await reserveHostOrigin();
    setup.convot = await startConvot({ allowedOrigins: [host.origin] });
    setup.site = await startHostSite(host.port, setup.convot.url, pages(setup.convot.url), extraPolicy);
    setup.browser = await launchBrowser();
  });
  after(async () => {
    await setup.browser?.close();
    await setup.site?.close();
    await setup.convot?.stop();
  });
  return setup;
}
