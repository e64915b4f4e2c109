/**
 * The typing throttle both the widget and the inbox use, on the real clock: a typist sends one
 * start at once and then at most one per TYPING_REFRESH_MS with the latest draft, one stop when
 * done, and a stop by itself after TYPING_IDLE_MS without a keystroke.
 */
import { expect } from '@open-wc/testing';
import { TYPING_IDLE_MS, TypingSender } from '../../src/client/typing.js';
import { TYPING_REFRESH_MS } from '../../src/protocol/wire.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TypingSender', () => {
  it('sends at most one start per interval while the text changes, then one stop', async () => {
    const sent: { typing: boolean; text: string; at: number }[] = [];
    const t0 = Date.now();
    const sender = new TypingSender((typing, text) => void sent.push({ typing, text, at: Date.now() - t0 }));
    let text = '';
    // 2.5 s of typing, a key every 50 ms.
    while (Date.now() - t0 < TYPING_REFRESH_MS + 500) {
      text += 'a';
      sender.input(text);
      await sleep(50);
    }
    const starts = sent.filter((f) => f.typing);
    expect(starts.length).to.equal(2);
    expect(starts[1]!.at - starts[0]!.at).to.be.at.least(TYPING_REFRESH_MS - 20);
    // The second start carries the draft as it was then, not the first keystroke's.
    expect(starts[1]!.text.length).to.be.greaterThan(20);
    sender.input('');
    expect(sent.at(-1)).to.include({ typing: false });
    sender.stop();
    expect(sent.filter((f) => !f.typing).length).to.equal(1, 'one stop only');
  }).timeout(6000);

  it('stops by itself after TYPING_IDLE_MS without a keystroke; whitespace alone is not typing', async () => {
    const sent: boolean[] = [];
    const sender = new TypingSender((typing) => void sent.push(typing));
    sender.input('   ');
    expect(sent).to.deep.equal([]);
    sender.input('hi');
    expect(sent).to.deep.equal([true]);
    await sleep(TYPING_IDLE_MS + 200);
    expect(sent).to.deep.equal([true, false]);
  }).timeout(8000);

  it('a start that could not go out (offline) is tried again on the next change, not counted as sent', async () => {
    let online = false;
    const sent: boolean[] = [];
    const sender = new TypingSender((typing) => (online ? void sent.push(typing) : false));
    sender.input('a');
    online = true;
    sender.input('ab');
    expect(sent).to.deep.equal([true]);
    sender.stop();
    expect(sent).to.deep.equal([true, false]);
  });
});
