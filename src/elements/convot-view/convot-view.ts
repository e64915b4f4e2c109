import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { UserIdentity } from '../../api/commands.js';
import type { ChatClient } from '../../client/chat-client.js';
import { parseHexColor, textOn } from '../../client/color.js';
import { moduleServer } from '../../client/server-url.js';
import type { UserField, UserProfile, WidgetSettings, WidgetState } from '../../client/state.js';
import { browserLocale, catalogFor, directionOf, loadCatalog, matchLocale, type Catalog } from '../../i18n/index.js';
import type { Slot } from '../../protocol/scheduling.js';
import type { WidgetTab } from '../../protocol/wire.js';
import type { ConvotRuntime, ViewKind } from '../../runtime/runtime.js';
import { RuntimeController } from '../shared/runtime-controller.js';

const TAB_ORDER: readonly WidgetTab[] = ['chat', 'help', 'book'];

/** The Help and Book tabs' code is in chunks of their own, fetched on first use. */
const TAB_MODULES: Record<Exclude<WidgetTab, 'chat'>, () => Promise<unknown>> = {
  help: () => import('../../define/convot-help-panel.js'),
  book: () => import('../../define/convot-booking-flow.js'),
};
const tabModules = new Map<WidgetTab, Promise<unknown>>();
const loadTab = (tab: Exclude<WidgetTab, 'chat'>): Promise<unknown> => {
  let p = tabModules.get(tab);
  if (!p) {
    p = TAB_MODULES[tab]().catch((e: unknown) => {
      tabModules.delete(tab); // a failed load can be retried
      throw e;
    });
    tabModules.set(tab, p);
  }
  return p;
};

const EMPTY_USER: UserProfile = { email: null, phone: null, nickname: null, avatar: null, company: null };

/** Settings an element takes as attributes, applied to the runtime through its validating setters. */
type OwnSettings = Partial<Pick<WidgetSettings, 'locale' | 'mode' | 'themeColor' | 'soundMuted' | 'position' | 'hideOnMobile'>> & { zIndex?: number | null };

/**
 * What every Convot view shares: the binding to its app's runtime, the settings attributes,
 * the theme colour, and the element methods that mirror the global API. The state lives in the
 * runtime, so two views of one app agree, and a moved element keeps everything.
 *
 * Settings set on an element (attributes or properties) are remembered by the element and
 * applied to the runtime when it binds; while bound, the element reads them from the runtime,
 * so a `config` call made through `window.Convot` shows up on the element too.
 */
export abstract class ConvotView extends LitElement {
  /** The app id from the Convot server's config, e.g. `app_demo`. */
  @property({ attribute: 'app-id' }) appId = '';

  /** Base URL of the Convot server. Defaults to the server this script was loaded from. */
  @property() server = '';

  /** Team name shown in the panel header. Empty uses the app's appearance. */
  @property() heading = '';

  /** Read when the element binds (a getter: subclass fields are not set yet at construction). */
  protected abstract get viewKind(): ViewKind;
  protected readonly connection = new RuntimeController(this, {
    kind: () => this.viewKind,
    settings: () => ({ appId: this.appId, server: this.server || moduleServer() }),
    onChange: (s, prev) => this.runtimeChanged(s, prev),
    onBind: (runtime, fresh) => fresh && this.applyOwnSettings(runtime),
  });
  private readonly own: OwnSettings = {};
  @state() private loadedTabs: readonly WidgetTab[] = [];
  /** An article card in the chat was clicked: show it in Help. */
  private readonly onOpenArticle = (e: Event) => this.runtime?.openArticle((e as CustomEvent<{ locale: string; slug: string }>).detail);
  /** A time picked in a booking card in the chat. */
  private readonly onBookSlot = (e: Event) => {
    const { meeting_type_id, slot } = (e as CustomEvent<{ meeting_type_id: number; slot: Slot | null }>).detail;
    this.runtime?.bookSlot(meeting_type_id, slot);
  };
  /** A tab button, or "Chat with us" in Help: show that tab; `focus` puts the cursor in the composer. */
  private readonly onTab = (e: Event) => {
    const { tab, focus } = (e as CustomEvent<{ tab: WidgetTab; focus: boolean }>).detail;
    this.runtime?.showTab(tab);
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement & { focusComposer(): void }>('convot-chat-panel')?.focusComposer());
  };
  private appliedColor: string | null = null;
  /** The visitor answered the consent prompt (in the chat-extras chunk). */
  private readonly onConsent = (e: Event) => this.runtime?.answerConsent((e as CustomEvent<{ accepted: boolean }>).detail.accepted);

  /** UI language (BCP 47). Defaults to the browser's language when supported, else English. */
  @property()
  get locale(): string {
    return this.setting('locale', '');
  }
  set locale(v: string) {
    this.own.locale = v ?? '';
    this.runtime?.setLocale(v ?? '', 'locale');
  }

  /** `light` or `dark` forces a colour scheme; empty follows the visitor's OS. */
  @property({ reflect: true })
  get mode(): '' | 'light' | 'dark' {
    return this.setting('mode', '');
  }
  set mode(v: '' | 'light' | 'dark') {
    this.own.mode = v;
    this.runtime?.setColorMode(v ?? '', 'mode');
  }

  /** Brand colour as a hex string (`#2563eb`); invalid values are ignored with a warning. */
  @property({ attribute: 'theme-color' })
  get themeColor(): string {
    return this.setting('themeColor', '');
  }
  set themeColor(v: string) {
    this.own.themeColor = v;
    this.runtime?.setThemeColor(v ?? '', 'theme-color');
  }

  /** Mutes the chime played for team messages while no view shows them or the tab is hidden. */
  @property({ type: Boolean, attribute: 'sound-muted' })
  get soundMuted(): boolean {
    return this.setting('soundMuted', false);
  }
  set soundMuted(v: boolean) {
    this.own.soundMuted = v;
    this.runtime?.setFlag('soundMuted', v, 'sound-muted');
  }

  /** The runtime this element is bound to (shared by every view of this app on this page). */
  get runtime(): ConvotRuntime | undefined {
    return this.connection.runtime;
  }

  /** The client core behind this element (session, store, events), for advanced use. */
  get client(): ChatClient | undefined {
    return this.runtime?.client;
  }

  // ---- the element twins of the global API ------------------------------------------------

  /**
   * Sends a message as the visitor: a string or `{ content }`. Anything else is rejected with a
   * console error. Returns whether the message was queued (before the element connects, it is
   * queued and sent once it does).
   */
  sendMessage(message: string | { content: string }): boolean {
    return this.call((r) => r.sendMessage(message), true);
  }

  /** Puts text in the composer without sending it. */
  setMessageText(text: string): void {
    this.call((r) => r.setMessageText(text));
  }

  /** The text currently in the composer. */
  get messageText(): string {
    return this.state?.composerText ?? '';
  }

  /** Marks every message read and clears the unread badge. */
  markRead(): void {
    this.call((r) => r.markRead());
  }

  /** Shows a message from the team in this browser only; nothing is sent. */
  showMessage(message: { type: 'text'; content: string }): void {
    this.call((r) => r.showMessage(message));
  }

  /** Number of team messages the visitor has not read. */
  get unreadCount(): number {
    return this.state?.unread ?? 0;
  }

  /** The visitor session id once the session has loaded, else null. */
  get sessionId(): string | null {
    return this.state?.sessionId ?? null;
  }

  /** Whether at least one agent is online. */
  get available(): boolean {
    return this.state?.available ?? false;
  }

  /** Identifies the visitor (email, external_id, name, company, phone, avatar_url, user_hash, custom_data). */
  identify(user: UserIdentity): void {
    this.call((r) => r.identify(user));
  }

  /** Sets one visitor field (email, phone, nickname, avatar, company). */
  setUser(field: UserField, value: string): void {
    this.call((r) => r.setUser(field, value));
  }

  /** The visitor fields known to the widget. */
  get user(): UserProfile {
    return this.state?.user ?? EMPTY_USER;
  }

  /** Merges data into the session data. */
  setSessionData(data: Record<string, unknown>): void {
    this.call((r) => r.setSessionData(data));
  }

  /** The session data (merged from every `set session:data`). */
  get sessionData(): Record<string, unknown> {
    return { ...(this.state?.sessionData ?? {}) };
  }

  /** Replaces the session segments. */
  setSessionSegments(segments: string[]): void {
    this.call((r) => r.setSessionSegments(segments));
  }

  /** Adds a named event to the visitor's timeline in the inbox. */
  pushSessionEvent(event: { name: string; data?: Record<string, unknown> }): void {
    this.call((r) => r.pushSessionEvent(event));
  }

  /** Starts a new anonymous session; this browser forgets the old one. `reload` reloads the page. */
  resetSession(reload = false): void {
    this.call((r) => r.resetSession(reload));
  }

  /** Opens help-center search (optionally with a query). */
  openHelp(query?: string): void {
    this.call((r) => r.openHelp(query));
  }

  /** Opens a help-center article. */
  openArticle(article: { locale: string; slug: string }): void {
    this.call((r) => r.openArticle(article));
  }

  /** Opens the booking flow, optionally on one meeting type. */
  openScheduling(options?: { meeting_type_id: number }): void {
    this.call((r) => r.openScheduling(options));
  }

  /** A short-lived identity token (HS256 JWT) for a verified visitor; null otherwise. */
  async identityToken(): Promise<string | null> {
    return this.runtime ? this.runtime.identityToken() : null;
  }

  /** Opens the chat on one of the visitor's conversations (a closed one reopens); `convot-thread-selected` follows. */
  selectThread(conversationId: string): void {
    this.call((r) => r.selectThread(conversationId));
  }

  /** Shows the visitor's earlier conversations in the chat. */
  openThreads(): void {
    this.call((r) => r.openThreads());
  }

  /** Forces the UI language; unsupported tags are ignored with a warning. */
  setLocale(tag: string): void {
    this.own.locale = tag;
    this.call((r) => r.setLocale(tag, 'locale'));
  }

  /** Sets the brand colour; anything but a #rgb/#rrggbb hex string is ignored with a warning. */
  setThemeColor(color: string): void {
    this.own.themeColor = color;
    this.call((r) => r.setThemeColor(color));
  }

  /** Forces `light` or `dark` colours. */
  setColorMode(mode: string): void {
    this.own.mode = mode as OwnSettings['mode'];
    this.call((r) => r.setColorMode(mode));
  }

  // ---- internals --------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('convot-tab', this.onTab);
    this.addEventListener('convot-open-article', this.onOpenArticle);
    this.addEventListener('convot-book-slot', this.onBookSlot);
    this.addEventListener('convot-consent', this.onConsent);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('convot-tab', this.onTab);
    this.removeEventListener('convot-open-article', this.onOpenArticle);
    this.removeEventListener('convot-book-slot', this.onBookSlot);
    this.removeEventListener('convot-consent', this.onConsent);
  }

  /**
   * The panel's tabs: those `appearance.tabs` allows (all by default) that the app has content
   * for, plus the one a verb opened even when hidden. Chat is always there.
   */
  protected get tabs(): WidgetTab[] {
    const s = this.state;
    if (!s) return ['chat'];
    const allowed = s.appearance.tabs ?? TAB_ORDER;
    const has: Record<WidgetTab, boolean> = { chat: true, help: (s.helpCenter?.articles ?? 0) > 0, book: (s.scheduling?.meeting_types ?? 0) > 0 };
    return TAB_ORDER.filter((t) => t === 'chat' || t === s.tab || (allowed.includes(t) && has[t]));
  }

  /** What the chat panel shows in a tab other than chat (slotted into it). */
  protected renderTabContent() {
    const runtime = this.runtime;
    const tab = runtime?.state.tab;
    if (!runtime || !tab || tab === 'chat') return nothing;
    if (!this.loadedTabs.includes(tab)) {
      loadTab(tab).then(
        () => (this.loadedTabs = [...this.loadedTabs, tab]),
        () => console.warn(`Convot: could not load the ${tab} tab; it will be retried when it is opened again.`),
      );
      return html`<div slot=${tab} role="status" aria-busy="true"></div>`;
    }
    return tab === 'help'
      ? html`<convot-help-panel slot="help" .runtime=${runtime} .locale=${this.resolvedLocale}></convot-help-panel>`
      : html`<convot-booking-flow slot="book" .runtime=${runtime} .locale=${this.resolvedLocale}></convot-booking-flow>`;
  }

  protected get state(): WidgetState | undefined {
    return this.runtime?.state;
  }

  /** Runs an action on the runtime now, or once this element binds to one. */
  protected call<R = void>(fn: (runtime: ConvotRuntime) => R, early?: R): R {
    return this.connection.call(fn, early as R);
  }

  protected setting<K extends keyof WidgetSettings>(key: K, fallback: WidgetSettings[K]): WidgetSettings[K] {
    if (this.runtime) return this.runtime.state.settings[key];
    return (this.own[key as keyof OwnSettings] as WidgetSettings[K] | undefined) ?? fallback;
  }

  /**
   * Settings given to this element before it bound to a new runtime take effect there. The
   * boolean attributes `cookie-banner` (ask before storing, as `cookie_banner: true`),
   * `defer-load` (off the page until `runtime.load()`, as `load_immediately: false`) and
   * `hide-attachment-button` (no attach button, drop or paste of files) are read then.
   */
  protected applyOwnSettings(r: ConvotRuntime): void {
    if (this.hasAttribute('cookie-banner')) r.requireConsent();
    if (this.hasAttribute('hide-attachment-button')) r.setFlag('hideAttachmentButton', true, 'hide-attachment-button');
    if (this.hasAttribute('defer-load')) queueMicrotask(() => r.remove());
    const o = this.own;
    if (o.locale !== undefined) r.setLocale(o.locale, 'locale');
    if (o.mode !== undefined) r.setColorMode(o.mode ?? '', 'mode');
    if (o.themeColor !== undefined) r.setThemeColor(o.themeColor ?? '', 'theme-color');
    if (o.soundMuted !== undefined) r.setFlag('soundMuted', o.soundMuted, 'sound-muted');
    if (o.position !== undefined) r.setPosition(o.position, 'position');
    if (o.hideOnMobile !== undefined) r.setFlag('hideOnMobile', o.hideOnMobile, 'hide-on-mobile');
    if (o.zIndex !== undefined) r.setZIndex(o.zIndex, 'z-index');
  }

  /** Remembers a subclass's own setting (see `applyOwnSettings`). */
  protected remember<K extends keyof OwnSettings>(key: K, value: OwnSettings[K]): void {
    this.own[key] = value;
  }

  /** The store changed: reflected settings must re-render their attributes. */
  protected runtimeChanged(s: WidgetState, prev: WidgetState): void {
    if (s.settings !== prev.settings) {
      for (const key of Object.keys(s.settings) as (keyof WidgetSettings)[]) {
        if (s.settings[key] !== prev.settings[key]) this.requestUpdate(key, prev.settings[key]);
      }
    }
  }

  protected get resolvedLocale(): string {
    return matchLocale(this.locale) ?? browserLocale();
  }

  protected get strings(): Catalog {
    return catalogFor(this.resolvedLocale);
  }

  protected get direction(): 'ltr' | 'rtl' {
    return directionOf(this.resolvedLocale);
  }

  /** Renders only once the locale's strings have arrived (other languages load on demand). */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const catalog = loadCatalog(this.resolvedLocale);
    return catalog ? catalog.then(() => super.scheduleUpdate()) : super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // The page's colour wins over the app's appearance colour; applied with the CSSOM (CSP-safe).
    const hex = parseHexColor(this.themeColor) ?? parseHexColor(this.state?.appearance.theme_color);
    if (hex === this.appliedColor) return;
    this.appliedColor = hex;
    if (hex) {
      this.style.setProperty('--convot-color-primary', hex);
      this.style.setProperty('--convot-color-on-primary', textOn(hex));
    } else {
      this.style.removeProperty('--convot-color-primary');
      this.style.removeProperty('--convot-color-on-primary');
    }
  }

  protected override firstUpdated(): void {
    if (!this.appId) console.warn(`Convot: <${this.localName}> needs an app-id attribute (your app id, like "app_demo"); the widget is not connected.`);
  }
}
