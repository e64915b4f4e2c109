import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import { sendKeys } from '@web/test-runner-commands';
import { agentReply, captureConsole, launcher, openWidget, panel, panelPart, sendAndAwaitAck, widgetFixture } from './helpers.js';

describe('<convot-widget>', () => {
  it('renders a launcher button with an accessible name, closed by default', async () => {
    const el = await widgetFixture();
    const button = launcher(el);
    expect(button).to.exist;
    expect(button.getAttribute('aria-label')).to.equal('Open chat');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(el.open).to.equal(false);
    expect(el.hasAttribute('open')).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('opens and closes from the launcher and fires chat events', async () => {
    const el = await widgetFixture();
    const opened = oneEvent(el, 'convot-chat-opened');
    launcher(el).click();
    await opened;
    expect(el.open).to.equal(true);
    expect(el.hasAttribute('open')).to.equal(true);
    await waitUntil(() => panelPart(el, 'textarea'));
    expect(launcher(el).getAttribute('aria-expanded')).to.equal('true');
    await expect(el).to.be.accessible();

    const closed = oneEvent(el, 'convot-chat-closed');
    launcher(el).click();
    await closed;
    expect(el.open).to.equal(false);
    expect(getComputedStyle(shadowWrap(el)!).display).to.equal('none');
  });

  it('is keyboard operable: the launcher takes focus, Escape closes and returns focus', async () => {
    const el = await widgetFixture();
    const button = launcher(el);
    button.focus();
    expect(el.shadowRoot!.activeElement).to.equal(button);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.open && panelPart(el, 'textarea'));
    // Focus moves into the composer on open.
    await waitUntil(() => panel(el)!.shadowRoot!.activeElement === panelPart(el, 'textarea'), 'composer not focused');
    await sendKeys({ press: 'Escape' });
    expect(el.open).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal(button);
  });

  it('closes from the panel close button and returns focus to the launcher', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    panelPart<HTMLButtonElement>(el, 'button.close')!.click();
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal(launcher(el));
  });

  it('composer: Enter sends, Shift+Enter does not, empty text cannot be sent', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    const textarea = panelPart<HTMLTextAreaElement>(el, 'textarea')!;
    const send = panelPart<HTMLButtonElement>(el, 'button.send')!;
    expect(send.disabled).to.equal(true);
    textarea.focus();
    await sendKeys({ type: 'Hello' });
    await el.updateComplete;
    await panel(el)!.updateComplete;
    expect(send.disabled).to.equal(false);
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    expect(el.client!.state.messages).to.have.length(0);
    expect(textarea.value).to.equal('Hello\n');
    const sent = oneEvent(el, 'convot-message-sent');
    await sendKeys({ press: 'Enter' });
    const ev = await sent;
    expect(ev.detail).to.deep.equal({ unread_count: 0 });
    const msgs = el.client!.state.messages;
    expect(msgs).to.have.length(1);
    expect(msgs[0]!.body).to.equal('Hello'); // trimmed
    expect(msgs[0]!.status).to.equal('sent');
    expect(msgs[0]!.seq).to.equal(1);
    expect(textarea.value).to.equal('');
    await panel(el)!.updateComplete;
    const bubble = panelPart(el, '.msg.visitor');
    expect(bubble?.dataset.status).to.equal('sent');
    expect(bubble?.textContent).to.contain('Hello');
  });

  it('shows a message as pending until the server acknowledges it', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    el.client!.stop(); // offline: the message waits in the outbox
    el.sendMessage('while offline');
    await panel(el)!.updateComplete;
    expect(panelPart(el, '.msg.visitor')!.dataset.status).to.equal('pending');
    const sent = oneEvent(el, 'convot-message-sent');
    el.client!.start();
    await sent;
    await panel(el)!.updateComplete;
    expect(panelPart(el, '.msg.visitor')!.dataset.status).to.equal('sent');
  });

  it('receives agent replies live and counts unread while closed', async () => {
    const el = await widgetFixture();
    await sendAndAwaitAck(el, 'Need help');
    const conversationId = el.client!.state.conversationId!;
    const received = oneEvent(el, 'convot-message-received');
    await agentReply(conversationId, 'Hi, how can I help?');
    const ev = await received;
    expect(ev.detail).to.deep.equal({ unread_count: 1 });
    await el.updateComplete;
    expect(el.unreadCount).to.equal(1);
    const badge = el.shadowRoot!.querySelector('.badge');
    expect(badge?.textContent?.trim()).to.equal('1');
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open chat, 1 unread message');

    await openWidget(el);
    await waitUntil(() => el.unreadCount === 0, 'opening did not clear unread');
    await panel(el)!.updateComplete;
    const agentMsg = panelPart(el, '.msg.agent');
    expect(agentMsg?.textContent).to.contain('Hi, how can I help?');
    expect(agentMsg?.textContent).to.contain('Bea');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.badge')).to.equal(null);
  });

  it('renders links in messages as safe anchors, other text as text', async () => {
    const el = await widgetFixture();
    await sendAndAwaitAck(el, 'Is javascript:alert(1) a link? <img src=x onerror=alert(1)>');
    const received = oneEvent(el, 'convot-message-received');
    await agentReply(el.client!.state.conversationId!, 'See https://example.com/help and write to help@example.com.');
    await received;
    await openWidget(el);
    await panel(el)!.updateComplete;
    const links = [...panel(el)!.shadowRoot!.querySelectorAll<HTMLAnchorElement>('.msg.agent .bubble a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.com/help', 'mailto:help@example.com']);
    expect(links[0]!.rel).to.equal('noopener noreferrer nofollow');
    expect(links[0]!.target).to.equal('_blank');
    const visitorBubble = panelPart(el, '.msg.visitor .bubble')!;
    expect(visitorBubble.querySelector('a, img')).to.equal(null);
    expect(visitorBubble.textContent).to.contain('<img src=x onerror=alert(1)>');
  });

  it('keeps the conversation after a reload (same session, same history)', async () => {
    const first = await widgetFixture();
    await sendAndAwaitAck(first, 'Remember me');
    const sessionId = first.sessionId;
    await agentReply(first.client!.state.conversationId!, 'We will');
    await waitUntil(() => first.client!.state.messages.length === 2);
    first.remove(); // like leaving the page

    const second = await widgetFixture({ keepStorage: true });
    expect(second.sessionId).to.equal(sessionId);
    await waitUntil(() => second.client!.state.messages.length === 2, 'history not restored');
    expect(second.client!.state.messages.map((m) => m.body)).to.deep.equal(['Remember me', 'We will']);
  });

  it('warns (and does not throw) without an app-id or with a malformed server URL', async () => {
    const noId = await captureConsole(async () => {
      const el = await fixture<ConvotWidget>(html`<convot-widget></convot-widget>`);
      await el.updateComplete;
      expect(el.client).to.equal(undefined);
    });
    expect(noId.warn).to.have.length(1);
    expect(noId.warn[0]).to.contain('app-id');
    const badServer = await captureConsole(async () => {
      const el = await fixture<ConvotWidget>(html`<convot-widget app-id="app_browser" server="not a url"></convot-widget>`);
      await el.updateComplete;
      expect(el.client).to.equal(undefined);
      expect(launcher(el)).to.exist; // the element still renders
      el.requestUpdate(); // later renders do not repeat the warning
      await el.updateComplete;
    });
    expect(badServer.warn).to.have.length(1);
    expect(badServer.warn[0]).to.contain('"not a url"');
  });

  it("reading in one tab clears the other tab's unread badge", async () => {
    const tabA = await widgetFixture();
    await sendAndAwaitAck(tabA, 'two tabs');
    const tabB = await widgetFixture({ keepStorage: true }); // same browser storage: same visitor
    expect(tabB.sessionId).to.equal(tabA.sessionId);
    const inA = oneEvent(tabA, 'convot-message-received');
    const inB = oneEvent(tabB, 'convot-message-received');
    await agentReply(tabA.client!.state.conversationId!, 'hello both');
    await Promise.all([inA, inB]);
    expect([tabA.unreadCount, tabB.unreadCount]).to.deep.equal([1, 1]);
    tabA.openChat();
    await waitUntil(() => tabB.unreadCount === 0, 'tab B still shows the message as unread');
    await tabB.updateComplete;
    expect(tabB.shadowRoot!.querySelector('.badge')).to.equal(null);
    tabB.remove();
  });

  it('does not leak listeners or sockets when removed', async () => {
    const el = await widgetFixture();
    const client = el.client!;
    el.remove();
    await aTimeout(0);
    expect(client.state.connection).to.equal('idle');
    expect(el.client).to.equal(undefined);
  });
});

const shadowWrap = (el: Element) => el.shadowRoot!.querySelector('.panel-wrap');

describe('<convot-widget> language', () => {
  const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'languages')!;
  afterEach(() => Object.defineProperty(Navigator.prototype, 'languages', original));

  it("follows the browser's language by default, and the locale attribute overrides it", async () => {
    Object.defineProperty(Navigator.prototype, 'languages', { configurable: true, get: () => ['de-AT', 'en'] });
    const el = await widgetFixture({ wait: false });
    await el.updateComplete;
    expect(launcher(el).getAttribute('aria-label')).to.equal('Chat öffnen');
    el.locale = 'ar';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.root')!.getAttribute('dir')).to.equal('rtl');
    expect(launcher(el).getAttribute('aria-label')).to.equal('افتح الدردشة');
  });

  it('falls back to English for a browser language without a catalog', async () => {
    Object.defineProperty(Navigator.prototype, 'languages', { configurable: true, get: () => ['sw-KE'] });
    const el = await widgetFixture({ wait: false });
    await el.updateComplete;
    expect(launcher(el).getAttribute('aria-label')).to.equal('Open chat');
    expect(el.shadowRoot!.querySelector('.root')!.getAttribute('dir')).to.equal('ltr');
  });
});
