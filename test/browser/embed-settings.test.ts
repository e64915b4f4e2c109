/**
 * Settings read before load (`window.Convot.settings`), load/refresh/clear, consent and the
 * widget's new events, through the real snippet (the built `widget-loader.js` from the test
 * server) in an iframe per test (srcdoc: same origin as the test page, which the test app
 * allows), so each test is a fresh page. Each page records the sockets it opens.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ConvotGlobal } from '../../src/api/commands.js';
import type { ConvotInline } from '../../src/elements/convot-inline/convot-inline.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';

type FrameWindow = Window & { Convot?: ConvotGlobal; __warns: string[]; __sockets: string[]; __events: { name: string; payload: unknown }[] };

let frame: HTMLIFrameElement | undefined;
const win = () => frame!.contentWindow as FrameWindow;
const doc = () => frame!.contentDocument!;
const widget = () => doc().querySelector('convot-widget') as ConvotWidget | null;
const api = () => win().Convot!;
const ready = () => waitUntil(() => win().Convot?.ready?.() === true, 'the snippet did not load', { timeout: 10000 });
/**
 * What the page asked of the server for a session: session POSTs (none: a new visitor's socket
 * starts it) and sockets opened (each page records them from the start).
 */
const sessionRequests = () =>
  (win().performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.endsWith('/sessions')).length;
const socketsOpened = () => win().__sockets.length;
const convotKeys = () => Object.keys(localStorage).filter((k) => k.startsWith('convot:'));

const EVENTS = ['conversation:started', 'conversation:closed', 'unread:conversations:changed', 'contact:associated', 'widget:interacted', 'widget:loaded', 'widget:closed'];

/** A page with the snippet and these settings; warnings and the new events are recorded from the start. */
async function page(settings: Record<string, unknown> | undefined, body = ''): Promise<void> {
  const { server, appId } = window.CONVOT_TEST;
  const loader = new URL('/widget-loader.js', server).href;
  frame = document.createElement('iframe');
  frame.style.cssText = 'width: 800px; height: 700px';
  const convot = { app_id: appId, ...(settings ? { settings } : {}), _q: EVENTS.map((name) => ['on', name, `__record:${name}`]) };
  frame.srcdoc = `<!doctype html><html><head><meta charset="utf-8">
    <script>
      window.__warns = [];
      const warn = console.warn;
      console.warn = (...a) => { window.__warns.push(a.map(String).join(' ')); warn(...a); };
      window.__events = [];
      window.__sockets = [];
      const PageSocket = WebSocket;
      window.WebSocket = class extends PageSocket { constructor(url, p) { super(url, p); window.__sockets.push(String(url)); } };
      const c = ${JSON.stringify(convot)};
      c._q = c._q.map(([verb, name]) => [verb, name, (payload) => window.__events.push({ name, payload })]);
      window.Convot = c;
    </script>
    <script async src="${loader}"></script></head><body>${body}</body></html>`;
  document.body.appendChild(frame);
  await ready();
}

const events = (name: string) => win().__events.filter((e) => e.name === name).map((e) => e.payload);

describe('window.Convot.settings and the widget lifecycle', function () {
  this.timeout(30000);
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    frame?.remove();
    frame = undefined;
  });

  it('load_immediately: false shows nothing and connects nothing until load({ widget_open: true })', async () => {
    await page({ load_immediately: false });
    await new Promise((r) => setTimeout(r, 600));
    expect(widget()).to.equal(null);
    expect(api().status().loaded).to.equal(false);
    expect(sessionRequests() + socketsOpened()).to.equal(0);
    api().load({ widget_open: true });
    await waitUntil(() => widget()?.open === true, 'load({ widget_open: true }) did not open the widget');
    expect(api().status().loaded).to.equal(true);
    await waitUntil(() => widget()!.client?.state.connection === 'online', 'did not connect after load');
    expect(events('widget:loaded')).to.have.length(1);
  });

  it('load and refresh run at most once a second; extra calls are ignored with a warning naming the call', async () => {
    await page({ load_immediately: false });
    api().load();
    api().load({ widget_open: true });
    expect(win().__warns.filter((w) => w.includes('Convot.load() ignored'))).to.have.length(1);
    expect(widget()!.open, 'the ignored call must not open the widget').to.equal(false);
    api().refresh();
    api().refresh();
    expect(win().__warns.filter((w) => w.includes('Convot.refresh() ignored'))).to.have.length(1);
    await new Promise((r) => setTimeout(r, 1050));
    api().load({ widget_open: true });
    expect(win().__warns.filter((w) => w.includes('ignored'))).to.have.length(2);
    expect(widget()!.open).to.equal(true);
  });

  it('remove() takes the widget off the page until load(); bad options and settings warn, naming the value', async () => {
    await page({ load_immediately: 'soon', cookie_banner: 'sometimes', extra: 1 });
    expect(win().__warns.some((w) => w.includes('load_immediately expects true or false, got "soon"'))).to.equal(true);
    expect(win().__warns.some((w) => w.includes('cookie_banner expects') && w.includes('"sometimes"'))).to.equal(true);
    expect(win().__warns.some((w) => w.includes('unknown window.Convot.settings key "extra"'))).to.equal(true);
    await waitUntil(() => widget(), 'the widget loads with the defaults');
    api().remove();
    expect(widget()).to.equal(null);
    expect(api().status().loaded).to.equal(false);
    api().load({ widget_open: 'yes' } as never);
    expect(win().__warns.some((w) => w.includes('load() expects nothing or { widget_open: true }, got {"widget_open":"yes"}'))).to.equal(true);
    expect(widget()).to.equal(null);
  });

  it('inline_embed_selector puts a <convot-inline> in the matched node, focused once loaded, and it stays until remove()', async () => {
    await page({ inline_embed_selector: '#chat' }, '<main><div id="chat" style="height: 480px"></div></main>');
    const inline = () => doc().querySelector('#chat > convot-inline') as ConvotInline | null;
    await waitUntil(() => inline(), 'no inline embed in #chat');
    expect(widget(), 'no floating widget beside the inline embed').to.equal(null);
    const textarea = () => inline()?.shadowRoot?.querySelector('convot-chat-panel')?.shadowRoot?.querySelector('textarea');
    await waitUntil(() => textarea(), 'the inline panel did not render', { timeout: 8000 });
    await waitUntil(() => inline()!.shadowRoot!.querySelector('convot-chat-panel')!.shadowRoot!.activeElement === textarea(), 'the composer was not focused');
    await new Promise((r) => setTimeout(r, 1050));
    api().refresh();
    expect(doc().querySelectorAll('convot-inline')).to.have.length(1);
    api().remove();
    expect(inline()).to.equal(null);
    await new Promise((r) => setTimeout(r, 1050));
    api().load();
    expect(inline()).to.not.equal(null);
  });

  it('initial_input_focus: false leaves the focus on the page; hide_attachment_button is kept', async () => {
    await page({ inline_embed_selector: '#chat', initial_input_focus: false, hide_attachment_button: true }, '<div id="chat" style="height: 480px"></div>');
    const inline = () => doc().querySelector('#chat > convot-inline') as ConvotInline | null;
    await waitUntil(() => inline()?.shadowRoot?.querySelector('convot-chat-panel')?.shadowRoot?.querySelector('textarea'), 'the inline panel did not render', { timeout: 8000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(inline()!.shadowRoot!.querySelector('convot-chat-panel')!.shadowRoot!.activeElement).to.equal(null);
    expect(inline()!.runtime!.state.settings.hideAttachmentButton).to.equal(true);
  });

  it('clear() forgets what the widget stored; clear({ reset_widget: true }) also starts a fresh widget and a new visitor', async () => {
    await page({});
    await waitUntil(() => widget()?.client?.state.connection === 'online', 'did not connect');
    const sent = new Promise((r) => api().on('message:sent', r));
    api().sendMessage('Before clear');
    await sent;
    const firstSession = api().get('session:identifier');
    expect(convotKeys()).to.include(`convot:${window.CONVOT_TEST.appId}:token`);
    api().clear();
    expect(convotKeys()).to.deep.equal([]);
    const before = widget();
    api().clear({ reset_widget: true });
    await waitUntil(() => widget()?.client?.state.connection === 'online' && api().get('session:identifier') !== firstSession, 'no fresh session after reset_widget');
    expect(widget(), 'the same element came back').to.equal(before);
    expect(widget()!.client!.state.messages).to.deep.equal([]);
    expect(api().status().loaded).to.equal(true);
  });

  it('cookie_banner: nothing is stored and no session exists until the visitor accepts in the panel', async () => {
    await page({ cookie_banner: true });
    await waitUntil(() => widget(), 'no widget');
    api().sendMessage('Written before consent');
    api().open();
    const ask = () => widget()!.shadowRoot!.querySelector('convot-chat-panel')?.shadowRoot?.querySelector('convot-consent-ask')?.shadowRoot ?? null;
    await waitUntil(() => ask()?.querySelector('button.accept'), 'no consent prompt in the panel', { timeout: 8000 });
    await new Promise((r) => setTimeout(r, 800));
    expect(sessionRequests() + socketsOpened(), 'no session or socket before consent').to.equal(0);
    expect(convotKeys(), 'no localStorage before consent').to.deep.equal([]);
    expect(win().sessionStorage.length).to.equal(0);
    expect(doc().cookie).to.equal('');
    expect(await win().indexedDB.databases()).to.deep.equal([]);
    expect(ask()!.querySelector('[role="region"]')!.getAttribute('aria-labelledby')).to.equal('consent-text');
    ask()!.querySelector<HTMLButtonElement>('button.accept')!.click();
    await waitUntil(() => widget()!.client!.state.messages.some((m) => m.status === 'sent'), 'the message written before consent was not sent');
    expect(sessionRequests(), 'the socket started the session').to.equal(0);
    expect(socketsOpened()).to.equal(1);
    expect(convotKeys()).to.include.members([`convot:${window.CONVOT_TEST.appId}:token`, `convot:${window.CONVOT_TEST.appId}:consent`]);
    expect(ask(), 'the prompt is gone').to.equal(null);
  });

  it('declining keeps the chat usable for this page view with nothing stored; the next page asks again', async () => {
    await page({ cookie_banner: 'on_widget_load' });
    await waitUntil(() => widget(), 'no widget');
    api().open();
    const ask = () => widget()!.shadowRoot!.querySelector('convot-chat-panel')?.shadowRoot?.querySelector('convot-consent-ask')?.shadowRoot ?? null;
    await waitUntil(() => ask()?.querySelector('button.decline'), 'no consent prompt', { timeout: 8000 });
    ask()!.querySelector<HTMLButtonElement>('button.decline')!.click();
    const sent = new Promise((r) => api().on('message:sent', r));
    api().sendMessage('Chatting without storage');
    await sent;
    expect(convotKeys()).to.deep.equal([]);
    frame!.remove();
    await page({ cookie_banner: true });
    await waitUntil(() => widget(), 'no widget');
    expect(widget()!.client!.state.consent).to.equal('pending');
  });

  it('events: conversation started and closed, unread conversations, widget interacted and closed, with their payloads', async () => {
    await page({});
    await waitUntil(() => widget()?.client?.state.connection === 'online', 'did not connect');
    const launcher = widget()!.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!;
    launcher.click();
    launcher.click();
    expect(events('widget:interacted')).to.have.length(2);
    expect(events('widget:closed')).to.deep.equal([{ message: 'Widget closed' }]);
    api().open();
    api().close();
    expect(events('widget:closed'), 'close() is not the visitor closing it').to.have.length(1);

    api().sendMessage('Start a conversation');
    await waitUntil(() => events('conversation:started').length === 1, 'no conversation:started');
    const conversationId = widget()!.client!.state.conversationId!;
    expect(events('conversation:started')).to.deep.equal([{ conversation: { conversationId } }]);

    await executeServerCommand('convot-agent-reply', { conversationId, body: 'A reply' });
    await waitUntil(() => events('unread:conversations:changed').length === 1, 'no unread:conversations:changed');
    expect(events('unread:conversations:changed')).to.deep.equal([{ unreadCount: 1 }]);
    api().open();
    await waitUntil(() => events('unread:conversations:changed').length === 2, 'reading did not change the count');
    expect(events('unread:conversations:changed')[1]).to.deep.equal({ unreadCount: 0 });

    await executeServerCommand('convot-agent-close', { conversationId });
    await waitUntil(() => events('conversation:closed').length === 1, 'no conversation:closed');
    expect(events('conversation:closed')).to.deep.equal([{ conversation: { conversationId } }]);
    // The DOM twin on the element.
    const dom = new Promise<CustomEvent>((r) => widget()!.addEventListener('convot-widget-interacted', (e) => r(e as CustomEvent), { once: true }));
    widget()!.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!.click();
    expect((await dom).detail).to.deep.equal({ message: 'Visitor interacted with the widget' });
  });

  it('refresh({ open_to_new_thread: true }) opens the chat and ends the open conversation: the next message starts a new one', async () => {
    await page({});
    await waitUntil(() => widget()?.client?.state.connection === 'online', 'did not connect');
    api().sendMessage('First conversation');
    await waitUntil(() => events('conversation:started').length === 1, 'no first conversation');
    const first = widget()!.client!.state.conversationId;
    api().refresh({ open_to_new_thread: true });
    expect(widget()!.open).to.equal(true);
    await waitUntil(() => widget()!.client!.state.conversationStatus === 'closed', 'the conversation was not closed');
    expect(events('conversation:closed'), 'the visitor closed it, not the team').to.deep.equal([]);
    api().sendMessage('Second conversation');
    await waitUntil(() => events('conversation:started').length === 2, 'no second conversation');
    const second = (events('conversation:started')[1] as { conversation: { conversationId: string } }).conversation.conversationId;
    expect(second).to.be.a('string').and.not.equal(first);
    const summaries = (await executeServerCommand('convot-conversations')) as { id: string; status: string }[];
    expect(summaries.find((c) => c.id === first)?.status).to.equal('closed');
    expect(summaries.find((c) => c.id === second)?.status).to.equal('open');
  });
});
