#!/usr/bin/env node
// Runs a command with a throwaway PostgreSQL server: CONVOT_TEST_DATABASE_URL points at it,
// and test helpers give each test file its own database there. Used by `npm test`.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { register } from 'tsx/esm/api';

register();
const { startPostgres } = await import('../test/support/postgres.ts');

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const server = startPostgres(port);
let status = 1;
try {
  const [cmd, ...args] = process.argv.slice(2);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, CONVOT_TEST_DATABASE_URL: server.url } });
  status = r.status ?? 1;
} finally {
  server.stop();
}
process.exit(status);
