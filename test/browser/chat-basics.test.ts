/**
 * The chat thread as a visitor reads it, in a real browser: groups (one name and avatar),
 * date dividers and times in the widget's locale, "Seen", the typing line (a polite live
 * region, in the locale's words), Markdown from the server's tree (rendered by a lazily loaded
 * chunk) that can neither run nor request anything, right-to-left and a 390 px panel. Last, the
 * same against the real server: an agent typing, reading and replying in Markdown.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { ChatClient } from '../../src/client/chat-client.js';
import type { ChatMessage } from '../../src/client/state.js';
import '../../src/define/convot-chat-panel.js';
import type { ConvotChatPanel } from '../../src/elements/convot-chat-panel/convot-chat-panel.js';
import { en } from '../../src/i18n/en.js';
import he from '../../src/i18n/locales/he.js';
import fr from '../../src/i18n/locales/fr.js';
import type { MdDoc } from '../../src/markdown/tree.js';
import { TYPING_TTL_MS } from '../../src/protocol/wire.js';
import { agentRead, agentReply, agentTyping, openWidget, panelPart, sendAndAwaitAck, widgetFixture } from './helpers.js';

const AVATAR = 'https://avatars.invalid/ada.png';
const day1 = '2026-03-01T09:00:00.000Z';
const at = (base: string, minutes: number) => new Date(Date.parse(base) + minutes * 60_000).toISOString();

let n = 0;
const msg = (author: ChatMessage['author'], createdAt: string, body: string, extra: Partial<ChatMessage> = {}): ChatMessage => {
  n += 1;
  return { key: `k${n}`, clientId: null, seq: n, author, agentName: author === 'agent' ? 'Ada' : null, body, createdAt, status: 'sent', order: n, ...extra };
};

/** A panel over a client that never connects: its store is set by the test, as frames would. */
async function panelWith(messages: ChatMessage[], opts: { locale?: string; strings?: typeof en; dir?: string; width?: number } = {}) {
  const client = new ChatClient({ appId: 'app_offline', server: 'http://127.0.0.1:9/' });
  client.store.set({ messages, lastSeq: messages.length, connection: 'online' });
  const wrap = await fixture<HTMLDivElement>(html`<div dir=${opts.dir ?? 'ltr'} style="width:${opts.width ?? 360}px;height:640px;display:flex">
    <convot-chat-panel .client=${client} .locale=${opts.locale ?? 'en'} .strings=${opts.strings ?? en} heading="Acme"></convot-chat-panel>
  </div>`);
  const panel = wrap.querySelector<ConvotChatPanel>('convot-chat-panel')!;
  await panel.updateComplete;
  return { client, panel, root: panel.shadowRoot!, wrap };
}

describe('chat thread', () => {
  it('groups consecutive messages of one author: one name and avatar per group, the rest tighter', async () => {
    n = 0;
    const { root } = await panelWith([
      msg('visitor', at(day1, 0), 'Hi'),
      msg('agent', at(day1, 1), 'Hello', { agentAvatar: AVATAR }),
      msg('agent', at(day1, 2), 'How can I help?', { agentAvatar: AVATAR }),
      msg('agent', at(day1, 3), 'Take your time', { agentAvatar: AVATAR }),
      msg('agent', at(day1, 4), 'I am Bo', { agentName: 'Bo' }),
      msg('visitor', at(day1, 30), 'Thanks'),
    ]);
    const rows = [...root.querySelectorAll('.msg')];
    expect(rows.map((r) => r.classList.contains('first'))).to.deep.equal([true, true, false, false, true, true]);
    const whos = [...root.querySelectorAll('.who')].map((w) => w.textContent!.trim());
    expect(whos).to.deep.equal(['Ada', 'Bo']);
    const avatars = [...root.querySelectorAll<HTMLImageElement>('.msg .avatar')];
    expect(avatars.map((a) => a.getAttribute('src'))).to.deep.equal([AVATAR]);
    expect(avatars[0]!.alt).to.equal('');
    expect(avatars[0]!.referrerPolicy).to.equal('no-referrer');
    // The header shows the avatar of the team member who wrote last and has one.
    expect(root.querySelector<HTMLImageElement>('header .avatar')!.getAttribute('src')).to.equal(AVATAR);
    // Grouped messages sit closer than a new group does.
    const gap = (a: Element, b: Element) => b.getBoundingClientRect().top - a.getBoundingClientRect().bottom;
    expect(gap(rows[1]!, rows[2]!)).to.be.lessThan(gap(rows[0]!, rows[1]!));
  });

  it('puts a date divider where the day changes, with dates and times in the widget locale', async () => {
    n = 0;
    const day2 = '2026-03-02T15:00:00.000Z';
    const list = [msg('visitor', day1, 'one'), msg('agent', at(day1, 5), 'two'), msg('visitor', day2, 'three')];
    const { root } = await panelWith(list, { locale: 'fr', strings: fr });
    const dividers = [...root.querySelectorAll('.day')];
    const dayFormat = new Intl.DateTimeFormat('fr', { dateStyle: 'medium' });
    expect(dividers.map((d) => d.textContent)).to.deep.equal([dayFormat.format(new Date(day1)), dayFormat.format(new Date(day2))]);
    expect(dividers[0]!.getAttribute('role')).to.equal('separator');
    // The divider precedes the first message of its day.
    expect(dividers[1]!.nextElementSibling!.getAttribute('data-key')).to.equal(list[2]!.key);
    const time = new Intl.DateTimeFormat('fr', { hour: '2-digit', minute: '2-digit' }).format(new Date(day2));
    expect(root.querySelector(`[data-key="${list[2]!.key}"] .meta`)!.textContent).to.contain(time);
  });

  it('shows "Seen" under the visitor\'s latest message once the team read it, and says who is typing in a polite live region', async () => {
    n = 0;
    const list = [msg('visitor', at(day1, 0), 'first'), msg('visitor', at(day1, 1), 'second')];
    const { client, panel, root } = await panelWith(list);
    const status = (i: number) => root.querySelector(`[data-key="${list[i]!.key}"] .status-text`)!.textContent;
    expect([status(0), status(1)]).to.deep.equal(['Sent', 'Sent']);
    client.store.set({ seenSeq: 2 });
    await panel.updateComplete;
    expect([status(0), status(1)]).to.deep.equal(['Sent', 'Seen']);

    const typing = root.querySelector('.typing')!;
    expect(typing.getAttribute('role')).to.equal('status');
    expect(typing.getAttribute('aria-live')).to.equal('polite');
    expect(typing.textContent!.trim()).to.equal('');
    client.store.set({ typing: { name: 'Ada', avatar: null } });
    await panel.updateComplete;
    expect(typing.textContent!.trim()).to.equal('Ada is typing…');
    // Without a name: the panel's heading (the team).
    client.store.set({ typing: { name: null, avatar: null } });
    await panel.updateComplete;
    expect(typing.textContent!.trim()).to.equal('Acme is typing…');
  });

  it('every locale has the typing and Seen words', async () => {
    const locales = ['fr', 'es', 'de', 'pt', 'it', 'nl', 'ja', 'zh', 'ar', 'he'];
    for (const code of locales) {
      const catalog = ((await import(`../../src/i18n/locales/${code}.ts`)) as { default: typeof en }).default;
      expect(catalog.seen, code).to.be.a('string').and.not.equal('');
      expect(catalog.typing, code).to.contain('{name}');
    }
  });

  it('renders the Markdown tree with elements (once its chunk loaded), plain text before and without one', async () => {
    n = 0;
    const md: MdDoc = [
      { t: 'p', c: [{ t: 'strong', c: [{ t: 'text', v: 'Bold' }] }, { t: 'text', v: ' and ' }, { t: 'em', c: [{ t: 'text', v: 'it' }] }, { t: 'text', v: ' ' }, { t: 'code', v: 'x()' }] },
      { t: 'list', ordered: true, items: [[{ t: 'p', c: [{ t: 'text', v: 'one' }] }], [{ t: 'p', c: [{ t: 'link', href: 'https://example.com/a', c: [{ t: 'text', v: 'two' }] }] }]] },
      { t: 'pre', lang: 'js', v: 'let a = 1;\nlet b = 2;' },
    ];
    const list = [msg('agent', at(day1, 0), '**Bold** and _it_ `x()`…', { md }), msg('agent', at(day1, 1), 'plain *text* without a tree')];
    const { panel, root } = await panelWith(list);
    await waitUntil(() => root.querySelector('.bubble.md'), 'the Markdown chunk did not load');
    await panel.updateComplete;
    const bubble = root.querySelector('.bubble.md')!;
    expect(bubble.querySelector('strong')!.textContent).to.equal('Bold');
    expect(bubble.querySelector('em')!.textContent).to.equal('it');
    expect(bubble.querySelector('p code')!.textContent).to.equal('x()');
    expect([...bubble.querySelectorAll('ol > li')].map((li) => li.textContent!.trim())).to.deep.equal(['one', 'two']);
    const a = bubble.querySelector('a')!;
    expect([a.getAttribute('href'), a.target, a.rel]).to.deep.equal(['https://example.com/a', '_blank', 'noopener noreferrer nofollow']);
    expect(bubble.querySelector('pre code')!.textContent).to.equal('let a = 1;\nlet b = 2;');
    expect(root.querySelector(`[data-key="${list[1]!.key}"] .bubble`)!.textContent).to.equal('plain *text* without a tree');
    // A line break typed inside a paragraph stays a line break.
    const lines = root.querySelector('.bubble.md p')!;
    expect(getComputedStyle(lines).whiteSpace).to.equal('pre-wrap');
  });

  it('a hostile tree (as a compromised server could send) runs nothing and requests nothing', async () => {
    n = 0;
    (window as unknown as { pwned?: boolean }).pwned = false;
    const hostile = [
      { t: 'p', c: [{ t: 'link', href: 'javascript:window.pwned=true', c: [{ t: 'text', v: 'js' }] }, { t: 'link', href: 'data:text/html,<script>window.pwned=true</script>', c: [{ t: 'text', v: 'data' }] }] },
      { t: 'p', c: [{ t: 'image', src: 'https://tracker.invalid/pixel.png', alt: 'pixel' }, { t: 'text', v: '<img src=x onerror="window.pwned=true"><script>window.pwned=true</script>' }] },
      { t: 'h', level: 1, id: 'x', c: [{ t: 'text', v: 'heading as text' }] },
      { t: 'table', align: [], head: [[{ t: 'text', v: 'cell' }]], rows: [] },
      { t: 'raw', html: '<img src=x onerror="window.pwned=true">' },
      { t: 'p', c: [{ t: 'strong', c: [{ t: 'em', c: [{ t: 'strong', c: [{ t: 'em', c: [{ t: 'strong', c: [{ t: 'em', c: [{ t: 'strong', c: [{ t: 'em', c: [{ t: 'text', v: 'deep' }] }] }] }] }] }] }] }] }] },
      { t: 'p', c: [{ t: 'text', v: '\u202eevil\u202c' }, { t: 'link', href: 'https://ex\u0430mple.com/', c: [{ t: 'text', v: 'homograph' }] }] },
    ] as unknown as MdDoc;
    const { root } = await panelWith([msg('agent', at(day1, 0), 'hostile', { md: hostile })]);
    await waitUntil(() => root.querySelector('.bubble.md'), 'the Markdown chunk did not load');
    const bubble = root.querySelector('.bubble.md')!;
    await new Promise((r) => setTimeout(r, 100));
    expect((window as unknown as { pwned?: boolean }).pwned).to.equal(false);
    expect(bubble.querySelectorAll('img, script, h1, h2, h3, h4, h5, table, iframe, object').length).to.equal(0);
    expect([...bubble.querySelectorAll('a')].map((x) => x.getAttribute('href'))).to.deep.equal(['https://xn--exmple-4nf.com/']);
    expect(bubble.textContent).to.contain('<script>window.pwned=true</script>');
    expect(bubble.textContent).to.contain('heading as text');
    // Nesting beyond the cap is kept as its text.
    expect(bubble.textContent).to.contain('deep');
    expect(bubble.querySelectorAll('strong, em').length).to.be.at.most(6);
    expect(performance.getEntriesByType('resource').filter((e) => /tracker\.invalid|\/x$/.test(e.name))).to.deep.equal([]);
  });

  it('lays out right-to-left (he) and fits a 390 px panel without sideways scrolling', async () => {
    n = 0;
    const { root } = await panelWith(
      [msg('visitor', at(day1, 0), 'שלום'), msg('agent', at(day1, 1), 'x'.repeat(300), { agentAvatar: AVATAR }), msg('agent', at(day1, 2), 'code', { md: [{ t: 'pre', lang: null, v: 'y'.repeat(400) }] })],
      { dir: 'rtl', locale: 'he', strings: he, width: 390 },
    );
    await waitUntil(() => root.querySelector('.bubble.md'), 'the Markdown chunk did not load');
    const log = root.querySelector<HTMLElement>('.messages')!;
    expect(log.scrollWidth).to.be.at.most(log.clientWidth);
    // Right-to-left: the visitor's bubble is on the left, the team's on the right.
    const visitor = root.querySelector('.msg.visitor')!.getBoundingClientRect();
    const agent = root.querySelector('.msg.agent')!.getBoundingClientRect();
    expect(visitor.left).to.be.lessThan(agent.left);
  });
});

describe('chat thread against the real server', () => {
  it('an agent typing (expiring without a refresh), reading and replying in Markdown shows live in the widget', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    await sendAndAwaitAck(el, 'Hello there');
    const conversationId = el.client!.state.conversationId!;
    const typing = () => panelPart(el, '.typing')!.textContent!.trim();

    await agentTyping(conversationId, true);
    await waitUntil(() => typing() === 'Bea is typing…', `typing line: ${typing()}`);
    // No refresh and no stop (a lost frame, a closed tab): the line goes after TYPING_TTL_MS.
    const shown = Date.now();
    await waitUntil(() => typing() === '', 'the typing line did not expire', { timeout: TYPING_TTL_MS + 2000 });
    expect(Date.now() - shown).to.be.at.least(TYPING_TTL_MS - 1000);
    await agentTyping(conversationId, true);
    await waitUntil(() => typing() === 'Bea is typing…');
    await agentTyping(conversationId, false);
    await waitUntil(() => typing() === '', 'the stop frame clears the line', { timeout: 1000 });

    await agentRead(conversationId, 1);
    await waitUntil(() => panelPart(el, '.msg.visitor .status-text')?.textContent === 'Seen', 'Seen after the agent read');

    await agentTyping(conversationId, true);
    await waitUntil(() => typing() !== '');
    await agentReply(conversationId, '**Sure** – see [docs](javascript:alert(1)) and `npm i`');
    // The reply ends the typing line and renders its tree: no link survives a javascript: href.
    await waitUntil(() => panelPart(el, '.msg.agent .bubble.md strong'), 'Markdown reply');
    expect(typing()).to.equal('');
    const bubble = panelPart(el, '.msg.agent .bubble.md')!;
    expect(bubble.querySelector('a')).to.equal(null);
    expect(bubble.querySelector('code')!.textContent).to.equal('npm i');
    expect(bubble.textContent).to.contain('docs');
  }).timeout(20000);
});
