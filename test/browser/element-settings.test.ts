/**
 * The settings read before load, as element attributes (sources, real server): `defer-load`,
 * `cookie-banner`, `hide-attachment-button`, and `<convot-inline focus-on-load>`.
 */
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define/convot-consent-ask.js';
import '../../src/define/convot-inline.js';
import type { ConvotInline } from '../../src/elements/convot-inline/convot-inline.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import { runtimeFor } from '../../src/runtime/runtime.js';
import { appId, server } from './helpers.js';

const sessionRequests = () => (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.endsWith('/sessions')).length;
/** Sockets this page opened (a new visitor's socket starts the session). */
const socketsOpened: string[] = [];
const PageSocket = WebSocket;
window.WebSocket = class extends PageSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    socketsOpened.push(String(url));
  }
};

describe('settings as element attributes', function () {
  this.timeout(20000);
  beforeEach(async () => {
    await aTimeout(0);
    localStorage.clear();
    performance.clearResourceTimings();
    socketsOpened.length = 0;
  });

  it('defer-load keeps the widget off the page until runtime.load(); cookie-banner stores nothing until consent', async () => {
    const root = await fixture<HTMLDivElement>(html`<div><convot-widget app-id=${appId()} server=${server()} defer-load cookie-banner hide-attachment-button></convot-widget></div>`);
    await waitUntil(() => !root.querySelector('convot-widget'), 'defer-load did not take the widget off the page');
    const r = runtimeFor(server(), appId());
    expect(r.status().loaded).to.equal(false);
    r.load();
    const widget = root.querySelector('convot-widget') as ConvotWidget | null;
    expect(widget, 'load() puts it back where it was').to.not.equal(null);
    await waitUntil(() => widget!.runtime === r, 'it did not bind again');
    expect(r.state.consent).to.equal('pending');
    expect(r.state.settings.hideAttachmentButton).to.equal(true);
    await aTimeout(600);
    expect(sessionRequests() + socketsOpened.length, 'no session or socket before consent').to.equal(0);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('convot:'))).to.deep.equal([]);
    r.answerConsent(true);
    await waitUntil(() => r.state.connection === 'online', 'no connection after consent', { timeout: 8000 });
    expect(localStorage.getItem(`convot:${appId()}:consent`)).to.equal('"accepted"');
  });

  it('<convot-inline focus-on-load> focuses its message field once; without it the focus stays', async () => {
    const plain = await fixture<ConvotInline>(html`<convot-inline app-id=${appId()} server=${server()} style="height: 400px"></convot-inline>`);
    const field = (el: ConvotInline) => el.shadowRoot?.querySelector('convot-chat-panel')?.shadowRoot?.querySelector('textarea') ?? null;
    await waitUntil(() => field(plain), 'no panel');
    await aTimeout(100);
    expect(plain.shadowRoot!.querySelector('convot-chat-panel')!.shadowRoot!.activeElement).to.equal(null);
    plain.remove();
    await aTimeout(0);
    const focused = await fixture<ConvotInline>(html`<convot-inline app-id=${appId()} server=${server()} focus-on-load style="height: 400px"></convot-inline>`);
    await waitUntil(() => focused.shadowRoot?.querySelector('convot-chat-panel')?.shadowRoot?.activeElement === field(focused), 'the field was not focused');
  });

  it('the consent prompt is accessible, localized, right-to-left in Arabic and fits 390 px; its buttons answer with convot-consent', async () => {
    const box = await fixture<HTMLDivElement>(html`<div dir="rtl" lang="ar" style="width: 390px"><convot-consent-ask .locale=${'ar'}></convot-consent-ask></div>`);
    const ask = box.querySelector('convot-consent-ask')!;
    await (ask as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    await expect(ask).to.be.accessible();
    const root = ask.shadowRoot!;
    expect(root.querySelector('button.accept')!.textContent).to.equal('السماح');
    const region = root.querySelector('[role="region"]') as HTMLElement;
    expect(region.scrollWidth).to.be.at.most(390);
    const accept = root.querySelector<HTMLButtonElement>('button.accept')!;
    const decline = root.querySelector<HTMLButtonElement>('button.decline')!;
    expect(accept.getBoundingClientRect().left, 'the first button sits on the right in RTL').to.be.greaterThan(decline.getBoundingClientRect().left);
    const answers: boolean[] = [];
    box.addEventListener('convot-consent', (e) => answers.push((e as CustomEvent<{ accepted: boolean }>).detail.accepted));
    accept.click();
    decline.click();
    expect(answers).to.deep.equal([true, false]);
  });
});
