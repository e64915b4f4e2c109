import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { UserIdentity } from '../../api/commands.js';
import type { ChatClient } from '../../client/chat-client.js';
import { moduleServer } from '../../client/server-url.js';
import { playChime } from '../../client/sound.js';
import type { ChatMessage, UserField, UserProfile, WidgetState } from '../../client/state.js';
import { browserLocale, catalogFor, directionOf, matchLocale } from '../../i18n/index.js';
import { ClientController } from '../shared/client-controller.js';
import { parseHexColor, textOn } from '../shared/color.js';
import { srOnly, themeStyles } from '../shared/theme.styles.js';
import { widgetStyles } from './convot-widget.styles.js';

const warn = (msg: string) => console.warn(`Convot: ${msg}`);
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v));
const MOBILE_UA = /Mobi|Android|iPhone|iPad|iPod/i;
const EMPTY_USER: UserProfile = { email: null, phone: null, nickname: null, avatar: null, company: null };

let panelModule: Promise<unknown> | undefined;
/** The panel's code is a separate chunk: fetched on first open or when the browser is idle. */
const loadPanel = (): Promise<unknown> => (panelModule ??= import('../../define/convot-chat-panel.js').catch((e: unknown) => {
  panelModule = undefined; // a failed load can be retried
  throw e;
}));

/**
 * A floating chat launcher and panel for one Convot app.
 *
 * @tag convot-widget
 * @summary Floating live-chat widget: launcher button, unread badge and chat panel.
 *
 * @fires convot-session-loaded - The visitor session is ready. Detail: `{ session_id }`.
 * @fires convot-chat-opened - The chat panel opened.
 * @fires convot-chat-closed - The chat panel closed.
 * @fires convot-chat-visibility - The launcher was shown (`true`) or hidden (`false`).
 * @fires convot-message-sent - The server stored a visitor message. Detail: `{ unread_count }`.
 * @fires convot-message-received - A message from the team arrived. Detail: `{ unread_count }`.
 * @fires convot-website-availability-changed - An agent came online or all went offline. Detail: boolean.
 * @fires convot-user-email-changed - The visitor's email was set. Detail: the email.
 * @fires convot-user-phone-changed - The visitor's phone was set. Detail: the phone.
 * @fires convot-user-nickname-changed - The visitor's name was set. Detail: the name.
 * @fires convot-user-avatar-changed - The visitor's avatar URL was set. Detail: the URL.
 * @fires convot-user-company-changed - The visitor's company was set. Detail: the company.
 * @fires convot-preview-shown - The preview card of a new team message appeared.
 * @fires convot-preview-hidden - The preview card was dismissed or opened.
 *
 * @csspart launcher - The round launcher button.
 * @csspart badge - The unread count on the launcher.
 * @csspart preview - The card previewing a team message while the panel is closed.
 * @csspart panel - The chat panel.
 * @csspart header - The panel's header.
 * @csspart messages - The message log.
 * @csspart composer - The message form.
 *
 * @cssprop --convot-color-primary - Brand colour of the launcher, header and visitor bubbles (default #2563eb).
 * @cssprop --convot-color-on-primary - Text and icon colour on the brand colour (default #ffffff).
 * @cssprop --convot-color-surface - Panel background.
 * @cssprop --convot-color-surface-alt - Background of team messages and notices.
 * @cssprop --convot-color-text - Main text colour.
 * @cssprop --convot-color-muted - Secondary text colour.
 * @cssprop --convot-color-border - Borders and dividers.
 * @cssprop --convot-radius - Corner radius of the panel.
 * @cssprop --convot-font-family - Font of the whole widget.
 * @cssprop --convot-z-index - Stacking order of the widget (default 2147483000).
 */
export class ConvotWidget extends LitElement {
  static override styles = [themeStyles, srOnly, widgetStyles];

  /** The app id from the Convot server's config, e.g. `app_demo`. */
  @property({ attribute: 'app-id' }) appId = '';

  /** Base URL of the Convot server. Defaults to the server this script was loaded from. */
  @property() server = '';

  /** Whether the chat panel is open. */
  @property({ type: Boolean, reflect: true }) open = false;

  /** UI language (BCP 47). Defaults to the browser's language when supported, else English. */
  @property() locale = '';

  /** Corner the widget sits in: `right` or `left`. Empty uses the app's appearance (default right). */
  @property() position: '' | 'right' | 'left' = '';

  /** Hides the whole widget on screens narrower than 768px and on mobile browsers. */
  @property({ type: Boolean, reflect: true, attribute: 'hide-on-mobile' }) hideOnMobile = false;

  /** `light` or `dark` forces a colour scheme; empty follows the visitor's OS. */
  @property({ reflect: true }) mode: '' | 'light' | 'dark' = '';

  /** Brand colour as a hex string (`#2563eb`); invalid values are ignored with a warning. */
  @property({ attribute: 'theme-color' }) themeColor = '';

  /** Stacking order of the widget (`z-index`). */
  @property({ type: Number, attribute: 'z-index' }) zIndex?: number;

  /** Mutes the chime played for team messages while the panel is closed or the tab hidden. */
  @property({ type: Boolean, attribute: 'sound-muted' }) soundMuted = false;

  /** Team name shown in the panel header. Empty uses the app's appearance. */
  @property() heading = '';

  /** Text shown on the launcher beside the icon. Empty uses the app's appearance (icon only). */
  @property({ attribute: 'launcher-label' }) launcherLabel = '';

  @state() private panelLoaded = false;
  @state() private preview: ChatMessage | null = null;

  @query('.launcher') private launcher?: HTMLButtonElement;

  private readonly connection = new ClientController(
    this,
    () => ({ appId: this.appId, server: this.server || moduleServer() }),
    (s, prev) => this.onStateChange(s, prev),
  );
  private idleHandle?: number;
  private appliedColor: string | null = null;
  private readonly onKeydown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.open) {
      e.stopPropagation();
      this.closeChat();
      this.launcher?.focus();
    }
  };
  private readonly onPanelClose = () => {
    this.closeChat();
    this.launcher?.focus();
  };
  private readonly onReceived = () => this.announceTeamMessage();

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKeydown);
    this.addEventListener('convot-panel-close', this.onPanelClose);
    this.addEventListener('convot-message-received', this.onReceived);
    // Warm the panel chunk once the page is idle, so the first open is instant.
    const ric = globalThis.requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 2000));
    this.idleHandle = ric(() => void this.ensurePanel()) as number;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKeydown);
    this.removeEventListener('convot-panel-close', this.onPanelClose);
    this.removeEventListener('convot-message-received', this.onReceived);
    (globalThis.cancelIdleCallback ?? clearTimeout)(this.idleHandle as number);
  }

  /** The client core behind this element (session, store, events), for advanced use. */
  get client(): ChatClient | undefined {
    return this.connection.client;
  }

  /** Opens the chat panel. */
  openChat(): void {
    this.open = true;
  }

  /** Closes the chat panel. */
  closeChat(): void {
    this.open = false;
  }

  /** Opens the panel when closed, closes it when open. */
  toggleChat(): void {
    this.open = !this.open;
  }

  /** Shows the launcher. */
  showLauncher(): void {
    this.client?.setLauncherVisible(true);
  }

  /** Hides the launcher entirely (the panel closes too). */
  hideLauncher(): void {
    this.closeChat();
    this.client?.setLauncherVisible(false);
  }

  /** Whether the launcher is visible. */
  get launcherVisible(): boolean {
    return this.client?.state.launcherVisible ?? true;
  }

  /**
   * Sends a message as the visitor: a string or `{ content }`. Anything else is rejected with a
   * console error. Returns whether the message was queued.
   */
  sendMessage(message: string | { content: string }): boolean {
    const text = typeof message === 'string' ? message : isContent(message) ? message.content : null;
    if (text === null) {
      console.error(`Convot: sendMessage accepts a string or { content: "..." }, got ${describe(message)}.`);
      return false;
    }
    if (!this.client?.send(text)) {
      if (this.client) warn(`sendMessage ignored an empty or over-long message (${text.length} characters).`);
      return false;
    }
    return true;
  }

  /** Puts text in the composer without sending it. */
  setMessageText(text: string): void {
    if (typeof text !== 'string') return warn(`setMessageText expects a string, got ${show(text)}.`);
    this.client?.setComposerText(text);
  }

  /** The text currently in the composer. */
  get messageText(): string {
    return this.client?.state.composerText ?? '';
  }

  /** Marks every message read and clears the unread badge. */
  markRead(): void {
    this.client?.markRead();
  }

  /** Shows a message from the team in this browser only; nothing is sent. */
  showMessage(message: { type: 'text'; content: string }): void {
    if (!isContent(message) || (message as { type?: unknown }).type !== 'text') {
      return warn(`message:show expects { type: "text", content: "..." }, got ${describe(message)}.`);
    }
    this.client?.showLocal(message.content);
  }

  /** Number of team messages the visitor has not read. */
  get unreadCount(): number {
    return this.client?.state.unread ?? 0;
  }

  /** The visitor session id once the session has loaded, else null. */
  get sessionId(): string | null {
    return this.client?.state.sessionId ?? null;
  }

  /** Whether at least one agent is online. */
  get available(): boolean {
    return this.client?.state.available ?? false;
  }

  /** Identifies the visitor (email, external_id, name, company, phone, avatar_url, user_hash, custom_data). */
  identify(user: UserIdentity): void {
    if (typeof user !== 'object' || user === null || Array.isArray(user)) return warn(`identify expects an object like { email, name }, got ${describe(user)}.`);
    const clean: UserIdentity = {};
    for (const key of ['email', 'external_id', 'name', 'company', 'phone', 'avatar_url', 'user_hash'] as const) {
      const v = user[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') {
        warn(`identify: ${key} must be a string, got ${show(v)}; ignored.`);
        continue;
      }
      clean[key] = v;
    }
    if (user.custom_data !== undefined) {
      if (typeof user.custom_data === 'object' && user.custom_data !== null && !Array.isArray(user.custom_data)) clean.custom_data = user.custom_data;
      else warn(`identify: custom_data must be an object, got ${show(user.custom_data)}; ignored.`);
    }
    this.client?.identify(clean);
  }

  /** Sets one visitor field (email, phone, nickname, avatar, company). */
  setUser(field: UserField, value: string): void {
    if (typeof value !== 'string') return warn(`set user:${field} expects a string, got ${show(value)}.`);
    this.client?.setUser(field, value);
  }

  /** The visitor fields known to the widget. */
  get user(): UserProfile {
    return this.client?.state.user ?? EMPTY_USER;
  }

  /** Merges data into the session data. */
  setSessionData(data: Record<string, unknown>): void {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return warn(`set session:data expects an object, got ${describe(data)}.`);
    this.client?.setSessionData(data);
  }

  /** The session data (merged from every `set session:data`). */
  get sessionData(): Record<string, unknown> {
    return { ...(this.client?.state.sessionData ?? {}) };
  }

  /** Replaces the session segments. */
  setSessionSegments(segments: string[]): void {
    if (!Array.isArray(segments) || segments.some((s) => typeof s !== 'string')) return warn(`set session:segments expects an array of strings, got ${describe(segments)}.`);
    this.client?.setSegments(segments);
  }

  /** Adds a named event to the visitor's timeline in the inbox. */
  pushSessionEvent(event: { name: string; data?: Record<string, unknown> }): void {
    if (typeof event !== 'object' || event === null || typeof event.name !== 'string' || !event.name.trim()) {
      return warn(`set session:event expects { name: "...", data: {...} }, got ${describe(event)}.`);
    }
    if (event.data !== undefined && (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data))) {
      return warn(`set session:event: data must be an object, got ${describe(event.data)}.`);
    }
    this.client?.addEvent({ name: event.name.trim(), data: event.data ?? {} });
  }

  /** Starts a new anonymous session; this browser forgets the old one. `reload` reloads the page. */
  resetSession(reload = false): void {
    this.preview = null;
    this.client?.reset();
    if (reload) location.reload();
  }

  /** Opens help-center search (optionally with a query). */
  openHelp(query?: string): void {
    void query;
    warn('the help center is not configured for this app yet.');
  }

  /** Opens a help-center article. */
  openArticle(article: { locale: string; slug: string }): void {
    void article;
    warn('the help center is not configured for this app yet.');
  }

  /** Opens the booking flow, optionally on one meeting type. */
  openScheduling(options?: { meeting_type_id: number }): void {
    void options;
    warn('scheduling is not configured for this app yet (no meeting types).');
  }

  /** A short-lived identity token (HS256 JWT) for a verified visitor; null otherwise. */
  async identityToken(): Promise<string | null> {
    return this.client ? this.client.identityToken() : null;
  }

  /** Forces the UI language; unsupported tags are ignored with a warning. */
  setLocale(tag: string): void {
    const m = matchLocale(typeof tag === 'string' ? tag : null);
    if (!m) return warn(`unsupported locale ${show(tag)}; supported: en, fr, es, de, ar.`);
    this.locale = m;
  }

  /** Sets the brand colour; anything but a #rgb/#rrggbb hex string is ignored with a warning. */
  setThemeColor(color: string): void {
    if (!parseHexColor(color)) return warn(`color:theme expects a hex colour like "#2563EB", got ${show(color)}; ignored.`);
    this.themeColor = color;
  }

  /** Forces `light` or `dark` colours. */
  setColorMode(mode: string): void {
    if (mode !== 'light' && mode !== 'dark') return warn(`color:mode expects "light" or "dark", got ${show(mode)}; ignored.`);
    this.mode = mode;
  }

  /** Sets the widget's z-index. */
  setZIndex(z: number): void {
    if (!Number.isInteger(z)) return warn(`container:index expects an integer, got ${show(z)}; ignored.`);
    this.zIndex = z;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // `open` set from outside (attribute, property, API) drives the store; the store drives events.
    if (changed.has('open')) {
      this.client?.setOpen(this.open);
      if (this.open) {
        void this.ensurePanel();
        this.hidePreview();
      }
    }
    if (changed.has('themeColor') && this.themeColor && !parseHexColor(this.themeColor)) {
      warn(`theme-color expects a hex colour like "#2563EB", got ${show(this.themeColor)}; ignored.`);
    }
    // The page's colour wins over the app's appearance colour.
    const hex = parseHexColor(this.themeColor) ?? parseHexColor(this.client?.state.appearance.theme_color);
    if (hex !== this.appliedColor) {
      this.appliedColor = hex;
      if (hex) {
        this.style.setProperty('--convot-color-primary', hex);
        this.style.setProperty('--convot-color-on-primary', textOn(hex));
      } else {
        this.style.removeProperty('--convot-color-primary');
        this.style.removeProperty('--convot-color-on-primary');
      }
    }
    if (changed.has('zIndex')) {
      if (this.zIndex === undefined || !Number.isInteger(this.zIndex)) this.style.removeProperty('--convot-z-index');
      else this.style.setProperty('--convot-z-index', String(this.zIndex));
    }
  }

  protected override firstUpdated(): void {
    if (!this.appId) warn('<convot-widget> needs an app-id attribute (your app id, like "app_demo"); the widget is not connected.');
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open && changed.get('open') === false) {
      void this.updateComplete.then(() => this.panel?.focusComposer());
    }
  }

  private get panel(): (HTMLElement & { focusComposer(): void }) | null {
    return this.renderRoot.querySelector('convot-chat-panel');
  }

  private onStateChange(s: WidgetState, prev: WidgetState): void {
    if (s.open !== prev.open && s.open !== this.open) this.open = s.open;
    if (!s.launcherVisible) this.hidePreview();
  }

  /** A team message arrived: chime when the visitor may not see it, preview it when closed. */
  private announceTeamMessage(): void {
    const state = this.client?.state;
    if (!state) return;
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    if (!this.soundMuted && (!this.open || hidden)) playChime();
    if (this.open || !state.launcherVisible) return;
    const last = [...state.messages].reverse().find((m) => m.author !== 'visitor');
    if (!last) return;
    const wasShown = this.preview !== null;
    this.preview = last;
    if (!wasShown) this.client?.events.emit('preview:shown', undefined);
  }

  private hidePreview(): void {
    if (!this.preview) return;
    this.preview = null;
    this.client?.events.emit('preview:hidden', undefined);
  }

  private get hiddenOnThisDevice(): boolean {
    return this.hideOnMobile && typeof navigator !== 'undefined' && MOBILE_UA.test(navigator.userAgent);
  }

  private async ensurePanel(): Promise<void> {
    if (this.panelLoaded) return;
    try {
      await loadPanel();
      this.panelLoaded = true;
      if (this.open) await this.updateComplete.then(() => this.panel?.focusComposer());
    } catch {
      console.warn('Convot: could not load the chat panel; it will be retried on the next open.');
    }
  }

  private get appearance() {
    return this.client?.state.appearance ?? {};
  }

  private get resolvedLocale(): string {
    if (this.locale) {
      const m = matchLocale(this.locale);
      if (m) return m;
    }
    return browserLocale();
  }

  protected override render() {
    const state = this.client?.state;
    const locale = this.resolvedLocale;
    const s = catalogFor(locale);
    const unread = state?.unread ?? 0;
    const label = this.open ? s.closeChat : unread ? `${s.openChat}, ${s.unread(unread)}` : s.openChat;
    const preview = this.preview;
    const appearance = this.appearance;
    const side = this.position || appearance.position || 'right';
    const launcherText = this.launcherLabel || appearance.launcher_label || '';
    return html`<div class="root ${side}" lang=${locale} dir=${directionOf(locale)} ?hidden=${this.hiddenOnThisDevice}>
      <div class="panel-wrap" ?hidden=${!this.open}>
        ${this.panelLoaded && this.client
          ? html`<convot-chat-panel
              .client=${this.client}
              .strings=${s}
              .heading=${this.heading || appearance.team_name || ''}
              .welcome=${appearance.welcome_text ?? ''}
              closable
              exportparts="panel, header, messages, composer"
            ></convot-chat-panel>`
          : nothing}
      </div>
      ${preview
        ? html`<div part="preview" class="preview" role="status">
            <button class="preview-body" type="button" @click=${this.openChat}>
              <span class="preview-from">${preview.agentName ?? s.team}</span>
              <span class="preview-text">${preview.body}</span>
            </button>
            <button class="preview-dismiss" type="button" aria-label=${s.dismiss} @click=${this.hidePreview}>×</button>
          </div>`
        : nothing}
      <button part="launcher" class="launcher ${launcherText && !this.open ? 'labelled' : ''}" type="button" aria-label=${label} aria-expanded=${this.open ? 'true' : 'false'} ?hidden=${state ? !state.launcherVisible : false} @click=${this.toggleChat}>
        ${this.open
          ? html`<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4L10.6 12l-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z" /></svg>`
          : html`<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" /></svg>${launcherText
                ? html`<span class="launcher-text" aria-hidden="true">${launcherText}</span>`
                : nothing}`}
        ${unread && !this.open ? html`<span part="badge" class="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
      </button>
    </div>`;
  }
}

const isContent = (v: unknown): v is { content: string } =>
  typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string';

function describe(v: unknown): string {
  if (typeof Event !== 'undefined' && v instanceof Event) return `an Event (${v.type})`;
  if (typeof Element !== 'undefined' && v instanceof Element) return `an Element <${v.localName}>`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v).slice(0, 80);
    } catch {
      return 'an object';
    }
  }
  return show(v);
}
