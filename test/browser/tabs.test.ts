/** Tabs of one browser (same-origin frames stand in for tabs, each loading the real snippet). */
import { expect, waitUntil } from '@open-wc/testing';
import type { ConvotGlobal } from '../../src/api/commands.js';
import { agentReply, conversations } from './helpers.js';

type FrameWindow = Window & { Convot?: ConvotGlobal };
/** The tab (frame index) of each WebSocket the tabs opened, in order. */
const tally = window as unknown as { convotSockets: number[] };

describe('tabs of one browser', () => {
  const frames: HTMLIFrameElement[] = [];
  afterEach(() => frames.splice(0).forEach((f) => f.remove()));

  /** Opens n tabs of a new visitor in the same task, so they start together. */
  function openTabs(n: number) {
    localStorage.clear();
    tally.convotSockets = [];
    const { server, appId } = window.CONVOT_TEST;
    const loader = new URL('/widget-loader.js', server).href;
    for (let i = 0; i < n; i++) {
      const frame = document.createElement('iframe');
      frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8">
        <script>const W = WebSocket; window.WebSocket = class extends W { constructor(...a) { super(...a); parent.convotSockets.push(${i}); } };</script>
        <script>window.Convot = { app_id: ${JSON.stringify(appId)} };</script>
        <script async src="${loader}"></script></head><body></body></html>`;
      frames.push(frame);
    }
    frames.forEach((f) => document.body.appendChild(f));
    const api = (i: number) => (frames[i]!.contentWindow as FrameWindow).Convot;
    return { api, id: (i: number) => api(i)?.get?.('session:identifier') ?? null, frames };
  }

  it('two tabs opened at the same moment by a new visitor get one session, not two visitors', async function () {
    this.timeout(20000);
    const { id, frames: tabs } = openTabs(2);
    await waitUntil(() => typeof id(0) === 'string' && typeof id(1) === 'string', 'the tabs did not load', { timeout: 15000 });
    expect(id(0)).to.equal(id(1));
    // One connection for the browser: the leader's socket started the session (no session request).
    expect(tally.convotSockets).to.have.length(1);
    const sessionRequests = tabs.flatMap((f) => (f.contentWindow!.performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.endsWith('/sessions')));
    expect(sessionRequests).to.deep.equal([]);
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

  /** The conversation whose last message is `body` (as the inbox lists it). */
  async function conversationWith(body: string): Promise<string> {
    let id: string | undefined;
    await waitUntil(async () => {
      id = (await conversations()).find((c) => c.last_message?.body === body)?.id;
      return id !== undefined;
    }, `no conversation ends with ${body}`);
    return id!;
  }

  it('tabs share one socket: a message written in a follower tab goes out through the leader, and a reply reaches both', async function () {
    this.timeout(30000);
    const { api, id } = openTabs(2);
    await waitUntil(() => typeof id(0) === 'string' && id(0) === id(1), 'the tabs did not share a session', { timeout: 15000 });
    await waitUntil(() => api(0)!.is('session:ongoing') !== undefined && api(1)!.get('session:identifier'), 'not ready');
    const body = `from a tab ${Math.random()}`;
    api(1)!.push(['do', 'message:send', body]);
    const conversation = await conversationWith(body);
    await agentReply(conversation, 'one reply for both tabs');
    await waitUntil(() => api(0)!.get('chat:unread:count') === 1 && api(1)!.get('chat:unread:count') === 1, 'both tabs count the reply once', { timeout: 10000 });
    expect(tally.convotSockets, 'one socket for the browser').to.have.length(1);
    // Opening the chat in one tab opens it in the other, and reading there clears both badges.
    api(1)!.push(['do', 'chat:open']);
    await waitUntil(() => api(0)!.is('chat:opened') && api(1)!.is('chat:opened'), 'the open state is not in step');
    await waitUntil(() => api(0)!.get('chat:unread:count') === 0 && api(1)!.get('chat:unread:count') === 0, 'the read mark did not reach both tabs');
    api(0)!.push(['do', 'chat:close']);
    await waitUntil(() => api(1)!.is('chat:closed'), 'closing did not reach the other tab');
  });

  it('when the leader tab closes, another tab takes the socket over and keeps receiving', async function () {
    this.timeout(40000);
    const { api, id, frames: tabs } = openTabs(2);
    await waitUntil(() => typeof id(0) === 'string' && id(0) === id(1), 'the tabs did not share a session', { timeout: 15000 });
    const body = `before the handover ${Math.random()}`;
    api(0)!.push(['do', 'message:send', body]);
    const conversation = await conversationWith(body);
    expect(tally.convotSockets, 'one socket').to.have.length(1);
    // Close the tab that leads: the other one must open the only socket left.
    const leader = tally.convotSockets[0]!;
    const survivor = api(1 - leader)!;
    tabs[leader]!.remove();
    await waitUntil(() => tally.convotSockets.length === 2, 'the remaining tab did not take over', { timeout: 15000 });
    expect(tally.convotSockets[1]).to.equal(1 - leader);
    await agentReply(conversation, 'after the handover');
    await waitUntil(() => survivor.get('chat:unread:count') === 1, 'the reply did not arrive after the handover', { timeout: 15000 });
    survivor.push(['do', 'message:send', 'still here']);
    await conversationWith('still here');
  });
});
