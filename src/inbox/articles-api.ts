/**
 * The inbox's article calls (agentApi in src/protocol/routes.ts), on its own origin with the
 * sign-in cookie, like inbox-api.ts.
 */
import type { ArticleInput } from '../protocol/help.js';
import { agentApi } from '../protocol/routes.js';
import { callRoute } from '../client/transport.js';

const opts = { credentials: 'same-origin' as const };
const key = (appId: string, locale: string, slug: string) => ({ params: { appId, locale, slug } });

export const articlesApi = {
  /** The apps this agent works on. */
  apps: () => callRoute(location.origin, agentApi.apps, opts),
  list: (appId: string) => callRoute(location.origin, agentApi.articles, { ...opts, params: { appId } }),
  save: (appId: string, locale: string, slug: string, body: ArticleInput) => callRoute(location.origin, agentApi.saveArticle, { ...opts, ...key(appId, locale, slug), body }),
  remove: (appId: string, locale: string, slug: string) => callRoute(location.origin, agentApi.deleteArticle, { ...opts, ...key(appId, locale, slug) }),
  /** The server parses: the inbox carries no Markdown parser. */
  preview: (body: string) => callRoute(location.origin, agentApi.previewArticle, { ...opts, body: { body } }),
};
