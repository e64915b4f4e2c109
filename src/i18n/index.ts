/**
 * UI strings. English ships with the widget; every other locale is its own small chunk, loaded
 * when a page asks for it, so a page downloads only its own language. A locale resolves by
 * exact tag, then by language, then to English.
 */
import { en, type Catalog } from './en.js';

export type { Catalog };

const LOADERS: Record<string, () => Promise<{ default: Catalog }>> = {
  fr: () => import('./locales/fr.js'),
  es: () => import('./locales/es.js'),
  de: () => import('./locales/de.js'),
  ar: () => import('./locales/ar.js'),
  he: () => import('./locales/he.js'),
  pt: () => import('./locales/pt.js'),
  it: () => import('./locales/it.js'),
  nl: () => import('./locales/nl.js'),
  ja: () => import('./locales/ja.js'),
  zh: () => import('./locales/zh.js'),
};

/** Supported locale tags, for messages and docs. */
export const SUPPORTED_LOCALES = ['en', ...Object.keys(LOADERS)];
const RTL = new Set(['ar', 'he', 'fa', 'ur']);
const loaded = new Map<string, Catalog>([['en', en]]);
const loading = new Map<string, Promise<Catalog>>();

/** The supported locale for a BCP 47 tag, or null when none matches. */
export function matchLocale(tag: string | null | undefined): string | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (SUPPORTED_LOCALES.includes(lower)) return lower;
  const lang = lower.split(/[-_]/)[0]!;
  return SUPPORTED_LOCALES.includes(lang) ? lang : null;
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

/** The catalog of a supported locale if it has loaded (English always has), else English. */
export const catalogFor = (locale: string): Catalog => loaded.get(locale) ?? en;

/**
 * Loads a locale's catalog. Resolves at once (null) when it is already here; a failed load
 * falls back to English for this page view.
 */
export function loadCatalog(locale: string): Promise<Catalog> | null {
  if (loaded.has(locale) || !LOADERS[locale]) return null;
  let p = loading.get(locale);
  if (!p) {
    p = LOADERS[locale]!().then(
      (m) => {
        loaded.set(locale, m.default);
        return m.default;
      },
      () => {
        loaded.set(locale, en);
        return en;
      },
    );
    loading.set(locale, p);
  }
  return p;
}

export const directionOf = (locale: string): 'ltr' | 'rtl' => (RTL.has(locale.split('-')[0]!) ? 'rtl' : 'ltr');
