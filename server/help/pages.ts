/**
 * The public help site's pages as HTML strings: every value is escaped here (`esc`), article
 * bodies come from render-markdown.ts, and the only scripts are nonce'd: the identity hand-off
 * (first in <head>), the widget loader, and the "Chat with us" button.
 */
import type { HighlightPart } from '../../src/protocol/index.js';
import type { AppRow } from '../storage/apps-repo.js';
import { esc } from './render-markdown.js';
import { articleUrl, homeUrl, type HelpSite } from './site-urls.js';
import { dirOf, stringsFor } from './site-strings.js';
import { siteCss } from './site-style.js';

export interface PageContext {
  /** Null for a 404 on no known app: no widget, no theme. */
  app: AppRow | null;
  /** The site links on this page point to (the request's host, `?app=` when needed). */
  site: HelpSite | null;
  /** The preferred address of this page's site (the app's help_host when it has one). */
  canonicalSite: HelpSite | null;
  locale: string;
  nonce: string;
  /** Other locales with published articles (for the language links). */
  locales: string[];
}

export interface ListItem {
  slug: string;
  title: string;
  category: string | null;
  description: string | null;
}

/** A JSON value inside an inline script: `<` cannot close the script, U+2028/9 cannot end a line. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * Runs before anything else on the page can make a request: takes `?convot_identity=` out of
 * the address bar and hands it to the widget as `window.Convot._identity`, which the loader
 * and embed.js already consume (embed.ts: `identifyWithToken(stub._identity)`), once.
 */
function headScript(ctx: PageContext): string {
  const stub = ctx.app ? `{app_id:${scriptJson(ctx.app.id)},_q:[["config","locale",${scriptJson(ctx.locale)}]]}` : '{}';
  return `<script nonce="${esc(ctx.nonce)}">(function(w){var c=w.Convot=${stub};try{var u=new URL(location.href),t=u.searchParams.get("convot_identity");if(t!==null){u.searchParams.delete("convot_identity");history.replaceState(history.state,"",u.href);if(t)c._identity=t}}catch(e){}})(window)</script>`;
}

/** Un-hides "Chat with us" once the widget can open (no inline handlers under the CSP). */
const chatScript = (nonce: string): string =>
  `<script nonce="${esc(nonce)}">(function(){var b=document.getElementById("chat-with-us");if(!b)return;b.hidden=false;b.addEventListener("click",function(){var c=window.Convot;if(c&&c.open)c.open()})})()</script>`;

export const highlighted = (parts: HighlightPart[]): string => parts.map((p) => (p.hit ? `<mark>${esc(p.text)}</mark>` : esc(p.text))).join('');

function layout(
  ctx: PageContext,
  o: { title: string; description: string | null; canonical: string | null; alternates: { locale: string; href: string }[]; heading: string; main: string; query?: string; headingIsTitle?: boolean },
): string {
  const s = stringsFor(ctx.locale);
  const n = esc(ctx.nonce);
  const appName = ctx.app?.name ?? s.helpCenter;
  const home = ctx.site ? homeUrl(ctx.site, ctx.locale) : null;
  const langLinks =
    ctx.site && ctx.locales.length > 1
      ? `<span class="langs" aria-label="${esc(s.languages)}">${ctx.locales
          .map((l) => `<a href="${esc(homeUrl(ctx.site!, l))}" hreflang="${esc(l)}" lang="${esc(l)}"${l === ctx.locale ? ' aria-current="true"' : ''}>${esc(l.toUpperCase())}</a>`)
          .join('')}</span>`
      : '';
  const search = ctx.site
    ? `<form class="search" role="search" method="get" action="${esc(homeUrl({ ...ctx.site, appParam: null }, ctx.locale))}">
  ${ctx.site.appParam ? `<input type="hidden" name="app" value="${esc(ctx.site.appParam)}">` : ''}<input type="search" name="q" value="${esc(o.query ?? '')}" placeholder="${esc(s.searchPlaceholder)}" aria-label="${esc(s.search)}" maxlength="200" autocomplete="off">
  <button type="submit">${esc(s.search)}</button>
</form>`
    : '';
  const more = ctx.app
    ? `<aside class="help-more"><div class="box"><p>${esc(s.stillNeedHelp)}</p><button type="button" id="chat-with-us" hidden>${esc(s.chatWithUs)}</button></div></aside>`
    : '';
  const footer = `<footer>${home ? `<a href="${esc(home)}">${esc(appName)} · ${esc(s.helpCenter)}</a>` : ''}${
    ctx.app?.status_url ? `<a href="${esc(ctx.app.status_url)}" rel="noopener noreferrer">${esc(s.status)}</a>` : ''
  }</footer>`;
  return `<!doctype html>
<html lang="${esc(ctx.locale)}" dir="${dirOf(ctx.locale)}">
<head>
${headScript(ctx)}
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title>
${o.description ? `<meta name="description" content="${esc(o.description)}">` : ''}
${o.canonical ? `<link rel="canonical" href="${esc(o.canonical)}">` : '<meta name="robots" content="noindex">'}
${o.alternates.map((a) => `<link rel="alternate" hreflang="${esc(a.locale)}" href="${esc(a.href)}">`).join('\n')}
<link rel="icon" href="/help/favicon.svg" type="image/svg+xml">
<meta name="theme-color" content="${esc(ctx.app?.appearance?.theme_color ?? '#2563eb')}">
<style nonce="${n}">${siteCss(ctx.app?.appearance?.theme_color)}</style>
${ctx.app ? `<script nonce="${n}" async src="/widget-loader.js"></script>` : ''}
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="top"><div class="inner">
<nav>${home ? `<a class="brand" href="${esc(home)}">${esc(appName)}</a>` : `<span class="brand">${esc(appName)}</span>`}${langLinks}</nav>
${o.headingIsTitle === false ? `<p class="title">${o.heading}</p>` : `<h1>${o.heading}</h1>`}
${search}
</div></header>
<main id="content">
${o.main}
</main>
${more}
${footer}
${ctx.app ? chatScript(ctx.nonce) : ''}
</body>
</html>`;
}

const alternatesOf = (site: HelpSite | null, locales: string[], url: (site: HelpSite, l: string) => string) =>
  site ? [...locales.map((l) => ({ locale: l, href: url(site, l) })), ...(locales.includes('en') ? [{ locale: 'x-default', href: url(site, 'en') }] : [])] : [];

/** `/help/:locale/`: categories with their articles, or the results of `?q=`. */
export function homePage(ctx: PageContext, o: { articles: ListItem[]; query: string; results: { slug: string; title_parts: HighlightPart[]; snippet: HighlightPart[] }[] | null }): string {
  const s = stringsFor(ctx.locale);
  const site = ctx.site!;
  let main: string;
  if (o.results) {
    main = `<h2>${esc(s.resultsFor(o.query))}</h2>${
      o.results.length
        ? `<ul class="results">${o.results
            .map((r) => `<li><a href="${esc(articleUrl(site, ctx.locale, r.slug))}">${highlighted(r.title_parts)}</a><p>${highlighted(r.snippet)}</p></li>`)
            .join('')}</ul>`
        : `<p class="muted">${esc(s.noResults)}</p>`
    }`;
  } else if (!o.articles.length) {
    main = `<p class="muted">${esc(s.noArticles)}</p>`;
  } else {
    const groups = new Map<string, ListItem[]>();
    for (const a of o.articles) {
      const key = a.category ?? s.other;
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    main = `<div class="grid">${[...groups]
      .map(
        ([cat, list]) =>
          `<section class="card"><h2>${esc(cat)}</h2><ul>${list.map((a) => `<li><a href="${esc(articleUrl(site, ctx.locale, a.slug))}">${esc(a.title)}</a></li>`).join('')}</ul></section>`,
      )
      .join('')}</div>`;
  }
  const appName = ctx.app!.name;
  return layout(ctx, {
    title: o.results ? `${s.resultsFor(o.query)} · ${appName}` : `${s.helpCenter} · ${appName}`,
    description: `${appName} · ${s.helpCenter}`,
    canonical: o.results ? null : homeUrl(ctx.canonicalSite!, ctx.locale),
    alternates: o.results ? [] : alternatesOf(ctx.canonicalSite, ctx.locales, (st, l) => homeUrl(st, l)),
    heading: esc(s.helpCenter),
    main,
    query: o.query,
  });
}

/** `/help/:locale/article/:slug`. `bodyHtml` comes from renderDoc (already escaped). */
export function articlePage(
  ctx: PageContext,
  a: { slug: string; title: string; category: string | null; description: string | null; updated_at: string; bodyHtml: string; translations: string[]; related: ListItem[] },
): string {
  const s = stringsFor(ctx.locale);
  const site = ctx.site!;
  let date = a.updated_at.slice(0, 10);
  try {
    date = new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(a.updated_at));
  } catch {
    // a locale Intl does not know: the ISO date
  }
  const related = a.related.length
    ? `<nav class="related" aria-label="${esc(a.category ? s.inCategory(a.category) : s.other)}"><h2>${esc(a.category ? s.inCategory(a.category) : s.other)}</h2><ul>${a.related
        .map((r) => `<li><a href="${esc(articleUrl(site, ctx.locale, r.slug))}">${esc(r.title)}</a></li>`)
        .join('')}</ul></nav>`
    : '';
  const main = `<article>
<div class="crumbs"><a href="${esc(homeUrl(site, ctx.locale))}">${esc(s.helpCenter)}</a>${a.category ? ` › ${esc(a.category)}` : ''}</div>
<h1>${esc(a.title)}</h1>
${a.description ? `<p class="lead">${esc(a.description)}</p>` : ''}
<p class="meta">${esc(s.updated)} <time datetime="${esc(a.updated_at)}">${esc(date)}</time></p>
<div class="body">
${a.bodyHtml}
</div>
${related}
</article>`;
  return layout(ctx, {
    title: `${a.title} · ${ctx.app!.name}`,
    description: a.description,
    canonical: articleUrl(ctx.canonicalSite!, ctx.locale, a.slug),
    alternates: alternatesOf(ctx.canonicalSite, a.translations, (st, l) => articleUrl(st, l, a.slug)),
    heading: esc(stringsFor(ctx.locale).helpCenter),
    headingIsTitle: false, // the article's title is the page's h1
    main,
  });
}

export function notFoundPage(ctx: PageContext): string {
  const s = stringsFor(ctx.locale);
  const home = ctx.site ? homeUrl(ctx.site, ctx.locale) : null;
  return layout(ctx, {
    title: `${s.notFound}${ctx.app ? ` · ${ctx.app.name}` : ''}`,
    description: null,
    canonical: null,
    alternates: [],
    heading: esc(s.notFound),
    main: `<p>${esc(s.notFoundText)}</p>${home ? `<p><a href="${esc(home)}">${esc(s.backHome)}</a></p>` : ''}`,
  });
}

export function sitemapXml(entries: { loc: string; lastmod?: string }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${entries.map((e) => `<url><loc>${esc(e.loc)}</loc>${e.lastmod ? `<lastmod>${esc(e.lastmod)}</lastmod>` : ''}</url>`).join('\n')}
</urlset>
`;
}

export const faviconSvg = (color: string | undefined): string => {
  const c = color && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) ? color : '#2563eb';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="${c}"/><text x="16" y="22" font-family="system-ui,sans-serif" font-size="18" font-weight="700" text-anchor="middle" fill="#fff">?</text></svg>`;
};
