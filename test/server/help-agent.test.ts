/**
 * The inbox's article routes: list (every locale, drafts too), create/update, publish and
 * unpublish (visitors see the change at once), delete, the preview parse; only for agents of
 * the app, signed in, from the server's own pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../server/config.js';
import type { AgentArticle } from '../../src/protocol/index.js';
import { loginAgent, startServer, stopServer, visitorPath, type TestServer } from './helpers.js';

const SHOP = 'app_shop';
const DOCS = 'app_docs';
const PASSWORD = 'article password';

let s: TestServer;
const cookies = { shop: '', docs: '', boss: '' };
before(async () => {
  s = await startServer({
    config: parseConfig(
      {
        apps: [
          { id: SHOP, name: 'Shop', articles: [{ locale: 'en', slug: 'returns', title: 'Returns', body: 'Send it back within 30 days.', category: 'Orders' }] },
          { id: DOCS, name: 'Docs' },
        ],
        agents: [
          { email: 'shop@test.dev', name: 'Shop', password: PASSWORD, apps: [SHOP] },
          { email: 'docs@test.dev', name: 'Docs', password: PASSWORD, apps: [DOCS] },
          { email: 'boss@test.dev', name: 'Boss', password: PASSWORD },
        ],
      },
      {},
    ),
  });
  for (const who of ['shop', 'docs', 'boss'] as const) cookies[who] = await loginAgent(s.app, PASSWORD, `${who}@test.dev`);
});
after(() => stopServer(s));

const articlePath = (app: string, locale: string, slug: string) => `/api/v1/agent/apps/${app}/articles/${locale}/${slug}`;
const put = (cookie: string, app: string, locale: string, slug: string, payload: unknown) => s.app.inject({ method: 'PUT', url: articlePath(app, locale, slug), headers: { cookie }, payload: payload as object });
const list = async (cookie: string, app: string): Promise<AgentArticle[]> => {
  const res = await s.app.inject({ method: 'GET', url: `/api/v1/agent/apps/${app}/articles`, headers: { cookie } });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { articles: AgentArticle[] }).articles;
};
const visible = async (app: string, locale: string, slug: string) => (await s.app.inject({ method: 'GET', url: visitorPath(`/help/articles/${locale}/${slug}`, app) })).statusCode === 200;

describe('editing', () => {
  test('create a draft, publish it, edit it, unpublish it, delete it; visitors see exactly the published state', async () => {
    const draft = await put(cookies.shop, SHOP, 'fr', 'retours', { title: 'Retours', body: '# Retours\n\nSous 30 jours.', category: 'Commandes', published: false });
    assert.equal(draft.statusCode, 201, draft.body);
    const a = (draft.json() as { article: AgentArticle }).article;
    assert.deepEqual({ ...a, updated_at: '' }, { app_id: SHOP, locale: 'fr', slug: 'retours', title: 'Retours', body: '# Retours\n\nSous 30 jours.', category: 'Commandes', description: null, published: false, source: 'inbox', updated_at: '' });
    assert.equal(await visible(SHOP, 'fr', 'retours'), false);
    assert.deepEqual(
      (await list(cookies.shop, SHOP)).map((x) => [x.locale, x.slug, x.published, x.source]),
      [
        ['en', 'returns', true, 'config'],
        ['fr', 'retours', false, 'inbox'],
      ],
    );

    assert.equal((await put(cookies.shop, SHOP, 'fr', 'retours', { title: 'Retours', body: '# Retours\n\nSous 30 jours.', category: 'Commandes', published: true })).statusCode, 200);
    assert.equal(await visible(SHOP, 'fr', 'retours'), true);
    const search = await s.app.inject({ method: 'GET', url: visitorPath('/help/articles?locale=fr&q=jours', SHOP) });
    assert.deepEqual(search.json().articles.map((x: { slug: string }) => x.slug), ['retours']);

    const edited = await put(cookies.shop, SHOP, 'fr', 'retours', { title: 'Retours et échanges', body: 'Sous 60 jours.', description: 'Délais', published: true });
    const e = (edited.json() as { article: AgentArticle }).article;
    assert.equal(e.title, 'Retours et échanges');
    assert.equal(e.category, null);
    assert.equal(e.description, 'Délais');
    assert.ok(e.updated_at >= a.updated_at);

    assert.equal((await put(cookies.shop, SHOP, 'fr', 'retours', { title: 'Retours et échanges', body: 'Sous 60 jours.', published: false })).statusCode, 200);
    assert.equal(await visible(SHOP, 'fr', 'retours'), false);

    const del = await s.app.inject({ method: 'DELETE', url: articlePath(SHOP, 'fr', 'retours'), headers: { cookie: cookies.shop } });
    assert.deepEqual(del.json(), { ok: true });
    assert.equal((await s.app.inject({ method: 'DELETE', url: articlePath(SHOP, 'fr', 'retours'), headers: { cookie: cookies.shop } })).statusCode, 404);
    assert.deepEqual((await list(cookies.shop, SHOP)).map((x) => x.slug), ['returns']);
  });

  test('saving the same content again is a 200 that returns the article unchanged', async () => {
    const body = { title: 'Same', body: 'Same body.', published: true };
    const first = (await put(cookies.boss, DOCS, 'en', 'same', body)).json().article as AgentArticle;
    const again = await put(cookies.boss, DOCS, 'en', 'same', body);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json().article, first);
  });

  test('bad bodies and keys: 400 naming the field', async () => {
    for (const [payload, field] of [
      [{ body: 'x', published: true }, 'title'],
      [{ title: 'x', published: true }, 'body'],
      [{ title: 'x', body: 'x', published: 'yes' }, 'published'],
      [{ title: 'x'.repeat(201), body: 'x' }, 'title'],
      [{ title: 'x', body: 'x'.repeat(60_001) }, 'body'],
    ] as const) {
      const res = await put(cookies.shop, SHOP, 'en', 'x', payload);
      assert.equal(res.statusCode, res.statusCode === 413 ? 413 : 400, res.body);
      if (res.statusCode === 400) assert.equal(res.json().field, field);
    }
    assert.equal((await put(cookies.shop, SHOP, 'english', 'x', { title: 'x', body: 'x' })).json().field, 'locale');
    assert.equal((await put(cookies.shop, SHOP, 'en', 'Bad_Slug', { title: 'x', body: 'x' })).json().field, 'slug');
  });

  test('preview: the server parses, with the same safety rules', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/agent/articles/preview', headers: { cookie: cookies.docs }, payload: { body: '## Hi\n\n[x](javascript:alert(1)) <b>raw</b>' } });
    assert.deepEqual(res.json(), {
      doc: [
        { t: 'h', level: 2, id: 'hi', c: [{ t: 'text', v: 'Hi' }] },
        { t: 'p', c: [{ t: 'text', v: 'x <b>raw</b>' }] },
      ],
    });
  });
});

describe('access', () => {
  test('an agent of another app gets a 404 for every article route of this app; an agent of every app works on all', async () => {
    const denied = [
      await s.app.inject({ method: 'GET', url: `/api/v1/agent/apps/${SHOP}/articles`, headers: { cookie: cookies.docs } }),
      await put(cookies.docs, SHOP, 'en', 'returns', { title: 'Hijacked', body: 'x' }),
      await s.app.inject({ method: 'DELETE', url: articlePath(SHOP, 'en', 'returns'), headers: { cookie: cookies.docs } }),
    ];
    for (const res of denied) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json().code, 'CONVOT_ERR_NOT_FOUND');
    }
    assert.equal((await s.app.convot.repos.articles.find(SHOP, 'en', 'returns', false))?.title, 'Returns');
    assert.deepEqual((await list(cookies.boss, SHOP)).map((x) => x.slug), ['returns']);
    const apps = async (cookie: string) => (await s.app.inject({ method: 'GET', url: '/api/v1/agent/apps', headers: { cookie } })).json().apps;
    assert.deepEqual(await apps(cookies.shop), [{ id: SHOP, name: 'Shop' }]);
    assert.deepEqual(await apps(cookies.boss), [
      { id: DOCS, name: 'Docs' },
      { id: SHOP, name: 'Shop' },
    ]);
  });

  test('not signed in: 401; another origin: 403', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/agent/apps'],
      ['GET', `/api/v1/agent/apps/${SHOP}/articles`],
      ['PUT', articlePath(SHOP, 'en', 'x')],
      ['DELETE', articlePath(SHOP, 'en', 'returns')],
      ['POST', '/api/v1/agent/articles/preview'],
    ] as const) {
      const res = await s.app.inject({ method, url, payload: method === 'PUT' || method === 'POST' ? { title: 'x', body: 'x' } : undefined });
      assert.equal(res.statusCode, 401, `${method} ${url}`);
      assert.equal(res.json().code, 'CONVOT_ERR_AGENT_AUTH_REQUIRED');
    }
    const cross = await s.app.inject({ method: 'DELETE', url: articlePath(SHOP, 'en', 'returns'), headers: { cookie: cookies.shop, origin: 'https://evil.example' } });
    assert.equal(cross.statusCode, 403);
    assert.equal(await visible(SHOP, 'en', 'returns'), true);
  });
});
