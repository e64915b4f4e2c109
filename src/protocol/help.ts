/**
 * The help center's wire types: article search and reading for the widget's Help tab, and the
 * inbox's article editor. Article bodies travel as a parsed tree (`MdDoc`), never as HTML.
 */
import type { MdDoc } from '../markdown/tree.js';
import { ValidationError, bool, obj, str, type Obj } from './validate.js';
import { wrap } from './wire.js';

/** One piece of a highlighted text: `hit` pieces matched the query. Plain text, never HTML. */
export interface HighlightPart {
  text: string;
  hit: boolean;
}

export interface ArticleHit {
  slug: string;
  locale: string;
  title: string;
  category: string | null;
  description: string | null;
  updated_at: string;
  /** Where the query matched in the body (or the start of the description/body without a query). */
  snippet: HighlightPart[];
  /** The title with its matches marked (one part without a query). */
  title_parts: HighlightPart[];
}

/** GET …/help/articles?locale=&q= */
export interface HelpSearchQuery {
  locale: string;
  q: string;
}

export interface HelpSearchResponse {
  /** The locale actually searched: the asked one, or `en` when that locale has no published articles. */
  locale: string;
  articles: ArticleHit[];
}

export interface Article {
  locale: string;
  slug: string;
  title: string;
  category: string | null;
  description: string | null;
  updated_at: string;
  doc: MdDoc;
  /** Absolute URL of this article on the app's public help site. */
  url: string;
}

/** The inbox's view of an article: every locale, published or not, with its Markdown source. */
export interface AgentArticle {
  app_id: string;
  locale: string;
  slug: string;
  title: string;
  body: string;
  category: string | null;
  description: string | null;
  published: boolean;
  /** `config`: declared in the config file (an inbox save takes it over); `inbox`: made in the inbox. */
  source: 'config' | 'inbox';
  updated_at: string;
}

/** PUT …/apps/:appId/articles/:locale/:slug */
export interface ArticleInput {
  title: string;
  body: string;
  category: string | null;
  description: string | null;
  published: boolean;
}

export const MAX_QUERY_LENGTH = 200;
export const MAX_ARTICLE_BODY = 60_000;
export const MAX_TITLE = 200;
export const MAX_CATEGORY = 100;
export const MAX_DESCRIPTION = 300;

/**
 * A language tag as browsers send it (`en`, `pt-BR`, `zh_Hant`) → the base language articles
 * are stored under (`en`, `pt`, `zh`); null when it is not a language tag.
 */
export function baseLocale(tag: string): string | null {
  const m = /^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$/.exec(tag.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/** A stored locale: exactly a base language (`en`, `fr`, `pt`). */
export const isLocale = (v: string): boolean => /^[a-z]{2,3}$/.test(v);

/** Slugs are URL path segments: lowercase letters, digits and single dashes. */
export const isSlug = (v: string): boolean => /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v) && v.length <= 100;

export function parseLocaleField(o: Obj, field: string): string {
  const raw = str(o, field, { min: 2, max: 35 });
  const locale = baseLocale(raw);
  if (!locale) throw new ValidationError(field, `${field} must be a language tag like "en" or "pt-BR", got ${JSON.stringify(raw.slice(0, 40))}`);
  return locale;
}

export function parseHelpSearchQuery(q: Record<string, string | undefined>): HelpSearchQuery {
  return wrap(() => ({ locale: parseLocaleField(q, 'locale'), q: q.q === undefined ? '' : str(q, 'q', { max: MAX_QUERY_LENGTH }).trim() }));
}

const optText = (o: Obj, field: string, max: number): string | null => {
  if (o[field] === undefined || o[field] === null) return null;
  const v = str(o, field, { max, trim: true });
  return v === '' ? null : v;
};

export function parseArticleInput(data: unknown): ArticleInput {
  return wrap(() => {
    const o = obj(data);
    return {
      title: str(o, 'title', { min: 1, max: MAX_TITLE, trim: true }),
      body: str(o, 'body', { max: MAX_ARTICLE_BODY }),
      category: optText(o, 'category', MAX_CATEGORY),
      description: optText(o, 'description', MAX_DESCRIPTION),
      published: o.published === undefined ? true : bool(o, 'published'),
    };
  });
}

export function parsePreviewBody(data: unknown): { body: string } {
  return wrap(() => ({ body: str(obj(data), 'body', { max: MAX_ARTICLE_BODY }) }));
}
