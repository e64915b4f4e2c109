/**
 * The public help site, rendered by the server: which app a request gets (help_host, ?app=,
 * the only app), home with categories, search without JavaScript, articles with their SEO
 * links, the sitemap, 404s, and the page's headers (strict CSP, no referrer, nosniff). A hostile
 * article shows as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../server/config.js';
import { startServer, stopServer, type TestServer } from './helpers.js';
import { HOSTILE } from './help-fixtures.js';

const HOSTED = 'app_hosted';
const PLAIN = 'app_plain';

const hostile = Object.entries(HOSTILE)
  .map(([name, body]) => `## ${name}\n\n${body}\n`)
  .join('\n');

let s: TestServer;
before(async () => {
  s = await startServer({
    config: parseConfig(
      {
        apps: [
          {
            id: HOSTED,
            name: 'Acme <Cloud>',
            help_host: 'help.acme.test',
            status_url: 'https://status.acme.test/',
            appearance: { theme_color: '#0f766e' },
            articles: [
              { locale: 'en', slug: 'getting-started', title: 'Getting started', description: 'First steps with Acme.', category: 'Basics', body: '# Welcome\n\nSee [billing](billing) and [the French page](/help/fr/article/getting-started).' },
              { locale: 'en', slug: 'billing', title: 'Billing & invoices', category: 'Billing', body: 'Invoices arrive monthly.' },
              { locale: 'en', slug: 'hidden', title: 'Hidden draft', body: 'Not yet.', published: false },
              { locale: 'en', slug: 'hostile', title: '<script>alert("title")</script>', description: '"><script>alert(1)</script>', body: hostile },
              { locale: 'fr', slug: 'getting-started', title: 'Bien démarrer', category: 'Bases', body: 'Bonjour.' },
              { locale: 'ar', slug: 'getting-started', title: 'البدء', body: 'مرحبا' },
            ],
          },
          { id: PLAIN, name: 'Plain', articles: [{ locale: 'en', slug: 'hello', title: 'Hello', body: 'Hi [next](other).' }] },
        ],
        agents: [],
      },
      {},
    ),
  });
});
after(() => stopServer(s));

const get = (url: string, host = 'help.acme.test') => s.app.inject({ method: 'GET', url, headers: { host } });

describe('pages', () => {
  test('home: categories with their published articles, the theme colour, the widget, strict headers', async () => {
    const res = await get('/help/en/');
    assert.equal(res.statusCode, 200);
    const html = res.body;
    assert.match(res.headers['content-type'] as string, /text\/html/);
    const csp = res.headers['content-security-policy'] as string;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce.replace(/[+/=]/g, '\\$&')}' 'self';`));
    assert.match(csp, /img-src https: 'self'/);
    assert.match(csp, /base-uri 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    // Every script and style carries the nonce; no inline handlers.
    for (const tag of html.match(/<(script|style)\b[^>]*>/g)!) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    // The hand-off script is the first element of <head>.
    assert.match(html, /<head>\s*<script nonce="[^"]+">\(function\(w\)\{var c=w\.Convot=\{app_id:"app_hosted"/);
    assert.match(html, /<script nonce="[^"]+" async src="\/widget-loader\.js"><\/script>/);
    assert.match(html, /--brand:#0f766e/);
    assert.match(html, /<html lang="en" dir="ltr">/);
    assert.match(html, /<title>Help center · Acme &lt;Cloud&gt;<\/title>/);
    assert.match(html, /<link rel="canonical" href="http:\/\/help\.acme\.test\/help\/en\/">/);
    assert.match(html, /<link rel="alternate" hreflang="fr" href="http:\/\/help\.acme\.test\/help\/fr\/">/);
    assert.match(html, /<h2>Basics<\/h2><ul><li><a href="http:\/\/help\.acme\.test\/help\/en\/article\/getting-started">Getting started<\/a>/);
    assert.match(html, /<h2>Billing<\/h2>/);
    assert.doesNotMatch(html, /Hidden draft/);
    assert.match(html, /href="https:\/\/status\.acme\.test\/"/);
  });

  test('search works without JavaScript: a GET form, results with marked matches', async () => {
    const home = (await get('/help/en/')).body;
    assert.match(home, /<form class="search" role="search" method="get" action="http:\/\/help\.acme\.test\/help\/en\/">/);
    assert.match(home, /<input type="search" name="q"/);
    const res = await get('/help/en/?q=invoi');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Results for “invoi”/);
    assert.match(res.body, /<a href="http:\/\/help\.acme\.test\/help\/en\/article\/billing">Billing &amp; <mark>invoices<\/mark><\/a><p><mark>Invoices<\/mark> arrive monthly\.?<\/p>/);
    assert.match(res.body, /<meta name="robots" content="noindex">/);
    const none = await get('/help/en/?q=%3Cscript%3Ezzz');
    assert.match(none.body, /Results for “&lt;script&gt;zzz”/);
    assert.match(none.body, /No article matches/);
  });

  test('article: title, description, canonical, hreflang for its translations, body rendered, links resolved', async () => {
    const res = await get('/help/en/article/getting-started');
    assert.equal(res.statusCode, 200);
    const html = res.body;
    assert.match(html, /<title>Getting started · Acme &lt;Cloud&gt;<\/title>/);
    assert.match(html, /<meta name="description" content="First steps with Acme\.">/);
    assert.match(html, /<link rel="canonical" href="http:\/\/help\.acme\.test\/help\/en\/article\/getting-started">/);
    for (const l of ['en', 'fr', 'ar', 'x-default']) assert.match(html, new RegExp(`<link rel="alternate" hreflang="${l}" href="http://help\\.acme\\.test/help/${l === 'x-default' ? 'en' : l}/article/getting-started">`));
    assert.match(html, /<h1 id="welcome">Welcome<\/h1>/);
    assert.match(html, /<a href="http:\/\/help\.acme\.test\/help\/en\/article\/billing" target="_blank" rel="noopener noreferrer">billing<\/a>/);
    assert.match(html, /<a href="http:\/\/help\.acme\.test\/help\/fr\/article\/getting-started"/);
    assert.match(html, /<time datetime="\d{4}-\d\d-\d\dT/);
  });

  test('right-to-left languages get dir="rtl"; French gets French words', async () => {
    assert.match((await get('/help/ar/article/getting-started')).body, /<html lang="ar" dir="rtl">/);
    const fr = (await get('/help/fr/')).body;
    assert.match(fr, /<html lang="fr" dir="ltr">/);
    assert.match(fr, /Centre d’aide/);
  });

  test('a hostile article is text: no script, handler, base, meta refresh, form or iframe as markup', async () => {
    const res = await get('/help/en/article/hostile');
    assert.equal(res.statusCode, 200);
    const body = res.body.slice(res.body.indexOf('<article'), res.body.indexOf('</article>'));
    assert.doesNotMatch(body, /<(script|svg|base|meta|form|iframe|object|embed|style|input|button)\b(?![^>]*nonce=)/i);
    assert.doesNotMatch(body.replace(/"[^"]*"/g, '""'), /<[^>]*\son[a-z]+\s*=/i);
    assert.doesNotMatch(body, /(href|src)="\s*(javascript|vbscript|data):/i);
    assert.match(body, /&lt;script&gt;alert\(&quot;title&quot;\)&lt;\/script&gt;/);
    assert.match(res.body, /<meta name="description" content="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;">/);
    // Only the page's own nonce'd scripts exist anywhere in it.
    assert.equal(res.body.match(/<script\b/g)!.length, 3);
  });
});

describe('which app', () => {
  test('on another host, ?app= selects the app and stays in every help link; canonical points at help_host', async () => {
    const res = await get(`/help/en/?app=${HOSTED}`, 'chat.example.test');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /href="http:\/\/chat\.example\.test\/help\/en\/article\/billing\?app=app_hosted"/);
    assert.match(res.body, /<input type="hidden" name="app" value="app_hosted">/);
    assert.match(res.body, /<link rel="canonical" href="http:\/\/help\.acme\.test\/help\/en\/">/);
    const article = await get(`/help/en/article/getting-started?app=${HOSTED}`, 'chat.example.test');
    assert.match(article.body, /<a href="http:\/\/chat\.example\.test\/help\/en\/article\/billing\?app=app_hosted" target="_blank"/);
  });

  test('two apps and no ?app= on a plain host: 404; an unknown app: 404', async () => {
    for (const url of ['/help/en/', '/help/en/?app=nope', '/help/en/article/hello']) {
      const res = await get(url, 'chat.example.test');
      assert.equal(res.statusCode, 404, url);
      assert.match(res.body, /Page not found/);
      assert.match(res.headers['content-security-policy'] as string, /default-src 'none'/);
    }
  });

  test('a server with one app serves it without ?app=', async () => {
    const one = await startServer({ config: parseConfig({ apps: [{ id: 'solo', name: 'Solo', articles: [{ locale: 'en', slug: 'a', title: 'A', body: 'See [b](b).' }] }], agents: [] }, {}) });
    try {
      const res = await one.app.inject({ method: 'GET', url: '/help/en/article/a', headers: { host: 'solo.test' } });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /href="http:\/\/solo\.test\/help\/en\/article\/b" target/);
    } finally {
      await stopServer(one);
    }
  });

  test('/ on a help_host goes to its help center; elsewhere to the inbox', async () => {
    assert.equal((await get('/')).headers.location, '/help/en/');
    assert.equal((await get('/', 'chat.example.test')).headers.location, '/inbox');
  });
});

describe('not found and sitemap', () => {
  test('unknown locale, unknown or unpublished slug: a 404 page in the same layout', async () => {
    for (const url of ['/help/xx/', '/help/de/', '/help/en/article/nope', '/help/en/article/hidden', '/help/en/article/Bad%20Slug', '/help/en/other/page', '/help/']) {
      const res = await get(url);
      assert.equal(res.statusCode, 404, url);
      assert.match(res.body, /<h1>Page not found<\/h1>/);
      assert.match(res.body, /href="http:\/\/help\.acme\.test\/help\/en\/">Back to the help center/);
    }
    assert.equal((await get('/help/en')).headers.location, '/help/en/');
  });

  test('sitemap: every locale home and published article at its canonical address', async () => {
    const res = await get('/help/sitemap.xml');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /application\/xml/);
    const locs = [...res.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    assert.deepEqual(locs, [
      'http://help.acme.test/help/ar/',
      'http://help.acme.test/help/en/',
      'http://help.acme.test/help/fr/',
      'http://help.acme.test/help/ar/article/getting-started',
      'http://help.acme.test/help/en/article/billing',
      'http://help.acme.test/help/en/article/getting-started',
      'http://help.acme.test/help/en/article/hostile',
      'http://help.acme.test/help/fr/article/getting-started',
    ]);
    assert.match(res.body, /<lastmod>\d{4}-\d\d-\d\dT[^<]+<\/lastmod>/);
    assert.equal((await get('/help/sitemap.xml', 'chat.example.test')).statusCode, 404);
    assert.match((await get(`/help/sitemap.xml?app=${PLAIN}`, 'chat.example.test')).body, /<loc>http:\/\/chat\.example\.test\/help\/en\/article\/hello\?app=app_plain<\/loc>/);
  });
});
