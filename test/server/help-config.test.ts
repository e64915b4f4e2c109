/**
 * Articles from the config file: `apps[].articles[]` and `apps[].articles_dir` applied at every
 * start (written, kept unchanged, removed when dropped), the inbox taking one over, and
 * validation errors that name the field or the file. Also `help_host` and `status_url`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfigFile, parseConfig } from '../../server/config.js';
import { frontMatter } from '../../server/help/articles-config.js';
import type { Db } from '../../server/storage/db.js';
import { loginAgent, openTestDb, startServer, type TestServer } from './helpers.js';

const APP = 'app_docs';
const AGENT = { email: 'writer@test.dev', name: 'Writer', password: 'writer password' };

let dir: string;
let db: Db;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'convot-help-config-'));
  db = await openTestDb();
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(app: Record<string, unknown>): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ apps: [{ id: APP, name: 'Docs', ...app }], agents: [AGENT] }));
  return file;
}

function writeArticle(path: string, text: string): void {
  mkdirSync(join(dir, 'articles', path, '..'), { recursive: true });
  writeFileSync(join(dir, 'articles', path), text);
}

/** Starts the server on the shared database with the config file as it is now. */
async function start(file: string): Promise<TestServer> {
  return startServer({ db, config: await loadConfigFile(file, {}) });
}

async function stored(s: TestServer): Promise<{ key: string; title: string; source: string; published: boolean; updated_at: string }[]> {
  return (await s.app.convot.repos.articles.listAll(APP)).map((a) => ({ key: `${a.locale}/${a.slug}`, title: a.title, source: a.source, published: a.published, updated_at: a.updated_at }));
}

describe('applied at every start', () => {
  test('entries and folder files are written; unchanged ones keep updated_at; dropped ones are removed', async () => {
    writeArticle('welcome.md', '---\ntitle: Welcome\ncategory: Basics\n---\n# Hello\n\nFirst steps.');
    writeArticle('fr/bienvenue.md', '---\ntitle: "Bienvenue : premiers pas"\ndescription: Pour commencer\n---\nBonjour.');
    writeArticle('de.md', '---\ntitle: Hallo\nlocale: de\nslug: hallo-welt\npublished: false\n---\nText.');
    const file = writeConfig({
      articles_dir: 'articles',
      articles: [{ locale: 'en', slug: 'pricing', title: 'Pricing', body: 'Plans and prices.' }],
    });
    let s = await start(file);
    const first = await stored(s);
    assert.deepEqual(
      first.map(({ key, title, source, published }) => ({ key, title, source, published })),
      [
        { key: 'de/hallo-welt', title: 'Hallo', source: 'config', published: false },
        { key: 'en/welcome', title: 'Welcome', source: 'config', published: true },
        { key: 'en/pricing', title: 'Pricing', source: 'config', published: true },
        { key: 'fr/bienvenue', title: 'Bienvenue : premiers pas', source: 'config', published: true },
      ],
    );
    const fr = await s.app.convot.repos.articles.find(APP, 'fr', 'bienvenue', true);
    assert.equal(fr?.description, 'Pour commencer');
    assert.equal(fr?.body, 'Bonjour.');
    await s.app.close();

    // A restart with the same files changes nothing, not even updated_at.
    s = await start(file);
    assert.deepEqual(await stored(s), first);
    await s.app.close();

    // Edit one file, drop another and the entry: the edit applies, the dropped ones go.
    writeArticle('welcome.md', '---\ntitle: Welcome aboard\n---\nFirst steps.');
    rmSync(join(dir, 'articles', 'de.md'));
    s = await start(writeConfig({ articles_dir: 'articles' }));
    const now = await stored(s);
    assert.deepEqual(
      now.map((a) => [a.key, a.title]),
      [
        ['en/welcome', 'Welcome aboard'],
        ['fr/bienvenue', 'Bienvenue : premiers pas'],
      ],
    );
    assert.notEqual(now[0]!.updated_at, first.find((a) => a.key === 'en/welcome')!.updated_at);
    assert.equal(now[1]!.updated_at, first.find((a) => a.key === 'fr/bienvenue')!.updated_at);
    await s.app.close();
  });

  test('an inbox save takes a config article over: later starts neither overwrite nor remove it; deleting it gives it back to the file', async () => {
    writeArticle('welcome.md', '---\ntitle: Welcome aboard\n---\nFirst steps.');
    const file = writeConfig({ articles_dir: 'articles' });
    let s = await start(file);
    const cookie = await loginAgent(s.app, AGENT.password, AGENT.email);
    const put = await s.app.inject({
      method: 'PUT',
      url: `/api/v1/agent/apps/${APP}/articles/en/welcome`,
      headers: { cookie },
      payload: { title: 'Welcome (edited in the inbox)', body: 'Better first steps.', published: true },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().article.source, 'inbox');
    await s.app.close();

    const warnings: string[] = [];
    s = await startServer({ db, config: await loadConfigFile(file, {}), logger: { level: 'warn', stream: { write: (line: string) => void warnings.push(line) } } as never });
    let rows = await stored(s);
    assert.deepEqual(rows.find((a) => a.key === 'en/welcome')!.title, 'Welcome (edited in the inbox)');
    assert.ok(warnings.some((w) => w.includes('en/welcome')), warnings.join('\n'));
    await s.app.close();

    // Dropped from the file: an inbox article stays.
    rmSync(join(dir, 'articles', 'welcome.md'));
    s = await start(file);
    rows = await stored(s);
    assert.ok(rows.some((a) => a.key === 'en/welcome' && a.source === 'inbox'));
    await s.app.close();

    // Back in the file and deleted in the inbox: the next start writes the file's version.
    writeArticle('welcome.md', '---\ntitle: Welcome aboard\n---\nFirst steps.');
    s = await start(file);
    const cookie2 = await loginAgent(s.app, AGENT.password, AGENT.email);
    assert.equal((await s.app.inject({ method: 'DELETE', url: `/api/v1/agent/apps/${APP}/articles/en/welcome`, headers: { cookie: cookie2 } })).statusCode, 200);
    await s.app.close();
    s = await start(file);
    rows = await stored(s);
    assert.deepEqual(rows.find((a) => a.key === 'en/welcome'), { ...rows.find((a) => a.key === 'en/welcome')!, title: 'Welcome aboard', source: 'config' });
    await s.app.close();
  });
});

describe('validation', () => {
  const bad = (app: Record<string, unknown>, message: RegExp) =>
    assert.throws(
      () => parseConfig({ apps: [{ id: 'a1', ...app }] }, {}),
      (e: Error) => e instanceof ConfigError && message.test(e.message),
    );

  test('article entries: each field named, duplicates named', () => {
    bad({ articles: {} }, /apps\[0\]\.articles must be an array/);
    bad({ articles: [{ locale: 'english', slug: 'a', title: 'A', body: '' }] }, /apps\[0\]\.articles\[0\]\.locale must be a language/);
    bad({ articles: [{ locale: 'en', slug: 'Not A Slug', title: 'A', body: '' }] }, /apps\[0\]\.articles\[0\]\.slug must be lowercase/);
    bad({ articles: [{ locale: 'en', slug: 'a', body: '' }] }, /apps\[0\]\.articles\[0\]\.title is required/);
    bad({ articles: [{ locale: 'en', slug: 'a', title: 'A' }] }, /apps\[0\]\.articles\[0\]\.body must be a string/);
    bad({ articles: [{ locale: 'en', slug: 'a', title: 'A', body: '', published: 'yes' }] }, /apps\[0\]\.articles\[0\]\.published must be true or false/);
    bad(
      {
        articles: [
          { locale: 'en', slug: 'a', title: 'A', body: '' },
          { locale: 'en-GB', slug: 'a', title: 'B', body: '' },
        ],
      },
      /two articles en\/a: apps\[0\]\.articles\[0\] and apps\[0\]\.articles\[1\]/,
    );
    // A region tag is stored under its language.
    assert.equal(parseConfig({ apps: [{ id: 'a1', articles: [{ locale: 'pt-BR', slug: 'a', title: 'A', body: '' }] }] }, {}).apps[0]!.articles[0]!.locale, 'pt');
  });

  test('help_host and status_url', () => {
    bad({ help_host: 'https://help.example.com' }, /apps\[0\]\.help_host must be a host name/);
    bad({ help_host: 'help.example.com/path' }, /apps\[0\]\.help_host must be a host name/);
    bad({ help_host: 'help.example.com:99999' }, /apps\[0\]\.help_host has a port out of range/);
    bad({ status_url: 'status.example.com' }, /apps\[0\]\.status_url must be an absolute http\(s\) URL/);
    bad({ status_url: 'javascript:alert(1)' }, /apps\[0\]\.status_url must be an absolute http\(s\) URL/);
    assert.throws(
      () => parseConfig({ apps: [{ id: 'a1', help_host: 'help.x.test' }, { id: 'a2', help_host: 'HELP.x.test' }] }, {}),
      /apps "a1" and "a2" have the same help_host "help.x.test"/,
    );
    const ok = parseConfig({ apps: [{ id: 'a1', help_host: 'Help.Example.com:8443', status_url: 'https://status.example.com' }] }, {}).apps[0]!;
    assert.equal(ok.help_host, 'help.example.com:8443');
    assert.equal(ok.status_url, 'https://status.example.com/');
  });

  test('articles_dir: a missing folder, a bad file and a duplicate are errors naming them', async () => {
    await assert.rejects(loadConfigFile(writeConfig({ articles_dir: 'nowhere' }), {}), /apps\[0\]\.articles_dir: cannot read the folder .*nowhere/);
    writeArticle('drafts/x.md', 'x');
    await assert.rejects(loadConfigFile(writeConfig({ articles_dir: 'articles' }), {}), /sub-folders are locales like "en" or "fr", got "drafts"/);
    rmSync(join(dir, 'articles', 'drafts'), { recursive: true });
    writeArticle('en/no-title.md', '---\ncategory: X\n---\nbody');
    await assert.rejects(loadConfigFile(writeConfig({ articles_dir: 'articles' }), {}), /apps\[0\]\.articles_dir file en\/no-title\.md\.title is required/);
    writeArticle('en/no-title.md', '---\ntitle: T\nlocale: fr\n---\nbody');
    await assert.rejects(loadConfigFile(writeConfig({ articles_dir: 'articles' }), {}), /en\/no-title\.md: front matter locale "fr" differs from its folder "en"/);
    writeArticle('en/no-title.md', '---\ntitle: T\nslug: welcome\n---\nbody');
    await assert.rejects(loadConfigFile(writeConfig({ articles_dir: 'articles' }), {}), /two articles en\/welcome/);
    rmSync(join(dir, 'articles', 'en'), { recursive: true });
  });

  test('front matter: quoted values, booleans, comments; a body without one is all body', () => {
    assert.deepEqual(frontMatter('---\ntitle: "A: b"\nother: \'it\'\'s\'\npublished: false\n# note\ncategory: Billing  # trailing\n---\nBody\n', 'f'), {
      fields: { title: 'A: b', other: "it's", published: false, category: 'Billing' },
      body: 'Body\n',
    });
    assert.deepEqual(frontMatter('# Just markdown\n', 'f'), { fields: {}, body: '# Just markdown\n' });
    assert.throws(() => frontMatter('---\nnot a pair\n---\n', 'f.md'), /f\.md: front matter line 2 must be "key: value"/);
  });
});
