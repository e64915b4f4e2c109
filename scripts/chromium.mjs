// Finds Debian's Chromium for browser and end-to-end tests (test tools' own downloads do not
// work here). CHROMIUM_PATH overrides. `node scripts/chromium.mjs --ensure` installs it with
// apt-get when running as root, or says exactly what to run.
import { existsSync } from 'node:fs';
import { aptInstall } from './apt.mjs';
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
    aptInstall('chromium', 'Chromium');
    return chromiumPath();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--ensure')) {
  console.log(`Chromium: ${ensureChromium()}`);
}
