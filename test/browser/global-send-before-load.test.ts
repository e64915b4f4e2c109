/**
 * Messages sent through the loader's stub before the widget module arrived survive a reload
 * and are sent once, in order. Runs the real snippet in a same-origin frame that reloads itself
 * in the same task as the sends, so the module can never have run before the reload.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { ConversationSummary, WireMessage } from '../../src/protocol/wire.js';
import { executeServerCommand } from '@web/test-runner-commands';

describe('sends before the widget loaded', () => {
  let frame: HTMLIFrameElement;
  afterEach(() => frame?.remove());

  it('are kept by the stub across a reload and sent once, in order', async function () {
    this.timeout(20000);
    localStorage.clear();
    sessionStorage.clear();
    const { server, appId } = window.CONVOT_TEST;
    const loader = new URL('/widget-loader.js', server).href;
    frame = document.createElement('iframe');
    // Not async: the loader has run when the next script sends; the reload follows in that task.
    frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8">
      <script>window.Convot = { app_id: ${JSON.stringify(appId)} };</script>
      <script src="${loader}"></script>
      <script>
        if (!sessionStorage.getItem('sent')) {
          sessionStorage.setItem('sent', '1');
          for (let i = 1; i <= 5; i++) Convot.sendMessage('before load ' + i);
          Convot.push(['do', 'message:send', { content: 'before load 6' }]);
          location.reload();
        }
      </script></head><body></body></html>`;
    document.body.appendChild(frame);
    const win = () => frame.contentWindow as Window & { Convot?: { ready(): boolean } };
    await waitUntil(() => win().Convot?.ready?.() === true, 'the widget did not load after the reload', { timeout: 10000 });
    const outboxKeys = () => Object.keys(localStorage).filter((k) => k.startsWith(`convot:${appId}:outbox:`));
    await waitUntil(() => outboxKeys().length === 0, 'the outbox did not drain', { timeout: 10000 });

    const widget = frame.contentDocument!.querySelector('convot-widget') as HTMLElement & { client: { state: { conversationId: string } } };
    const id = widget.client.state.conversationId;
    const summary = (await executeServerCommand<ConversationSummary[], undefined>('convot-conversations')).find((c) => c.id === id)!;
    expect(summary.last_seq, 'each message stored once').to.equal(6);
    const stored = await executeServerCommand<WireMessage[], { conversationId: string }>('convot-messages', { conversationId: id });
    expect(stored.map((m) => m.body)).to.deep.equal([1, 2, 3, 4, 5, 6].map((i) => `before load ${i}`));
  });
  it('are kept when queued in _q before the loader ran, across a reload, and sent once, in order', async function () {
    this.timeout(20000);
    localStorage.clear();
    sessionStorage.clear();
    const { server, appId } = window.CONVOT_TEST;
    const loader = new URL('/widget-loader.js', server).href;
    frame = document.createElement('iframe');
    // The page queues in _q (before the loader), the loader runs, the page reloads in that task.
    frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8">
      <script>
        window.Convot = { app_id: ${JSON.stringify(appId)} };
        if (!sessionStorage.getItem('sent')) {
          window.Convot._q = [['do', 'message:send', 'queued 1'], ['config', 'locale', 'en'], ['do', 'message:send', { content: 'queued 2' }]];
        }
      </script>
      <script src="${loader}"></script>
      <script>
        if (!sessionStorage.getItem('sent')) {
          sessionStorage.setItem('sent', '1');
          Convot.sendMessage('queued 3');
          location.reload();
        }
      </script></head><body></body></html>`;
    document.body.appendChild(frame);
    const win = () => frame.contentWindow as Window & { Convot?: { ready(): boolean } };
    await waitUntil(() => win().Convot?.ready?.() === true, 'the widget did not load after the reload', { timeout: 10000 });
    const outboxKeys = () => Object.keys(localStorage).filter((k) => k.startsWith(`convot:${appId}:outbox:`));
    await waitUntil(() => outboxKeys().length === 0, 'the outbox did not drain', { timeout: 10000 });

    const widget = frame.contentDocument!.querySelector('convot-widget') as HTMLElement & { client: { state: { conversationId: string } } };
    const id = widget.client.state.conversationId;
    const stored = await executeServerCommand<WireMessage[], { conversationId: string }>('convot-messages', { conversationId: id });
    expect(stored.map((m) => m.body)).to.deep.equal(['queued 1', 'queued 2', 'queued 3']);
  });
});
