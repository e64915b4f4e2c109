/**
 * Where a visitor is: what their widget reports (the page, the referrer, language, time zone)
 * and what the server derives from the User-Agent (browser, OS, device). The widget sends the
 * page part in its socket `auth` frame and a `page` frame when a single-page app changes route;
 * the inbox gets the stored whole in each conversation summary (`context`).
 */
import { ValidationError, obj, str } from './validate.js';

/** What the widget reports; every field optional (a page may have no referrer). */
export interface PageContext {
  url?: string;
  referrer?: string;
  language?: string;
  time_zone?: string;
}

export type DeviceKind = 'desktop' | 'mobile' | 'tablet';

/** What the inbox shows: the latest report of any of the visitor's sessions. */
export interface VisitorContext {
  url: string | null;
  referrer: string | null;
  language: string | null;
  time_zone: string | null;
  /** "Chrome 131", from the User-Agent of the widget's socket. */
  browser: string | null;
  /** "Android 14". */
  os: string | null;
  device: DeviceKind | null;
  /** When the widget last reported (ISO 8601). */
  updated_at: string;
}

export const MAX_CONTEXT_URL = 2048;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/;
const TIME_ZONE = /^[A-Za-z0-9_+\-/]{1,64}$/;
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** An http(s) address without its fragment and credentials (both may hold secrets), or throws. */
function pageUrl(o: Record<string, unknown>, field: string): string | undefined {
  if (o[field] === undefined || o[field] === '') return undefined;
  const raw = str(o, field, { max: MAX_CONTEXT_URL });
  if (CONTROL.test(raw)) throw new ValidationError(field, `${field} must not contain control characters`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ValidationError(field, `${field} must be an absolute URL, got "${raw.slice(0, 40)}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ValidationError(field, `${field} must be an http or https URL`);
  u.hash = '';
  u.username = '';
  u.password = '';
  return u.href.slice(0, MAX_CONTEXT_URL);
}

/** Parses a widget's page report; throws a ValidationError naming the bad field (`page.url`, …). */
export function parsePageContext(data: unknown): PageContext {
  try {
    const o = obj(data, 'page');
    const out: PageContext = {};
    const url = pageUrl(o, 'url');
    if (url) out.url = url;
    const referrer = pageUrl(o, 'referrer');
    if (referrer) out.referrer = referrer;
    if (o.language !== undefined) {
      const language = str(o, 'language', { max: 35 });
      if (!LANGUAGE.test(language)) throw new ValidationError('language', `language must be a BCP 47 tag, got "${language.slice(0, 40)}"`);
      out.language = language;
    }
    if (o.time_zone !== undefined) {
      const zone = str(o, 'time_zone', { max: 64 });
      if (!TIME_ZONE.test(zone) || !knownZone(zone)) throw new ValidationError('time_zone', `time_zone must be an IANA time zone, got "${zone.slice(0, 40)}"`);
      out.time_zone = zone;
    }
    return out;
  } catch (e) {
    if (e instanceof ValidationError && e.field !== 'page') throw new ValidationError(`page.${e.field}`, `page.${e.message}`);
    throw e;
  }
}

function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
