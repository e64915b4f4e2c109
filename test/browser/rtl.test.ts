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
