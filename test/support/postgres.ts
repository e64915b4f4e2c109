/**
 * A throwaway PostgreSQL server for tests: Debian's `postgresql` binaries, a temp data dir,
 * loopback only, trust auth, run as the `postgres` user when we are root (postgres refuses root).
 * `freshDatabase` gives each test file its own database on it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  /** postgres://…/postgres on the server. */
  url: string;
  port: number;
  /** Stops the server for good and removes its data. */
  stop(): void;
  /** Stops the server (fast shutdown: sessions are terminated), keeping its data. Does not block the event loop. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port and data. */
  resume(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  throw new Error('PostgreSQL is not installed: run `apt-get install -y postgresql` (Debian).');
}

const isRoot = () => process.getuid?.() === 0;

/** `run` without blocking the event loop (a test's own servers keep serving meanwhile). */
function runAsync(bin: string, args: string[]): Promise<void> {
  const cmd = isRoot() ? 'runuser' : bin;
  const full = isRoot() ? ['-u', 'postgres', '--', bin, ...args] : args;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, full, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} ${args.join(' ')} failed:\n${out}`))));
  });
}

function run(bin: string, args: string[]): void {
  const cmd = isRoot() ? 'runuser' : bin;
  const full = isRoot() ? ['-u', 'postgres', '--', bin, ...args] : args;
  const r = spawnSync(cmd, full, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

export function startPostgres(port: number): PostgresServer {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'convot-pg-'));
  chmodSync(dir, 0o777);
  if (isRoot()) execFileSync('chown', ['postgres', dir]);
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const startArgs = ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`, 'start'];
  run(join(bin, 'pg_ctl'), startArgs);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    halt: () => runAsync(join(bin, 'pg_ctl'), ['-D', data, '-w', '-m', 'fast', 'stop']),
    resume: () => runAsync(join(bin, 'pg_ctl'), startArgs),
    stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Creates an empty database on the server of `baseUrl` and returns its URL. */
export async function freshDatabase(baseUrl: string): Promise<string> {
  const name = `convot_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.href;
}
