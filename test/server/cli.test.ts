/**
 * `convot serve` as people run it (a real process, from the TypeScript sources): one server per
 * data folder, a stale lock taken over, and a busy port, each refused in one line on stderr.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ENTRY = 'test/server/run-cli.ts';
const folders: string[] = [];
const children: ChildProcess[] = [];

after(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const tempFolder = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'convot-cli-'));
  folders.push(dir);
  return dir;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `convot serve …` to its exit (for starts that must be refused). */
function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `convot serve …` and resolves once it is listening. */
function startServe(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`convot serve did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('Convot is running on')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`convot serve exited with ${code}:\n${output}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

test('a second convot serve on a data folder in use refuses in one line, before touching the folder; a clean stop releases it', async () => {
  const data = tempFolder();
  const first = await startServe(['--port', String(await freePort()), '--data', data]);
  assert.equal(readFileSync(join(data, 'convot.lock'), 'utf8').trim(), String(first.pid));
  const pgdata = spawnSync('ls', ['-lR', '--time-style=full-iso', join(data, 'pgdata')], { encoding: 'utf8' }).stdout;

  const second = await runToExit(['--port', String(await freePort()), '--data', data]);
  assert.notEqual(second.code, 0);
  const lines = second.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${second.stderr}`);
  assert.match(lines[0]!, /^convot: /);
  assert.ok(lines[0]!.includes(data), `the line names the folder: ${lines[0]}`);
  assert.ok(lines[0]!.includes(String(first.pid)), `the line names the holder: ${lines[0]}`);
  assert.ok(!second.stdout.includes('Convot is running'));
  assert.equal(spawnSync('ls', ['-lR', '--time-style=full-iso', join(data, 'pgdata')], { encoding: 'utf8' }).stdout, pgdata, 'the store was not touched');
  assert.equal(readFileSync(join(data, 'convot.lock'), 'utf8').trim(), String(first.pid), 'the lock still names the first server');

  await stop(first);
  assert.equal(existsSync(join(data, 'convot.lock')), false, 'a clean stop removes the lock');
});

test('a stale lock (its process is gone) is taken over', async () => {
  const data = tempFolder();
  // The pid of a process that has exited: a server that crashed.
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(join(data, 'convot.lock'), `${gone.stdout}\n`);
  const server = await startServe(['--port', String(await freePort()), '--data', data]);
  assert.equal(readFileSync(join(data, 'convot.lock'), 'utf8').trim(), String(server.pid));
  await stop(server);
});

test('a busy port is one line on stderr and a non-zero exit, not a stack trace', async () => {
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const { port } = busy.address() as { port: number };
  try {
    const data = tempFolder();
    const database = process.env.CONVOT_TEST_DATABASE_URL;
    const run = await runToExit(['--port', String(port), '--host', '127.0.0.1', ...(database ? ['--database', database] : ['--data', data])]);
    assert.notEqual(run.code, 0);
    assert.equal(run.stderr, `convot: port ${port} on 127.0.0.1 is already in use\n`);
    assert.ok(!run.stdout.includes('Convot is running'));
    if (!database) assert.equal(existsSync(join(data, 'convot.lock')), false, 'the folder is released');
  } finally {
    await new Promise((resolve) => busy.close(resolve));
  }
});

// ---- demo mode ----------------------------------------------------------------------------

test('the demo config outside demo mode is refused in one line: its secret and password are public', async () => {
  const res = await runToExit(['--port', String(await freePort()), '--data', tempFolder(), '--config', 'config/demo.json']);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^convot: apps "app_demo" uses the demo's public identity_secret.*--demo\.\n$/);
});

test('--demo serves /demo/ and says so; no config file is served, in demo mode or not', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--demo', '--port', String(port), '--data', tempFolder(), '--config', 'config/demo.json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('Inbox:')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  assert.match(output, /Demo mode/);
  const base = `http://127.0.0.1:${port}`;
  assert.equal((await fetch(`${base}/demo/`)).status, 200);
  for (const path of ['/demo/convot.config.json', '/config/demo.json', '/demo/../config/demo.json', '/dist/../config/demo.json']) {
    assert.equal((await fetch(`${base}${path}`)).status, 404, path);
  }
  await stop(child);
});
