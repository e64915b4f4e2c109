/**
 * The help center's rules: what visitors may see (published articles only), search with the
 * English fallback, articles as parsed trees with links resolved against the public help site,
 * and the inbox's editing (agents only on apps they work on). Routes and pages call this; SQL
 * stays in ArticlesRepo.
 */
import { parseMarkdown } from '../../src/markdown/parse.js';
import type { MdDoc } from '../../src/markdown/tree.js';
import type { AgentArticle, AgentProfile, Article, ArticleCard, ArticleHit, ArticleInput, HelpSearchResponse, HighlightPart } from '../../src/protocol/index.js';
import { isLocale, isSlug } from '../../src/protocol/index.js';
import { fail } from '../errors.js';
import { bodyText } from '../help/apply-articles.js';
import { articleUrl, homeUrl, keepAppParam, type HelpSite } from '../help/site-urls.js';
import { inScope } from '../tenancy.js';
import type { AppRow } from '../storage/apps-repo.js';
import { HIT_END, HIT_START, queryWords, type ArticleRow, type SearchRow } from '../storage/articles-repo.js';
import type { Repositories } from '../storage/repositories.js';

/** The language searched when the asked one has no published articles. */
export const FALLBACK_LOCALE = 'en';

/** `a\u0001b\u0002c` → [{a}, {b, hit}, {c}]. */
export function highlightParts(marked: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let hit = false;
  for (const piece of marked.split(new RegExp(`([${HIT_START}${HIT_END}])`))) {
    if (piece === HIT_START) hit = true;
    else if (piece === HIT_END) hit = false;
    else if (piece) {
      const last = parts[parts.length - 1];
      if (last && last.hit === hit) last.text += piece;
      else parts.push({ text: piece, hit });
    }
  }
  return parts;
}

const hitOf = (r: SearchRow): ArticleHit => ({
  slug: r.slug,
  locale: r.locale,
  title: r.title,
  category: r.category,
  description: r.description,
  updated_at: r.updated_at,
  snippet: highlightParts(r.snippet_marked.length > 240 ? `${r.snippet_marked.slice(0, 240).trimEnd()}…` : r.snippet_marked),
  title_parts: highlightParts(r.title_marked),
});

const agentArticle = (r: ArticleRow): AgentArticle => ({
  app_id: r.app_id,
  locale: r.locale,
  slug: r.slug,
  title: r.title,
  body: r.body,
  category: r.category,
  description: r.description,
  published: r.published,
  source: r.source,
  updated_at: r.updated_at,
});

export class HelpService {
  constructor(private readonly repos: Pick<Repositories, 'apps' | 'articles'>) {}

  // ---- visitors: published articles only -------------------------------------------------

  /** `help` and `status_url` of the app's public config. */
  async publicInfo(app: AppRow, site: HelpSite): Promise<{ help: { url: string; articles: number } | null; status_url: string | null }> {
    const locales = await this.repos.articles.publishedLocales(app.id);
    const count = [...locales.values()].reduce((a, b) => a + b, 0);
    const home = locales.has(FALLBACK_LOCALE) ? FALLBACK_LOCALE : [...locales.keys()][0];
    return { help: home ? { url: homeUrl(site, home), articles: count } : null, status_url: app.status_url ?? null };
  }

  /** The locale to show: the asked one when it has published articles, else English. */
  async localeFor(appId: string, locale: string): Promise<string> {
    if (locale === FALLBACK_LOCALE) return locale;
    const locales = await this.repos.articles.publishedLocales(appId);
    return locales.has(locale) ? locale : FALLBACK_LOCALE;
  }

  async search(app: AppRow, locale: string, q: string): Promise<HelpSearchResponse> {
    const searched = await this.localeFor(app.id, locale);
    const rows = await this.repos.articles.search(app.id, searched, queryWords(q));
    return { locale: searched, articles: rows.map(hitOf) };
  }

  /** A published article; 404 naming it when unknown or unpublished. */
  async published(app: AppRow, locale: string, slug: string): Promise<ArticleRow> {
    const row = isLocale(locale) && isSlug(slug) ? await this.repos.articles.find(app.id, locale, slug, true) : null;
    if (!row) fail('CONVOT_ERR_NOT_FOUND', `No published article ${JSON.stringify(slug)} in locale ${JSON.stringify(locale)}.`);
    return row;
  }

  /** The article body as a tree; relative links resolve against its help-site URL. */
  docOf(row: Pick<ArticleRow, 'body' | 'locale' | 'slug'>, site: HelpSite): MdDoc {
    return parseMarkdown(row.body, { base: articleUrl(site, row.locale, row.slug), mapUrl: keepAppParam(site) });
  }

  async article(app: AppRow, locale: string, slug: string, site: HelpSite): Promise<Article> {
    const row = await this.published(app, locale, slug);
    return {
      locale: row.locale,
      slug: row.slug,
      title: row.title,
      category: row.category,
      description: row.description,
      updated_at: row.updated_at,
      doc: this.docOf(row, site),
      url: articleUrl(site, row.locale, row.slug),
    };
  }

  /**
   * A published article as a chat card, with the plain-text fallback (title and help-site link)
   * that older widgets and emails show. 404 naming the slug when it is not published.
   */
  async card(app: AppRow, locale: string, slug: string, site: HelpSite): Promise<{ card: ArticleCard; text: string }> {
    const row = await this.published(app, locale, slug);
    const card: ArticleCard = { type: 'article', locale: row.locale, slug: row.slug, title: row.title, description: row.description };
    return { card, text: `${row.title}\n${articleUrl(site, row.locale, row.slug)}` };
  }

  // ---- the inbox: agents of the app ------------------------------------------------------

  /** The app, if this agent works on it; 404 otherwise (another team's app is not there). */
  private async appFor(agent: AgentProfile, appId: string): Promise<AppRow> {
    const app = inScope(agent.apps, appId) ? await this.repos.apps.find(appId) : null;
    if (!app) fail('CONVOT_ERR_NOT_FOUND', `No app ${JSON.stringify(appId)} among the apps you work on.`);
    return app;
  }

  async apps(agent: AgentProfile): Promise<{ id: string; name: string }[]> {
    return (await this.repos.apps.listEnabled()).filter((a) => inScope(agent.apps, a.id)).map((a) => ({ id: a.id, name: a.name }));
  }

  async list(agent: AgentProfile, appId: string): Promise<AgentArticle[]> {
    await this.appFor(agent, appId);
    return (await this.repos.articles.listAll(appId)).map(agentArticle);
  }

  private static key(locale: string, slug: string): void {
    if (!isLocale(locale)) fail('CONVOT_ERR_BAD_REQUEST', `locale must be a language like "en" or "fr", got ${JSON.stringify(locale)}`, 'locale');
    if (!isSlug(slug)) fail('CONVOT_ERR_BAD_REQUEST', `slug must be lowercase letters, digits and single dashes (like "getting-started"), got ${JSON.stringify(slug)}`, 'slug');
  }

  /** Creates or replaces an article. Saving a config-declared article takes it over (source `inbox`). */
  async save(agent: AgentProfile, appId: string, locale: string, slug: string, input: ArticleInput): Promise<{ article: AgentArticle; created: boolean }> {
    await this.appFor(agent, appId);
    HelpService.key(locale, slug);
    const before = await this.repos.articles.find(appId, locale, slug, false);
    const row = await this.repos.articles.upsert(appId, { locale, slug, ...input, body_text: bodyText(input.body) }, 'inbox');
    // null: nothing changed (the same content saved again).
    return { article: agentArticle(row ?? before!), created: before === null };
  }

  async delete(agent: AgentProfile, appId: string, locale: string, slug: string): Promise<void> {
    await this.appFor(agent, appId);
    HelpService.key(locale, slug);
    if (!(await this.repos.articles.delete(appId, locale, slug))) fail('CONVOT_ERR_NOT_FOUND', `No article ${JSON.stringify(slug)} in locale ${JSON.stringify(locale)}.`);
  }

  /** The editor's preview (relative links have no site to resolve against: they show as text). */
  preview(body: string): MdDoc {
    return parseMarkdown(body);
  }
}
