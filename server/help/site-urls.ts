/**
 * Where an app's public help site lives, as absolute URLs. With `apps[].help_host` it is that
 * host (the app alone, so no `?app=`); otherwise the server's own host, with `?app=<id>` when
 * the host alone does not say which app (more than one app on the server).
 */
import type { AppRow } from '../storage/apps-repo.js';

export interface HelpSite {
  /** `https://help.example.com`, `http://127.0.0.1:8787`. */
  origin: string;
  /** The app id every help-site link must carry as `?app=`, or null when the host selects the app. */
  appParam: string | null;
}

/** The help site of `app`, as seen by a request with this scheme and host (`req.protocol`, `req.host`). */
export function helpSiteOf(app: Pick<AppRow, 'id' | 'help_host'>, scheme: string, requestHost: string, needsAppParam: boolean): HelpSite {
  if (app.help_host) return { origin: `${scheme}://${app.help_host}`, appParam: null };
  return { origin: `${scheme}://${requestHost}`, appParam: needsAppParam ? app.id : null };
}

const query = (site: HelpSite, extra: Record<string, string> = {}): string => {
  const params = new URLSearchParams();
  if (site.appParam) params.set('app', site.appParam);
  for (const [k, v] of Object.entries(extra)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
};

export const homeUrl = (site: HelpSite, locale: string, extra?: Record<string, string>): string => `${site.origin}/help/${encodeURIComponent(locale)}/${query(site, extra)}`;

export const articleUrl = (site: HelpSite, locale: string, slug: string): string =>
  `${site.origin}/help/${encodeURIComponent(locale)}/article/${encodeURIComponent(slug)}${query(site)}`;

export const sitemapUrl = (site: HelpSite): string => `${site.origin}/help/sitemap.xml${query(site)}`;

/** Links inside articles to this help site keep the `?app=` the site needs. */
export const keepAppParam =
  (site: HelpSite) =>
  (url: URL): void => {
    if (site.appParam && url.origin === site.origin && url.pathname.startsWith('/help/') && !url.searchParams.has('app')) url.searchParams.set('app', site.appParam);
  };
