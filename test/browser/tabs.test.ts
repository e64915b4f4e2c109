/** Tabs of one browser (same-origin frames stand in for tabs, each loading the real snippet). */
import { expect, waitUntil } from '@open-wc/testing';
import type { ConvotGlobal } from '../../src/api/commands.js';

type FrameWindow = Window & { Convot?: ConvotGlobal };

describe('tabs of one browser', () => {
  const frames: HTMLIFrameElement[] = [];
  afterEach(() => frames.splice(0).forEach((f) => f.remove()));

  /** Opens n tabs of a new visitor in the same task, so they start together. */
  function openTabs(n: number) {
    localStorage.clear();
    const { server, appId } = window.CONVOT_TEST;
    const loader = new URL('/widget-loader.js', server).href;
    for (let i = 0; i < n; i++) {
      const frame = document.createElement('iframe');
      frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8">
        <script>window.Convot = { app_id: ${JSON.stringify(appId)} };</script>
        <script async src="${loader}"></script></head><body></body></html>`;
      frames.push(frame);
    }
    frames.forEach((f) => document.body.appendChild(f));
    const api = (i: number) => (frames[i]!.contentWindow as FrameWindow).Convot;
    return { api, id: (i: number) => api(i)?.get?.('session:identifier') ?? null };
  }

  it('two tabs opened at the same moment by a new visitor get one session, not two visitors', async function () {
    this.timeout(20000);
    const { id } = openTabs(2);
    await waitUntil(() => typeof id(0) === 'string' && typeof id(1) === 'string', 'the tabs did not load', { timeout: 15000 });
    expect(id(0)).to.equal(id(1));
  });

  it('a reset in one tab reaches the others: they follow the new session', async function () {
    this.timeout(60000);
    const { api, id } = openTabs(2);
    await waitUntil(() => typeof id(0) === 'string' && id(0) === id(1), 'the tabs did not share a session', { timeout: 15000 });
    const before = id(0);
    api(0)!.push(['do', 'session:reset']);
    await waitUntil(() => typeof id(0) === 'string' && id(0) !== before, 'the resetting tab has no new session', { timeout: 20000 });
    await waitUntil(() => id(1) === id(0), 'the other tab kept the old session', { timeout: 20000 });
  });
});
