import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ALLOWED_ORIGIN, APP_ID, auth, newSession, sendVisitor, startServer, stopServer, visitorPath, type TestServer } from './helpers.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

let s: TestServer;
before(async () => {
  s = await startServer();
  // A second app, to check that tokens are scoped to the app that issued them.
  await s.app.convot.repos.apps.upsert({ id: 'app_other', name: 'Other', identity_secret: null, require_verification: false, allowed_origins: [] });
});
after(() => stopServer(s));

describe('POST /sessions', () => {
  test('creates a session: 201 with a ses_ id and a distinct secret token', async () => {
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions') });
    assert.equal(res.statusCode, 201);
    const body = res.json() as { session_id: string; token: string; resumed: boolean };
    assert.match(body.session_id, /^ses_[A-Za-z0-9_-]{16,}$/);
    assert.equal(typeof body.token, 'string');
    assert.ok(body.token.length >= 32, 'token has at least 32 characters');
    assert.notEqual(body.token, body.session_id);
    assert.ok(!body.token.includes(body.session_id.slice(4)), 'token does not embed the session id');
    assert.equal(body.resumed, false);
  });

  test('two sessions get different ids and tokens', async () => {
    const a = await newSession(s.app);
    const b = await newSession(s.app);
    assert.notEqual(a.session_id, b.session_id);
    assert.notEqual(a.token, b.token);
  });

  test('resuming with Authorization: Bearer returns the same session, resumed: true', async () => {
    const first = await newSession(s.app);
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: auth(first.token) });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { session_id: string; token: string; resumed: boolean };
    assert.equal(body.session_id, first.session_id);
    assert.equal(body.token, first.token);
    assert.equal(body.resumed, true);
  });

  test('resumed session keeps its conversation', async () => {
    const first = await newSession(s.app);
    const m = await sendVisitor(s.app, first.token, 'before resume');
    await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: auth(first.token) });
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(first.token) });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { conversation_id: string; messages: { body: string }[] };
    assert.equal(body.conversation_id, m.conversation_id);
    assert.deepEqual(
      body.messages.map((x) => x.body),
      ['before resume'],
    );
  });

  test('an invalid token creates a new session instead of failing', async () => {
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: auth('not-a-real-token-aaaaaaaaaaaaaaaaaaaaaaaaaa') });
    assert.equal(res.statusCode, 201);
    const body = res.json() as { session_id: string; token: string; resumed: boolean };
    assert.equal(body.resumed, false);
    assert.match(body.session_id, /^ses_/);
    assert.notEqual(body.token, 'not-a-real-token-aaaaaaaaaaaaaaaaaaaaaaaaaa');
  });

  test('a token from another app does not resume or authenticate on this app', async () => {
    const other = await newSession(s.app, 'app_other');
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: auth(other.token) });
    assert.equal(res.statusCode, 201);
    assert.notEqual((res.json() as { session_id: string }).session_id, other.session_id);
    const msgs = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(other.token) });
    assert.equal(msgs.statusCode, 401);
    assert.equal((msgs.json() as { code: string }).code, 'CONVOT_ERR_UNAUTHORIZED');
  });

  test('the token is stored only as its sha256 hex hash', async () => {
    const { session_id, token } = await newSession(s.app);
    const rows = await s.db.query<{ token_hash: string }>('SELECT token_hash FROM visitor_sessions WHERE public_id = $1', [session_id]);
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]!.token_hash, token);
    assert.equal(rows[0]!.token_hash, sha256(token));
    const leaked = await s.db.query('SELECT 1 FROM visitor_sessions WHERE token_hash = $1 OR public_id = $1', [token]);
    assert.equal(leaked.length, 0, 'the plain token is in no column');
  });

  test('unknown app → 404 CONVOT_ERR_UNKNOWN_APP', async () => {
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions', 'app_nope') });
    assert.equal(res.statusCode, 404);
    const body = res.json() as { code: string; message: string };
    assert.equal(body.code, 'CONVOT_ERR_UNKNOWN_APP');
    assert.match(body.message, /app_nope/);
  });

  test('unknown app on other visitor routes → 404 CONVOT_ERR_UNKNOWN_APP', async () => {
    for (const [method, rest] of [
      ['GET', '/config'],
      ['GET', '/messages'],
      ['POST', '/messages'],
    ] as const) {
      const res = await s.app.inject({ method, url: visitorPath(rest, 'app_nope'), payload: method === 'POST' ? {} : undefined });
      assert.equal(res.statusCode, 404, `${method} ${rest}`);
      assert.equal((res.json() as { code: string }).code, 'CONVOT_ERR_UNKNOWN_APP');
    }
  });
});

describe('CORS', () => {
  test('an allowed Origin is echoed in access-control-allow-origin', async () => {
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: { origin: ALLOWED_ORIGIN } });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    assert.match(String(res.headers.vary), /Origin/);
  });

  test('a foreign Origin gets 403 CONVOT_ERR_ORIGIN_NOT_ALLOWED and creates nothing', async () => {
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: { origin: 'http://evil.test' } });
    assert.equal(res.statusCode, 403);
    assert.equal((res.json() as { code: string }).code, 'CONVOT_ERR_ORIGIN_NOT_ALLOWED');
    const rows = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM visitor_sessions');
    const before = rows[0]!.n;
    await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: { origin: 'http://evil.test' } });
    const rows2 = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM visitor_sessions');
    assert.equal(rows2[0]!.n, before, 'a refused origin creates no session');
  });

  test('a foreign Origin is refused with a valid token too', async () => {
    const { token } = await newSession(s.app);
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: { ...auth(token), origin: 'http://evil.test' } });
    assert.equal(res.statusCode, 403);
    assert.equal((res.json() as { code: string }).code, 'CONVOT_ERR_ORIGIN_NOT_ALLOWED');
  });

  test('an origin that only shares a prefix with an allowed one is refused', async () => {
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions'), headers: { origin: 'http://allowed.test.evil.test' } });
    assert.equal(res.statusCode, 403);
  });

  test('an OPTIONS preflight from an allowed origin gets 204 with allow headers', async () => {
    const res = await s.app.inject({
      method: 'OPTIONS',
      url: visitorPath('/messages'),
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    assert.match(String(res.headers['access-control-allow-methods']), /POST/);
    assert.match(String(res.headers['access-control-allow-headers']), /Authorization/i);
    assert.match(String(res.headers['access-control-allow-headers']), /Content-Type/i);
    assert.equal(res.body, '');
  });

  test('an OPTIONS preflight from a foreign origin is refused', async () => {
    const res = await s.app.inject({
      method: 'OPTIONS',
      url: visitorPath('/sessions'),
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' },
    });
    assert.equal(res.statusCode, 403);
    assert.equal((res.json() as { code: string }).code, 'CONVOT_ERR_ORIGIN_NOT_ALLOWED');
  });

  test('requests without an Origin (not a browser) are allowed, without CORS headers', async () => {
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/config') });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const body = res.json() as { app_id: string; name: string; available: boolean };
    assert.equal(body.app_id, APP_ID);
    assert.equal(body.name, 'Test');
    assert.equal(typeof body.available, 'boolean');
  });

  test('the public config never exposes the identity secret', async () => {
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/config'), headers: { origin: ALLOWED_ORIGIN } });
    assert.equal(res.statusCode, 200);
    assert.ok(!res.body.includes('test-secret'));
  });
});

describe('tokens never travel in URLs', () => {
  test('GET /messages?token=… does not authenticate: 401', async () => {
    const { token } = await newSession(s.app);
    const res = await s.app.inject({ method: 'GET', url: `${visitorPath('/messages')}?token=${encodeURIComponent(token)}` });
    assert.equal(res.statusCode, 401);
    assert.equal((res.json() as { code: string }).code, 'CONVOT_ERR_UNAUTHORIZED');
  });

  test('POST /messages?token=… does not authenticate: 401', async () => {
    const { token } = await newSession(s.app);
    const res = await s.app.inject({
      method: 'POST',
      url: `${visitorPath('/messages')}?token=${encodeURIComponent(token)}`,
      payload: { client_id: 'abcdefgh1', body: 'hi' },
    });
    assert.equal(res.statusCode, 401);
  });

  test('POST /sessions?token=… does not resume', async () => {
    const first = await newSession(s.app);
    const res = await s.app.inject({ method: 'POST', url: `${visitorPath('/sessions')}?token=${encodeURIComponent(first.token)}` });
    assert.equal(res.statusCode, 201);
    assert.notEqual((res.json() as { session_id: string }).session_id, first.session_id);
  });

  test('the same token in the Authorization header does authenticate', async () => {
    const { token } = await newSession(s.app);
    const res = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(token) });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { conversation_id: null, conversation_status: null, messages: [] });
  });
});
