/**
 * The widget's help routes on a fixture corpus: search ranking (title before body), results as
 * you type (the last word as a prefix), highlighted snippets as parts, the English fallback,
 * unpublished articles hidden, 404s, and `help`/`status_url` in the public config.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../server/config.js';
import type { AppPublicConfig, Article, HelpSearchResponse } from '../../src/protocol/index.js';
import { ALLOWED_ORIGIN, APP_ID, TEST_IDENTITY_SECRET, startServer, stopServer, visitorPath, type TestServer } from './helpers.js';

const OTHER = 'app_plain';

export const CORPUS = [
  // "invoice" in the body only, many times: must still rank below the title match.
  { locale: 'en', slug: 'payments-overview', title: 'Payments overview', category: 'Billing', body: 'Invoice, invoice, invoice: every invoice lists your charges. An invoice is sent monthly; each invoice has a number. Download any invoice, print the invoice, share the invoice. Invoice invoice invoice.' },
  // A long body lowers this article's rank (length-normalised): only the title rule puts it first.
  { locale: 'en', slug: 'invoices', title: 'Invoices and receipts', category: 'Billing', description: 'Where to find them.', body: 'Open the Billing page and pick a month. '.repeat(80) },
  { locale: 'en', slug: 'getting-started', title: 'Getting started', category: 'Basics', body: 'Create an account, then configure **notifications** in settings.' },
  { locale: 'en', slug: 'draft-secret', title: 'Secret invoice plans', category: 'Billing', body: 'Unpublished invoice article.', published: false },
  { locale: 'en', slug: 'api-keys', title: 'API keys', body: 'Rotate keys from the developer page.' },
  { locale: 'fr', slug: 'factures', title: 'Factures et reçus', category: 'Facturation', body: 'Chaque facture est envoyée par courriel.' },
  { locale: 'fr', slug: 'demarrer', title: 'Bien démarrer', category: 'Bases', body: 'Créez un compte puis réglez les notifications.' },
];

let s: TestServer;
const config = () =>
  parseConfig(
      {
        apps: [
          { id: APP_ID, name: 'Test', identity_secret: TEST_IDENTITY_SECRET, allowed_origins: [ALLOWED_ORIGIN], status_url: 'https://status.example.com/', articles: CORPUS },
          { id: OTHER, name: 'Plain', help_host: 'help.plain.test', articles: [{ locale: 'de', slug: 'hallo', title: 'Hallo', body: 'Willkommen.' }] },
        ],
        agents: [],
      },
      {},
    );
before(async () => {
  s = await startServer({ config: config() });
});
after(() => stopServer(s));

async function search(locale: string, q: string, appId = APP_ID): Promise<HelpSearchResponse> {
  const res = await s.app.inject({ method: 'GET', url: visitorPath(`/help/articles?locale=${encodeURIComponent(locale)}&q=${encodeURIComponent(q)}`, appId), headers: { origin: ALLOWED_ORIGIN } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as HelpSearchResponse;
}

const slugs = (r: HelpSearchResponse) => r.articles.map((a) => a.slug);
const hits = (parts: { text: string; hit: boolean }[]) => parts.filter((p) => p.hit).map((p) => p.text.toLowerCase());

describe('search', () => {
  test('a title match ranks before body matches, however often the body repeats the word', async () => {
    const r = await search('en', 'invoice');
    assert.equal(r.locale, 'en');
    assert.deepEqual(slugs(r), ['invoices', 'payments-overview']);
  });

  test('the last word is a prefix: results come as the visitor types', async () => {
    for (const typed of ['inv', 'invo', 'invoi', 'invoic']) assert.deepEqual(slugs(await search('en', typed)), ['invoices', 'payments-overview'], typed);
    // Half-typed words: within the stem ("notif" of notifications, stemmed "notif"; "configu"
    // of configure, "configur"), and past it ("billi" of Billing, stemmed "bill").
    assert.deepEqual(slugs(await search('en', 'notif')), ['getting-started']);
    assert.deepEqual(slugs(await search('en', 'account configu')), ['getting-started']);
    const billi = await search('en', 'billi');
    assert.deepEqual(slugs(billi), ['invoices']);
    assert.ok(hits(billi.articles[0]!.snippet).length > 0 && hits(billi.articles[0]!.snippet).every((h) => h === 'billing'));
    // Two letters are a word, not a prefix (they would match most of any text).
    assert.deepEqual(slugs(await search('en', 'ap')), []);
    assert.deepEqual(slugs(await search('en', 'api')), ['api-keys']);
    // Every word must match.
    assert.deepEqual(slugs(await search('en', 'account invoice')), []);
  });

  test('stemming: another form of a word finds the article', async () => {
    assert.deepEqual(slugs(await search('en', 'configured ')), ['getting-started']);
    assert.deepEqual(slugs(await search('fr', 'factures')), ['factures']);
  });

  test('snippets and titles come as parts, the matches marked, no markup', async () => {
    const r = await search('en', 'invoice');
    const [title, body] = r.articles;
    assert.deepEqual(hits(title!.title_parts), ['invoices']);
    assert.equal(title!.title_parts.map((p) => p.text).join(''), 'Invoices and receipts');
    assert.ok(hits(body!.snippet).length >= 2, JSON.stringify(body!.snippet));
    assert.ok(hits(body!.snippet).every((h) => h === 'invoice'), JSON.stringify(body!.snippet));
    assert.deepEqual(body!.title_parts, [{ text: 'Payments overview', hit: false }]);
    // eslint-disable-next-line no-control-regex -- the server's highlight markers must never leak
    for (const a of r.articles) for (const p of [...a.snippet, ...a.title_parts]) assert.doesNotMatch(p.text, /[<>\u0001\u0002]/);
    // Markdown syntax is not part of the searched text.
    const md = await search('en', 'notifications');
    assert.equal(md.articles[0]!.snippet.map((p) => p.text).join('').includes('**'), false);
  });

  test('an empty query lists every published article of the locale, by category then title', async () => {
    const r = await search('en', '');
    assert.deepEqual(slugs(r), ['getting-started', 'invoices', 'payments-overview', 'api-keys']);
    assert.deepEqual(r.articles[1]!.snippet, [{ text: 'Where to find them.', hit: false }]);
    assert.equal(r.articles[1]!.category, 'Billing');
    assert.equal(r.articles[3]!.category, null);
  });

  test('unpublished articles are never visible to visitors', async () => {
    assert.ok(!slugs(await search('en', 'secret')).length);
    assert.ok(!slugs(await search('en', '')).includes('draft-secret'));
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/help/articles/en/draft-secret') });
    assert.equal(res.statusCode, 404);
  });

  test('a region tag searches its language; a language without articles falls back to English', async () => {
    assert.equal((await search('fr-CA', 'facture')).locale, 'fr');
    assert.deepEqual(slugs(await search('fr-CA', 'facture')), ['factures']);
    const pt = await search('pt-BR', 'invoice');
    assert.equal(pt.locale, 'en');
    assert.deepEqual(slugs(pt), ['invoices', 'payments-overview']);
    // French has articles: no fallback even when nothing matches.
    assert.deepEqual(await search('fr', 'invoice'), { locale: 'fr', articles: [] });
  });

  test('operators and punctuation in a query are plain words, never tsquery syntax', async () => {
    for (const q of ["invoice & | ! ( ) :* ' \\", '!!!', "'); DROP TABLE articles; --", 'a'.repeat(200)]) await search('en', q);
    assert.deepEqual(slugs(await search('en', 'invoice!')), ['invoices', 'payments-overview']);
  });

  test('bad queries are a 400 naming the field', async () => {
    for (const [url, field] of [
      ['/help/articles?q=x', 'locale'],
      ['/help/articles?locale=english!&q=x', 'locale'],
      [`/help/articles?locale=en&q=${'x'.repeat(201)}`, 'q'],
    ] as const) {
      const res = await s.app.inject({ method: 'GET', url: visitorPath(url) });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().field, field);
    }
  });

  test('an origin outside allowed_origins is refused, like every visitor route', async () => {
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/help/articles?locale=en&q='), headers: { origin: 'https://evil.example' } });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'CONVOT_ERR_ORIGIN_NOT_ALLOWED');
  });
});

describe('articles', () => {
  test('a published article comes as a tree with its absolute help-site URL', async () => {
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/help/articles/en/getting-started'), headers: { host: 'chat.example.com', origin: ALLOWED_ORIGIN } });
    assert.equal(res.statusCode, 200, res.body);
    const { article } = res.json() as { article: Article };
    assert.equal(article.url, `http://chat.example.com/help/en/article/getting-started?app=${APP_ID}`);
    assert.equal(article.title, 'Getting started');
    assert.equal(article.category, 'Basics');
    assert.ok(!Number.isNaN(Date.parse(article.updated_at)));
    assert.deepEqual(article.doc, [
      { t: 'p', c: [{ t: 'text', v: 'Create an account, then configure ' }, { t: 'strong', c: [{ t: 'text', v: 'notifications' }] }, { t: 'text', v: ' in settings.' }] },
    ]);
  });

  test('unknown locale or slug: 404 CONVOT_ERR_NOT_FOUND naming them', async () => {
    for (const path of ['/help/articles/en/nope', '/help/articles/xx/getting-started', '/help/articles/fr/getting-started', '/help/articles/EN/bad%20slug']) {
      const res = await s.app.inject({ method: 'GET', url: visitorPath(path) });
      assert.equal(res.statusCode, 404, path);
      assert.equal(res.json().code, 'CONVOT_ERR_NOT_FOUND');
    }
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/help/articles/en/nope') });
    assert.match(res.json().message, /"nope".*"en"/);
  });
});

describe('public config', () => {
  test('help: the help home on this server with ?app=, the published count; status_url', async () => {
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/config'), headers: { host: 'chat.example.com' } });
    const cfg = res.json() as AppPublicConfig;
    assert.deepEqual(cfg.help, { url: `http://chat.example.com/help/en/?app=${APP_ID}`, articles: 6 });
    assert.equal(cfg.status_url, 'https://status.example.com/');
  });

  test('with help_host: that host, the scheme of the request (through a trusted proxy too)', async () => {
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/config', OTHER), headers: { host: 'chat.example.com' } });
    const cfg = res.json() as AppPublicConfig;
    assert.deepEqual(cfg.help, { url: 'http://help.plain.test/help/de/', articles: 1 });
    assert.equal(cfg.status_url, null);
    const proxied = await startServer({ db: s.db, config: config(), trustProxy: 1 });
    try {
      const r = await proxied.app.inject({ method: 'GET', url: visitorPath('/config', OTHER), headers: { 'x-forwarded-proto': 'https', host: 'chat.example.com' } });
      assert.equal((r.json() as AppPublicConfig).help?.url, 'https://help.plain.test/help/de/');
    } finally {
      await proxied.app.close();
    }
  });

  test('an app without published articles has help: null', async () => {
    const bare = await startServer({ config: parseConfig({ apps: [{ id: 'app_bare', articles: [{ locale: 'en', slug: 'x', title: 'X', body: 'x', published: false }] }], agents: [] }, {}) });
    try {
      const cfg = (await bare.app.inject({ method: 'GET', url: visitorPath('/config', 'app_bare') })).json() as AppPublicConfig;
      assert.equal(cfg.help, null);
      assert.equal(cfg.status_url, null);
    } finally {
      await stopServer(bare);
    }
  });
});
