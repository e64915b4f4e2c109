/** The widget on a 390 px phone screen, and keyboard order inside the panel. */
import { expect } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { openWidget, panel, panelPart, widgetFixture } from './helpers.js';

describe('on a phone', () => {
  before(() => setViewport({ width: 390, height: 844 }));
  after(() => setViewport({ width: 1024, height: 768 }));

  it('the open panel fills the screen, and the composer text is at least 16 px (no zoom on focus)', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    const box = el.shadowRoot!.querySelector('.panel-wrap')!.getBoundingClientRect();
    expect([box.left, box.top, Math.round(box.width), Math.round(box.height)]).to.deep.equal([0, 0, 390, 844]);
    expect(parseFloat(getComputedStyle(panelPart(el, 'textarea')!).fontSize)).to.be.at.least(16);
    expect(document.documentElement.scrollWidth).to.be.at.most(390);
  });
});

describe('keyboard inside the panel', () => {
  it('Tab from the last control goes round to the header, Shift+Tab back', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    const root = panel(el)!.shadowRoot!;
    panelPart<HTMLTextAreaElement>(el, 'textarea')!.focus();
    await sendKeys({ press: 'Tab' }); // the send button is disabled while the composer is empty
    expect(root.activeElement).to.equal(panelPart(el, 'button.close'));
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(root.activeElement).to.equal(panelPart(el, 'textarea'));
  });

  it('message times follow the widget locale, not the browser', async () => {
    const el = await widgetFixture();
    el.locale = 'ar';
    await el.updateComplete;
    await openWidget(el);
    el.sendMessage('وقت');
    await panel(el)!.updateComplete;
    const meta = panelPart(el, '.msg.visitor .meta')!.textContent!;
    // The Arabic day-period markers (ص / م), where the browser's English would say AM or PM.
    expect(meta).to.match(/[صم]/);
    expect(meta).to.not.match(/AM|PM/);
  });
});
