/**
 * The visitor's earlier conversations in the widget, against the real test server: the header
 * button opens the list (a lazily loaded chunk), picking a closed thread reopens it and the chat
 * follows it (messages replaced, `thread:selected`, no `conversation:closed`, its history no
 * `message:received`), by mouse or
 * keyboard; right-to-left at 390 px; the element methods and their warnings.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { installGlobal } from '../../src/api/global.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import { runtimeFor } from '../../src/runtime/runtime.js';
import { agentClose, agentReply, appId, conversations, openWidget, panel, panelPart, sendAndAwaitAck, server, widgetFixture } from './helpers.js';

const list = (el: ConvotWidget) => panelPart(el, 'convot-threads');
const listPart = <T extends Element = HTMLElement>(el: ConvotWidget, selector: string) => list(el)?.shadowRoot?.querySelector<T>(selector) ?? null;
const rows = (el: ConvotWidget) => [...(list(el)?.shadowRoot?.querySelectorAll<HTMLButtonElement>('.thread') ?? [])];
const threadsButton = (el: ConvotWidget, label = 'Earlier conversations') => panelPart<HTMLButtonElement>(el, `header button[aria-label="${label}"]`);
const focused = (el: ConvotWidget) => panel(el)!.shadowRoot!.activeElement;

/** A visitor with two conversations: the first (a team reply they have not read) closed by the team, the second open. */
async function twoThreads(el: ConvotWidget): Promise<{ first: string; second: string }> {
  await sendAndAwaitAck(el, 'First question');
  const first = el.client!.state.conversationId!;
  await agentReply(first, 'Answered **there**');
  await waitUntil(() => el.client!.state.messages.length === 2, 'no reply');
  expect(await agentClose(first)).to.equal(200);
  await waitUntil(() => el.client!.state.conversationStatus === 'closed', 'the close did not arrive');
  await sendAndAwaitAck(el, 'Second question');
  const second = el.client!.state.conversationId!;
  expect(second).to.not.equal(first);
  return { first, second };
}

describe('earlier conversations', function () {
  this.timeout(20000);
  before(() => setViewport({ width: 1024, height: 768 }));

  it('a new visitor has no button; the list shows their threads; picking a closed one reopens it and the chat follows', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    expect(threadsButton(el), 'no conversation yet: no button').to.equal(null);
    el.closeChat();
    const { first, second } = await twoThreads(el);
    await openWidget(el);

    const closedEvents: unknown[] = [];
    el.addEventListener('convot-conversation-closed', (e) => closedEvents.push((e as CustomEvent).detail));
    const received: unknown[] = [];
    el.addEventListener('convot-message-received', (e) => received.push((e as CustomEvent).detail));
    threadsButton(el)!.click();
    await waitUntil(() => rows(el).length === 2, 'the list did not load (its chunk loads now)', { timeout: 8000 });
    expect(threadsButton(el)!.getAttribute('aria-expanded')).to.equal('true');
    expect(panelPart(el, 'textarea'), 'the list replaces the log').to.equal(null);
    expect(rows(el).map((r) => r.dataset.id)).to.deep.equal([second, first]);
    const [current, earlier] = rows(el);
    expect(current!.querySelector('.preview')!.textContent).to.equal('Second question');
    expect(current!.getAttribute('aria-current')).to.equal('true');
    expect(current!.querySelector('.meta')!.textContent).to.contain('Current');
    expect(earlier!.querySelector('.preview')!.textContent, 'plain text, no Markdown').to.equal('Answered there');
    expect(earlier!.querySelector('.meta')!.textContent).to.contain('Closed');
    expect(earlier!.querySelector('.dot'), 'the team reply is unread').to.not.equal(null);
    expect(earlier!.textContent).to.contain('New messages');
    expect(current!.querySelector('.dot')).to.equal(null);
    await expect(list(el)).to.be.accessible();

    const selected = oneEvent(el, 'convot-thread-selected');
    earlier!.click();
    expect((await selected).detail).to.deep.equal({ conversation: { conversationId: first } });
    await waitUntil(() => el.client!.state.conversationId === first && el.client!.state.messages.length === 2, 'the chat did not follow the selected thread');
    expect(el.client!.state.conversationStatus).to.equal('open');
    expect(el.client!.state.messages.map((m) => m.body)).to.deep.equal(['First question', 'Answered **there**']);
    expect(received, "the thread's history is not a message received").to.deep.equal([]);
    await waitUntil(() => panelPart(el, 'textarea') && focused(el) === panelPart(el, 'textarea'), 'back in the log with the composer focused');
    expect(list(el)).to.equal(null);
    const mine = (await conversations()).filter((c) => c.id === first || c.id === second);
    expect(mine.map((c) => [c.id, c.status]).sort()).to.deep.equal([[first, 'open'], [second, 'closed']].sort());

    // The visitor writes in the reopened thread; its seq goes on from there.
    await sendAndAwaitAck(el, 'Back here');
    expect(el.client!.state.conversationId).to.equal(first);
    expect(el.client!.state.messages.at(-1)!.seq).to.equal(3);
    expect(closedEvents, 'the visitor closed the other one: not "closed by the team"').to.deep.equal([]);
    // A reply there is news again.
    await agentReply(first, 'Welcome back');
    await waitUntil(() => received.length === 1, 'no message:received for a live reply');
  });

  it('works from the keyboard: Enter opens the list with focus in it, Escape goes back without closing the panel', async () => {
    const el = await widgetFixture();
    await twoThreads(el);
    await openWidget(el);
    threadsButton(el)!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => rows(el).length === 2, 'the list did not load', { timeout: 8000 });
    expect(list(el)!.shadowRoot!.activeElement, 'focus moved into the list').to.equal(listPart(el, '.back'));
    await sendKeys({ press: 'Tab' });
    expect(list(el)!.shadowRoot!.activeElement).to.equal(rows(el)[0]);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => panelPart(el, 'textarea') && focused(el) === panelPart(el, 'textarea'), 'Escape did not go back to the log');
    expect(el.open, 'the panel stays open').to.equal(true);
  });

  it('right-to-left (ar) at 390 px: the list and its rows lie inside the window, in Arabic', async () => {
    await setViewport({ width: 390, height: 700 });
    try {
      const el = await widgetFixture();
      el.locale = 'ar';
      await twoThreads(el);
      await openWidget(el);
      threadsButton(el, 'محادثات سابقة')!.click();
      await waitUntil(() => rows(el).length === 2, 'the list did not load', { timeout: 8000 });
      expect(listPart(el, 'h3')!.textContent).to.equal('محادثات سابقة');
      expect(listPart(el, '.back')!.textContent).to.equal('العودة إلى الدردشة');
      expect(getComputedStyle(list(el)!).direction).to.equal('rtl');
      for (const r of [list(el)!, ...rows(el)]) {
        const box = r.getBoundingClientRect();
        expect(box.left >= 0 && box.right <= window.innerWidth && box.width > 0, `${r.localName} ${JSON.stringify(box)}`).to.equal(true);
      }
      const ul = listPart(el, 'ul')!;
      expect(ul.scrollWidth, 'no sideways scrolling').to.be.at.most(ul.clientWidth);
      // Text starts on the right in right-to-left.
      const row = rows(el)[0]!.getBoundingClientRect();
      const preview = rows(el)[0]!.querySelector('.preview')!.getBoundingClientRect();
      expect(row.right - preview.right).to.be.below(24);
    } finally {
      await setViewport({ width: 1024, height: 768 });
    }
  });

  it('openThreads() opens the panel on the list; selectThread() with a bad or unknown id warns, naming it, and fires nothing', async () => {
    const el = await widgetFixture();
    const { first } = await twoThreads(el);
    el.openThreads();
    await waitUntil(() => rows(el).length === 2, 'openThreads did not show the list', { timeout: 8000 });
    expect(el.open).to.equal(true);

    const warns: string[] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => void warns.push(a.map(String).join(' '));
    const fired: unknown[] = [];
    el.addEventListener('convot-thread-selected', (e) => fired.push((e as CustomEvent).detail));
    try {
      el.selectThread(42 as unknown as string);
      el.selectThread('cnv_unknown');
      await waitUntil(() => warns.length === 2, `expected two warnings, got ${JSON.stringify(warns)}`);
    } finally {
      console.warn = warn;
    }
    expect(warns.find((w) => w.includes('42') && w.includes('thread:select'))).to.be.a('string');
    expect(warns.find((w) => w.includes('"cnv_unknown"') && w.includes('CONVOT_ERR_NOT_FOUND'))).to.be.a('string');
    expect(fired).to.deep.equal([]);
    expect(el.client!.state.conversationStatus, 'nothing changed').to.equal('open');

    // A good id from code selects like a click: the list closes and the chat follows.
    const selected = oneEvent(el, 'convot-thread-selected');
    el.selectThread(first);
    expect((await selected).detail).to.deep.equal({ conversation: { conversationId: first } });
    await waitUntil(() => el.client!.state.conversationId === first && list(el) === null, 'the chat did not follow');
  });

  // Last in this file: window.Convot and the drop-in keep the app's runtime alive for the page.
  it('window.Convot: do threads:open and do thread:select; thread:selected reaches Convot.on and the HubSpot drop-in (threadSelected)', async () => {
    const el = await widgetFixture();
    const { first } = await twoThreads(el);
    const runtime = runtimeFor(server(), appId());
    const api = installGlobal({}, runtime);
    // The drop-in's module starts itself only where no HubSpotConversations exists yet.
    (window as { HubSpotConversations?: unknown }).HubSpotConversations = {};
    const { installHubSpot } = await import('../../src/api/compat/hubspot.js');
    const hs = installHubSpot(runtime);
    const convotEvents: unknown[] = [];
    const hsEvents: unknown[] = [];
    api.on('thread:selected', (p) => convotEvents.push(p));
    hs.on('threadSelected', (p: unknown) => hsEvents.push(p));

    api.push(['do', 'threads:open']);
    await waitUntil(() => rows(el).length === 2, 'do threads:open did not show the list', { timeout: 8000 });
    expect(el.open).to.equal(true);
    // From code with the panel closed: the chat opens on the thread (its replayed messages are not news).
    el.closeChat();
    await el.updateComplete;
    api.push(['do', 'thread:select', first]);
    expect(el.open, 'the chat opens').to.equal(true);
    await waitUntil(() => convotEvents.length === 1 && hsEvents.length === 1, 'no thread:selected');
    expect(convotEvents).to.deep.equal([{ conversation: { conversationId: first } }]);
    expect(hsEvents).to.deep.equal([{ conversation: { conversationId: first } }]);
    await waitUntil(() => el.client!.state.conversationId === first && el.client!.state.messages.length === 2, 'the chat did not follow');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.preview'), 'no preview card of old replies').to.equal(null);
  });
});
