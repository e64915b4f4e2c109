/**
 * `convot` from the TypeScript sources: what server/bin/convot.mjs does with the built server,
 * so CLI tests run the current code without a build.
 */
import { main } from '../../server/cli.js';

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = err as Error | undefined;
  process.stderr.write(`convot: ${e?.name === 'ConfigError' ? e.message : (e?.stack ?? String(err))}\n`);
  process.exit(1);
});
