/**
 * The public help site: `/help/:locale/` (categories, or `?q=` results without JavaScript),
 * `/help/:locale/article/:slug`, `/help/sitemap.xml`. Which app: the one whose `help_host` is
 * this request's Host; else `?app=<id>`; else the server's only app. Pages are server-rendered
 * under a strict CSP (nonce scripts and styles only) and show published articles only.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLocale } from '../../src/protocol/index.js';
import { ProtocolError } from '../../src/protocol/index.js';
import { articlePage, faviconSvg, homePage, notFoundPage, sitemapXml, type PageContext } from '../help/pages.js';
import { renderDoc } from '../help/render-markdown.js';
import { articleUrl, helpSiteOf, homeUrl, type HelpSite } from '../help/site-urls.js';
import type { RateLimiter } from '../rate-limit.js';
import { FALLBACK_LOCALE, type HelpService } from '../services/help-service.js';
import type { AppRow } from '../storage/apps-repo.js';
import type { Repositories } from '../storage/repositories.js';

/** Scripts and styles only with this response's nonce; images over https or from here. */
const csp = (nonce: string): string =>
  `default-src 'none'; script-src 'nonce-${nonce}' 'self'; style-src 'nonce-${nonce}'; img-src https: 'self'; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

interface Selected {
  app: AppRow;
  /** Links on this page (this host; `?app=` when it selected the app). */
  site: HelpSite;
  /** The app's preferred help site (its help_host when it has one). */
  canonicalSite: HelpSite;
}

export async function helpSiteRoutes(
  app: FastifyInstance,
  { help, repos, limiter }: { help: HelpService; repos: Pick<Repositories, 'apps' | 'articles'>; limiter: RateLimiter },
): Promise<{ homeForHost: (req: FastifyRequest) => Promise<string | null> }> {
  async function select(req: FastifyRequest): Promise<Selected | null> {
    const byHost = await repos.apps.findByHelpHost(req.host);
    if (byHost) {
      const site = helpSiteOf(byHost, req.protocol, req.host, false);
      return { app: byHost, site, canonicalSite: site };
    }
    const param = (req.query as Record<string, unknown>).app;
    let found: AppRow | null = null;
    if (typeof param === 'string' && param) found = await repos.apps.find(param);
    else {
      const all = await repos.apps.listEnabled();
      if (all.length === 1) found = all[0]!;
    }
    if (!found) return null;
    const site = helpSiteOf({ id: found.id, help_host: null }, req.protocol, req.host, typeof param === 'string' && param !== '');
    return { app: found, site, canonicalSite: found.help_host ? helpSiteOf(found, req.protocol, req.host, false) : site };
  }

  const page = (reply: FastifyReply, nonce: string, status: number, html: string) => {
    reply.code(status).header('Content-Security-Policy', csp(nonce)).header('Cache-Control', 'no-cache').type('text/html; charset=utf-8');
    return html;
  };

  const notFound = async (reply: FastifyReply, sel: Selected | null, locale: string, nonce: string) => {
    const locales = sel ? [...(await repos.articles.publishedLocales(sel.app.id)).keys()] : [];
    // The page speaks the asked language only where the site has it, so its links all work.
    const shown = locales.includes(locale) ? locale : locales.includes(FALLBACK_LOCALE) || !locales.length ? FALLBACK_LOCALE : locales[0]!;
    const ctx: PageContext = { app: sel?.app ?? null, site: sel && locales.length ? sel.site : null, canonicalSite: sel?.canonicalSite ?? null, locale: shown, nonce, locales };
    return page(reply, nonce, 404, notFoundPage(ctx));
  };

  /** The locales with published articles, or null (a 404) when `locale` is not one of them. */
  const localesIfPublished = async (sel: Selected, locale: string): Promise<string[] | null> => {
    const locales = [...(await repos.articles.publishedLocales(sel.app.id)).keys()];
    return isLocale(locale) && locales.includes(locale) ? locales : null;
  };

  app.get('/help/:locale/', async (req, reply) => {
    limiter.hit('help', req.ip);
    const { locale } = req.params as { locale: string };
    const nonce = randomBytes(16).toString('base64');
    const sel = await select(req);
    const locales = sel ? await localesIfPublished(sel, locale) : null;
    if (!sel || !locales) return notFound(reply, sel, locale, nonce);
    const raw = (req.query as Record<string, unknown>).q;
    const q = typeof raw === 'string' ? raw.trim().slice(0, 200) : '';
    const ctx: PageContext = { app: sel.app, site: sel.site, canonicalSite: sel.canonicalSite, locale, nonce, locales };
    const all = await help.search(sel.app, locale, '');
    const results = q ? (await help.search(sel.app, locale, q)).articles : null;
    return page(reply, nonce, 200, homePage(ctx, { articles: all.articles, query: q, results }));
  });

  // `/help/en` → `/help/en/` (relative links and the canonical address end with a slash).
  app.get('/help/:locale', async (req, reply) => {
    const { locale } = req.params as { locale: string };
    if (!isLocale(locale)) return notFound(reply, await select(req), 'en', randomBytes(16).toString('base64'));
    const qs = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    return reply.redirect(`/help/${locale}/${qs}`);
  });

  app.get('/help/:locale/article/:slug', async (req, reply) => {
    limiter.hit('help', req.ip);
    const { locale, slug } = req.params as { locale: string; slug: string };
    const nonce = randomBytes(16).toString('base64');
    const sel = await select(req);
    const locales = sel ? await localesIfPublished(sel, locale) : null;
    if (!sel || !locales) return notFound(reply, sel, locale, nonce);
    let row;
    try {
      row = await help.published(sel.app, locale, slug);
    } catch (e) {
      if (e instanceof ProtocolError && e.code === 'CONVOT_ERR_NOT_FOUND') return notFound(reply, sel, locale, nonce);
      throw e;
    }
    const [translations, list] = await Promise.all([repos.articles.localesOf(sel.app.id, slug), help.search(sel.app, locale, '')]);
    const related = list.articles.filter((a) => a.slug !== slug && a.category === row.category).slice(0, 8);
    const ctx: PageContext = { app: sel.app, site: sel.site, canonicalSite: sel.canonicalSite, locale, nonce, locales };
    return page(
      reply,
      nonce,
      200,
      articlePage(ctx, { ...row, bodyHtml: renderDoc(help.docOf(row, sel.site)), translations, related }),
    );
  });

  app.get('/help/sitemap.xml', async (req, reply) => {
    limiter.hit('help', req.ip);
    const sel = await select(req);
    if (!sel) return reply.code(404).type('text/plain').send('No help site here: add ?app=<app id>.');
    const site = sel.canonicalSite;
    const articles = await repos.articles.published(sel.app.id);
    const locales = [...new Set(articles.map((a) => a.locale))];
    const entries = [
      ...locales.map((l) => ({ loc: homeUrl(site, l) })),
      ...articles.map((a) => ({ loc: articleUrl(site, a.locale, a.slug), lastmod: a.updated_at })),
    ];
    return reply.type('application/xml; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(sitemapXml(entries));
  });

  // Any other address under /help/ is the site's 404 page, not the API's JSON.
  app.get('/help/*', async (req, reply) => notFound(reply, await select(req), 'en', randomBytes(16).toString('base64')));

  app.get('/help/favicon.svg', async (req, reply) => {
    const sel = await select(req);
    return reply.type('image/svg+xml').header('Cache-Control', 'public, max-age=3600').send(faviconSvg(sel?.app.appearance?.theme_color));
  });

  return {
    /** `/` on an app's help_host goes to its help center's home; null on any other host. */
    async homeForHost(req) {
      const byHost = await repos.apps.findByHelpHost(req.host);
      if (!byHost) return null;
      const locales = await repos.articles.publishedLocales(byHost.id);
      return `/help/${locales.has(FALLBACK_LOCALE) || !locales.size ? FALLBACK_LOCALE : [...locales.keys()][0]}/`;
    },
  };
}
