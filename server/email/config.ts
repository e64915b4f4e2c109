/**
 * The config file's top-level `email` object. Without it the server sends no email at all.
 *
 * ```json
 * { "email": { "smtp_url": "env:CONVOT_SMTP_URL", "from": "Acme Support <support@acme.test>",
 *              "delay_seconds": 120, "public_url": "https://chat.acme.test" } }
 * ```
 */
import { httpUrl } from '../http-url.js';

export interface EmailConfig {
  /** The SMTP server, resolved from `env:NAME` when given so: `smtp://user:pass@host:587` or `smtps://…`. */
  smtp_url: string;
  /** The From header: an address, optionally with a display name (`Acme <support@acme.test>`). */
  from: string;
  /** How long a team reply may stay unread before it is emailed to the visitor. */
  delay_seconds: number;
  /** The server's public base URL without a trailing slash (links in emails); null when not set. */
  public_url: string | null;
}

export const DEFAULT_EMAIL_DELAY_SECONDS = 120;
/** A week: a longer wait makes the email pointless. */
const MAX_DELAY_SECONDS = 7 * 24 * 3600;

/** Config errors are thrown as this shape's message; config.ts wraps them in its ConfigError. */
type Fail = (message: string) => never;

/** An SMTP URL with its password hidden, for error messages and logs. */
export function redactSmtpUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

const ADDRESS = /^[^@\s<>",;]+@[^@\s<>",;]+\.[^@\s<>",;]+$/;

/** A plain address (`a@b.c`), as used for recipients and in `from`. */
export const isEmailAddress = (s: string): boolean => s.length <= 254 && ADDRESS.test(s);

/** `a@b.c` or `Display Name <a@b.c>`; no line breaks (they would inject headers). */
function fromAddress(value: unknown, fail: Fail): string {
  if (typeof value !== 'string' || !value.trim()) fail(`email.from must be an address like "support@example.com" or "Acme Support <support@example.com>", got ${JSON.stringify(value)}`);
  const v = (value as string).trim();
  if (/[\r\n]/.test(v)) fail('email.from must be on one line');
  const named = /^(.*?)\s*<([^<>]+)>$/.exec(v);
  const address = named ? named[2]! : v;
  if (!isEmailAddress(address)) fail(`email.from must be an address like "support@example.com" or "Acme Support <support@example.com>", got ${JSON.stringify(v)}`);
  return v;
}

function smtpUrl(value: unknown, env: NodeJS.ProcessEnv, fail: Fail): string {
  if (typeof value !== 'string' || !value) fail(`email.smtp_url must be a string like "smtp://user:pass@smtp.example.com:587" or "env:NAME", got ${JSON.stringify(value)}`);
  let v = value as string;
  let where = 'email.smtp_url';
  if (v.startsWith('env:')) {
    const name = v.slice(4);
    const read = env[name];
    if (read === undefined || read === '') fail(`email.smtp_url reads env:${name}, but the environment variable ${name} is not set`);
    v = read!;
    where = `email.smtp_url (from env:${name})`;
  }
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return fail(`${where} must be a URL like "smtp://user:pass@smtp.example.com:587" or "smtps://…", got ${JSON.stringify(redactSmtpUrl(v))}`);
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') fail(`${where} must start with smtp:// or smtps://, got ${JSON.stringify(redactSmtpUrl(v))}`);
  if (!u.hostname) fail(`${where} must name a host, got ${JSON.stringify(redactSmtpUrl(v))}`);
  return v;
}

function publicUrl(value: unknown, fail: Fail): string | null {
  if (value === undefined || value === null) return null;
  const u = httpUrl(value);
  if (!u || u.search || u.hash) {
    fail(`email.public_url must be the server's public base URL like "https://chat.example.com", got ${JSON.stringify(value)}`);
  }
  return u!.href.replace(/\/+$/, '');
}

/** Parses `email`; null when the config has none (email is off). */
export function parseEmailConfig(value: unknown, env: NodeJS.ProcessEnv, fail: Fail): EmailConfig | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) fail(`email must be an object like { "smtp_url": "…", "from": "…" }, got ${JSON.stringify(value)}`);
  const o = value as Record<string, unknown>;
  const delay = o.delay_seconds ?? DEFAULT_EMAIL_DELAY_SECONDS;
  if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
    fail(`email.delay_seconds must be a whole number of seconds from 0 to ${MAX_DELAY_SECONDS}, got ${JSON.stringify(o.delay_seconds)}`);
  }
  return {
    smtp_url: smtpUrl(o.smtp_url, env, fail),
    from: fromAddress(o.from, fail),
    delay_seconds: delay as number,
    public_url: publicUrl(o.public_url, fail),
  };
}
