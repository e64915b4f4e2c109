import { expect, waitUntil } from '@open-wc/testing';
import { conversations, openWidget, panelPart, sendAndAwaitAck, setAgentOnline, widgetFixture } from './helpers.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';

/** The visitor's profile as the inbox sees it. */
async function profileEmail(conversationId: string): Promise<string | null | undefined> {
  return (await conversations()).find((c) => c.id === conversationId)?.visitor.email;
}

/** Inside the email ask (an element of the chat-extras chunk, in the chat panel). */
const askPart = <T extends Element = HTMLElement>(el: ConvotWidget, selector: string) => panelPart(el, 'convot-email-ask')?.shadowRoot?.querySelector<T>(selector) ?? null;

describe('nobody online: the chat asks for an email', () => {
  before(() => setAgentOnline(false));

  it('asks after the first message; the email reaches the profile the agent sees', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    expect(askPart(el, '.ask'), 'not before the visitor writes').to.equal(null);
    await sendAndAwaitAck(el, 'Is anyone there?');
    await waitUntil(() => askPart(el, '.ask input'), 'the email ask did not show');
    const input = askPart<HTMLInputElement>(el, '.ask input')!;
    expect(askPart(el, '.ask label')!.textContent).to.contain('Nobody is online');
    await expect(el).to.be.accessible();
    input.value = 'jane@example.com';
    askPart<HTMLButtonElement>(el, '.ask [type=submit]')!.click();
    await waitUntil(() => askPart(el, '.ask[role=status]'), 'no thanks after saving');
    expect(askPart(el, '.ask input')).to.equal(null);
    const conversationId = el.client!.state.conversationId!;
    await waitUntil(async () => (await profileEmail(conversationId)) === 'jane@example.com', 'the email did not reach the profile', { timeout: 8000 });
    expect(el.client!.state.user.email).to.equal('jane@example.com');
  });

  it('keeps an address the browser rejects out of the profile', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    await sendAndAwaitAck(el, 'Hello?');
    await waitUntil(() => askPart(el, '.ask input'), 'the email ask did not show');
    const input = askPart<HTMLInputElement>(el, '.ask input')!;
    input.value = 'not an address';
    askPart<HTMLButtonElement>(el, '.ask [type=submit]')!.click();
    await new Promise((r) => setTimeout(r, 300));
    expect(askPart(el, '.ask input'), 'still asking').to.not.equal(null);
    expect(el.client!.state.user.email).to.equal(null);
  });

  it('can be dismissed', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    await sendAndAwaitAck(el, 'Hi');
    await waitUntil(() => askPart(el, '.ask input'), 'the email ask did not show');
    askPart<HTMLButtonElement>(el, '.ask [type=button]')!.click();
    await waitUntil(() => !askPart(el, '.ask'), 'the ask did not go away');
  });

  it('is skipped when the visitor already has an email', async () => {
    const el = await widgetFixture();
    el.setUser('email', 'known@example.com');
    await openWidget(el);
    await sendAndAwaitAck(el, 'Hi, it is me again');
    await new Promise((r) => setTimeout(r, 300));
    expect(askPart(el, '.ask')).to.equal(null);
  });

  it('is not shown while an agent is available', async () => {
    await setAgentOnline(true);
    try {
      const el = await widgetFixture();
      await waitUntil(() => el.client!.state.available, 'the agent did not show as available', { timeout: 8000 });
      await openWidget(el);
      await sendAndAwaitAck(el, 'Quick question');
      await new Promise((r) => setTimeout(r, 300));
      expect(askPart(el, '.ask')).to.equal(null);
    } finally {
      await setAgentOnline(false);
    }
  });
});
