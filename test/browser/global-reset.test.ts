/**
 * `Convot.push(["do", "session:reset", true])` reloads the page, so it runs inside an iframe
 * (srcdoc: same origin as the test page, so the test app's allowed_origins accept it) that loads
 * the real snippet; the test page itself never reloads.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { ConvotGlobal } from '../../src/api/commands.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';

type FrameWindow = Window & { Convot?: ConvotGlobal; marker?: string };

describe('push(["do", "session:reset", true])', () => {
  let frame: HTMLIFrameElement;
  const win = () => frame.contentWindow as FrameWindow;
  const widget = () => win().document.querySelector('convot-widget') as ConvotWidget | null;
  const loaded = () => win().Convot?.ready?.() === true && win().Convot!.is('session:ongoing') && widget()?.client?.state.connection === 'online';

  before(() => localStorage.clear());
  afterEach(() => frame?.remove());

  it('clears the session and reloads the page: a new session with an empty history', async function () {
    this.timeout(20000);
    const { server, appId } = window.CONVOT_TEST;
    const loader = new URL('/widget-loader.js', server).href;
    frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8">
      <script>window.Convot = { app_id: ${JSON.stringify(appId)} };</script>
      <script async src="${loader}"></script></head><body></body></html>`;
    document.body.appendChild(frame);
    await waitUntil(loaded, 'the widget in the frame did not load', { timeout: 10000 });

    const Convot = win().Convot!;
    const sent = new Promise((resolve) => Convot.push(['on', 'message:sent', resolve]));
    Convot.sendMessage('Before the reset');
    await sent;
    const oldId = Convot.get('session:identifier');
    const tokenKey = `convot:${appId}:token`;
    const oldToken = localStorage.getItem(tokenKey);
    expect(oldToken).to.be.a('string');
    expect(widget()!.client!.state.messages).to.have.length(1);
    win().marker = 'before the reload';

    const reloaded = new Promise((resolve, reject) => {
      frame.addEventListener('load', resolve, { once: true });
      setTimeout(() => reject(new Error('the frame did not reload within 8 s')), 8000);
    });
    Convot.push(['do', 'session:reset', true]);
    await reloaded;
    expect(win().marker, 'the frame did not reload').to.equal(undefined);

    await waitUntil(loaded, 'the widget did not load after the reload', { timeout: 10000 });
    const after = win().Convot!;
    expect(after.get('session:identifier')).to.be.a('string').and.not.equal(oldId);
    expect(localStorage.getItem(tokenKey)).to.be.a('string').and.not.equal(oldToken);
    expect(widget()!.client!.state.messages).to.deep.equal([]);
    expect(widget()!.client!.state.conversationId).to.equal(null);
    expect(after.get('chat:unread:count')).to.equal(0);
  });
});
