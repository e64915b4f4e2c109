import { expect, oneEvent } from '@open-wc/testing';
import { agentReply, openWidget, sendAndAwaitAck, widgetFixture } from './helpers.js';

/** A stand-in AudioContext that records the notes the chime plays (no sound in CI). */
const notes: number[] = [];
class FakeAudioContext {
  state = 'running';
  currentTime = 0;
  destination = {};
  resume() {
    return Promise.resolve();
  }
  createGain() {
    return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (n: unknown) => n };
  }
  createOscillator() {
    const osc = { type: 'sine', frequency: { value: 0 }, connect: (n: unknown) => n, start: () => notes.push(osc.frequency.value), stop() {} };
    return osc;
  }
}

describe('notification sound', () => {
  before(() => {
    (window as unknown as { AudioContext: unknown }).AudioContext = FakeAudioContext;
  });

  it('chimes for a team message while the panel is closed, not when muted or open', async () => {
    const el = await widgetFixture();
    await sendAndAwaitAck(el, 'ring ring');
    const conversation = el.client!.state.conversationId!;

    let received = oneEvent(el, 'convot-message-received');
    await agentReply(conversation, 'one');
    await received;
    expect(notes, 'a two-note chime').to.deep.equal([880, 1320]);

    el.soundMuted = true; // what config sound:mute does
    received = oneEvent(el, 'convot-message-received');
    await agentReply(conversation, 'two');
    await received;
    expect(notes).to.have.length(2);

    el.soundMuted = false;
    await openWidget(el);
    received = oneEvent(el, 'convot-message-received');
    await agentReply(conversation, 'three');
    await received;
    expect(notes, 'no chime while the visitor is looking at the chat').to.have.length(2);
  });
});
