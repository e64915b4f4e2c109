/** Two tabs a new visitor opens at the same moment share one session (same-origin frames stand in for tabs). */
import { expect, waitUntil } from '@open-wc/testing';
import type { ConvotGlobal } from '../../src/api/commands.js';

type FrameWindow = Window & { Convot?: ConvotGlobal };

describe('tabs of one browser', () => {
  const frames: HTMLIFrameElement[] = [];
  afterEach(() => frames.splice(0).forEach((f) => f.remove()));

  it('two tabs opened at the same moment by a new visitor get one session, not two visitors', async function () {
    this.timeout(20000);
    localStorage.clear();
    const { server, appId } = window.CONVOT_TEST;
    const loader = new URL('/widget-loader.js', server).href;
    for (let i = 0; i < 2; i++) {
      const frame = document.createElement('iframe');
      frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8">
        <script>window.Convot = { app_id: ${JSON.stringify(appId)} };</script>
        <script async src="${loader}"></script></head><body></body></html>`;
      frames.push(frame);
    }
    frames.forEach((f) => document.body.appendChild(f)); // same task: both start together
    const ids = () => frames.map((f) => (f.contentWindow as FrameWindow).Convot?.get?.('session:identifier') ?? null);
    await waitUntil(() => ids().every((id) => typeof id === 'string'), 'the tabs did not load', { timeout: 15000 });
    expect(ids()[0]).to.equal(ids()[1]);
  });
});

describe('a reset in one tab', () => {
  const frames: HTMLIFrameElement[] = [];
  afterEach(() => frames.splice(0).forEach((f) => f.remove()));

  it('reaches the other tabs: they follow the new session', async function () {
    this.timeout(60000);
    localStorage.clear();
    const { server, appId } = window.CONVOT_TEST;
    const loader = new URL('/widget-loader.js', server).href;
    for (let i = 0; i < 2; i++) {
      const frame = document.createElement('iframe');
      frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8">
        <script>window.Convot = { app_id: ${JSON.stringify(appId)} };</script>
        <script async src="${loader}"></script></head><body></body></html>`;
      frames.push(frame);
      document.body.appendChild(frame);
    }
    const api = (i: number) => (frames[i]!.contentWindow as FrameWindow).Convot!;
    const id = (i: number) => api(i)?.get?.('session:identifier') ?? null;
    await waitUntil(() => typeof id(0) === 'string' && id(0) === id(1), 'the tabs did not share a session', { timeout: 15000 });
    const before = id(0);
    api(0).push(['do', 'session:reset']);
    await waitUntil(() => typeof id(0) === 'string' && id(0) !== before, 'the resetting tab has no new session', { timeout: 20000 });
    await waitUntil(() => id(1) === id(0), 'the other tab kept the old session', { timeout: 20000 });
  });
});
