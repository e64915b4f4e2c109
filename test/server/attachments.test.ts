/**
 * Attachments against a real PGlite: uploads by the visitor (bearer) and the agent (cookie) become
 * messages with an attachment card, idempotent per client_id; the app's limits (size, types) and
 * the file's own bytes (a renamed page is not an image) are enforced with named errors; downloads
 * carry the safe headers, and only the file's visitor and agents of its app can fetch it (404 to
 * anyone else). Config errors name the key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../server/config.js';
import { HTML, PDF, PNG_3x2 } from '../support/files.js';
import { AGENT_PASSWORD, ALLOWED_ORIGIN, agentSocket, auth, cid, loginAgent, newSession, sendVisitor, startServer, stopServer, testConfigData, visitorPath, visitorSocket, type TestServer } from './helpers.js';

let s: TestServer;
let cookie: string;
let otherCookie: string;

before(async () => {
  const data = testConfigData() as { apps: Record<string, unknown>[]; agents: Record<string, unknown>[] };
  data.apps[0]!.attachments = { max_bytes: 2048, types: ['image/png', 'application/pdf', 'text/plain'] };
  data.apps.push({ id: 'app_other', name: 'Other', allowed_origins: ['http://other.test'] });
  data.agents[0]!.apps = ['app_test'];
  data.agents.push({ email: 'other@test.dev', name: 'Other Agent', password: AGENT_PASSWORD, apps: ['app_other'] });
  s = await startServer({ listen: true, config: parseConfig(data, {}) });
  cookie = await loginAgent(s.app);
  otherCookie = await loginAgent(s.app, AGENT_PASSWORD, 'other@test.dev');
});
after(() => stopServer(s));

const upload = (token: string, data: Uint8Array, type: string, name = 'file.bin', clientId = cid(), headers: Record<string, string> = {}) =>
  s.app.inject({
    method: 'POST',
    url: visitorPath(`/attachments?client_id=${clientId}&name=${encodeURIComponent(name)}`),
    headers: { ...auth(token), 'content-type': type, origin: ALLOWED_ORIGIN, ...headers },
    payload: Buffer.from(data),
  });
const agentUpload = (conversationId: string, data: Uint8Array, type: string, name: string, c = cookie) =>
  s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/${conversationId}/attachments?client_id=${cid()}&name=${encodeURIComponent(name)}`, headers: { cookie: c, 'content-type': type }, payload: Buffer.from(data) });
const visitorGet = (token: string, id: string, query = '') => s.app.inject({ method: 'GET', url: visitorPath(`/attachments/${id}${query}`), headers: { ...auth(token), origin: ALLOWED_ORIGIN } });
const agentGet = (id: string, c = cookie) => s.app.inject({ method: 'GET', url: `/api/v1/agent/attachments/${id}`, headers: { cookie: c } });

describe('attachments', () => {
  test('a visitor uploads an image: a message with its card (size, pixels) reaches the inbox live; a retry returns it; the file comes back inline with safe headers', async () => {
    const { token } = await newSession(s.app);
    const { sock: inbox } = await agentSocket(s.wsBase, cookie);
    const clientId = cid();
    const res = await upload(token, PNG_3x2, 'image/png', 'cat.png', clientId);
    assert.equal(res.statusCode, 201, res.body);
    const { message } = res.json();
    assert.equal(message.author, 'visitor');
    assert.equal(message.body, 'cat.png');
    assert.match(message.card.id, /^att_/);
    assert.deepEqual({ ...message.card, id: 'x' }, { type: 'attachment', id: 'x', name: 'cat.png', mime: 'image/png', size: PNG_3x2.length, width: 3, height: 2 });
    const live = await inbox.next((f) => f.type === 'message' && f.message.seq === message.seq && f.message.conversation_id === message.conversation_id);
    assert.deepEqual(live.message.card, message.card);

    const again = await upload(token, PNG_3x2, 'image/png', 'cat.png', clientId);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json().message, message);

    const got = await visitorGet(token, message.card.id);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(new Uint8Array(got.rawPayload), PNG_3x2);
    assert.equal(got.headers['content-type'], 'image/png');
    assert.equal(got.headers['x-content-type-options'], 'nosniff');
    assert.equal(got.headers['content-security-policy'], "default-src 'none'; sandbox");
    assert.match(String(got.headers['content-disposition']), /^inline; filename="cat.png"/);
    assert.equal(got.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    const asDownload = await visitorGet(token, message.card.id, '?download=1');
    assert.match(String(asDownload.headers['content-disposition']), /^attachment; filename="cat.png"/);
    await inbox.close();
  });

  test('a PDF is served as an attachment; a text file as text/plain with a charset, never rendered', async () => {
    const { token } = await newSession(s.app);
    const pdf = (await upload(token, PDF, 'application/pdf', 'Résumé "final".pdf')).json().message;
    assert.equal(pdf.card.mime, 'application/pdf');
    assert.equal(pdf.card.name, 'Résumé _final_.pdf');
    assert.equal('width' in pdf.card, false);
    const got = await agentGet(pdf.card.id);
    assert.equal(got.statusCode, 200);
    assert.equal(got.headers['content-type'], 'application/pdf');
    assert.equal(got.headers['content-disposition'], `attachment; filename="R_sum_ _final_.pdf"; filename*=UTF-8''${encodeURIComponent('Résumé _final_.pdf')}`);
    const txt = (await upload(token, new TextEncoder().encode('hello'), 'text/plain; charset=utf-8', 'notes.txt')).json().message;
    const gotTxt = await visitorGet(token, txt.card.id);
    assert.equal(gotTxt.headers['content-type'], 'text/plain; charset=utf-8');
    assert.match(String(gotTxt.headers['content-disposition']), /^attachment;/);
    assert.equal(gotTxt.body, 'hello');
  });

  test('too large: 413 naming the limit (by Content-Length, and by the bytes when streamed); nothing stored', async () => {
    const { token } = await newSession(s.app);
    const big = new Uint8Array(4096);
    big.set(PNG_3x2);
    const res = await upload(token, big, 'image/png', 'big.png');
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().code, 'CONVOT_ERR_ATTACHMENT_TOO_LARGE');
    assert.match(res.json().message, /larger than 2 KB/);
    // Chunked (no Content-Length): the parser stops counting at the limit.
    const { Readable } = await import('node:stream');
    const streamed = await s.app.inject({
      method: 'POST',
      url: visitorPath(`/attachments?client_id=${cid()}&name=big.png`),
      headers: { ...auth(token), 'content-type': 'image/png', 'transfer-encoding': 'chunked' },
      payload: Readable.from([Buffer.from(big.subarray(0, 1500)), Buffer.from(big.subarray(1500))]),
    });
    assert.equal(streamed.statusCode, 413, streamed.body);
    assert.equal(streamed.json().code, 'CONVOT_ERR_ATTACHMENT_TOO_LARGE');
    const history = await s.app.inject({ method: 'GET', url: visitorPath('/messages'), headers: auth(token) });
    assert.equal(history.json().messages.length, 0);
  });

  test('a type the app does not allow, SVG, or a page renamed as an image: 415 with the allowed types or the reason', async () => {
    const { token } = await newSession(s.app);
    const gif = await upload(token, new TextEncoder().encode('GIF89a......'), 'image/gif', 'a.gif');
    assert.equal(gif.statusCode, 415);
    assert.equal(gif.json().code, 'CONVOT_ERR_ATTACHMENT_TYPE');
    assert.match(gif.json().message, /image\/gif are not allowed here; allowed: image\/png, application\/pdf, text\/plain/);
    const svg = await upload(token, new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml', 'a.svg');
    assert.equal(svg.statusCode, 415);
    const renamed = await upload(token, HTML, 'image/png', 'cat.png');
    assert.equal(renamed.statusCode, 415);
    assert.match(renamed.json().message, /sent as image\/png, but the file does not look like image\/png/);
    const pdfAsPng = await upload(token, PDF, 'image/png', 'cat.png');
    assert.match(pdfAsPng.json().message, /its bytes say application\/pdf/);
    const htmlAsText = await upload(token, HTML, 'text/plain', 'notes.txt');
    assert.equal(htmlAsText.statusCode, 415);
    assert.match(htmlAsText.json().message, /looks like HTML/);
  });

  test('only the file\u2019s visitor and agents of its app can fetch it: another visitor, another app\u2019s agent, no token: 404 or 401', async () => {
    const { token } = await newSession(s.app);
    const { message } = (await upload(token, PDF, 'application/pdf', 'private.pdf')).json();
    const id = message.card.id as string;
    const stranger = await newSession(s.app);
    const other = await visitorGet(stranger.token, id);
    assert.equal(other.statusCode, 404);
    assert.equal(other.json().code, 'CONVOT_ERR_NOT_FOUND');
    assert.equal((await agentGet(id, otherCookie)).statusCode, 404);
    assert.equal((await agentGet('att_doesnotexist', cookie)).statusCode, 404);
    assert.equal((await s.app.inject({ method: 'GET', url: visitorPath(`/attachments/${id}`) })).statusCode, 401);
    // Without a session nothing is read: a body over the limit is refused as unauthorized, not as too large.
    const anonymous = await s.app.inject({ method: 'POST', url: visitorPath(`/attachments?client_id=${cid()}&name=a.pdf`), headers: { 'content-type': 'application/pdf' }, payload: Buffer.alloc(4096) });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().code, 'CONVOT_ERR_UNAUTHORIZED');
    const noAgent = await s.app.inject({ method: 'POST', url: `/api/v1/agent/conversations/cnv_x/attachments?client_id=${cid()}&name=a.pdf`, headers: { 'content-type': 'application/pdf' }, payload: Buffer.alloc(64) });
    assert.equal(noAgent.statusCode, 401);
    assert.equal((await s.app.inject({ method: 'GET', url: `/api/v1/agent/attachments/${id}` })).statusCode, 401);
    // The same visitor in another app does not exist there either.
    const inOther = await s.app.inject({ method: 'GET', url: visitorPath(`/attachments/${id}`, 'app_other'), headers: auth(token) });
    assert.equal(inOther.statusCode, 401);
    assert.equal((await agentGet(id)).statusCode, 200);
  });

  test('an agent attaches a file to a reply: the visitor gets it live and downloads it; another app\u2019s agent cannot upload there', async () => {
    const { token } = await newSession(s.app);
    const first = await sendVisitor(s.app, token, 'Send me the invoice');
    const { sock } = await visitorSocket(s.wsBase, token, first.seq);
    const res = await agentUpload(first.conversation_id, PDF, 'application/pdf', 'invoice.pdf');
    assert.equal(res.statusCode, 201, res.body);
    const { message } = res.json();
    assert.equal(message.author, 'agent');
    const live = await sock.next((f) => f.type === 'message' && f.message.seq === message.seq);
    assert.deepEqual(live.message.card, message.card);
    const got = await visitorGet(token, message.card.id);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(new Uint8Array(got.rawPayload), PDF);
    const denied = await agentUpload(first.conversation_id, PDF, 'application/pdf', 'x.pdf', otherCookie);
    assert.equal(denied.statusCode, 404);
    const tooBig = await agentUpload(first.conversation_id, new Uint8Array(3000).fill(65), 'text/plain', 'big.txt');
    assert.equal(tooBig.statusCode, 413);
    await sock.close();
  });

  test('JSON routes still refuse other bodies; the public config tells the widget the limits', async () => {
    const { token } = await newSession(s.app);
    const res = await s.app.inject({ method: 'POST', url: visitorPath('/messages'), headers: { ...auth(token), 'content-type': 'text/plain' }, payload: 'hi' });
    assert.equal(res.statusCode, 400);
    const config = await s.app.inject({ method: 'GET', url: visitorPath('/config'), headers: { origin: ALLOWED_ORIGIN } });
    assert.deepEqual(config.json().attachments, { max_bytes: 2048, types: ['image/png', 'application/pdf', 'text/plain'] });
    const otherConfig = await s.app.inject({ method: 'GET', url: visitorPath('/config', 'app_other'), headers: { origin: 'http://other.test' } });
    assert.equal(otherConfig.json().attachments.max_bytes, 10 * 1024 * 1024);
  });

  test('config: apps[].attachments is checked with errors that name the key', () => {
    const bad = (attachments: unknown, pattern: RegExp) =>
      assert.throws(() => parseConfig({ apps: [{ id: 'a', attachments }] }, {}), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
    bad({ max_bytes: 26 * 1024 * 1024 }, /apps\[0\]\.attachments\.max_bytes must be an integer from 1 to 26214400/);
    bad({ max_bytes: '1MB' }, /max_bytes must be an integer/);
    bad({ types: ['image/*'] }, /apps\[0\]\.attachments\.types\[0\] must be a lower-case content type/);
    bad({ types: ['image/svg+xml'] }, /types\[0\] is "image\/svg\+xml", which a browser would run/);
    bad({ types: ['text/html'] }, /cannot be allowed/);
    bad({ maxBytes: 1 }, /attachments\.maxBytes is not a setting/);
    bad([], /must be an object/);
    const ok = parseConfig({ apps: [{ id: 'a', attachments: { max_bytes: 1000 } }] }, {});
    assert.equal(ok.apps[0]!.attachments!.types.includes('image/png'), true);
  });
});
