/**
 * Articles declared in the config file: `apps[].articles[]` entries and `apps[].articles_dir`,
 * a folder of Markdown files with front matter. Both are checked when the config is read, with
 * errors that name the entry or the file, like the rest of the config.
 *
 * Folder layout: `<dir>/<slug>.md` (locale from the front matter, default `en`) or
 * `<dir>/<locale>/<slug>.md` (locale from the folder name). The front matter is the block
 * between two `---` lines at the top, one `key: value` per line (values may be quoted): `title`
 * (required), `slug` (default: the file name), `locale`, `category`, `description`, `published`
 * (`true`/`false`, default true). Other keys are ignored.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { MAX_ARTICLE_BODY, MAX_CATEGORY, MAX_DESCRIPTION, MAX_TITLE, baseLocale, isSlug, type AgentArticle } from '../../src/protocol/help.js';

/** An article as the config declares it: the stored article without what the server adds. */
export type ArticleConfig = Omit<AgentArticle, 'app_id' | 'source' | 'updated_at'>;

/** config.ts turns this into its ConfigError (this module cannot import config.ts: a cycle). */
export class ArticleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArticleConfigError';
  }
}

const fail = (message: string): never => {
  throw new ArticleConfigError(message);
};

function text(v: unknown, where: string, max: number, required: boolean): string | null {
  if (v === undefined || v === null || v === '') return required ? fail(`${where} is required`) : null;
  if (typeof v !== 'string') return fail(`${where} must be a string, got ${JSON.stringify(v)}`);
  // eslint-disable-next-line no-control-regex -- NUL cannot be stored
  if (/\u0000/.test(v)) fail(`${where} must not contain NUL characters`);
  const s = v.trim();
  if (s.length > max) fail(`${where} must have at most ${max} characters, got ${s.length}`);
  if (!s) return required ? fail(`${where} is required`) : null;
  return s;
}

function locale(v: unknown, where: string): string {
  const l = typeof v === 'string' ? baseLocale(v) : null;
  return l ?? fail(`${where} must be a language like "en" or "fr", got ${JSON.stringify(v)}`);
}

function slug(v: unknown, where: string): string {
  if (typeof v !== 'string' || !isSlug(v)) fail(`${where} must be lowercase letters, digits and single dashes (like "getting-started"), got ${JSON.stringify(v)}`);
  return v as string;
}

function published(v: unknown, where: string): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== 'boolean') fail(`${where} must be true or false, got ${JSON.stringify(v)}`);
  return v as boolean;
}

/** One `apps[i].articles[j]` entry. */
export function parseArticleEntry(data: unknown, where: string): ArticleConfig {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(`${where} must be an object with locale, slug, title and body`);
  const o = data as Record<string, unknown>;
  const body = o.body;
  if (typeof body !== 'string') fail(`${where}.body must be a string of Markdown, got ${JSON.stringify(body)}`);
  if ((body as string).length > MAX_ARTICLE_BODY) fail(`${where}.body must have at most ${MAX_ARTICLE_BODY} characters`);
  return {
    locale: locale(o.locale, `${where}.locale`),
    slug: slug(o.slug, `${where}.slug`),
    title: text(o.title, `${where}.title`, MAX_TITLE, true)!,
    body: body as string,
    category: text(o.category, `${where}.category`, MAX_CATEGORY, false),
    description: text(o.description, `${where}.description`, MAX_DESCRIPTION, false),
    published: published(o.published, `${where}.published`),
  };
}

/** Splits `---\nkey: value\n---\nbody` into its fields and body. */
export function frontMatter(source: string, where: string): { fields: Record<string, unknown>; body: string } {
  const s = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const m = /^---\n([\s\S]*?)\n---(?:\n|$)/.exec(s);
  if (!m) return { fields: {}, body: s };
  const fields: Record<string, unknown> = {};
  m[1]!.split('\n').forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith('#')) return;
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) fail(`${where}: front matter line ${i + 2} must be "key: value", got ${JSON.stringify(line)}`);
    let v: string = kv![2]!.trim();
    let value: unknown = v;
    if (/^"(.*)"$/.test(v)) {
      try {
        value = JSON.parse(v) as unknown;
      } catch {
        fail(`${where}: front matter ${kv![1]} has a badly quoted value ${v}`);
      }
    } else if (/^'(.*)'$/.test(v)) {
      value = v.slice(1, -1).replace(/''/g, "'");
    } else if (v === 'true' || v === 'false') {
      value = v === 'true';
    } else {
      v = v.replace(/\s+#.*$/, ''); // a trailing YAML comment
      value = v;
    }
    fields[kv![1]!] = value;
  });
  return { fields, body: s.slice(m[0].length) };
}

/** Every `.md` file of the folder (one level of locale sub-folders), as article entries. */
export async function readArticlesDir(dir: string, where: string): Promise<ArticleConfig[]> {
  try {
    if (!(await stat(dir)).isDirectory()) fail(`${where} must be a folder, got the file ${dir}`);
  } catch (e) {
    if (e instanceof ArticleConfigError) throw e;
    fail(`${where}: cannot read the folder ${dir}: ${(e as Error).message}`);
  }
  const files: { path: string; folderLocale: string | null }[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && entry.name.endsWith('.md')) files.push({ path: join(dir, entry.name), folderLocale: null });
    else if (entry.isDirectory() && !entry.name.startsWith('.')) {
      const folderLocale = baseLocale(entry.name);
      if (!folderLocale || folderLocale !== entry.name.toLowerCase()) fail(`${where}: sub-folders are locales like "en" or "fr", got ${JSON.stringify(entry.name)}`);
      for (const f of (await readdir(join(dir, entry.name), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
        if (f.isFile() && f.name.endsWith('.md')) files.push({ path: join(dir, entry.name, f.name), folderLocale });
      }
    }
  }
  const out: ArticleConfig[] = [];
  for (const { path, folderLocale } of files) {
    const file = `${where} file ${relative(dir, path)}`;
    const { fields, body } = frontMatter(await readFile(path, 'utf8'), file);
    if (folderLocale && fields.locale !== undefined && baseLocale(String(fields.locale)) !== folderLocale) {
      fail(`${file}: front matter locale ${JSON.stringify(fields.locale)} differs from its folder ${JSON.stringify(folderLocale)}`);
    }
    out.push(
      parseArticleEntry(
        { ...fields, locale: folderLocale ?? fields.locale ?? 'en', slug: fields.slug ?? basename(path, '.md'), body },
        file,
      ),
    );
  }
  return out;
}

/** Entries and folder together; two articles with one locale and slug are an error naming both. */
export function checkUnique(articles: { a: ArticleConfig; where: string }[], where: string): void {
  const seen = new Map<string, string>();
  for (const { a, where: w } of articles) {
    const key = `${a.locale}/${a.slug}`;
    const first = seen.get(key);
    if (first) fail(`${where} has two articles ${key}: ${first} and ${w}`);
    seen.set(key, w);
  }
}
