/**
 * Chat flows in the widget, in Chromium against the real server (app_flows in
 * web-test-runner.config.mjs): the page's flow is matched at load and again on refresh() after
 * a route change, the floating widget is away on pages no flow targets unless a chat is open,
 * the flow's greeting and first bot step show before the visitor writes, and a multi-select
 * answer goes to the server's bot (which asks the next step) with `convot-quick-reply-clicked`.
 */
import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import { conversations, panelPart, server, shadow } from './helpers.js';

const startUrl = location.href;
const go = (path: string) => history.pushState({}, '', path);
const root = (el: ConvotWidget) => shadow(el).querySelector<HTMLElement>('.root')!;
const replies = (el: ConvotWidget) => panelPart(el, 'convot-quick-replies')?.shadowRoot?.querySelectorAll<HTMLButtonElement>('button') ?? [];
const button = (el: ConvotWidget, label: string) => [...replies(el)].find((b) => b.textContent?.trim() === label);

async function flowsWidget(): Promise<ConvotWidget> {
  await aTimeout(0);
  localStorage.clear();
  const el = await fixture<ConvotWidget>(html`<convot-widget app-id=${window.CONVOT_TEST.flowsAppId} server=${server()}></convot-widget>`);
  await waitUntil(() => (el.client?.state.chatFlows.length ?? 0) > 0, 'the app config with its flows', { timeout: 8000 });
  return el;
}

describe('chat flows', function () {
  this.timeout(20000);
  afterEach(() => history.replaceState({}, '', startUrl));

  it('is away on a page no flow targets, and comes with refresh() on one that a flow does', async () => {
    go('/flows/about');
    const el = await flowsWidget();
    await waitUntil(() => root(el).hidden, 'hidden on an untargeted page');
    expect(el.client!.state.flow).to.equal(null);

    go('/flows/docs?support=1');
    el.runtime!.refresh();
    await waitUntil(() => !root(el).hidden, 'shown after refresh on a targeted page');
    expect(el.client!.state.flow?.id).to.equal('support');
    el.openChat();
    await waitUntil(() => panelPart(el, '.msg.welcome')?.textContent?.includes('Support is here.'), 'the flow greeting');
    expect(panelPart(el, 'convot-quick-replies')).to.equal(null, 'a flow without a bot has no quick replies');
  });

  it('shows the first bot step; a multi-select answer is sent with the flow, fires quick-reply-clicked, and the bot asks the next step', async () => {
    go('/flows/pricing');
    const el = await flowsWidget();
    expect(root(el).hidden).to.equal(false);
    el.openChat();
    await waitUntil(() => panelPart(el, '.msg.bot.waiting')?.textContent?.includes('Which plans interest you?'), 'the first step, before any message');
    await waitUntil(() => replies(el).length === 4, 'three options and a send button');
    expect(panelPart(el, '.msg.welcome')?.textContent).to.contain('Questions about pricing?');
    const send = [...replies(el)].at(-1)!;
    expect(send.disabled).to.equal(true, 'nothing picked yet');
    button(el, 'Starter')!.click();
    button(el, 'Enterprise')!.click();
    await waitUntil(() => button(el, 'Enterprise')?.getAttribute('aria-pressed') === 'true', 'toggled');
    const clicked = oneEvent(el, 'convot-quick-reply-clicked');
    [...replies(el)].at(-1)!.click();
    expect((await clicked).detail).to.deep.equal({ name: 'QUICK_REPLIES', multiSelect: true, value: ['Starter', 'Enterprise'] });

    // The server stores the shown step, the answer, and its bot asks the next step (single select).
    await waitUntil(() => el.client!.state.messages.some((m) => m.author === 'bot' && m.body === 'How many seats?'), 'the next step', { timeout: 8000 });
    const bodies = el.client!.state.messages.map((m) => `${m.author}: ${m.body}`);
    expect(bodies).to.deep.equal(['bot: Which plans interest you?', 'visitor: Starter, Enterprise', 'bot: How many seats?']);
    await waitUntil(() => replies(el).length === 2, 'the next step\'s two options');
    expect(panelPart(el, '.msg.bot.waiting')).to.equal(null, 'the stored step is in the log now');

    const conv = (await conversations()).find((c) => c.id === el.client!.state.conversationId)!;
    expect(conv.flow_id).to.equal('pricing');
    expect(conv.bot_active).to.equal(true);

    // An open chat keeps the widget on a page no flow targets.
    go('/flows/about');
    el.runtime!.refresh();
    await aTimeout(50);
    expect(root(el).hidden).to.equal(false);
    expect(el.client!.state.flow).to.equal(null);
  });
});
