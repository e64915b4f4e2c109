// Makes sure Debian's PostgreSQL binaries are there for the PostgreSQL test suite: installs
// the `postgresql` package when running as root, otherwise says exactly what to run.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/usr/lib/postgresql';

export function hasPostgres() {
  return existsSync(ROOT) && readdirSync(ROOT).some((v) => existsSync(join(ROOT, v, 'bin', 'initdb')));
}

export function ensurePostgres() {
  if (hasPostgres()) return;
  if (process.getuid?.() !== 0) {
    console.error('PostgreSQL is missing for the PostgreSQL test suite. Run: sudo apt-get update && sudo apt-get install -y postgresql');
    process.exit(1);
  }
  console.log("PostgreSQL is missing: installing Debian's postgresql package…");
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-q', 'postgresql'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
