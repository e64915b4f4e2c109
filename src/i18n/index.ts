/**
 * Plain catalogs (no runtime library: five small objects cost less than any i18n runtime).
 * A locale resolves by exact tag, then by language, then to English.
 */
import { ar, de, es, fr } from './catalogs.js';
import { en, type Catalog } from './en.js';

export type { Catalog };
export const CATALOGS: Record<string, Catalog> = { en, fr, es, de, ar };
/** Supported locale tags, for messages and docs. */
export const SUPPORTED_LOCALES = Object.keys(CATALOGS);
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

/** The supported locale for a BCP 47 tag, or null when none matches. */
export function matchLocale(tag: string | null | undefined): string | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (CATALOGS[lower]) return lower;
  const lang = lower.split(/[-_]/)[0]!;
  return CATALOGS[lang] ? lang : null;
}

/** The first of the browser's languages we support, else English. */
export function browserLocale(): string {
  const langs = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const l of langs) {
    const m = matchLocale(l);
    if (m) return m;
  }
  return 'en';
}

export const catalogFor = (locale: string): Catalog => CATALOGS[locale] ?? en;
export const directionOf = (locale: string): 'ltr' | 'rtl' => (RTL.has(locale.split('-')[0]!) ? 'rtl' : 'ltr');
