/**
 * Help-center articles: per app, locale and slug. The Markdown source is stored with its plain
 * text (`body_text`, computed by the caller from the parsed tree), which full-text search
 * indexes with the locale's stemmer (`convot_ts_config`, migration 9). All SQL runs unchanged on
 * PGlite and PostgreSQL.
 */
import type { AgentArticle } from '../../src/protocol/help.js';
import type { Db } from './db.js';
import { iso } from './db.js';

/** A stored article is exactly what the inbox is sent: the wire type is the one definition. */
export type ArticleRow = AgentArticle;
export type ArticleSource = AgentArticle['source'];

export interface ArticleWrite {
  locale: string;
  slug: string;
  title: string;
  body: string;
  body_text: string;
  category: string | null;
  description: string | null;
  published: boolean;
}

export interface SearchRow {
  locale: string;
  slug: string;
  title: string;
  category: string | null;
  description: string | null;
  updated_at: string;
  /** Title and snippet with matches between HIT_START and HIT_END. */
  title_marked: string;
  snippet_marked: string;
}

/** ts_headline's markers: control characters that stored text never holds (stripped on write). */
export const HIT_START = '\u0001';
export const HIT_END = '\u0002';
// eslint-disable-next-line no-control-regex -- exactly the two markers
const MARKERS = /[\u0001\u0002]/g;
const unmarked = (s: string): string => s.replace(MARKERS, '');

/** Results per search (the Help tab shows a short list as the visitor types). */
export const SEARCH_LIMIT = 10;
/**
 * Snippets are cut from the body's first characters: ts_headline's cost grows with the text,
 * and a match further on still finds the article (the snippet then starts the body, unmarked).
 */
const HEADLINE_CHARS = 4000;
/** The home list of a locale (every published article, by category). */
export const LIST_LIMIT = 500;
/**
 * The shortest last word taken as a prefix: "de" would match most of any text (and cost a scan
 * of all of it) while telling nothing about what the visitor looks for; shorter words still
 * match whole.
 */
export const MIN_PREFIX = 3;
/** Words of a query used (the rest are ignored). */
export const MAX_QUERY_WORDS = 8;

const COLUMNS = 'app_id, locale, slug, title, body, category, description, published, source, updated_at';
const HEADLINE = `StartSel=${HIT_START}, StopSel=${HIT_END}, MaxWords=28, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;
const TITLE_HEADLINE = `StartSel=${HIT_START}, StopSel=${HIT_END}, HighlightAll=true`;

const row = (r: ArticleRow): ArticleRow => ({ ...r, updated_at: iso(r.updated_at)! });

/** The words of a query: letters and digits only, so nothing reaches to_tsquery but plain words. */
export const queryWords = (q: string): string[] => (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_QUERY_WORDS).map((w) => w.slice(0, 64));

export class ArticlesRepo {
  /** Locale → text search configuration name (fixed by migration 9's convot_ts_config). */
  private readonly configs = new Map<string, Promise<string>>();

  constructor(private readonly db: Db) {}

  private tsConfig(locale: string): Promise<string> {
    let c = this.configs.get(locale);
    if (!c) {
      c = this.db.query<{ c: string }>('SELECT convot_ts_config($1)::text AS c', [locale]).then((r) => r[0]!.c);
      c.catch(() => this.configs.delete(locale));
      this.configs.set(locale, c);
    }
    return c;
  }

  /**
   * Writes an article. `config` writes never overwrite an article the inbox has taken over, and
   * leave `updated_at` alone when nothing changed (a restart is not an edit).
   */
  async upsert(appId: string, a: ArticleWrite, source: ArticleSource): Promise<ArticleRow | null> {
    const rows = await this.db.query<ArticleRow>(
      `INSERT INTO articles (app_id, locale, slug, title, body, body_text, category, description, published, source, ts_config)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, convot_ts_config($2))
       ON CONFLICT (app_id, locale, slug) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, body_text = EXCLUDED.body_text,
         category = EXCLUDED.category, description = EXCLUDED.description, published = EXCLUDED.published,
         source = EXCLUDED.source, ts_config = EXCLUDED.ts_config, updated_at = now()
       WHERE (EXCLUDED.source = 'inbox' OR articles.source = 'config')
         AND (articles.title, articles.body, articles.category, articles.description, articles.published, articles.source)
           IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.body, EXCLUDED.category, EXCLUDED.description, EXCLUDED.published, EXCLUDED.source)
       RETURNING ${COLUMNS}`,
      [appId, a.locale, a.slug, unmarked(a.title), a.body, unmarked(a.body_text), a.category, a.description, a.published, source],
    );
    return rows[0] ? row(rows[0]) : null;
  }

  /**
   * Refreshes the planner's statistics after a config is applied: PGlite has no autovacuum, and
   * without them it reads articles through the primary key instead of scanning once.
   */
  async analyze(): Promise<void> {
    await this.db.query('ANALYZE articles');
  }

  /** Removes the app's config-declared articles not in `keep` (`locale/slug`); returns how many. */
  async deleteConfigOthers(appId: string, keep: string[]): Promise<number> {
    const rows = await this.db.query<{ slug: string }>(
      `DELETE FROM articles WHERE app_id = $1 AND source = 'config' AND NOT ((locale || '/' || slug) = ANY($2::text[])) RETURNING slug`,
      [appId, keep],
    );
    return rows.length;
  }

  /** Articles the inbox took over (`locale/slug`) among `keys`: the config no longer manages them. */
  async inboxOwned(appId: string, keys: string[]): Promise<string[]> {
    const rows = await this.db.query<{ k: string }>(
      `SELECT locale || '/' || slug AS k FROM articles WHERE app_id = $1 AND source = 'inbox' AND (locale || '/' || slug) = ANY($2::text[])`,
      [appId, keys],
    );
    return rows.map((r) => r.k);
  }

  async find(appId: string, locale: string, slug: string, publishedOnly: boolean): Promise<ArticleRow | null> {
    const rows = await this.db.query<ArticleRow>(
      `SELECT ${COLUMNS} FROM articles WHERE app_id = $1 AND locale = $2 AND slug = $3 AND (published OR NOT $4)`,
      [appId, locale, slug, publishedOnly],
    );
    return rows[0] ? row(rows[0]) : null;
  }

  /** Every article of the app (the inbox): all locales, published or not. */
  async listAll(appId: string): Promise<ArticleRow[]> {
    const rows = await this.db.query<ArticleRow>(`SELECT ${COLUMNS} FROM articles WHERE app_id = $1 ORDER BY locale, category NULLS LAST, title`, [appId]);
    return rows.map(row);
  }

  async delete(appId: string, locale: string, slug: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM articles WHERE app_id = $1 AND locale = $2 AND slug = $3 RETURNING slug', [appId, locale, slug])).length > 0;
  }

  /** Published articles per locale of the app. */
  async publishedLocales(appId: string): Promise<Map<string, number>> {
    const rows = await this.db.query<{ locale: string; n: number }>(
      'SELECT locale, count(*)::int AS n FROM articles WHERE app_id = $1 AND published GROUP BY locale ORDER BY locale',
      [appId],
    );
    return new Map(rows.map((r) => [r.locale, r.n]));
  }

  /** Locales in which a published article with this slug exists (hreflang alternates). */
  async localesOf(appId: string, slug: string): Promise<string[]> {
    const rows = await this.db.query<{ locale: string }>('SELECT locale FROM articles WHERE app_id = $1 AND slug = $2 AND published ORDER BY locale', [appId, slug]);
    return rows.map((r) => r.locale);
  }

  /** Published articles for the sitemap. */
  async published(appId: string): Promise<{ locale: string; slug: string; updated_at: string }[]> {
    const rows = await this.db.query<{ locale: string; slug: string; updated_at: string }>(
      'SELECT locale, slug, updated_at FROM articles WHERE app_id = $1 AND published ORDER BY locale, slug',
      [appId],
    );
    return rows.map((r) => ({ ...r, updated_at: iso(r.updated_at)! }));
  }

  /**
   * Published articles of one locale. Without words: all of them, by category then title, each
   * with the start of its description (or body) as the snippet. With words: those containing
   * every word (the last one as a prefix, so results come as the visitor types), titles
   * matching first, then by rank; title and snippet come marked with HIT_START/HIT_END. At
   * most two statements: the second only when the first found nothing (`loose`).
   */
  async search(appId: string, locale: string, words: string[], limit = SEARCH_LIMIT, loose = false): Promise<SearchRow[]> {
    if (!words.length) {
      const rows = await this.db.query<SearchRow>(
        `SELECT locale, slug, title, category, description, updated_at, title AS title_marked,
           COALESCE(description, left(body_text, 200)) AS snippet_marked
         FROM articles WHERE app_id = $1 AND locale = $2 AND published
         ORDER BY category NULLS LAST, title, slug LIMIT ${LIST_LIMIT}`,
        [appId, locale],
      );
      return rows.map((r) => ({ ...r, updated_at: iso(r.updated_at)! }));
    }
    // One tsquery: every word in the locale's stemmed form; the last one as a prefix. The
    // configuration is a parameter, so the query is a constant the planner can use an index
    // for, computed once rather than once per row.
    const params: unknown[] = [appId, locale, await this.tsConfig(locale)];
    const term = (w: string) => (params.push(w), `to_tsquery($3::regconfig, $${params.length})`);
    const last = words[words.length - 1]!;
    const terms = words.slice(0, -1).map(term);
    if (!loose) terms.push(term(last.length >= MIN_PREFIX ? `${last}:*` : last));
    else {
      // A half-typed word past its stem ("billi" of billing, stemmed "bill"): the stems its
      // shorter forms give. Only tried when the plain query found nothing (it finds more).
      const shorter = [1, 2, 3].map((n) => last.slice(0, -n)).filter((x) => x.length >= MIN_PREFIX);
      terms.push(`(${[term(`${last}:*`), ...shorter.map(term)].join(' || ')})`);
    }
    const tq = terms.join(' && ');
    const rows = await this.db.query<SearchRow>(
      `WITH hits AS (
         SELECT locale, slug, title, category, description, updated_at, body_text,
           (title_search @@ (${tq})) AS in_title, ts_rank(search, ${tq}, 1) AS rank
         FROM articles
         WHERE app_id = $1 AND locale = $2 AND published AND search @@ (${tq})
         ORDER BY in_title DESC, rank DESC, title, slug
         LIMIT ${limit}
       )
       SELECT locale, slug, title, category, description, updated_at,
         ts_headline($3::regconfig, title, ${tq}, '${TITLE_HEADLINE}') AS title_marked,
         ts_headline($3::regconfig, left(body_text, ${HEADLINE_CHARS}), ${tq}, '${HEADLINE}') AS snippet_marked
       FROM hits ORDER BY in_title DESC, rank DESC, title, slug`,
      params,
    );
    if (!rows.length && !loose && last.length > MIN_PREFIX) return this.search(appId, locale, words, limit, true);
    return rows.map((r) => ({ ...r, updated_at: iso(r.updated_at)! }));
  }
}
