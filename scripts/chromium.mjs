// Finds Debian's Chromium for browser and end-to-end tests (test tools' own downloads do not
// work here). CHROMIUM_PATH overrides. `node scripts/chromium.mjs --ensure` installs it with
// apt-get when running as root, or says exactly what to run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function chromiumPath() {
  const found = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p) => p && existsSync(p));
  if (!found) throw new Error('Chromium not found. Install it with `sudo apt-get install -y chromium` (or set CHROMIUM_PATH).');
  return found;
}

export function ensureChromium() {
  try {
    return chromiumPath();
  } catch {
    if (process.getuid?.() !== 0) {
      console.error('Chromium is missing. Run: sudo apt-get update && sudo apt-get install -y chromium');
      process.exit(1);
    }
    console.log('Chromium is missing: installing Debian\'s chromium package…');
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return chromiumPath();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--ensure')) {
  console.log(`Chromium: ${ensureChromium()}`);
}
