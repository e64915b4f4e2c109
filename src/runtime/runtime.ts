/**
 * One runtime per (server, app) in a page. It owns the chat client (one session, one socket),
 * the store with every piece of widget state, and the lifecycle (load, remove, status). Views
 * (`<convot-widget>`, `<convot-inline>`) and API surfaces (`window.Convot`, element methods)
 * are thin bindings to it: two views of one app share one socket and one conversation.
 *
 * Every public action validates its input here, once, and warns (never throws) naming the bad
 * value, so the element methods and the global API behave alike.
 */
import type { UserIdentity } from '../api/commands.js';
import { ChatClient } from '../client/chat-client.js';
import { parseHexColor } from '../client/color.js';
import { appStorage, type AppStorage, type StorageMode } from '../client/storage.js';
import type { ConnectionState, UserField, UserProfile, WidgetSettings, WidgetState } from '../client/state.js';
import type { Slot } from '../protocol/scheduling.js';
import type { WidgetTab } from '../protocol/wire.js';
import { afterPaintAndIdle } from '../client/idle.js';
import { playChime } from '../client/sound.js';
import { SUPPORTED_LOCALES, matchLocale } from '../i18n/index.js';
import { describe, isContent, isPlainObject, show, warn } from './describe.js';


/** What a bound view is: the floating launcher and panel, the chat in the page flow, or booking alone. */
export type ViewKind = 'floating' | 'inline' | 'scheduling';

export interface RuntimeStatus {
  /** The widget is on the page (false after `remove()` until `load()`). */
  loaded: boolean;
  connection: ConnectionState;
}

export interface LoadOptions {
  /** Add a floating `<convot-widget>` to the page when this app has none (the snippet does). */
  floating?: boolean;
  /** Open the floating panel once loaded. */
  open?: boolean;
}

/** Public calls limited to one a second (further calls are ignored with a warning). */
const THROTTLE_MS = 1000;
const CONSENT_KEY = 'consent';

const USER_IDENTITY_FIELDS = ['email', 'external_id', 'name', 'company', 'phone', 'avatar_url', 'user_hash'] as const;

export class ConvotRuntime {
  readonly client: ChatClient;
  readonly storage: AppStorage;
  private readonly owners = new Set<object>();
  private readonly views = new Map<HTMLElement, ViewKind>();
  /** Where `remove()` took each view from, so `load()` puts it back in place. */
  private readonly removed: { el: HTMLElement; parent: Node; next: Node | null }[] = [];
  private loaded = true;
  private disposed = false;
  private readonly cleanup: (() => void)[] = [];
  /** Cancels a connection waiting for the page to paint and go idle. */
  private cancelStart?: () => void;
  /** Puts the widget on the page at load (the snippet's inline_embed_selector); else floating. */
  private placer?: () => void;
  /** `widget:loaded` fired for the current load. */
  private announcedLoad = false;
  private readonly lastCalls = new Map<string, number>();

  constructor(
    readonly key: string,
    readonly appId: string,
    readonly server: string,
    storageMode: StorageMode = 'persistent',
  ) {
    this.storage = appStorage(appId, storageMode);
    this.client = new ChatClient({ appId, server, storage: this.storage });
    this.cleanup.push(this.client.events.on('message:received', () => this.chime()));
    this.client.onTabOpen = (open) => this.setOpen(open, false);
  }

  get store() {
    return this.client.store;
  }

  get events() {
    return this.client.events;
  }

  get state(): WidgetState {
    return this.client.state;
  }

  // ---- bindings and lifecycle --------------------------------------------------------------

  /**
   * Keeps the runtime (and its socket) alive for `owner` until the returned function is called.
   * When the last owner lets go, the runtime ends at the next microtask checkpoint, so moving an
   * element (disconnect, then connect in the same script) keeps everything.
   */
  retain(owner: object): () => void {
    this.owners.add(owner);
    this.startSoon();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.owners.delete(owner);
      queueMicrotask(() => {
        if (!this.owners.size && this.loaded && !this.disposed) this.dispose();
      });
    };
  }

  /** A view element binds to this runtime; the returned function unbinds it. */
  attachView(el: HTMLElement, kind: ViewKind): () => void {
    this.views.set(el, kind);
    const release = this.retain(el);
    this.updateShown();
    this.announceLoad();
    return () => {
      this.views.delete(el);
      this.updateShown();
      release();
    };
  }

  /** Whether a view of this kind is bound. */
  hasView(kind: ViewKind): boolean {
    return [...this.views.values()].includes(kind);
  }

  status(): RuntimeStatus {
    return { loaded: this.loaded, connection: this.state.connection };
  }

  /**
   * For calls limited to one a second (`load`, `refresh`): true when `name` may run now; false
   * (with a warning naming the call) when it ran less than a second ago.
   */
  allow(name: string): boolean {
    const now = Date.now();
    if (now - (this.lastCalls.get(name) ?? -THROTTLE_MS) < THROTTLE_MS) return warn(`${name} ignored: at most one call a second.`), false;
    this.lastCalls.set(name, now);
    return true;
  }

  /** How `load()` and `refresh()` put the widget on the page (the snippet's settings), instead of floating. */
  place(placer: () => void): void {
    this.placer = placer;
  }

  /** `widget:loaded` once per load, when the widget is on the page with a view. */
  private announceLoad(): void {
    if (this.announcedLoad || !this.loaded || !this.views.size) return;
    this.announcedLoad = true;
    queueMicrotask(() => this.events.emit('widget:loaded', { message: 'Widget loaded' }));
  }

  /** The visitor used the widget (views call this); `closed` when they closed the panel. */
  interacted(closed = false): void {
    this.events.emit('widget:interacted', { message: 'Visitor interacted with the widget' });
    if (closed) this.events.emit('widget:closed', { message: 'Widget closed' });
  }
  /**
   * Shows the widget again after `remove()`: every removed view goes back where it was, the
   * socket reconnects. With `floating`, adds a `<convot-widget>` when this app has none.
   */
  load(options: LoadOptions = {}): void {
    if (this.disposed) return;
    this.loaded = true;
    for (const { el, parent, next } of this.removed.splice(0)) {
      parent.insertBefore(el, next && next.parentNode === parent ? next : null);
    }
    if (this.placer) this.placer();
    else if (options.floating && !this.hasView('floating') && typeof document !== 'undefined') {
      const widget = document.createElement('convot-widget');
      widget.setAttribute('app-id', this.appId);
      widget.setAttribute('server', this.server);
      document.body.appendChild(widget);
    }
    this.announceLoad();
    this.startSoon();
    if (options.open) this.openChat();
  }

  /**
   * Re-evaluates the placement and the chat flow for the current page (a single-page app
   * changed route) and re-renders. `newConversation` opens the chat and ends the visitor's open conversation, so
   * their next message starts a new one.
   */
  refresh(options: { newConversation?: boolean } = {}): void {
    if (!this.loaded) return;
    this.placer?.();
    this.client.matchFlow();
    this.store.set({ settings: { ...this.state.settings } });
    if (!options.newConversation) return;
    this.openChat();
    void import('./new-conversation.js').then((m) => m.newConversation(this.client));
  }

  /**
   * Forgets what the widget stored in this browser (session, outbox, consent). `resetWidget`:
   * also takes the widget off the page and brings a fresh one back, a new visitor on next contact.
   */
  clear(options: { resetWidget?: boolean } = {}): void {
    this.storage.clear();
    if (!options.resetWidget) return;
    const wasLoaded = this.loaded;
    this.remove();
    this.client.reset();
    if (this.state.consent !== 'none') this.requireConsent();
    if (wasLoaded) this.load();
  }

  // ---- consent -----------------------------------------------------------------------------

  /**
   * `cookie_banner`: unless the visitor accepted before, nothing is written to the browser and
   * no session is created until they answer the prompt in the panel.
   */
  requireConsent(): void {
    if (this.storage.mode === 'persistent' && this.storage.get(CONSENT_KEY) === 'accepted') return;
    this.storage.hold();
    this.cancelPendingStart();
    this.client.stop();
    this.store.set({ consent: 'pending' });
  }

  /** The visitor answered the consent prompt: accepted stores from now on; declined keeps memory only. */
  answerConsent(accepted: boolean): void {
    if (this.state.consent !== 'pending') return;
    if (accepted) {
      this.storage.persist();
      this.storage.set(CONSENT_KEY, 'accepted');
    }
    this.store.set({ consent: accepted ? 'accepted' : 'declined' });
    this.interacted();
    if (this.state.open || this.hasView('inline') || this.client.outbox.size) this.startNow();
    else this.startSoon();
  }

  /** Takes every view of this app off the page and closes the socket; `load()` brings them back. */
  remove(): void {
    if (!this.loaded) return;
    this.loaded = false; // first, so the views letting go do not end the runtime
    this.announcedLoad = false;
    this.setOpen(false, false); // this page only
    this.cancelPendingStart();
    for (const el of [...this.views.keys()]) {
      if (!el.parentNode) continue;
      this.removed.push({ el, parent: el.parentNode, next: el.nextSibling });
      el.remove();
    }
    this.client.stop();
  }

  /** Nothing holds this runtime any more: close the socket and forget it. */
  private dispose(): void {
    this.disposed = true;
    this.cancelPendingStart();
    this.client.stop();
    for (const fn of this.cleanup.splice(0)) fn();
    if (runtimes.get(this.key) === this) runtimes.delete(this.key);
  }

  /**
   * Connects once the launcher has painted and the page is idle: a visitor who never chats
   * costs the host page nothing before its first render. Opening the chat or sending connects
   * at once.
   */
  private startSoon(): void {
    if (!this.loaded || !this.owners.size || this.cancelStart || this.client.running || this.state.consent === 'pending') return;
    this.cancelStart = afterPaintAndIdle(() => this.startNow());
  }

  private startNow(): void {
    this.cancelPendingStart();
    if (this.loaded && this.owners.size && !this.disposed && this.state.consent !== 'pending') this.client.start();
  }

  private cancelPendingStart(): void {
    this.cancelStart?.();
    this.cancelStart = undefined;
  }

  /** Marks arriving messages read while the open panel or an inline view shows them. */
  private updateShown(): void {
    this.client.setShown((this.state.open && this.hasView('floating')) || this.hasView('inline'));
  }

  /** `share`: the browser's other tabs follow (false when this call is another tab's). */
  private setOpen(open: boolean, share = true): void {
    if (this.state.open === open) return;
    if (open) this.startNow();
    this.client.setShown((open && this.hasView('floating')) || this.hasView('inline'));
    this.client.setOpen(open, share);
  }

  /**
   * A team message arrived: chime when the visitor may not see it, once per browser: every tab
   * gets the message, only the one holding the socket plays the sound.
   */
  private chime(): void {
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    if (this.client.leads && !this.state.settings.soundMuted && (!this.state.shown || hidden)) playChime();
  }

  // ---- opening --------------------------------------------------------------------------

  openChat(): void {
    this.setOpen(true);
  }

  closeChat(): void {
    this.setOpen(false);
  }

  toggleChat(): void {
    this.setOpen(!this.state.open);
  }

  showLauncher(): void {
    this.client.setLauncherVisible(true);
  }

  /** Hides the launcher entirely (the panel closes too). */
  hideLauncher(): void {
    this.setOpen(false, false); // this page only
    this.client.setLauncherVisible(false);
  }

  // ---- messages -------------------------------------------------------------------------

  /**
   * Sends a message as the visitor: a string or `{ content }`. Returns whether it was queued.
   * `clientId` re-sends, in call order, a message the loader's stub already kept in the outbox.
   */
  sendMessage(message: unknown, clientId?: string): boolean {
    const text = typeof message === 'string' ? message : isContent(message) ? message.content : null;
    if (text === null) {
      console.error(`Convot: sendMessage accepts a string or { content: "..." }, got ${describe(message)}.`);
      return false;
    }
    this.startNow();
    if (!this.client.send(text, clientId)) {
      warn(`sendMessage ignored an empty or over-long message (${text.length} characters).`);
      return false;
    }
    return true;
  }

  setMessageText(text: unknown): void {
    if (typeof text !== 'string') return warn(`setMessageText expects a string, got ${show(text)}.`);
    this.client.setComposerText(text);
  }

  markRead(): void {
    this.client.markRead();
  }

  /** Shows a message from the team in this browser only; nothing is sent. */
  showMessage(message: unknown): void {
    if (!isContent(message) || (message as { type?: unknown }).type !== 'text') {
      return warn(`message:show expects { type: "text", content: "..." }, got ${describe(message)}.`);
    }
    this.client.showLocal(message.content);
  }

  // ---- the visitor ----------------------------------------------------------------------

  identify(user: unknown): void {
    if (!isPlainObject(user)) return warn(`identify expects an object like { email, name }, got ${describe(user)}.`);
    const clean: UserIdentity = {};
    for (const key of USER_IDENTITY_FIELDS) {
      const v = user[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') {
        warn(`identify: ${key} must be a string, got ${show(v)}; ignored.`);
        continue;
      }
      clean[key] = v;
    }
    if (user.custom_data !== undefined) {
      if (isPlainObject(user.custom_data)) clean.custom_data = user.custom_data;
      else warn(`identify: custom_data must be an object, got ${show(user.custom_data)}; ignored.`);
    }
    this.client.identify(clean);
  }

  setUser(field: UserField, value: unknown): void {
    if (typeof value !== 'string') return warn(`set user:${field} expects a string, got ${show(value)}.`);
    this.client.setUser(field, value);
  }

  get user(): UserProfile {
    return this.state.user;
  }

  setSessionData(data: unknown): void {
    if (!isPlainObject(data)) return warn(`set session:data expects an object, got ${describe(data)}.`);
    this.client.setSessionData(data);
  }

  setSessionSegments(segments: unknown): void {
    if (!Array.isArray(segments) || segments.some((s) => typeof s !== 'string')) return warn(`set session:segments expects an array of strings, got ${describe(segments)}.`);
    this.client.setSegments(segments as string[]);
  }

  pushSessionEvent(event: unknown): void {
    if (!isPlainObject(event) || typeof event.name !== 'string' || !event.name.trim()) {
      return warn(`set session:event expects { name: "...", data: {...} }, got ${describe(event)}.`);
    }
    if (event.data !== undefined && !isPlainObject(event.data)) return warn(`set session:event: data must be an object, got ${describe(event.data)}.`);
    this.client.addEvent({ name: event.name.trim(), data: (event.data as Record<string, unknown> | undefined) ?? {} });
  }

  /** Starts a new anonymous session; this browser forgets the old one. `reload` reloads the page. */
  resetSession(reload = false): void {
    this.client.reset();
    if (reload) location.reload();
  }

  identityToken(): Promise<string | null> {
    return this.client.identityToken();
  }

  // ---- tabs and the help center ----------------------------------------------------------

  /** Shows a tab of the open panel (the verbs open tabs that `appearance.tabs` hides, too). */
  showTab(tab: WidgetTab): void {
    if (this.state.tab !== tab) this.store.set({ tab });
  }

  /**
   * `helpdesk:search` (no query: opens Help with search focused) and `helpdesk:query` (opens
   * it with that query run). An app known to have no articles warns and stays as it is.
   */
  openHelp(query?: unknown): void {
    if (query !== undefined && typeof query !== 'string') return warn(`helpdesk:query expects a string, got ${describe(query)}.`);
    if (!this.helpAvailable()) return;
    const help = this.state.help;
    this.store.set({ tab: 'help', help: { query: query ?? (help.article ? help.query : ''), article: null, focus: help.focus + 1 } });
    this.openChat();
  }

  /** `helpdesk:article:open {locale, slug}`; a missing article shows a not-found state. */
  openArticle(article: unknown): void {
    const ok = isPlainObject(article) && typeof article.slug === 'string' && article.slug.trim() !== '' && (article.locale === undefined || typeof article.locale === 'string');
    if (!ok) return warn(`helpdesk:article:open expects { locale: "en", slug: "my-article" }, got ${describe(article)}.`);
    if (!this.helpAvailable()) return;
    const locale = (article.locale as string | undefined)?.trim() || matchLocale(this.state.settings.locale) || 'en';
    this.store.set({ tab: 'help', help: { ...this.state.help, article: { locale, slug: (article.slug as string).trim() } } });
    this.openChat();
  }

  /** False (with one warning) once the app's config says it has no help articles. */
  private helpAvailable(): boolean {
    if (this.state.helpCenter !== null) return true;
    if (!this.warnedNoHelp) warn(`app ${JSON.stringify(this.appId)} has no help articles; add apps[].articles to the server config.`);
    this.warnedNoHelp = true;
    return false;
  }

  private warnedNoHelp = false;

  /**
   * `Convot.openScheduling()` and `do scheduling:open`, optionally on `{ meeting_type_id }`:
   * opens the Book tab (even when `appearance.tabs` hides it). An app known to have no meeting
   * types warns once and stays as it is.
   */
  openScheduling(options?: unknown): void {
    let id: number | null = null;
    if (options !== undefined) {
      const v = isPlainObject(options) ? options.meeting_type_id : undefined;
      if (!Number.isInteger(v) || (v as number) < 1) return warn(`scheduling:open expects nothing or { meeting_type_id: 3 }, got ${describe(options)}.`);
      id = v as number;
    }
    if (this.state.scheduling === null) {
      if (!this.warnedNoScheduling) warn(`app ${JSON.stringify(this.appId)} has no meeting types; add apps[].meeting_types to the server config.`);
      this.warnedNoScheduling = true;
      return;
    }
    this.store.set({ tab: 'book', booking: { meetingTypeId: id, slot: null, request: this.state.booking.request + 1 } });
    this.openChat();
  }

  /**
   * `do thread:select`: that conversation becomes the chat's (threads.ts, a chunk of its own;
   * `thread:selected` follows). The chat opens on it: its messages arrive as the conversation
   * switch delivers them, which would otherwise chime and preview them as new.
   */
  selectThread(conversationId: unknown): void {
    this.openChat();
    void import('./threads.js').then((m) => m.selectThread(this.client, conversationId), () => undefined);
  }

  /** `do threads:open`: the chat shows the visitor's earlier conversations. */
  openThreads(): void {
    this.store.set({ tab: 'chat', threads: true });
    this.openChat();
  }

  /** A time (or "more times") picked in a booking card in the chat: the Book tab takes over. */
  bookSlot(meetingTypeId: number, slot: Slot | null): void {
    this.store.set({ tab: 'book', booking: { meetingTypeId, slot, request: this.state.booking.request + 1 } });
    this.openChat();
  }

  private warnedNoScheduling = false;

  // ---- settings ---------------------------------------------------------------------------

  /** Applies already-validated settings (elements use it for their attributes). */
  configure(patch: Partial<WidgetSettings>): void {
    const current = this.state.settings;
    if (Object.entries(patch).every(([k, v]) => Object.is(current[k as keyof WidgetSettings], v))) return;
    this.store.set({ settings: { ...current, ...patch } });
  }

  /** `name` is how the caller spelled the setting (`locale`, `config locale`), for the warning. */
  setLocale(tag: unknown, name = 'locale'): void {
    if (tag === '') return this.configure({ locale: '' });
    const m = matchLocale(typeof tag === 'string' ? tag : null);
    if (!m) return warn(`unsupported ${name} ${show(tag)}; supported: ${SUPPORTED_LOCALES.join(', ')}.`);
    this.configure({ locale: m });
  }

  setThemeColor(color: unknown, name = 'color:theme'): void {
    if (color === '') return this.configure({ themeColor: '' });
    const hex = parseHexColor(color);
    if (!hex) return warn(`${name} expects a hex colour like "#2563EB", got ${show(color)}; ignored.`);
    this.configure({ themeColor: hex });
  }

  setColorMode(mode: unknown, name = 'color:mode'): void {
    if (mode !== 'light' && mode !== 'dark' && mode !== '') return warn(`${name} expects "light" or "dark", got ${show(mode)}; ignored.`);
    this.configure({ mode });
  }

  setZIndex(z: unknown, name = 'container:index'): void {
    if (z === null || z === undefined) return this.configure({ zIndex: null });
    if (!Number.isInteger(z)) return warn(`${name} expects an integer, got ${show(z)}; ignored.`);
    this.configure({ zIndex: z as number });
  }

  setPosition(position: unknown, name = 'position'): void {
    if (position !== 'left' && position !== 'right' && position !== '') return warn(`${name} expects "left" or "right", got ${show(position)}; ignored.`);
    this.configure({ position });
  }

  setFlag(flag: 'soundMuted' | 'hideOnMobile' | 'hideAttachmentButton', value: unknown, name: string): void {
    if (typeof value !== 'boolean') return warn(`config "${name}" expects true or false, got ${show(value)}; ignored.`);
    this.configure({ [flag]: value });
  }
}

const runtimes = new Map<string, ConvotRuntime>();

/**
 * The page's runtime for this app on this server, created on first use. Throws a TypeError
 * when `server` is not an absolute URL (callers warn instead of throwing into the page).
 */
export function runtimeFor(server: string, appId: string): ConvotRuntime {
  const base = new URL(server.endsWith('/') ? server : `${server}/`).href;
  const key = `${base}\n${appId}`;
  let runtime = runtimes.get(key);
  if (!runtime) runtimes.set(key, (runtime = new ConvotRuntime(key, appId, base)));
  return runtime;
}
