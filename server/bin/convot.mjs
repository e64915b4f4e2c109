#!/usr/bin/env node
// The `convot` command (the @convot/server package's bin). The server is compiled to
// server/dist/cli.js by the root's `npm run build`, which also builds the widget it serves.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('convot: the server is not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
const { main } = await import(entry.href);
main(process.argv.slice(2)).catch((err) => {
  console.error(`convot: ${err && err.name === 'ConfigError' ? err.message : (err && err.stack) || err}`);
  process.exit(1);
});
