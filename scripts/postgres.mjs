// Makes sure Debian's PostgreSQL binaries are there for the PostgreSQL test suite: installs
// the `postgresql` package when running as root, otherwise says exactly what to run.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './apt.mjs';

const ROOT = '/usr/lib/postgresql';

export function hasPostgres() {
  return existsSync(ROOT) && readdirSync(ROOT).some((v) => existsSync(join(ROOT, v, 'bin', 'initdb')));
}

export function ensurePostgres() {
  if (!hasPostgres()) aptInstall('postgresql', 'PostgreSQL (for the PostgreSQL test suite)');
}
