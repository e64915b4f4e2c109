/**
 * The runtime beneath the views: one per (server, app) in a page, shared by <convot-widget>,
 * <convot-inline> and window.Convot. Real Chromium, real server.
 */
import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define/convot-inline.js';
import type { ConvotInline } from '../../src/elements/convot-inline/convot-inline.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import { agentReply, appId, conversations, launcher, openWidget, panel, panelPart, server } from './helpers.js';

/** Counts the visitor sockets the page opens while installed. */
function socketCounter() {
  const Original = window.WebSocket;
  const opened: WebSocket[] = [];
  window.WebSocket = class extends Original {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      if (String(url).includes('/api/v1/apps/')) opened.push(this);
    }
  };
  return {
    opened,
    live: () => opened.filter((ws) => ws.readyState === Original.OPEN || ws.readyState === Original.CONNECTING).length,
    restore: () => (window.WebSocket = Original),
  };
}

const inlinePart = <T extends Element = HTMLElement>(el: ConvotInline, selector: string) =>
  el.shadowRoot!.querySelector('convot-chat-panel')?.shadowRoot?.querySelector<T>(selector) ?? null;

const online = (el: ConvotWidget | ConvotInline) => waitUntil(() => el.client?.state.connection === 'online', 'did not connect', { timeout: 8000 });

async function freshPage(): Promise<void> {
  await aTimeout(0); // let the previous test's runtime end (see widgetFixture)
  localStorage.clear();
}

describe('runtime: one per app beneath every view', () => {
  let sockets: ReturnType<typeof socketCounter>;
  beforeEach(async () => {
    await freshPage();
    sockets = socketCounter();
  });
  afterEach(() => sockets.restore());

  it('a widget and an inline view of one app share one socket and one conversation', async () => {
    const root = await fixture<HTMLDivElement>(html`<div>
      <convot-widget app-id=${appId()} server=${server()}></convot-widget>
      <div style="height: 420px"><convot-inline app-id=${appId()} server=${server()}></convot-inline></div>
    </div>`);
    const widget = root.querySelector('convot-widget')!;
    const inline = root.querySelector('convot-inline')!;
    await online(widget);
    await online(inline);
    expect(widget.runtime).to.equal(inline.runtime);
    expect(sockets.opened).to.have.length(1);

    // Typed in the inline view, shown in the widget's panel.
    await waitUntil(() => inlinePart(inline, 'textarea'), 'inline panel did not render');
    inlinePart<HTMLTextAreaElement>(inline, 'textarea')!.focus();
    await sendKeys({ type: 'Sent from the inline view' });
    const sent = oneEvent(widget, 'convot-message-sent');
    await sendKeys({ press: 'Enter' });
    await sent;
    await openWidget(widget);
    await waitUntil(() => panelPart(widget, '.msg.visitor[data-status="sent"]'), 'the widget did not show the message');
    expect(panelPart(widget, '.msg.visitor .bubble')!.textContent).to.contain('Sent from the inline view');

    // A team reply shows in both views, and counts as read while the inline view shows it.
    widget.closeChat();
    await agentReply(widget.client!.state.conversationId!, 'Seen in both places');
    await waitUntil(() => inlinePart(inline, '.msg.agent'), 'the inline view did not show the reply');
    await waitUntil(() => widget.client!.state.messages.some((m) => m.body === 'Seen in both places'));
    expect(widget.unreadCount).to.equal(0);
    expect(sockets.opened).to.have.length(1);
  });

  it('the inline view is always open, sized by its container, with the widget parts', async () => {
    const root = await fixture<HTMLDivElement>(html`<div style="height: 480px; width: 360px">
      <convot-inline app-id=${appId()} server=${server()} heading="Support"></convot-inline>
    </div>`);
    const inline = root.querySelector('convot-inline')!;
    await online(inline);
    await waitUntil(() => inlinePart(inline, 'textarea'));
    expect(inlinePart(inline, 'button.close')).to.equal(null);
    expect(inlinePart(inline, 'h2')!.textContent).to.equal('Support');
    const box = inline.getBoundingClientRect();
    expect(Math.round(box.height)).to.equal(480);
    expect(Math.round(box.width)).to.equal(360);
    const panelEl = inline.shadowRoot!.querySelector('convot-chat-panel')!;
    expect(panelEl.getAttribute('exportparts')).to.contain('composer');
    await expect(inline).to.be.accessible();
  });

  it('methods called before the element connects are kept and applied once when it does', async () => {
    const el = document.createElement('convot-widget');
    el.appId = appId();
    el.server = server();
    expect(el.sendMessage('Written before connecting')).to.equal(true);
    el.openChat();
    el.setLocale('fr');
    el.setSessionData({ plan: 'early' });
    const sent = oneEvent(el, 'convot-message-sent');
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    host.appendChild(el);
    await sent;
    await el.updateComplete; // attributes reflect on update, which waits for the French strings
    expect(el.open).to.equal(true);
    expect(el.hasAttribute('open')).to.equal(true);
    expect(el.locale).to.equal('fr');
    expect(el.sessionData).to.deep.equal({ plan: 'early' });
    const conversationId = el.client!.state.conversationId!;
    await aTimeout(300); // a second send would have arrived by now
    const summary = (await conversations()).find((c) => c.id === conversationId)!;
    expect(summary.last_seq, 'the message was sent exactly once').to.equal(1);
    expect(summary.last_message!.body).to.equal('Written before connecting');
    await waitUntil(() => launcher(el).getAttribute('aria-label') === 'Fermer le chat', 'not in French');
  });

  it('moving an element keeps its state, its socket and its events', async () => {
    const root = await fixture<HTMLDivElement>(html`<div><section id="a"><convot-widget app-id=${appId()} server=${server()}></convot-widget></section><section id="b"></section></div>`);
    const el = root.querySelector('convot-widget')!;
    await online(el);
    await openWidget(el);
    const runtime = el.runtime;
    root.querySelector('#b')!.appendChild(el);
    await el.updateComplete;
    expect(el.runtime).to.equal(runtime);
    expect(el.open).to.equal(true);
    expect(el.hasAttribute('open')).to.equal(true);
    await aTimeout(50);
    expect(el.client!.state.connection).to.equal('online');
    expect(sockets.opened).to.have.length(1);
    const closed = oneEvent(el, 'convot-chat-closed');
    el.closeChat();
    await closed;
    expect(el.open).to.equal(false);
  });

  it('opening from page code leaves the focus on the page; a click on the launcher moves it to the composer', async () => {
    const root = await fixture<HTMLDivElement>(html`<div><input id="search" /><convot-widget app-id=${appId()} server=${server()}></convot-widget></div>`);
    const el = root.querySelector('convot-widget')!;
    const input = root.querySelector('input')!;
    await online(el);
    input.focus();
    await openWidget(el);
    await aTimeout(100);
    expect(document.activeElement).to.equal(input);
    el.closeChat();
    await el.updateComplete;
    launcher(el).click();
    await waitUntil(() => panel(el)!.shadowRoot!.activeElement === panelPart(el, 'textarea'), 'the click did not focus the composer');
  });

  it('remove() takes every view off the page and closes the socket; load() puts them back on the same session', async () => {
    const root = await fixture<HTMLDivElement>(html`<div>
      <p id="before"></p><convot-widget app-id=${appId()} server=${server()}></convot-widget>
      <convot-inline app-id=${appId()} server=${server()}></convot-inline><p id="after"></p>
    </div>`);
    const widget = root.querySelector('convot-widget')!;
    await online(widget);
    const runtime = widget.runtime!;
    const sessionId = widget.sessionId;
    expect(runtime.status()).to.deep.equal({ loaded: true, connection: 'online' });

    runtime.remove();
    expect(root.querySelector('convot-widget, convot-inline')).to.equal(null);
    expect(runtime.status()).to.deep.equal({ loaded: false, connection: 'idle' });
    await waitUntil(() => sockets.live() === 0, 'the socket stayed open');

    runtime.load();
    expect([...root.children].map((c) => c.localName)).to.deep.equal(['p', 'convot-widget', 'convot-inline', 'p']);
    await online(widget);
    expect(widget.runtime).to.equal(runtime);
    expect(widget.sessionId).to.equal(sessionId);
    expect(runtime.status().loaded).to.equal(true);
  });

  it('load({ floating: true }) adds a widget only when the app has none', async () => {
    const root = await fixture<HTMLDivElement>(html`<div><convot-inline app-id=${appId()} server=${server()}></convot-inline></div>`);
    const inline = root.querySelector('convot-inline')!;
    await online(inline);
    inline.runtime!.load({ floating: true });
    inline.runtime!.load({ floating: true });
    const added = document.querySelectorAll('body > convot-widget');
    expect(added).to.have.length(1);
    const widget = added[0] as ConvotWidget;
    await widget.updateComplete;
    expect(widget.runtime).to.equal(inline.runtime);
    widget.remove();
  });

  it('views of different apps or servers get different runtimes', async () => {
    const root = await fixture<HTMLDivElement>(html`<div>
      <convot-inline app-id=${appId()} server=${server()}></convot-inline>
      <convot-inline app-id="app_other" server=${server()}></convot-inline>
    </div>`);
    const [a, b] = [...root.querySelectorAll('convot-inline')];
    await a!.updateComplete;
    expect(a!.runtime).to.not.equal(undefined);
    expect(a!.runtime).to.not.equal(b!.runtime);
  });
});
