/** Path of the Chromium used by tests ($CHROMIUM_PATH or Debian's). Throws when missing. */
export function chromiumPath(): string;
/** Like chromiumPath, but installs Debian's chromium when running as root. */
export function ensureChromium(): string;
