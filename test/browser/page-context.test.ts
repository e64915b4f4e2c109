/**
 * The widget tells the server where the visitor is (page, referrer, language, time zone) in its
 * socket's auth frame, and again when a single-page app changes route; the route listeners go
 * when the runtime ends. Real Chromium, real server (the agent's list shows the context).
 */
import { aTimeout, expect, waitUntil } from '@open-wc/testing';
import type { ConversationSummary } from '../../src/protocol/wire.js';
import { conversations, sendAndAwaitAck, widgetFixture } from './helpers.js';

/** Counts route listeners added and removed (the Navigation API's and popstate). */
function listenerCounter() {
  const counts = { added: 0, removed: 0 };
  const targets = [window, (globalThis as unknown as { navigation?: EventTarget }).navigation].filter((t): t is EventTarget => !!t);
  const restore: (() => void)[] = [];
  for (const t of targets) {
    const { addEventListener: add, removeEventListener: remove } = t;
    const watched = (type: string) => type === 'popstate' || type === 'currententrychange';
    t.addEventListener = function (type: string, ...rest: unknown[]) {
      if (watched(type)) counts.added++;
      return (add as (...a: unknown[]) => void).call(this, type, ...rest);
    };
    t.removeEventListener = function (type: string, ...rest: unknown[]) {
      if (watched(type)) counts.removed++;
      return (remove as (...a: unknown[]) => void).call(this, type, ...rest);
    };
    restore.push(() => {
      t.addEventListener = add;
      t.removeEventListener = remove;
    });
  }
  return { counts, restore: () => restore.forEach((r) => r()) };
}

describe('visitor context', () => {
  const start = location.pathname + location.search;
  afterEach(() => history.replaceState(null, '', start));

  it('reports the page on connect and after pushState, and removes its listeners when the runtime ends', async () => {
    const listeners = listenerCounter();
    try {
      const el = await widgetFixture();
      await sendAndAwaitAck(el, 'where am I?');
      const id = el.client!.state.conversationId!;
      const contextOf = async () => (await conversations()).find((c: ConversationSummary) => c.id === id)?.context ?? null;
      const first = await waitUntilValue(async () => {
        const c = await contextOf();
        return c?.url ? c : undefined;
      });
      expect(first.url).to.equal(location.href.split('#')[0]);
      expect(first.language).to.equal(navigator.language);
      expect(first.time_zone).to.equal(Intl.DateTimeFormat().resolvedOptions().timeZone);
      expect(first.device).to.equal('desktop');
      expect(first.browser).to.match(/^Chrome \d+$/);

      // A burst of route changes (a page rewriting its query as someone types) is one report.
      const sent: string[] = [];
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        if (typeof data === 'string' && data.includes('"type":"page"')) sent.push(data);
        return send.call(this, data);
      };
      try {
        for (let i = 1; i <= 20; i++) history.replaceState(null, '', `/spa/search?q=${'x'.repeat(i)}`);
        history.pushState(null, '', '/spa/checkout?step=2#card');
        const moved = await waitUntilValue(async () => {
          const c = await contextOf();
          return c?.url?.endsWith('/spa/checkout?step=2') ? c : undefined;
        });
        expect(moved.language).to.equal(navigator.language);
        expect(sent).to.have.length(1);
      } finally {
        WebSocket.prototype.send = send;
      }
      expect(listeners.counts.added).to.be.greaterThan(0);

      el.runtime!.remove();
      await aTimeout(0);
      expect(listeners.counts.removed).to.equal(listeners.counts.added);
    } finally {
      listeners.restore();
    }
  });
});

async function waitUntilValue<T>(check: () => Promise<T | undefined>): Promise<T> {
  let value: T | undefined;
  await waitUntil(
    async () => {
      value = await check();
      return value !== undefined;
    },
    'the server did not get the context',
    { timeout: 8000 },
  );
  return value!;
}
