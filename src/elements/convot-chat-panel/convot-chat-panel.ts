import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatClient } from '../../client/chat-client.js';
import type { ChatMessage, WidgetState } from '../../client/state.js';
import type { ArticleCard, BookingCard, WidgetTab } from '../../protocol/wire.js';
import { en, type Catalog } from '../../i18n/en.js';
import { messageText } from '../shared/message-text.js';
import { waitingStep } from '../../client/flows.js';
import { srOnly } from '../shared/theme.styles.js';
import { panelStyles } from './convot-chat-panel.styles.js';

/**
 * The chat panel: header, message log and composer, rendered from a ChatClient's store.
 * Internal to Convot: `<convot-widget>` loads it lazily on first open or when the browser is idle.
 * Theme tokens are inherited from the host element that contains it.
 *
 * @tag convot-chat-panel
 * @summary Chat panel (header, messages, composer) used inside Convot's elements.
 * @csspart panel - The panel's outer box.
 * @csspart header - The coloured header with the team name and status.
 * @csspart messages - The scrolling message log.
 * @csspart composer - The form with the message field and send button.
 */
const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** Message times in the widget's own locale (not the browser's), one formatter per locale. */
function timeFormat(locale: string): Intl.DateTimeFormat {
  let f = timeFormats.get(locale);
  if (!f) timeFormats.set(locale, (f = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })));
  return f;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** Date dividers, in the widget's locale and the visitor's time zone. */
function dayFormat(locale: string): Intl.DateTimeFormat {
  let f = dayFormats.get(locale);
  if (!f) dayFormats.set(locale, (f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })));
  return f;
}
const dayOf = (iso: string): string => new Date(iso).toDateString();

/** Consecutive messages of one author within this gap form a group (one name, one avatar). */
const GROUP_MS = 5 * 60_000;

/** An avatar from the server config (https, checked there): shown only if it still is https. */
const avatarSrc = (url: string | null | undefined): string | null => (url?.startsWith('https://') ? url : null);

type MdRenderer = typeof import('./chat-markdown.js').renderChatMarkdown;
let renderMd: MdRenderer | undefined;
let mdModule: Promise<unknown> | undefined;
/** The Markdown renderer's chunk; messages show as plain text until it has arrived. */
const loadMd = (panel: LitElement): void => {
  if (renderMd) return; // loaded: asking for another update here would render forever
  mdModule ??= import('./chat-markdown.js').then(
    (m) => (renderMd = m.renderChatMarkdown),
    () => {
      mdModule = undefined; // retried on the next render
    },
  );
  void mdModule.then(() => panel.requestUpdate());
};

let extrasModule: Promise<unknown> | undefined;
const loadExtras = (): Promise<unknown> =>
  (extrasModule ??= import('../../define/convot-chat-extras.js').catch(() => {
    extrasModule = undefined; // retried on the next render
  }));

let filesModule: Promise<unknown> | undefined;
/** Attachments (files in the log, uploads): their own chunk, loaded when first needed. */
const loadFiles = (): Promise<unknown> =>
  (filesModule ??= import('../../define/convot-chat-files.js').catch(() => {
    filesModule = undefined; // retried on the next use
  }));

let botModule: Promise<unknown> | undefined;
/** A chat flow bot's quick replies: their own chunk, loaded when a step with them waits. */
const loadBot = (): Promise<unknown> =>
  (botModule ??= import('../../define/convot-chat-bot.js').catch(() => {
    botModule = undefined; // retried on the next render
  }));

let bookingModule: Promise<unknown> | undefined;
const loadBookingCard = (): Promise<unknown> =>
  (bookingModule ??= import('../../define/convot-booking-flow.js').catch(() => {
    bookingModule = undefined; // retried on the next render
  }));

export class ConvotChatPanel extends LitElement {
  static override styles = [srOnly, panelStyles];

  /** The client whose conversation this panel shows. */
  @property({ attribute: false }) client?: ChatClient;

  /** UI strings for the current locale. */
  @property({ attribute: false }) strings: Catalog = en;

  /** The widget's locale, for times (BCP 47). */
  @property({ attribute: false }) locale = 'en';

  /** Team name shown in the header. */
  @property() heading = '';

  /** Greeting shown above the conversation (the app's `welcome_text`). */
  @property() welcome = '';

  /** The tabs to offer (a tab bar shows when there is more than one); the shown one is the store's. */
  @property({ attribute: false }) tabs: readonly WidgetTab[] = ['chat'];

  /** Whether the panel shows a close button (the floating widget does, inline embeds do not). */
  @property({ type: Boolean, attribute: 'closable' }) closable = false;

  @query('textarea') private input?: HTMLTextAreaElement;

  /** The visitor has attached a file: the uploads element (progress, limit messages) stays. */
  @state() private attaching = false;

  /** The nobody-online email ask has been shown: it stays (its element keeps the answer). */
  private asked = false;
  @query('.messages') private list?: HTMLElement;

  private unsubscribe?: () => void;
  private stickToBottom = true;

  /**
   * A card in the log (loaded lazily, filled after a request) grew after the panel rendered:
   * keep the newest message in view if the visitor was reading at the bottom.
   */
  private readonly onGrew = () => {
    if (this.atBottom && this.list) this.list.scrollTop = this.list.scrollHeight;
  };
  private atBottom = true;

  override connectedCallback(): void {
    super.connectedCallback();
    this.subscribe();
    this.addEventListener('convot-grew', this.onGrew);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.removeEventListener('convot-grew', this.onGrew);
  }

  private onScroll(): void {
    // A scroll event can arrive after a tab switch took the log away.
    const l = this.list;
    if (!l) return;
    this.atBottom = l.scrollHeight - l.scrollTop - l.clientHeight < 48;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') && this.isConnected) this.subscribe();
    if (this.list) {
      const l = this.list;
      this.stickToBottom = l.scrollHeight - l.scrollTop - l.clientHeight < 48;
    }
  }

  protected override updated(): void {
    this.fitComposer();
    if (this.stickToBottom && this.list) this.list.scrollTop = this.list.scrollHeight;
  }

  /** Moves keyboard focus to the message field. */
  focusComposer(): void {
    this.input?.focus();
  }

  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.client?.store.subscribe(() => this.requestUpdate());
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    const client = this.client;
    if (!client) return;
    if (client.send(client.state.composerText)) {
      client.setComposerText('');
      this.stickToBottom = true;
    }
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.onSubmit(e);
  }

  /**
   * Tab from the panel's last control goes round to its first (the header's close button), and
   * Shift+Tab back, so the keyboard reaches the header before leaving the widget.
   */
  private onPanelKeydown(e: KeyboardEvent): void {
    if (e.key !== 'Tab') return;
    const controls = [...this.renderRoot.querySelectorAll<HTMLElement>('button:not([disabled]), textarea, [tabindex="0"]')];
    if (controls.length < 2) return;
    const active = this.shadowRoot!.activeElement;
    const [first, last] = [controls[0]!, controls.at(-1)!];
    if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    } else if (e.shiftKey && active === first) {
      e.preventDefault();
      last.focus();
    }
  }

  /**
   * Files picked, dropped (files dragged over the chat are accepted) or pasted go to the uploads
   * element of the chat-files chunk; none when the page hid the attach button.
   */
  private attach(e: Event): void {
    const files = (e as DragEvent).dataTransfer?.files ?? (e as ClipboardEvent).clipboardData?.files ?? (e.target as HTMLInputElement).files;
    const types = (e as DragEvent).dataTransfer?.types;
    if (this.client?.state.settings.hideAttachmentButton || (types ? !types.includes('Files') : !files?.length)) return;
    e.preventDefault();
    if (!files?.length || e.type === 'dragover') return; // dragover only says a drop is welcome
    const list = [...files];
    if (e.type === 'change') (e.target as HTMLInputElement).value = '';
    this.attaching = true;
    void loadFiles()
      .then(() => this.updateComplete)
      .then(() => this.renderRoot.querySelector('convot-uploads')?.add(list));
  }

  private onInput(e: Event): void {
    this.client?.setComposerText((e.target as HTMLTextAreaElement).value);
  }

  /** Grows the composer with its text, up to its CSS max-height (CSSOM, so CSP-safe). */
  private fitComposer(): void {
    const t = this.input;
    if (!t) return;
    t.style.height = 'auto';
    t.style.height = `${t.scrollHeight + 2}px`;
  }

  private selectTab(tab: WidgetTab): void {
    this.dispatchEvent(new CustomEvent('convot-tab', { detail: { tab, focus: false }, bubbles: true, composed: true }));
  }

  /** Arrow keys move between tabs (mirrored in right-to-left), Home and End to the ends. */
  private onTabKeydown(e: KeyboardEvent): void {
    const i = this.tabs.indexOf(this.client?.state.tab ?? 'chat');
    const rtl = getComputedStyle(this).direction === 'rtl';
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[e.key];
    const n = this.tabs.length;
    const next = step ? (i + step + n) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    this.selectTab(this.tabs[next]!);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus());
  }

  private renderTabs(current: WidgetTab, s: Catalog) {
    if (this.tabs.length < 2) return nothing;
    const names: Record<WidgetTab, string> = { chat: s.tabChat, help: s.tabHelp, book: s.tabBook };
    return html`<div class="tabs" role="tablist" aria-label=${this.heading || s.title} @keydown=${this.onTabKeydown}>
      ${this.tabs.map(
        (t) => html`<button type="button" role="tab" id="tab-${t}" aria-controls="tabpanel" aria-selected=${t === current ? 'true' : 'false'} tabindex=${t === current ? '0' : '-1'} @click=${() => this.selectTab(t)}>${names[t]}</button>`,
      )}
    </div>`;
  }

  private onClose(): void {
    this.dispatchEvent(new Event('convot-panel-close', { bubbles: true, composed: true }));
  }

  /**
   * One message. `first`: it starts a group (a new author, agent, day, or a pause), which shows
   * the name and the agent's avatar once; `seen`: the team has read it (the visitor's latest).
   */
  private renderMessage(m: ChatMessage, s: Catalog, first: boolean, seen: boolean) {
    const who = m.author === 'visitor' ? s.you : (m.agentName ?? s.team);
    const time = timeFormat(this.locale).format(new Date(m.createdAt));
    const status = m.author !== 'visitor' ? '' : m.status === 'pending' ? s.sending : m.status === 'failed' ? s.notSent : seen ? s.seen : s.sent;
    const avatar = m.author === 'agent' && first ? avatarSrc(m.agentAvatar) : null;
    if (m.md && !m.card) loadMd(this);
    return html`<div class="msg ${m.author} ${first ? 'first' : 'grouped'}" data-status=${m.status} data-key=${m.key}>
      <span class="sr-only">${who}:</span>
      ${first && m.author !== 'visitor' ? html`<span class="who" aria-hidden="true">${avatar ? html`<img class="avatar" src=${avatar} alt="" referrerpolicy="no-referrer" />` : nothing}${who}</span>` : nothing}
      ${m.card?.type === 'attachment'
        ? (void loadFiles(), html`<convot-attachment .card=${m.card} .client=${this.client} .locale=${this.locale}></convot-attachment>`)
        : m.card?.type === 'article'
        ? this.renderArticleCard(m.card)
        : m.card?.type === 'booking'
          ? this.renderBookingCard(m.card)
          : m.md && renderMd
            ? html`<div class="bubble md" dir="auto">${renderMd(m.md)}</div>`
            : html`<div class="bubble" dir="auto">${messageText(m.body)}</div>`}
      <span class="meta">${time}${status ? html` · <span class="status-text">${status}</span>` : nothing}</span>
    </div>`;
  }

  /** The log: date dividers where the day changes, groups, "Seen" under the visitor's latest message the team read. */
  private renderLog(messages: readonly ChatMessage[], seenSeq: number, s: Catalog) {
    let lastVisitor: ChatMessage | undefined;
    for (const m of messages) {
      if (m.author === 'visitor' && m.seq !== null) lastVisitor = m;
      // A reply after it means the team read it.
      else if (m.author === 'agent' && lastVisitor && m.seq !== null) seenSeq = Math.max(seenSeq, m.seq);
    }
    const seenKey = lastVisitor && lastVisitor.seq! <= seenSeq ? lastVisitor.key : null;
    const today = dayOf(new Date().toISOString());
    const rows = messages.map((m, i) => {
      const prev = messages[i - 1];
      const day = dayOf(m.createdAt);
      const newDay = prev ? dayOf(prev.createdAt) !== day : day !== today;
      const first = newDay || !prev || prev.author !== m.author || prev.agentName !== m.agentName || Date.parse(m.createdAt) - Date.parse(prev.createdAt) > GROUP_MS;
      return { m, newDay, first };
    });
    return repeat(
      rows,
      (r) => r.m.key,
      (r) => html`${r.newDay ? html`<p class="day" role="separator">${dayFormat(this.locale).format(new Date(r.m.createdAt))}</p>` : nothing}${this.renderMessage(r.m, s, r.first, r.m.key === seenKey)}`,
    );
  }

  /** An article the team sent: opens in the Help tab (its element is in the chat-extras chunk). */
  private renderArticleCard(card: ArticleCard) {
    void loadExtras();
    return html`<convot-article-card .card=${card} .locale=${this.locale}></convot-article-card>`;
  }

  /** A meeting type the team offered: its element (times to pick) is in the booking chunk, loaded now. */
  private renderBookingCard(card: BookingCard) {
    void loadBookingCard();
    const client = this.client!;
    return html`<convot-booking-card .card=${card} .server=${client.server} .appId=${client.options.appId} .locale=${this.locale}></convot-booking-card>`;
  }

  /** The agent typing now, else the one who wrote last, when their config gives an avatar. */
  private renderHeaderAvatar(state: WidgetState) {
    let src = avatarSrc(state.typing?.avatar);
    for (let i = state.messages.length - 1; !src && i >= 0; i--) if (state.messages[i]!.author === 'agent') src = avatarSrc(state.messages[i]!.agentAvatar) ?? '';
    return src ? html`<img class="avatar head" src=${src} alt="" referrerpolicy="no-referrer" />` : nothing;
  }

  private renderNotice(state: WidgetState, s: Catalog) {
    if (state.problem === 'unknown-app') return html`<p class="notice" role="alert">${s.unknownApp}</p>`;
    if (state.problem === 'origin') return html`<p class="notice" role="alert">${s.badOrigin}</p>`;
    if (state.connection === 'offline') return html`<p class="notice">${s.reconnecting}</p>`;
    return nothing;
  }

  /**
   * Nobody online and the visitor has written: the email ask (its element, in the chat-extras
   * chunk, decides whether to ask and keeps the answer).
   */
  private renderEmailAsk(state: WidgetState, s: Catalog) {
    if (!this.asked && (state.available || !state.messages.some((m) => m.author === 'visitor'))) return nothing;
    this.asked = true;
    void loadExtras();
    return html`<convot-email-ask .client=${this.client} .locale=${this.locale} dismiss=${s.dismiss}></convot-email-ask>`;
  }


  /** The bot step waiting for the visitor: its message (when the server has not stored it yet) and its quick replies. */
  private renderWaiting(state: WidgetState, s: Catalog) {
    const w = waitingStep(state);
    if (!w) return nothing;
    const who = w.botName ?? (this.heading || s.team);
    if (w.step.quick_replies) void loadBot();
    return html`${w.stored
      ? nothing
      : html`<div class="msg bot first waiting"><span class="sr-only">${who}:</span><span class="who" aria-hidden="true">${who}</span><div class="bubble" dir="auto">${messageText(w.step.message)}</div></div>`}
    ${w.step.quick_replies ? html`<convot-quick-replies .client=${this.client} .waiting=${w} .sendLabel=${s.send}></convot-quick-replies>` : nothing}`;
  }

  private renderChat(state: WidgetState, s: Catalog) {
    return html`<div class="tab-chat" id="tabpanel" role=${this.tabs.length > 1 ? 'tabpanel' : nothing} aria-labelledby=${this.tabs.length > 1 ? 'tab-chat' : nothing} @dragover=${this.attach} @drop=${this.attach}>
      ${this.renderNotice(state, s)}
      <div part="messages" class="messages" role="log" aria-live="polite" aria-label=${s.messages} tabindex="0" @scroll=${this.onScroll}>
        ${this.welcome
          ? html`<div class="msg agent welcome"><span class="sr-only">${this.heading || s.team}:</span><div class="bubble" dir="auto">${messageText(this.welcome)}</div></div>`
          : nothing}
        ${state.messages.length ? this.renderLog(state.messages, state.seenSeq, s) : this.welcome || state.flow?.first_step ? nothing : html`<p class="empty">${s.empty}</p>`}
        ${this.renderWaiting(state, s)}
      </div>
      <p class="typing" role="status" aria-live="polite">${state.typing ? s.typing.replace('{name}', state.typing.name ?? (this.heading || s.team)) : nothing}</p>
      ${this.renderEmailAsk(state, s)}
      ${state.consent === 'pending' ? (void import('../../define/convot-consent-ask.js').catch(() => undefined), html`<convot-consent-ask .locale=${this.locale}></convot-consent-ask>`) : nothing}
      ${this.attaching ? html`<convot-uploads .client=${this.client} .locale=${this.locale}></convot-uploads>` : nothing}
      <form part="composer" class="composer" @submit=${this.onSubmit}>
        ${state.settings.hideAttachmentButton
          ? nothing
          : html`<button class="icon-button attach" type="button" aria-label=${s.attachFile} @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#file')?.click()}>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" d="M8 12v4a4 4 0 0 0 8 0V6a2.5 2.5 0 0 0-5 0v10a1 1 0 0 0 2 0V8" /></svg></button
              ><input id="file" type="file" multiple hidden @change=${this.attach} />`}
        <label class="sr-only" for="input">${s.composerLabel}</label>
        <textarea id="input" rows="1" maxlength="5000" placeholder=${s.placeholder} .value=${state.composerText} @input=${this.onInput} @keydown=${this.onKeydown} @paste=${this.attach}></textarea>
        <button class="icon-button send" type="submit" aria-label=${s.send} ?disabled=${!state.composerText.trim()}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
        </button>
      </form>
    </div>`;
  }

  protected override render() {
    const state = this.client?.state;
    if (!state) return nothing;
    const s = this.strings;
    const tab = this.tabs.includes(state.tab) ? state.tab : 'chat';
    return html`<section part="panel" class="panel" role="dialog" aria-labelledby="title" @keydown=${this.onPanelKeydown}>
      <header part="header" class=${this.tabs.length > 1 ? 'with-tabs' : ''}>
        ${this.renderHeaderAvatar(state)}
        <div class="titles">
          <h2 id="title">${this.heading || s.title}</h2>
          <p class="status"><span class="dot ${state.available ? '' : 'away'}"></span>${state.available ? s.online : s.away}</p>
        </div>
        ${state.conversationId
          ? html`<button class="icon-button" type="button" aria-label=${s.threads} aria-expanded=${!!state.threads} @click=${() => this.client!.store.set({ tab: 'chat', threads: !state.threads })}>☰</button>`
          : nothing}
        ${this.closable
          ? html`<button class="icon-button close" type="button" aria-label=${s.closeChat} @click=${this.onClose}>
              <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4L10.6 12l-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z" /></svg>
            </button>`
          : nothing}
        ${this.renderTabs(tab, s)}
      </header>
      ${tab === 'chat'
        ? state.threads
          ? (void import('../../define/convot-threads.js').catch(() => undefined), html`<convot-threads .client=${this.client} .locale=${this.locale}></convot-threads>`)
          : this.renderChat(state, s)
        : html`<div class="tab-body" id="tabpanel" role="tabpanel" aria-labelledby="tab-${tab}"><slot name=${tab}></slot></div>`}
    </section>`;
  }
}
