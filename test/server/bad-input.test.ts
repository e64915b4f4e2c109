/**
 * Bad input is a 400 naming the field, never a 500: NUL bytes and unpaired surrogates in text,
 * integers past 2^31−1, JSON nested too deep. And stored visitor data is bounded: a flood of
 * profile updates gets 413 CONVOT_ERR_VISITOR_DATA_FULL and nothing past the cap is stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VISITOR_DATA_LIMIT } from '../../server/limits.js';
import { LIMITS, RateLimiter } from '../../server/rate-limit.js';
import { auth, cid, loginAgent, newSession, sendVisitor, startServer, stopServer, visitorPath, visitorSocket, type TestServer } from './helpers.js';

let s: TestServer;
before(async () => {
  s = await startServer({ listen: true, rateLimiter: new RateLimiter(Date.now, { ...LIMITS, session: { max: 10_000, windowMs: 60_000 } }) });
});
after(() => stopServer(s));

const errOf = (res: { json(): unknown }) => res.json() as { code: string; field?: string };
const deep = (n: number): Record<string, unknown> => (n <= 1 ? { x: 1 } : { x: deep(n - 1) });

describe('bad input → 400', () => {
  test('NUL and unpaired surrogates in text: messages, profile fields, data keys and values, events', async () => {
    const v = await newSession(s.app);
    const cases: [string, string, unknown, string][] = [
      ['POST', '/messages', { client_id: cid(), body: 'a\u0000b' }, 'body'],
      ['POST', '/messages', { client_id: cid(), body: 'lone \ud800 high' }, 'body'],
      ['POST', '/messages', { client_id: cid(), body: 'lone \udc00 low' }, 'body'],
      ['PUT', '/visitor', { name: 'Ann\u0000' }, 'name'],
      ['PUT', '/visitor', { custom_data: { plan: '\ud83d' } }, 'custom_data'],
      ['PUT', '/visitor', { custom_data: { ['k\u0000']: 1 } }, 'custom_data'],
      ['PUT', '/visitor', { session_data: { a: { b: ['\udfff'] } } }, 'session_data'],
      ['PUT', '/visitor', { segments: ['ok', 'x\u0000'] }, 'segments'],
      ['POST', '/events', { name: 'clicked\u0000', data: {} }, 'name'],
      ['POST', '/events', { name: 'clicked', data: { a: '\ud800' } }, 'data'],
    ];
    for (const [method, path, payload, field] of cases) {
      const res = await s.app.inject({ method: method as 'POST', url: visitorPath(path), payload: JSON.stringify(payload), headers: { ...auth(v.token), 'content-type': 'application/json' } });
      assert.equal(res.statusCode, 400, `${method} ${path} ${JSON.stringify(payload)}: ${res.body}`);
      assert.equal(errOf(res).field, field);
    }
    // A properly paired emoji is text.
    assert.equal((await s.app.inject({ method: 'POST', url: visitorPath('/messages'), headers: auth(v.token), payload: { client_id: cid(), body: 'hi 😀' } })).statusCode, 201);
  });

  test('integers past 2^31−1: after, seq, limit (REST and socket)', async () => {
    const v = await newSession(s.app);
    const msg = await sendVisitor(s.app, v.token, 'hello');
    const cookie = await loginAgent(s.app);
    const big = 2 ** 31;
    for (const [method, url, payload, headers] of [
      ['GET', visitorPath(`/messages?after=${big}`), undefined, auth(v.token)],
      ['GET', `/api/v1/agent/conversations/${msg.conversation_id}/messages?after=${big}`, undefined, { cookie }],
      ['GET', `/api/v1/agent/conversations?limit=${big}`, undefined, { cookie }],
      ['POST', `/api/v1/agent/conversations/${msg.conversation_id}/read`, { seq: big }, { cookie }],
      ['POST', `/api/v1/agent/conversations/${msg.conversation_id}/read`, { seq: 1e300 }, { cookie }],
    ] as const) {
      const res = await s.app.inject({ method, url, payload, headers });
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
    }
    const { sock } = await visitorSocket(s.wsBase, v.token);
    sock.send({ type: 'read', seq: big });
    const err = await sock.nextType('error');
    assert.equal(err.field, 'seq');
    await sock.close();
  });

  test(`JSON nested too deep in custom_data, session_data and event data`, async () => {
    const v = await newSession(s.app);
    for (const [path, payload] of [
      ['/visitor', { custom_data: deep(40) }],
      ['/visitor', { session_data: deep(40) }],
      ['/events', { name: 'e', data: deep(40) }],
    ] as const) {
      const res = await s.app.inject({ method: path === '/events' ? 'POST' : 'PUT', url: visitorPath(path), headers: auth(v.token), payload });
      assert.equal(res.statusCode, 400, `${path}: ${res.body}`);
    }
    const ok = await s.app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(v.token), payload: { custom_data: deep(3) } });
    assert.equal(ok.statusCode, 200, ok.body);
  });
});

describe('stored visitor data is bounded', () => {
  const stored = async (token: string) => {
    const { sock, ready } = await visitorSocket(s.wsBase, token);
    await sock.close();
    return ready.visitor as { custom_data: Record<string, unknown>; session_data: Record<string, unknown> };
  };

  test(`a flood of custom_data updates: 413 CONVOT_ERR_VISITOR_DATA_FULL once the total passes ${VISITOR_DATA_LIMIT.bytes} bytes; nothing past the cap is stored`, async () => {
    const v = await newSession(s.app);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await s.app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(v.token), payload: { custom_data: { [`k${i}`]: 'x'.repeat(12_000) } } });
      codes.push(res.statusCode);
      if (res.statusCode === 413) assert.equal(errOf(res).code, 'CONVOT_ERR_VISITOR_DATA_FULL');
    }
    assert.deepEqual(codes, [200, 200, 413, 413, 413, 413]);
    const data = (await stored(v.token)).custom_data;
    assert.deepEqual(Object.keys(data).sort(), ['k0', 'k1']);
    assert.ok(JSON.stringify(data).length <= VISITOR_DATA_LIMIT.bytes);
    // A null removes a key, which makes room again.
    const freed = await s.app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(v.token), payload: { custom_data: { k0: null, k9: 'small' } } });
    assert.equal(freed.statusCode, 200, freed.body);
    assert.deepEqual(Object.keys((await stored(v.token)).custom_data).sort(), ['k1', 'k9']);
  });

  test(`session_data over ${VISITOR_DATA_LIMIT.keys} keys in total → 413; the stored keys stay`, async () => {
    const v = await newSession(s.app);
    const batch = (from: number) => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`s${from + i}`, i]));
    const put = (d: Record<string, unknown>) => s.app.inject({ method: 'PUT', url: visitorPath('/visitor'), headers: auth(v.token), payload: { session_data: d } });
    assert.equal((await put(batch(0))).statusCode, 200);
    assert.equal((await put(batch(40))).statusCode, 200);
    const over = await put(batch(80));
    assert.equal(over.statusCode, 413, over.body);
    assert.equal(Object.keys((await stored(v.token)).session_data).length, 80);
  });
});
