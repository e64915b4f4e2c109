/**
 * Identity rules: user_hash checks, identity tokens (the API document's Ruby and Node
 * examples), and what identify does to sessions, visitors and verified contacts.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import jwt from 'jsonwebtoken';
import { parseConfig } from '../../server/config.js';
import { CLOCK_LEEWAY_SECONDS, MAX_LIFETIME_SECONDS, mintIdentityToken, verifyIdentityToken } from '../../server/identity/identity-token.js';
import { checkUserHash, computeUserHash } from '../../server/identity/user-hash.js';
import { APP_ID, TEST_IDENTITY_SECRET, auth, cid, loginAgent, startServer, stopServer, testConfigData, visitorPath, type TestServer } from './helpers.js';

const SECRET = TEST_IDENTITY_SECRET; // app_test's identity_secret in helpers.testConfigData()
const STRICT_APP = 'app_strict';
const STRICT_SECRET = 'strict-secret-of-at-least-32-characters';
const NOSECRET_APP = 'app_nosecret';

let s: TestServer;
let cookie: string;

before(async () => {
  const data = testConfigData();
  const config = parseConfig(
    {
      ...data,
      apps: [
        ...(data.apps as unknown[]),
        { id: STRICT_APP, name: 'Strict', identity_secret: STRICT_SECRET, require_verification: true, allowed_origins: [] },
        { id: NOSECRET_APP, name: 'No secret', allowed_origins: [] },
      ],
    },
    {},
  );
  s = await startServer({ config });
  cookie = await loginAgent(s.app);
});
after(() => stopServer(s));

// ---- local helpers ------------------------------------------------------------------------

const nowS = (): number => Math.floor(Date.now() / 1000);
const b64 = (x: string | Buffer): string => Buffer.from(x).toString('base64url');
const uniq = (prefix: string): string => `${prefix}_${randomUUID().slice(0, 8)}`;

/** A compact JWS built by hand: header and payload as given, HMAC with `hmac` (or no signature). */
function handToken(header: unknown, payload: unknown, secret: string, hmac: 'sha256' | 'sha512' | null = 'sha256'): string {
  const h = b64(typeof header === 'string' ? header : JSON.stringify(header));
  const p = b64(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const sig = hmac ? createHmac(hmac, secret).update(`${h}.${p}`).digest('base64url') : '';
  return `${h}.${p}.${sig}`;
}

/** Like the API document's Ruby example: header exactly {"alg":"HS256"}, no iat. */
const rubyToken = (payload: Record<string, unknown>, secret = SECRET): string => handToken('{"alg":"HS256"}', payload, secret);

/** Exactly the API document's Node example. */
const nodeExampleToken = (claims: { external_id?: string; email?: string }, secret = SECRET): string =>
  jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: '10m' });

const decodePart = (token: string, i: 0 | 1): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString('utf8'));

let ipSeq = 0;
/** A new session from its own client IP, so this file never meets the per-IP session limit. */
async function session(appId = APP_ID): Promise<{ session_id: string; token: string }> {
  ipSeq += 1;
  const res = await s.app.inject({ method: 'POST', url: visitorPath('/sessions', appId), remoteAddress: `10.77.${ipSeq >> 8}.${ipSeq & 255}` });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { session_id: string; token: string };
}

const identify = (token: string, body: Record<string, unknown>, appId = APP_ID) =>
  s.app.inject({ method: 'POST', url: visitorPath('/identify', appId), headers: auth(token), payload: body });
const identifyToken = (token: string, identityToken: string, appId = APP_ID) =>
  s.app.inject({ method: 'POST', url: visitorPath('/identify/token', appId), headers: auth(token), payload: { token: identityToken } });
const identityTokenOf = (token: string, appId = APP_ID) =>
  s.app.inject({ method: 'POST', url: visitorPath('/identity-token', appId), headers: auth(token), payload: {} });

async function sendMsg(token: string, body: string, appId = APP_ID): Promise<{ conversation_id: string; seq: number }> {
  const res = await s.app.inject({ method: 'POST', url: visitorPath('/messages', appId), headers: auth(token), payload: { client_id: cid(), body } });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { message: { conversation_id: string; seq: number } }).message;
}

async function history(token: string, appId = APP_ID): Promise<{ conversation_id: string | null; messages: { body: string }[] }> {
  const res = await s.app.inject({ method: 'GET', url: visitorPath('/messages', appId), headers: auth(token) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { conversation_id: string | null; messages: { body: string }[] };
}

interface VisitorRow {
  visitor_id: string;
  verified: boolean;
  email: string | null;
  external_id: string | null;
  name: string | null;
  contact_id: string | null;
}

/** The visitor behind a session, straight from the database. */
async function visitorOf(sessionId: string): Promise<VisitorRow> {
  const rows = await s.db.query<VisitorRow>(
    `SELECT v.id::text AS visitor_id, v.verified, v.email, v.external_id, v.name, v.contact_id::text AS contact_id
     FROM visitor_sessions vs JOIN visitors v ON v.id = vs.visitor_id WHERE vs.public_id = $1`,
    [sessionId],
  );
  assert.ok(rows[0], `no visitor for session ${sessionId}`);
  return rows[0];
}

interface Summary {
  id: string;
  last_seq: number;
  visitor: { id: string; email: string | null; external_id: string | null; verified: boolean; name: string | null };
}

/** The inbox summary of one conversation, as the signed-in agent sees it in the list. */
async function inboxSummary(conversationId: string): Promise<Summary> {
  const res = await s.app.inject({ method: 'GET', url: '/api/v1/agent/conversations', headers: { cookie } });
  assert.equal(res.statusCode, 200, res.body);
  const found = (res.json() as { conversations: Summary[] }).conversations.find((c) => c.id === conversationId);
  assert.ok(found, `conversation ${conversationId} is in the inbox`);
  return found;
}

const errOf = (res: { json(): unknown }) => res.json() as { code: string; message: string; field?: string };

function assertAnonymous(v: VisitorRow): void {
  assert.equal(v.verified, false, 'visitor is not verified');
  assert.equal(v.contact_id, null, 'visitor is linked to no contact');
  assert.equal(v.email, null, 'visitor has no email');
  assert.equal(v.external_id, null, 'visitor has no external_id');
}

// ---- unit: user_hash ------------------------------------------------------------------------

describe('checkUserHash / computeUserHash', () => {
  const user = { external_id: 'user_123', email: 'jane@example.com' };

  test('computeUserHash is the hex HMAC-SHA256 of the identifier with the secret', () => {
    const expected = createHmac('sha256', SECRET).update('user_123').digest('hex');
    assert.equal(computeUserHash(SECRET, 'user_123'), expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
  });

  test('a correct hash of external_id passes', () => {
    assert.deepEqual(checkUserHash(SECRET, user, computeUserHash(SECRET, 'user_123')), { ok: true });
  });

  test('a correct hash of email passes when there is no external_id', () => {
    assert.deepEqual(checkUserHash(SECRET, { email: 'jane@example.com' }, computeUserHash(SECRET, 'jane@example.com')), { ok: true });
  });

  test('uppercase hex is accepted', () => {
    assert.deepEqual(checkUserHash(SECRET, user, computeUserHash(SECRET, 'user_123').toUpperCase()), { ok: true });
  });

  test('a wrong hash is refused, naming external_id', () => {
    const r = checkUserHash(SECRET, user, computeUserHash(SECRET, 'user_124'));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /does not match the external_id/);
  });

  test('a hash made with another secret is refused', () => {
    const r = checkUserHash(SECRET, user, computeUserHash('other-secret', 'user_123'));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /does not match the external_id with this app's identity secret/);
  });

  test('a hash of the email is refused when external_id is present', () => {
    const r = checkUserHash(SECRET, user, computeUserHash(SECRET, 'jane@example.com'));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /does not match the external_id/);
  });

  test('a wrong hash of the email (no external_id) names email', () => {
    const r = checkUserHash(SECRET, { email: 'jane@example.com' }, computeUserHash(SECRET, 'john@example.com'));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /does not match the email/);
  });

  for (const len of [63, 65, 0]) {
    test(`a hash of ${len} characters is refused with its length`, () => {
      const good = computeUserHash(SECRET, 'user_123');
      const hash = len <= 64 ? good.slice(0, len) : good + 'a'.repeat(len - 64);
      const r = checkUserHash(SECRET, user, hash);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : '', new RegExp(`must be 64 hex characters \\(HMAC-SHA256\\), got ${len} characters`));
    });
  }

  test('64 non-hex characters are refused as not hexadecimal', () => {
    const r = checkUserHash(SECRET, user, 'g'.repeat(64));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /must be hexadecimal/);
    const r2 = checkUserHash(SECRET, user, computeUserHash(SECRET, 'user_123').slice(0, 63) + 'z');
    assert.equal(r2.ok, false);
    assert.match(!r2.ok ? r2.reason : '', /must be hexadecimal/);
  });

  test('no secret configured → refused, saying so', () => {
    for (const secret of [null, '']) {
      const r = checkUserHash(secret, user, computeUserHash(SECRET, 'user_123'));
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : '', /no identity_secret configured/);
    }
  });

  test('no external_id and no email → refused, saying what is missing', () => {
    const r = checkUserHash(SECRET, {}, computeUserHash(SECRET, ''));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /needs external_id or email/);
  });
});

// ---- unit: identity tokens --------------------------------------------------------------------

describe('verifyIdentityToken / mintIdentityToken', () => {
  const claims = { external_id: 'user_123', email: 'jane@example.com' };
  const NOW = 1_900_000_000;

  const refused = async (token: string, reason: RegExp, now?: number, secret: string | null = SECRET) => {
    const r = await verifyIdentityToken(secret, token, now);
    assert.equal(r.ok, false, `token refused: ${token}`);
    assert.match(!r.ok ? r.reason : '', reason);
  };

  test('a token made exactly like the Node example (jsonwebtoken, expiresIn 10m) is accepted', async () => {
    const token = nodeExampleToken(claims);
    assert.equal(decodePart(token, 0).alg, 'HS256');
    const r = await verifyIdentityToken(SECRET, token);
    assert.deepEqual(r, { ok: true, claims });
  });

  test('an equivalent token from jose SignJWT (HS256, iat now, exp now+600) is accepted', async () => {
    const now = nowS();
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(SECRET));
    assert.deepEqual(await verifyIdentityToken(SECRET, token), { ok: true, claims });
  });

  test('a token made like the Ruby example (header {"alg":"HS256"}, no iat) is accepted', async () => {
    const token = rubyToken({ ...claims, exp: NOW + 600 });
    assert.equal(Buffer.from(token.split('.')[0]!, 'base64url').toString(), '{"alg":"HS256"}');
    assert.deepEqual(await verifyIdentityToken(SECRET, token, NOW), { ok: true, claims });
  });

  test('external_id alone or email alone is enough', async () => {
    assert.deepEqual(await verifyIdentityToken(SECRET, rubyToken({ external_id: 'u1', exp: NOW + 60 }), NOW), { ok: true, claims: { external_id: 'u1' } });
    assert.deepEqual(await verifyIdentityToken(SECRET, rubyToken({ email: 'a@b.c', exp: NOW + 60 }), NOW), { ok: true, claims: { email: 'a@b.c' } });
  });

  test('mintIdentityToken makes an HS256 JWT of 600 s that verifyIdentityToken accepts', async () => {
    const token = await mintIdentityToken(SECRET, claims, NOW);
    assert.equal(decodePart(token, 0).alg, 'HS256');
    const payload = decodePart(token, 1);
    assert.equal(payload.iat, NOW);
    assert.equal(payload.exp, NOW + 600);
    assert.deepEqual(await verifyIdentityToken(SECRET, token, NOW), { ok: true, claims });
    await refused(token, /signature does not match/, NOW, 'another-secret');
  });

  test('alg "none" (unsigned) is refused', async () => {
    await refused(handToken({ alg: 'none', typ: 'JWT' }, { ...claims, exp: NOW + 600 }, SECRET, null), /must be signed with HS256/, NOW);
  });

  test('HS512 (even with the right secret) is refused', async () => {
    await refused(handToken({ alg: 'HS512', typ: 'JWT' }, { ...claims, exp: NOW + 600 }, SECRET, 'sha512'), /must be signed with HS256/, NOW);
  });

  test('an RS256 header is refused', async () => {
    const h = b64(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const p = b64(JSON.stringify({ ...claims, exp: NOW + 600 }));
    await refused(`${h}.${p}.${randomBytes(256).toString('base64url')}`, /must be signed with HS256/, NOW);
  });

  test('expired beyond the 60 s leeway is refused; within the leeway it is accepted', async () => {
    assert.equal(CLOCK_LEEWAY_SECONDS, 60);
    await refused(rubyToken({ ...claims, exp: NOW - 120 }), /has expired/, NOW);
    assert.deepEqual(await verifyIdentityToken(SECRET, rubyToken({ ...claims, exp: NOW - 30 }), NOW), { ok: true, claims });
  });

  test('a token without exp is refused', async () => {
    await refused(rubyToken({ ...claims }), /exp claim is missing/, NOW);
    await refused(rubyToken({ ...claims, iat: NOW }), /exp claim is missing/, NOW);
  });

  test('a lifetime over one hour is refused, judged from iat or, without iat, from now', async () => {
    assert.equal(MAX_LIFETIME_SECONDS, 3600);
    await refused(rubyToken({ ...claims, iat: NOW, exp: NOW + 7200 }), /lives 7200 s; at most 3600 s/, NOW);
    await refused(rubyToken({ ...claims, exp: NOW + 7200 }), /lives 7200 s; at most 3600 s/, NOW);
    // One hour exactly is fine.
    assert.equal((await verifyIdentityToken(SECRET, rubyToken({ ...claims, iat: NOW, exp: NOW + 3600 }), NOW)).ok, true);
  });

  test('a token issued in the future cannot stretch its lifetime past one hour (iat now+2h, exp now+2h+10min)', async () => {
    // Judged from iat alone, exp - iat = 600 s looks short, yet the token stays usable for 2 h 10 min from now.
    await refused(rubyToken({ ...claims, iat: NOW + 7200, exp: NOW + 7800 }), /at most 3600 s|future/, NOW);
    // Ten years ahead: a practically permanent identity link.
    const tenYears = 10 * 365 * 86400;
    await refused(rubyToken({ ...claims, iat: NOW + tenYears, exp: NOW + tenYears + 600 }), /at most 3600 s|future/, NOW);
  });

  test('a token signed with another secret is refused', async () => {
    await refused(rubyToken({ ...claims, exp: NOW + 600 }, 'not-the-secret'), /signature does not match this app/, NOW);
    await refused(nodeExampleToken(claims, 'not-the-secret'), /signature does not match this app/);
  });

  test('malformed tokens are refused', async () => {
    await refused('abc', /not a JWT/, NOW);
    await refused('', /not a JWT/, NOW);
    await refused(rubyToken({ ...claims, exp: NOW + 600 }).split('.').slice(0, 2).join('.'), /not a JWT/, NOW); // two parts
    await refused('a.b.c.d', /not a JWT/, NOW);
    await refused('eyJ+.eyJ/.c2ln', /not a JWT/, NOW); // base64, not base64url
    await refused('a.b.c', /malformed/, NOW); // base64url alphabet, but undecodable
    // Garbage JSON in the header, and (correctly signed) in the payload.
    await refused(`${b64('{"alg":"HS256"')}.${b64(JSON.stringify({ ...claims, exp: NOW + 600 }))}.c2ln`, /malformed/, NOW);
    await refused(handToken('{"alg":"HS256"}', '{"external_id": "user_123", exp', SECRET), /malformed/, NOW);
    await refused(handToken('{"alg":"HS256"}', '[1,2,3]', SECRET), /malformed/, NOW);
    await refused('x'.repeat(2100) + '.' + 'y'.repeat(2100) + '.z', /not a JWT/, NOW); // over 4096 chars
  });

  test('a token naming neither external_id nor email is refused', async () => {
    await refused(rubyToken({ exp: NOW + 600 }), /names no external_id or email/, NOW);
    await refused(rubyToken({ external_id: '', email: 42, name: 'Jane', exp: NOW + 600 }), /names no external_id or email/, NOW);
  });

  test('no identity secret → refused, saying so', async () => {
    await refused(rubyToken({ ...claims, exp: NOW + 600 }), /no identity_secret configured/, NOW, null);
  });
});

// ---- routes: identify with user_hash ------------------------------------------------------------

describe('POST identify with user_hash', () => {
  test('a valid user_hash verifies the visitor: {verified: true, session: null}; the inbox shows it verified', async () => {
    const a = await session();
    const ext = uniq('user');
    const res = await identify(a.token, { external_id: ext, email: `${ext}@example.com`, name: 'Jane Doe', user_hash: computeUserHash(SECRET, ext) });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { verified: true, session: null });
    const m = await sendMsg(a.token, 'hello from a verified visitor');
    const summary = await inboxSummary(m.conversation_id);
    assert.equal(summary.visitor.verified, true);
    assert.equal(summary.visitor.external_id, ext);
    assert.equal(summary.visitor.email, `${ext}@example.com`);
    assert.equal(summary.visitor.name, 'Jane Doe');
    const v = await visitorOf(a.session_id);
    assert.notEqual(v.contact_id, null);
  });

  test('uppercase user_hash is accepted over the route too', async () => {
    const a = await session();
    const ext = uniq('user');
    const res = await identify(a.token, { external_id: ext, user_hash: computeUserHash(SECRET, ext).toUpperCase() });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((res.json() as { verified: boolean }).verified, true);
  });

  test('email-only identity: the hash of the email verifies', async () => {
    const a = await session();
    const email = `${uniq('only')}@example.com`;
    const res = await identify(a.token, { email, user_hash: computeUserHash(SECRET, email) });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { verified: true, session: null });
    const v = await visitorOf(a.session_id);
    assert.equal(v.verified, true);
    assert.equal(v.email, email);
  });

  test('a wrong hash on an app without require_verification: identified unverified, with a warning naming the reason; nothing is linked', async () => {
    const a = await session();
    const ext = uniq('user');
    const res = await identify(a.token, { external_id: ext, email: `${ext}@example.com`, name: 'Mallory', user_hash: computeUserHash(SECRET, `${ext}x`) });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { verified: boolean; session: unknown; warning?: string };
    assert.equal(body.verified, false);
    assert.equal(body.session, null);
    assert.match(body.warning ?? '', /user_hash was not accepted \(user_hash does not match the external_id/);
    const v = await visitorOf(a.session_id);
    assert.equal(v.verified, false, 'not verified');
    assert.equal(v.contact_id, null, 'not linked to a contact');
    assert.equal(v.external_id, ext, 'fields are kept, unverified');
    const contacts = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE identity_key = $1', [`ext:${ext}`]);
    assert.equal(contacts[0]!.n, 0, 'no contact was created');
    assert.deepEqual((await identityTokenOf(a.token)).json(), { token: null });
    const m = await sendMsg(a.token, 'wrong hash visitor');
    assert.equal((await inboxSummary(m.conversation_id)).visitor.verified, false);
  });

  test('a wrong hash on a verified session never attaches to the verified person: a fresh anonymous session', async () => {
    const a = await session();
    const ext = uniq('vera');
    await identify(a.token, { external_id: ext, email: `${ext}@example.com`, user_hash: computeUserHash(SECRET, ext) });
    const m = await sendMsg(a.token, 'vera history');
    const res = await identify(a.token, { external_id: `${ext}_evil`, email: 'evil@example.com', user_hash: computeUserHash('guess', `${ext}_evil`) });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { verified: boolean; session: { session_id: string; token: string } | null; warning?: string };
    assert.equal(body.verified, false);
    assert.ok(body.session, 'a fresh session');
    assert.match(body.warning ?? '', /not accepted/);
    const nv = await visitorOf(body.session.session_id);
    assert.equal(nv.verified, false);
    assert.equal(nv.contact_id, null);
    assert.deepEqual((await history(body.session.token)).messages, []);
    const ov = await visitorOf(a.session_id);
    assert.equal(ov.external_id, ext);
    assert.equal(ov.email, `${ext}@example.com`);
    assert.equal((await inboxSummary(m.conversation_id)).last_seq, 1);
  });

  test('wrong-length and non-hex hashes never yield 500: each warning names the problem; beyond the field limit → 400', async () => {
    const a = await session();
    const ext = uniq('user');
    const good = computeUserHash(SECRET, ext);
    for (const [hash, reason] of [
      [good.slice(0, 63), /got 63 characters/],
      [good + 'a', /got 65 characters/],
      ['', /got 0 characters/],
      ['z'.repeat(64), /hexadecimal/],
    ] as const) {
      const res = await identify(a.token, { external_id: ext, user_hash: hash });
      assert.equal(res.statusCode, 200, `hash of length ${hash.length}: ${res.body}`);
      const body = res.json() as { verified: boolean; warning?: string };
      assert.equal(body.verified, false);
      assert.match(body.warning ?? '', reason);
    }
    const long = await identify(a.token, { external_id: ext, user_hash: 'a'.repeat(5000) });
    assert.equal(long.statusCode, 400, long.body);
    assert.equal(errOf(long).field, 'user_hash');
    const v = await visitorOf(a.session_id);
    assert.equal(v.verified, false);
    assert.equal(v.contact_id, null);
  });

  test('user_hash on an app without an identity secret: unverified, the warning says there is no secret', async () => {
    const a = await session(NOSECRET_APP);
    const res = await identify(a.token, { external_id: 'u', user_hash: computeUserHash(SECRET, 'u') }, NOSECRET_APP);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { verified: boolean; warning?: string };
    assert.equal(body.verified, false);
    assert.match(body.warning ?? '', /no identity_secret configured/);
    const v = await visitorOf(a.session_id);
    assert.equal(v.verified, false);
    assert.equal(v.contact_id, null);
  });
});

describe('require_verification', () => {
  test('a wrong hash → 403 CONVOT_ERR_BAD_USER_HASH naming user_hash; nothing is linked or stored', async () => {
    const a = await session(STRICT_APP);
    const ext = uniq('user');
    const res = await identify(a.token, { external_id: ext, email: `${ext}@strict.test`, name: 'Mallory', user_hash: computeUserHash(STRICT_SECRET, `${ext}x`) }, STRICT_APP);
    assert.equal(res.statusCode, 403, res.body);
    const e = errOf(res);
    assert.equal(e.code, 'CONVOT_ERR_BAD_USER_HASH');
    assert.equal(e.field, 'user_hash');
    assert.match(e.message, /does not match the external_id/);
    const v = await visitorOf(a.session_id);
    assertAnonymous(v);
    assert.equal(v.name, null, 'no field of a refused identify is stored');
    const contacts = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE identity_key = $1', [`ext:${ext}`]);
    assert.equal(contacts[0]!.n, 0, 'no contact was created');
  });

  test('a hash of the email while external_id is present → 403', async () => {
    const a = await session(STRICT_APP);
    const ext = uniq('user');
    const email = `${ext}@strict.test`;
    const res = await identify(a.token, { external_id: ext, email, user_hash: computeUserHash(STRICT_SECRET, email) }, STRICT_APP);
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(errOf(res).code, 'CONVOT_ERR_BAD_USER_HASH');
    assertAnonymous(await visitorOf(a.session_id));
  });

  test('wrong-length and non-hex hashes → 403 naming the problem (never 500)', async () => {
    const a = await session(STRICT_APP);
    const ext = uniq('user');
    const good = computeUserHash(STRICT_SECRET, ext);
    for (const [hash, reason] of [
      [good.slice(0, 63), /got 63 characters/],
      [good + 'a', /got 65 characters/],
      ['', /got 0 characters/],
      ['z'.repeat(64), /hexadecimal/],
    ] as const) {
      const res = await identify(a.token, { external_id: ext, email: `${ext}@strict.test`, user_hash: hash }, STRICT_APP);
      assert.equal(res.statusCode, 403, `hash of length ${hash.length}: ${res.body}`);
      assert.equal(errOf(res).code, 'CONVOT_ERR_BAD_USER_HASH');
      assert.equal(errOf(res).field, 'user_hash');
      assert.match(errOf(res).message, reason);
    }
    assertAnonymous(await visitorOf(a.session_id));
  });
  test('identify without user_hash → 403 CONVOT_ERR_VERIFICATION_REQUIRED; the visitor keeps no email', async () => {
    const a = await session(STRICT_APP);
    const res = await identify(a.token, { email: 'jane@strict.test', external_id: 'strict_1' }, STRICT_APP);
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(errOf(res).code, 'CONVOT_ERR_VERIFICATION_REQUIRED');
    assert.equal(errOf(res).field, 'user_hash');
    assertAnonymous(await visitorOf(a.session_id));
  });

  test('PUT visitor {email} on a strict app → 403 CONVOT_ERR_VERIFICATION_REQUIRED', async () => {
    const a = await session(STRICT_APP);
    const res = await s.app.inject({ method: 'PUT', url: visitorPath('/visitor', STRICT_APP), headers: auth(a.token), payload: { email: 'jane@strict.test' } });
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(errOf(res).code, 'CONVOT_ERR_VERIFICATION_REQUIRED');
    assert.equal(errOf(res).field, 'email');
    assertAnonymous(await visitorOf(a.session_id));
  });

  test('a valid user_hash (with the strict app own secret) verifies; the test app secret does not', async () => {
    const a = await session(STRICT_APP);
    const bad = await identify(a.token, { external_id: 'strict_2', user_hash: computeUserHash(SECRET, 'strict_2') }, STRICT_APP);
    assert.equal(bad.statusCode, 403);
    assert.equal(errOf(bad).code, 'CONVOT_ERR_BAD_USER_HASH');
    const res = await identify(a.token, { external_id: 'strict_2', email: 'two@strict.test', user_hash: computeUserHash(STRICT_SECRET, 'strict_2') }, STRICT_APP);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { verified: true, session: null });
    const v = await visitorOf(a.session_id);
    assert.equal(v.verified, true);
    assert.equal(v.email, 'two@strict.test');
  });
});

// ---- routes: who the session belongs to --------------------------------------------------------

describe('identify and session switching', () => {
  test('verified as someone else → a new session; the old history is not visible to it; same person again → no new session', async () => {
    const a = await session();
    const first = uniq('alice');
    const second = uniq('bob');
    const r1 = await identify(a.token, { external_id: first, email: `${first}@example.com`, user_hash: computeUserHash(SECRET, first) });
    assert.deepEqual(r1.json(), { verified: true, session: null });
    const m = await sendMsg(a.token, 'alice private history');

    const r2 = await identify(a.token, { external_id: second, email: `${second}@example.com`, user_hash: computeUserHash(SECRET, second) });
    assert.equal(r2.statusCode, 200, r2.body);
    const body = r2.json() as { verified: boolean; session: { session_id: string; token: string; resumed: boolean } | null };
    assert.equal(body.verified, true);
    assert.ok(body.session, 'a new session is returned');
    assert.notEqual(body.session.session_id, a.session_id);
    assert.notEqual(body.session.token, a.token);
    assert.equal(body.session.resumed, false);

    const fresh = await history(body.session.token);
    assert.equal(fresh.conversation_id, null);
    assert.deepEqual(fresh.messages, []);
    const nv = await visitorOf(body.session.session_id);
    assert.equal(nv.verified, true);
    assert.equal(nv.external_id, second);
    // The old session still belongs to the first person and keeps its history.
    const ov = await visitorOf(a.session_id);
    assert.equal(ov.external_id, first);
    assert.notEqual(ov.contact_id, nv.contact_id);
    const old = await history(a.token);
    assert.equal(old.conversation_id, m.conversation_id);
    assert.deepEqual(old.messages.map((x) => x.body), ['alice private history']);
    // The new person's messages start a separate conversation.
    const m2 = await sendMsg(body.session.token, 'bob first message');
    assert.notEqual(m2.conversation_id, m.conversation_id);
    assert.equal(m2.seq, 1);
    assert.equal((await inboxSummary(m.conversation_id)).last_seq, 1);

    // Identifying the new session again as the same person: no new session.
    const r3 = await identify(body.session.token, { external_id: second, name: 'Bob', user_hash: computeUserHash(SECRET, second) });
    assert.deepEqual(r3.json(), { verified: true, session: null });
    assert.equal((await visitorOf(body.session.session_id)).name, 'Bob');
  });

  test('unverified identify with a different email on a verified session → new anonymous session; the verified conversation gains nothing', async () => {
    const a = await session();
    const ext = uniq('carol');
    const email = `${ext}@example.com`;
    await identify(a.token, { external_id: ext, email, user_hash: computeUserHash(SECRET, ext) });
    const m = await sendMsg(a.token, 'carol verified history');

    const res = await identify(a.token, { email: 'intruder@example.com', name: 'Intruder' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { verified: boolean; session: { session_id: string; token: string } | null };
    assert.equal(body.verified, false);
    assert.ok(body.session, 'a new session is returned');
    assert.notEqual(body.session.session_id, a.session_id);
    assert.notEqual(body.session.token, a.token);

    const nv = await visitorOf(body.session.session_id);
    assert.equal(nv.verified, false);
    assert.equal(nv.contact_id, null);
    assert.equal(nv.email, 'intruder@example.com');
    assert.deepEqual((await history(body.session.token)).messages, []);

    const m2 = await sendMsg(body.session.token, 'intruder message');
    assert.notEqual(m2.conversation_id, m.conversation_id);
    const summary = await inboxSummary(m.conversation_id);
    assert.equal(summary.last_seq, 1, 'the verified conversation gained no message');
    assert.equal(summary.visitor.email, email);
    assert.equal(summary.visitor.verified, true);
    assert.notEqual(summary.visitor.name, 'Intruder');
    const ov = await visitorOf(a.session_id);
    assert.equal(ov.email, email);
    assert.equal(ov.verified, true);
  });

  test('unverified identify with a different external_id on a verified session → new anonymous session', async () => {
    const a = await session();
    const ext = uniq('dan');
    await identify(a.token, { external_id: ext, user_hash: computeUserHash(SECRET, ext) });
    const res = await identify(a.token, { external_id: `${ext}_other` });
    const body = res.json() as { verified: boolean; session: { session_id: string } | null };
    assert.equal(body.verified, false);
    assert.ok(body.session);
    assert.equal((await visitorOf(a.session_id)).external_id, ext);
    const nv = await visitorOf(body.session.session_id);
    assert.equal(nv.verified, false);
    assert.equal(nv.external_id, `${ext}_other`);
  });

  test('unverified identify with the same email on a verified session keeps the session and stays verified', async () => {
    const a = await session();
    const email = `${uniq('erin')}@example.com`;
    await identify(a.token, { email, user_hash: computeUserHash(SECRET, email) });
    const res = await identify(a.token, { email: email.toUpperCase(), name: 'Erin' });
    assert.deepEqual(res.json(), { verified: true, session: null });
    const v = await visitorOf(a.session_id);
    assert.equal(v.verified, true);
    assert.equal(v.email, email, 'the verified email is not overwritten by an unverified one');
    assert.equal(v.name, 'Erin');
  });

  test('unverified identify on an anonymous session stores the fields, unverified', async () => {
    const a = await session();
    const ext = uniq('frank');
    const res = await identify(a.token, { external_id: ext, email: `${ext}@example.com`, name: 'Frank', company: 'Acme' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { verified: false, session: null });
    const v = await visitorOf(a.session_id);
    assert.equal(v.verified, false);
    assert.equal(v.contact_id, null);
    assert.equal(v.external_id, ext);
    assert.equal(v.email, `${ext}@example.com`);
    assert.equal(v.name, 'Frank');
    const m = await sendMsg(a.token, 'frank says hi');
    const summary = await inboxSummary(m.conversation_id);
    assert.equal(summary.visitor.verified, false);
    assert.equal(summary.visitor.external_id, ext);
    assert.equal((await identityTokenOf(a.token)).json().token, null, 'no identity token for an unverified visitor');
  });

  test('a second browser verified as the same external_id continues the first one\'s visitor (its history), with a session of its own', async () => {
    const ext = uniq('gina');
    const a = await session();
    const b = await session();
    const first = await identify(a.token, { external_id: ext, email: `${ext}@example.com`, user_hash: computeUserHash(SECRET, ext) });
    assert.deepEqual(first.json(), { verified: true, session: null });
    const second = (await identify(b.token, { external_id: ext, email: `${ext}@example.com`, user_hash: computeUserHash(SECRET, ext) })).json() as { verified: boolean; session: { session_id: string; token: string; resumed: boolean } };
    assert.equal(second.verified, true);
    assert.equal(second.session.resumed, true);
    assert.notEqual(second.session.session_id, a.session_id, 'a session of its own');
    const va = await visitorOf(a.session_id);
    const vb = await visitorOf(second.session.session_id);
    assert.equal(vb.visitor_id, va.visitor_id, 'one visitor: the history follows the person');
    assert.equal((await visitorOf(b.session_id)).verified, false, "the second browser's anonymous visitor stays apart");
    assert.ok(va.contact_id);
    const contacts = await s.db.query<{ id: string; external_id: string; email: string }>(
      'SELECT id::text AS id, external_id, email FROM contacts WHERE app_id = $1 AND identity_key = $2',
      [APP_ID, `ext:${ext}`],
    );
    assert.equal(contacts.length, 1);
    assert.equal(contacts[0]!.id, va.contact_id);
    assert.equal(contacts[0]!.external_id, ext);
    assert.equal(contacts[0]!.email, null, 'the contact holds only the verified identifier');
    const linked = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM visitors WHERE contact_id = $1', [va.contact_id]);
    assert.equal(linked[0]!.n, 1);
  });
});

// ---- routes: identity tokens ---------------------------------------------------------------------

describe('POST identity-token and POST identify/token', () => {
  test('identity-token is null for an anonymous visitor', async () => {
    const a = await session();
    const res = await identityTokenOf(a.token);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { token: null });
  });

  test('identity-token for a verified visitor: an HS256 JWT, lifetime ≤ 3600 s, accepted by verifyIdentityToken with the same claims', async () => {
    const a = await session();
    const ext = uniq('hank');
    const email = `${ext}@example.com`;
    await identify(a.token, { external_id: ext, email, user_hash: computeUserHash(SECRET, ext) });
    const res = await identityTokenOf(a.token);
    assert.equal(res.statusCode, 200, res.body);
    const { token } = res.json() as { token: string };
    assert.equal(typeof token, 'string');
    assert.equal(decodePart(token, 0).alg, 'HS256');
    const payload = decodePart(token, 1) as { iat: number; exp: number };
    assert.ok(payload.exp - payload.iat <= 3600, `lifetime ${payload.exp - payload.iat}`);
    assert.ok(payload.exp > nowS(), 'not yet expired');
    // Only the verified claim: the email came with the identify but was not what user_hash signed.
    assert.deepEqual(await verifyIdentityToken(SECRET, token), { ok: true, claims: { external_id: ext } });
    assert.equal((await verifyIdentityToken('other-secret', token)).ok, false);

    // Handed to a fresh session (another browser, the help center): verified as that person.
    const b = await session();
    const r = await identifyToken(b.token, token);
    assert.equal(r.statusCode, 200, r.body);
    const switched = r.json() as { verified: boolean; session: { session_id: string; resumed: boolean } };
    assert.equal(switched.verified, true);
    assert.equal(switched.session.resumed, true, "the same person: a session of a's visitor");
    const vb = await visitorOf(switched.session.session_id);
    assert.equal(vb.visitor_id, (await visitorOf(a.session_id)).visitor_id);
    assert.equal(vb.verified, true);
    assert.equal(vb.external_id, ext);
    assert.equal(vb.contact_id, (await visitorOf(a.session_id)).contact_id);
  });

  test('identify/token accepts a token made exactly like the Node example', async () => {
    const a = await session();
    const ext = uniq('ivy');
    const r = await identifyToken(a.token, nodeExampleToken({ external_id: ext, email: `${ext}@example.com` }));
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { verified: true, session: null });
    const v = await visitorOf(a.session_id);
    assert.equal(v.verified, true);
    assert.equal(v.external_id, ext);
  });

  test('identify/token accepts a token made like the Ruby example', async () => {
    const a = await session();
    const ext = uniq('jack');
    const r = await identifyToken(a.token, rubyToken({ external_id: ext, email: `${ext}@example.com`, exp: nowS() + 600 }));
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { verified: true, session: null });
    assert.equal((await visitorOf(a.session_id)).external_id, ext);
  });

  test('identify/token as a different person on a verified session → a new session', async () => {
    const a = await session();
    const one = uniq('kim');
    const two = uniq('lee');
    await identify(a.token, { external_id: one, user_hash: computeUserHash(SECRET, one) });
    await sendMsg(a.token, 'kim history');
    const r = await identifyToken(a.token, rubyToken({ external_id: two, exp: nowS() + 600 }));
    const body = r.json() as { verified: boolean; session: { session_id: string; token: string } | null };
    assert.equal(body.verified, true);
    assert.ok(body.session);
    assert.notEqual(body.session.token, a.token);
    assert.deepEqual((await history(body.session.token)).messages, []);
    assert.equal((await visitorOf(body.session.session_id)).external_id, two);
    assert.equal((await visitorOf(a.session_id)).external_id, one);
  });

  test('identity tokens are scoped to the app: app_test’s token is refused on app_strict, and vice versa', async () => {
    const a = await session();
    const ext = uniq('scope');
    await identify(a.token, { external_id: ext, user_hash: computeUserHash(SECRET, ext) });
    const { token } = (await identityTokenOf(a.token)).json() as { token: string };
    assert.equal(typeof token, 'string');
    const strict = await session(STRICT_APP);
    const r = await identifyToken(strict.token, token, STRICT_APP);
    assert.equal(r.statusCode, 403, r.body);
    assert.equal(errOf(r).code, 'CONVOT_ERR_BAD_IDENTITY_TOKEN');
    assert.match(errOf(r).message, /signature does not match/);
    assertAnonymous(await visitorOf(strict.session_id));

    const s2 = await session(STRICT_APP);
    const ok = await identifyToken(s2.token, rubyToken({ external_id: ext, exp: nowS() + 600 }, STRICT_SECRET), STRICT_APP);
    assert.equal(ok.statusCode, 200, ok.body);
    const { token: strictToken } = (await identityTokenOf(s2.token, STRICT_APP)).json() as { token: string };
    assert.equal(typeof strictToken, 'string');
    const b = await session();
    const r2 = await identifyToken(b.token, strictToken);
    assert.equal(r2.statusCode, 403);
    assertAnonymous(await visitorOf(b.session_id));
  });

  test('an app without an identity secret mints no token and accepts none', async () => {
    const a = await session(NOSECRET_APP);
    const r = await identifyToken(a.token, rubyToken({ external_id: 'u', exp: nowS() + 600 }), NOSECRET_APP);
    assert.equal(r.statusCode, 403);
    assert.equal(errOf(r).code, 'CONVOT_ERR_BAD_IDENTITY_TOKEN');
    assert.match(errOf(r).message, /no identity_secret/);
    assert.deepEqual((await identityTokenOf(a.token, NOSECRET_APP)).json(), { token: null });
  });

  const badTokens = (): { name: string; token: string; reason: RegExp }[] => {
    const now = nowS();
    const claims = { external_id: uniq('bad'), email: 'bad@example.com' };
    return [
      { name: 'alg none', token: handToken({ alg: 'none', typ: 'JWT' }, { ...claims, exp: now + 600 }, SECRET, null), reason: /must be signed with HS256/ },
      { name: 'HS512', token: handToken({ alg: 'HS512', typ: 'JWT' }, { ...claims, exp: now + 600 }, SECRET, 'sha512'), reason: /must be signed with HS256/ },
      {
        name: 'RS256 header',
        token: `${b64(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64(JSON.stringify({ ...claims, exp: now + 600 }))}.${randomBytes(256).toString('base64url')}`,
        reason: /must be signed with HS256/,
      },
      { name: 'expired beyond leeway', token: rubyToken({ ...claims, exp: now - 120 }), reason: /has expired/ },
      { name: 'missing exp', token: rubyToken({ ...claims }), reason: /exp claim is missing/ },
      { name: 'lifetime 2 h (iat)', token: rubyToken({ ...claims, iat: now, exp: now + 7200 }), reason: /at most 3600 s/ },
      { name: 'lifetime 2 h (no iat)', token: rubyToken({ ...claims, exp: now + 7200 }), reason: /at most 3600 s/ },
      { name: 'iat in the future (usable for 2 h 10 min)', token: rubyToken({ ...claims, iat: now + 7200, exp: now + 7800 }), reason: /at most 3600 s|future/ },
      { name: 'wrong secret', token: nodeExampleToken(claims, 'wrong-secret'), reason: /signature does not match/ },
      { name: 'abc', token: 'abc', reason: /not a JWT/ },
      { name: 'two parts', token: rubyToken({ ...claims, exp: now + 600 }).split('.').slice(0, 2).join('.'), reason: /not a JWT/ },
      { name: 'bad base64', token: 'a.b.c', reason: /malformed/ },
      { name: 'garbage JSON', token: handToken('{"alg":"HS256"}', '{"external_id": nope', SECRET), reason: /malformed/ },
      { name: 'no identity claims', token: rubyToken({ name: 'Nobody', exp: now + 600 }), reason: /names no external_id or email/ },
    ];
  };

  for (const { name } of badTokens()) {
    test(`identify/token refuses ${name}: 403 CONVOT_ERR_BAD_IDENTITY_TOKEN, visitor stays anonymous`, async () => {
      const bad = badTokens().find((x) => x.name === name)!;
      const a = await session();
      const r = await identifyToken(a.token, bad.token);
      assert.equal(r.statusCode, 403, r.body);
      const e = errOf(r);
      assert.equal(e.code, 'CONVOT_ERR_BAD_IDENTITY_TOKEN');
      assert.equal(e.field, 'token');
      assert.match(e.message, bad.reason);
      assertAnonymous(await visitorOf(a.session_id));
      assert.deepEqual((await identityTokenOf(a.token)).json(), { token: null });
    });
  }

  test('identify/token within the 60 s leeway (exp now-30) is accepted', async () => {
    const a = await session();
    const ext = uniq('late');
    const r = await identifyToken(a.token, rubyToken({ external_id: ext, exp: nowS() - 30 }));
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((await visitorOf(a.session_id)).verified, true);
  });

  test('a bad token on a verified session does not unlink it', async () => {
    const a = await session();
    const ext = uniq('stay');
    await identify(a.token, { external_id: ext, user_hash: computeUserHash(SECRET, ext) });
    const before = await visitorOf(a.session_id);
    const r = await identifyToken(a.token, rubyToken({ external_id: 'someone_else', exp: nowS() + 600 }, 'wrong-secret'));
    assert.equal(r.statusCode, 403);
    assert.deepEqual(await visitorOf(a.session_id), before);
  });
});
