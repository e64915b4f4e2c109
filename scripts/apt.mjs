// Installs a missing Debian package for the tests: with apt-get when running as root,
// otherwise it prints the exact command to run and exits.
import { execFileSync } from 'node:child_process';

export function aptInstall(pkg, what) {
  if (process.getuid?.() !== 0) {
    console.error(`${what} is missing. Run: sudo apt-get update && sudo apt-get install -y ${pkg}`);
    process.exit(1);
  }
  console.log(`${what} is missing: installing Debian's ${pkg} package…`);
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-q', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
