/**
 * Right-to-left locales with the launcher on either side: the panel and the preview card lie
 * inside the window (they used to grow from the launcher the wrong way, about 300 px off-screen).
 */
import { expect, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { agentReply, openWidget, panel, sendAndAwaitAck, widgetFixture } from './helpers.js';

const inside = (r: DOMRect) => r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight && r.width > 0;

describe('right-to-left layout', () => {
  before(() => setViewport({ width: 1024, height: 768 }));

  for (const locale of ['ar', 'he']) {
    for (const position of ['right', 'left'] as const) {
      it(`${locale}, launcher on the ${position}: panel and preview card inside the window`, async () => {
        const el = await widgetFixture();
        el.locale = locale;
        el.position = position;
        await el.updateComplete;
        const root = el.shadowRoot!.querySelector('.root')!;
        expect(root.getAttribute('dir')).to.equal('rtl');

        // The preview card of a team reply while the panel is closed.
        await sendAndAwaitAck(el, 'مرحبا');
        await agentReply(el.client!.state.conversationId!, 'שלום');
        await waitUntil(() => el.shadowRoot!.querySelector('.preview'), 'no preview card');
        const preview = el.shadowRoot!.querySelector('.preview')!;
        expect(inside(preview.getBoundingClientRect()), `preview ${JSON.stringify(preview.getBoundingClientRect())}`).to.equal(true);

        await openWidget(el);
        const box = el.shadowRoot!.querySelector('.panel-wrap')!.getBoundingClientRect();
        expect(inside(box), `panel ${JSON.stringify(box)}`).to.equal(true);
        // The send arrow points the way the text runs.
        const arrow = panel(el)!.shadowRoot!.querySelector('.send svg')!;
        expect(getComputedStyle(arrow).transform).to.not.equal('none');
      });
    }
  }
});

describe('top layer', () => {
  it('the open panel stays above a host element with the highest z-index', async () => {
    const el = await widgetFixture();
    const cover = document.createElement('div');
    cover.style.cssText = 'position: fixed; inset: 0; z-index: 2147483647; background: rgb(255 0 0 / 0.1)';
    document.body.appendChild(cover);
    try {
      await openWidget(el);
      const box = el.shadowRoot!.querySelector('.panel-wrap')!.getBoundingClientRect();
      expect(box.width).to.be.above(0);
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      expect(hit, 'what is under the middle of the panel').to.equal(el);
      el.closeChat();
      await el.updateComplete;
      expect(getComputedStyle(el.shadowRoot!.querySelector('.panel-wrap')!).display).to.equal('none');
    } finally {
      cover.remove();
    }
  });
});
