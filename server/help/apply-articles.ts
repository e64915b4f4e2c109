/**
 * Applies an app's config-declared articles at start: each is written (unchanged ones keep their
 * `updated_at`), config articles no longer declared are removed, and articles the inbox has
 * taken over (saved there) are left alone, with a warning naming them, since the file no longer
 * decides their content.
 */
import { docText, parseMarkdown } from '../../src/markdown/parse.js';
import type { ArticlesRepo } from '../storage/articles-repo.js';
import type { ArticleConfig } from './articles-config.js';

/** Plain text of a Markdown body: what search indexes and snippets quote. */
export const bodyText = (markdown: string): string => docText(parseMarkdown(markdown));

export async function applyArticles(repo: ArticlesRepo, appId: string, articles: ArticleConfig[], log?: { warn(msg: string): void }): Promise<void> {
  const keys = articles.map((a) => `${a.locale}/${a.slug}`);
  for (const a of articles) await repo.upsert(appId, { ...a, body_text: bodyText(a.body) }, 'config');
  await repo.deleteConfigOthers(appId, keys);
  const owned = await repo.inboxOwned(appId, keys);
  if (owned.length && log) {
    log.warn(`app ${appId}: the inbox has edited ${owned.join(', ')}; the config file's version is not applied (delete the article in the inbox to go back to it)`);
  }
}
