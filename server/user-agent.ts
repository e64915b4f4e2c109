/**
 * Browser, OS and device kind from a User-Agent header, for the inbox's visitor panel. Parsed by
 * bowser (MIT, maintained, no dependencies): User-Agent strings are a moving target (Edge,
 * Samsung Internet, in-app browsers, iPadOS) that a hand-written parser would keep getting wrong.
 * Everything is capped and stripped of control characters: the header is the client's to say.
 */
import Bowser from 'bowser';
import type { DeviceKind } from '../src/protocol/index.js';

export interface UserAgentFacts {
  browser: string | null;
  os: string | null;
  device: DeviceKind | null;
}

const MAX_UA = 512;
// eslint-disable-next-line no-control-regex -- control characters are what this drops
const clean = (s: string | undefined, max = 40): string | null => (s ? s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim().slice(0, max) || null : null);
/** "131.0.6778.85" → "131": the major version is what an agent needs. */
const major = (v: string | undefined) => clean(v?.split('.')[0], 12);

export function parseUserAgent(header: string | undefined): UserAgentFacts {
  if (!header) return { browser: null, os: null, device: null };
  const p = Bowser.getParser(header.slice(0, MAX_UA)).getResult();
  const name = clean(p.browser.name);
  const osName = clean(p.os.name);
  const type = p.platform.type;
  return {
    browser: name ? [name, major(p.browser.version)].filter(Boolean).join(' ') : null,
    os: osName ? [osName, clean(p.os.versionName ?? p.os.version, 20)].filter(Boolean).join(' ') : null,
    device: type === 'mobile' || type === 'tablet' || type === 'desktop' ? type : null,
  };
}
