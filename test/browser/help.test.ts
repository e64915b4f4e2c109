/**
 * The Help tab in a real browser against the real server's help center (articles from the test
 * server's config): the tab bar, the three documented verbs and their element twins, search as
 * you type, an article rendered from the server's Markdown tree with hostile content inert, the
 * not-found state, and the way back into the chat.
 */
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import { executeServerCommand } from '@web/test-runner-commands';
import { appId, captureConsole, openWidget, panel, panelPart, sendAndAwaitAck, server, shadow, widgetFixture } from './helpers.js';

declare global {
  interface Window {
    __convotPwned?: number;
  }
}

const helpPanel = (el: ConvotWidget) => shadow(el).querySelector('convot-help-panel');
const inHelp = <T extends Element = HTMLElement>(el: ConvotWidget, selector: string) => helpPanel(el)?.shadowRoot?.querySelector<T>(selector) ?? null;
const allInHelp = (el: ConvotWidget, selector: string) => [...(helpPanel(el)?.shadowRoot?.querySelectorAll<HTMLElement>(selector) ?? [])];
const tabs = (el: ConvotWidget) => [...(panel(el)?.shadowRoot?.querySelectorAll<HTMLButtonElement>('[role="tab"]') ?? [])];
const hitTitles = (el: ConvotWidget) => allInHelp(el, '.hit-title').map((t) => t.textContent!.trim());
/** The element focused inside the help panel's shadow root (through the widget's and the chat panel's). */
const helpFocus = (el: ConvotWidget) => helpPanel(el)?.shadowRoot?.activeElement ?? null;

/** Waits for the app's config (which says whether it has articles) to have reached the widget. */
const configLoaded = (el: ConvotWidget) => waitUntil(() => el.client?.state.helpCenter !== undefined, 'app config did not load', { timeout: 8000 });

/** user_hash as a site's server computes it (the test app's identity_secret, web-test-runner.config.mjs). */
async function userHash(externalId: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode('browser-secret-of-at-least-32-characters'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(externalId)));
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Stands in for window.open while fn runs: the tab the widget opens, and where it sends it. */
async function capturedTab(fn: () => Promise<void> | void): Promise<{ opened: number; href: () => string }> {
  const tab = { opener: {} as unknown, location: { href: 'about:blank' } };
  let opened = 0;
  const original = window.open;
  window.open = ((url?: string | URL) => {
    opened++;
    expect(String(url)).to.equal('about:blank');
    return tab as unknown as Window;
  }) as typeof window.open;
  try {
    await fn();
  } finally {
    window.open = original;
  }
  expect(tab.opener, 'the opened tab cannot reach this page').to.equal(null);
  return { opened, href: () => tab.location.href };
}

describe('Help tab', () => {
  afterEach(() => delete window.__convotPwned);

  it('shows beside Chat when the app has articles; Help lists the articles by category', async () => {
    const el = await widgetFixture();
    await configLoaded(el);
    await openWidget(el);
    await waitUntil(() => tabs(el).length === 3, 'no tab bar');
    expect(tabs(el).map((t) => t.textContent!.trim())).to.deep.equal(['Chat', 'Help', 'Book']);
    expect(tabs(el)[0]!.getAttribute('aria-selected')).to.equal('true');
    tabs(el)[1]!.click();
    await waitUntil(() => allInHelp(el, '.group h3').length === 2, 'the article list did not render');
    expect(allInHelp(el, '.group h3').map((h) => h.textContent!.trim())).to.deep.equal(['Account', 'Billing']);
    expect(hitTitles(el)).to.deep.equal(['Reset your password', 'Billing basics', 'Refunds']);
    expect(tabs(el)[1]!.getAttribute('aria-selected')).to.equal('true');
    expect(panelPart(el, 'textarea'), 'the composer is not shown under Help').to.equal(null);
    // Links to the app's own sites.
    const footer = allInHelp(el, 'footer a').map((a) => a.getAttribute('href'));
    expect(footer).to.have.length(2);
    expect(footer[1]).to.equal('https://status.example.com/');
  });

  it('arrow keys move between tabs', async () => {
    const el = await widgetFixture();
    await configLoaded(el);
    await openWidget(el);
    await waitUntil(() => tabs(el).length === 3);
    tabs(el)[0]!.focus();
    tabs(el)[0]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, composed: true }));
    await waitUntil(() => el.client!.state.tab === 'help');
    await waitUntil(() => panel(el)!.shadowRoot!.activeElement === tabs(el)[1], 'focus did not follow the tab');
    tabs(el)[1]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true }));
    await waitUntil(() => el.client!.state.tab === 'book');
    tabs(el)[2]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, composed: true }));
    await waitUntil(() => el.client!.state.tab === 'chat', 'ArrowRight on the last tab wraps to the first');
  });

  it('helpdesk:search (openHelp()) opens the panel on Help with the search box focused', async () => {
    const el = await widgetFixture();
    expect(el.open).to.equal(false);
    el.openHelp();
    await waitUntil(() => el.open && inHelp(el, 'input[type="search"]'), 'Help did not open');
    await waitUntil(() => helpFocus(el) === inHelp(el, 'input[type="search"]'), 'search is not focused');
  });

  it('helpdesk:query (openHelp("billing")) runs that query: title matches first, matches marked', async () => {
    const el = await widgetFixture();
    el.openHelp('billing');
    await waitUntil(() => hitTitles(el).length >= 2, 'no results');
    expect(hitTitles(el)).to.deep.equal(['Billing basics', 'Refunds']);
    expect(inHelp<HTMLInputElement>(el, 'input[type="search"]')!.value).to.equal('billing');
    expect(allInHelp(el, 'mark').some((m) => /billing/i.test(m.textContent!))).to.equal(true);
  });

  it('typing searches as you type (debounced) and says when nothing matches', async () => {
    const el = await widgetFixture();
    el.openHelp();
    await waitUntil(() => hitTitles(el).length === 3);
    const input = inHelp<HTMLInputElement>(el, 'input[type="search"]')!;
    for (const text of ['p', 'pa', 'pas', 'pass']) {
      input.value = text;
      input.dispatchEvent(new Event('input'));
    }
    await waitUntil(() => hitTitles(el).length === 1, 'results did not follow the typing');
    expect(hitTitles(el)).to.deep.equal(['Reset your password']);
    input.value = 'zebra crossing';
    input.dispatchEvent(new Event('input'));
    await waitUntil(() => inHelp(el, '.state')?.textContent?.includes('zebra crossing'), 'no empty state');
    expect(inHelp(el, '.still button'), 'offers the chat').to.not.equal(null);
  });

  it('helpdesk:article:open renders the article safely: links open in a new tab, hostile content stays text', async () => {
    const el = await widgetFixture();
    el.openArticle({ locale: 'en', slug: 'billing-basics' });
    await waitUntil(() => inHelp(el, '.article-title'), 'the article did not render');
    expect(inHelp(el, '.article-title')!.textContent).to.equal('Billing basics');
    const doc = inHelp(el, '.doc')!;
    expect(doc.querySelector('strong')!.textContent).to.equal('invoice');
    expect(doc.querySelectorAll('li')).to.have.length(2);
    expect(doc.querySelector('td.align-right, th.align-right'), 'table alignment').to.not.equal(null);
    const links = [...doc.querySelectorAll('a')];
    expect(links.map((a) => a.href)).to.deep.equal(['https://example.com/pricing']);
    expect(links[0]!.target).to.equal('_blank');
    expect(links[0]!.rel).to.equal('noopener noreferrer');
    expect(doc.querySelector('script, iframe, img, [onerror]'), 'no markup from the source, no http image').to.equal(null);
    expect(doc.textContent).to.include('<script>');
    await aTimeout(100);
    expect(window.__convotPwned).to.equal(undefined);
    // Back to the list.
    inHelp<HTMLButtonElement>(el, '.back')!.click();
    await waitUntil(() => hitTitles(el).length === 3, 'back did not return to the list');
  });

  it('opening an article from the results, then "Chat with us" returns to the chat with the composer focused', async () => {
    const el = await widgetFixture();
    el.openHelp('refund');
    await waitUntil(() => hitTitles(el).length === 1);
    allInHelp(el, '.hit')[0]!.click();
    await waitUntil(() => inHelp(el, '.article-title')?.textContent === 'Refunds');
    inHelp<HTMLButtonElement>(el, '.still button')!.click();
    await waitUntil(() => el.client!.state.tab === 'chat' && panelPart(el, 'textarea'));
    await waitUntil(() => panel(el)!.shadowRoot!.activeElement === panelPart(el, 'textarea'), 'the composer is not focused');
  });

  it('a missing article shows a not-found state and warns once', async () => {
    const el = await widgetFixture();
    const { warn } = await captureConsole(async () => {
      el.openArticle({ locale: 'en', slug: 'no-such-article' });
      await waitUntil(() => inHelp(el, '.state[role="alert"]'), 'no not-found state');
      el.openHelp();
      await waitUntil(() => hitTitles(el).length === 3);
      el.openArticle({ locale: 'en', slug: 'no-such-article' });
      await waitUntil(() => inHelp(el, '.state[role="alert"]'));
    });
    expect(inHelp(el, '.state[role="alert"]')!.textContent).to.include('could not find');
    expect(warn.filter((w) => w.includes('no-such-article'))).to.have.length(1);
  });

  it('French visitors get French articles and strings; a locale without articles falls back to English', async () => {
    const el = await widgetFixture();
    el.setLocale('fr');
    el.openHelp();
    await waitUntil(() => hitTitles(el).length === 1, 'no French article');
    expect(hitTitles(el)).to.deep.equal(['Facturation']);
    expect(inHelp<HTMLInputElement>(el, 'input')!.placeholder).to.equal('Rechercher des articles…');
    el.setLocale('de');
    await waitUntil(() => hitTitles(el).length === 3, 'no English fallback');
  });

  it('hidden by appearance.tabs, Help has no tab, yet the verbs still open it', async () => {
    const el = await widgetFixture();
    await configLoaded(el);
    el.client!.store.set({ appearance: { ...el.client!.state.appearance, tabs: ['chat'] } });
    await openWidget(el);
    expect(tabs(el)).to.have.length(0);
    el.openHelp('billing');
    await waitUntil(() => hitTitles(el).length === 2, 'the verb did not open Help');
    expect(tabs(el).map((t) => t.textContent!.trim())).to.deep.equal(['Chat', 'Help']);
  });

  it('an app without articles: no Help tab, and the verbs warn once and do nothing', async () => {
    localStorage.clear();
    const el = await fixture<ConvotWidget>(html`<convot-widget app-id=${window.CONVOT_TEST.noHelpAppId} server=${server()}></convot-widget>`);
    await configLoaded(el);
    expect(el.client!.state.helpCenter).to.equal(null);
    const { warn } = await captureConsole(() => {
      el.openHelp('billing');
      el.openArticle({ locale: 'en', slug: 'billing-basics' });
    });
    expect(el.open).to.equal(false);
    expect(warn).to.have.length(1);
    expect(warn[0]).to.include('no help articles');
    await openWidget(el);
    expect(tabs(el)).to.have.length(0);
  });

  it('an article the team sends shows as a card in the chat and opens in the Help tab', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    await sendAndAwaitAck(el, 'How do invoices work?');
    const conversationId = el.client!.state.conversationId!;
    await executeServerCommand('convot-agent-article', { conversationId, locale: 'en', slug: 'billing-basics' });
    const card = () => panelPart(el, 'convot-article-card')?.shadowRoot ?? null;
    await waitUntil(() => card()?.querySelector('button'), 'no article card in the chat', { timeout: 8000 });
    expect(card()!.querySelector('.title')!.textContent).to.equal('Billing basics');
    expect(card()!.querySelector('.text')!.textContent).to.equal('How invoices and payments work.');
    expect(card()!.querySelector('.action')!.textContent).to.equal('Read the article');
    card()!.querySelector<HTMLButtonElement>('button')!.click();
    await waitUntil(() => inHelp(el, '.article-title')?.textContent === 'Billing basics', 'the card did not open the article');
    expect(el.client!.state.tab).to.equal('help');
  });

  it("links to the app's help site and status page carry a fresh identity token for a verified visitor, none otherwise", async () => {
    const el = await widgetFixture();
    el.openHelp();
    await waitUntil(() => allInHelp(el, 'footer a').length === 2, 'no links');
    const anonymous = await capturedTab(async () => {
      allInHelp(el, 'footer a')[1]!.click();
    });
    await waitUntil(() => anonymous.href() !== 'about:blank', 'the status page did not open');
    expect(anonymous.href()).to.equal('https://status.example.com/');

    el.identify({ external_id: 'help-user-1', email: 'help@example.com', user_hash: await userHash('help-user-1') });
    await waitUntil(async () => (await el.identityToken()) !== null, 'not verified', { timeout: 8000 });
    for (const index of [0, 1]) {
      const tab = await capturedTab(async () => {
        allInHelp(el, 'footer a')[index]!.click();
      });
      await waitUntil(() => tab.href() !== 'about:blank', 'the link did not open');
      expect(tab.opened).to.equal(1);
      const url = new URL(tab.href());
      const expected = index === 0 ? new URL(el.client!.state.helpCenter!.url) : new URL('https://status.example.com/');
      expect(url.origin + url.pathname).to.equal(expected.origin + expected.pathname);
      expect(url.searchParams.get('convot_identity')).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'a JWT');
    }
  });

  it('bad verb arguments warn with the value and change nothing', async () => {
    const el = await widgetFixture();
    const { warn } = await captureConsole(() => {
      el.openHelp(42 as unknown as string);
      el.openArticle({ slug: 7 } as unknown as { locale: string; slug: string });
    });
    expect(warn).to.have.length(2);
    expect(warn[0]).to.include('42');
    expect(el.open).to.equal(false);
    expect(appId()).to.equal('app_browser');
  });
});
