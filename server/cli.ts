/**
 * `convot serve [--port N] [--host H] [--data DIR] [--config FILE] [--database postgres://…]`
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildApp } from './app.js';
import { ConfigError, loadConfigFile, type ConvotConfig } from './config.js';
import { demoSecretInUse } from './demo-mode.js';
import { DataFolderBusy, lockDataFolder, type DataLock } from './data-lock.js';
import type { Db } from './storage/db.js';
import { openPglite } from './storage/pglite.js';
import { openPostgres } from './storage/postgres.js';

const USAGE = `Usage: convot serve [--port N] [--host H] [--data DIR] [--config FILE] [--database postgres://…] [--demo]

  --port      port to listen on (default: $PORT or 8787)
  --host      address to bind (default: $HOST or 127.0.0.1)
  --data      directory of the embedded PGlite store (default: $CONVOT_DATA or ./.convot)
  --config    JSON file declaring apps[] and agents[], applied at start
  --database  PostgreSQL URL (default: $DATABASE_URL); without it the embedded store is used
  --demo      also serve the demo pages under /demo/ (never in production)
`;

/** A start that cannot go on: one line on stderr and a non-zero exit, not a stack trace. */
function refuse(message: string): void {
  process.stderr.write(`convot: ${message}\n`);
  process.exitCode = 1;
}

/** The one-line reason for a listen error people run into, or null for anything else. */
function listenProblem(e: unknown, port: number, host: string): string | null {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use`;
    case 'EACCES':
      return `no permission to listen on port ${port} on ${host}`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on ${host}: no such address on this machine`;
    default:
      return null;
  }
}

/**
 * CONVOT_TRUST_PROXY: how many proxies sit in front (`1`: believe the one entry the nearest
 * proxy appended to X-Forwarded-For), or the proxies' addresses and CIDR ranges, comma
 * separated. Never "trust every hop": the left-most entry is whatever the client wrote.
 */
export function trustProxySetting(value: string | undefined): number | string[] | false {
  if (value === undefined || value === '') return false;
  const v = value.trim();
  if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 10) return Number(v);
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  if (list.length && list.every((x) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(x) && /[.:]/.test(x))) return list;
  throw new ConfigError(`CONVOT_TRUST_PROXY must be a hop count (1 to 10) or proxy addresses like "10.0.0.1,10.1.0.0/16", got ${JSON.stringify(value)}`);
}

/** The package root: the nearest folder above this file with Convot's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'server', 'pages'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Convot package root');
    dir = up;
  }
  return dir;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      config: { type: 'string' },
      database: { type: 'string' },
      demo: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'serve') {
    process.stdout.write(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const port = Number(values.port ?? env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be a port number, got ${values.port ?? env.PORT}`);
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const databaseUrl = values.database ?? env.DATABASE_URL;
  const config: ConvotConfig | undefined = values.config ? await loadConfigFile(resolve(values.config), env) : undefined;
  const demo = values.demo === true;
  const demoProblem = config && !demo ? demoSecretInUse(config) : null;
  if (demoProblem) return refuse(`${demoProblem}.`);

  let db: Db;
  let storeLabel: string;
  let lock: DataLock | undefined;
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError(`--database must be a postgres:// URL, got ${databaseUrl}`);
    db = await openPostgres(databaseUrl);
    storeLabel = `PostgreSQL at ${new URL(databaseUrl).host}`;
  } else {
    const dataDir = resolve(values.data ?? env.CONVOT_DATA ?? '.convot');
    mkdirSync(dataDir, { recursive: true });
    // Before PGlite opens anything: a second process on one folder would corrupt it.
    try {
      lock = lockDataFolder(dataDir);
    } catch (e) {
      if (e instanceof DataFolderBusy) return refuse(e.message);
      throw e;
    }
    db = await openPglite(join(dataDir, 'pgdata'));
    storeLabel = `PGlite in ${join(dataDir, 'pgdata')}`;
  }

  // Warnings and errors (failed deliveries, say) are logged unless CONVOT_LOG asks for more.
  const app = await buildApp({ db, config, root: packageRoot(), demo, logger: { level: env.CONVOT_LOG || 'warn' }, trustProxy: trustProxySetting(env.CONVOT_TRUST_PROXY) });
  let address: string;
  try {
    address = await app.listen({ port, host });
  } catch (e) {
    const problem = listenProblem(e, port, host);
    if (!problem) throw e;
    await app.close();
    await db.close();
    lock?.release();
    return refuse(problem);
  }
  const base = address.replace('[::1]', 'localhost');
  const lines = [
    `Convot is running on ${base}  (${storeLabel})`,
    ...(demo ? [`  Demo mode: the demo pages are served (never run --demo in production)`, `  Demo host page: ${base}/demo/`] : []),
    `  Inbox:          ${base}/inbox`,
  ];
  // Each help center: on its own host name, or on this server with ?app=.
  for (const a of config?.apps ?? []) {
    const published = a.articles.filter((x) => x.published);
    if (!published.length) continue;
    const locale = published.some((x) => x.locale === 'en') ? 'en' : published[0]!.locale;
    lines.push(`  Help center:    ${a.help_host ? `${base.split('://')[0]}://${a.help_host}` : base}/help/${locale}/${a.help_host ? '' : `?app=${a.id}`}`);
  }
  for (const agent of config?.agents ?? []) {
    lines.push(`  Agent sign-in:  ${agent.email} / ${agent.password_is_literal ? agent.password : '(password from the environment)'}`);
  }
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await db.close();
    lock?.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
