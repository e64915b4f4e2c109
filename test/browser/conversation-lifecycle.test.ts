/** A conversation the team closes: the widget learns it, and the next message starts a new one. */
import { expect, waitUntil } from '@open-wc/testing';
import { agentClose, agentReply, conversations, sendAndAwaitAck, widgetFixture } from './helpers.js';

describe('conversation lifecycle in the widget', () => {
  it('shows the close, then follows the new conversation the next message starts', async () => {
    const el = await widgetFixture();
    await sendAndAwaitAck(el, 'First question');
    const first = el.client!.state.conversationId!;
    await agentReply(first, 'Answered');
    await waitUntil(() => el.client!.state.messages.length === 2);
    expect(el.client!.state.conversationStatus).to.equal('open');

    expect(await agentClose(first)).to.equal(200);
    await waitUntil(() => el.client!.state.conversationStatus === 'closed', 'the widget did not learn of the close');
    expect(el.client!.state.messages.map((m) => m.body)).to.deep.equal(['First question', 'Answered']);

    await sendAndAwaitAck(el, 'A new question');
    const second = el.client!.state.conversationId!;
    expect(second).to.not.equal(first);
    expect(el.client!.state.conversationStatus).to.equal('open');
    expect(el.client!.state.messages.map((m) => [m.body, m.seq])).to.deep.equal([['A new question', 1]]);
    const mine = (await conversations()).filter((c) => c.id === first || c.id === second);
    expect(mine.map((c) => [c.id, c.status]).sort()).to.deep.equal([[first, 'closed'], [second, 'open']].sort());
  });
});
