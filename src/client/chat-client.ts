/**
 * The client core: one visitor session on one app. Owns the session token, the socket, the
 * outbox and the store; knows nothing of Lit or the DOM layout. Elements render from `store`
 * and the global API reads and writes the same store.
 */
import type { ErrorCode } from '../protocol/errors.js';
import { checkVisitorFrame } from '../protocol/frames.js';
import { CloseCode, VISITOR_SOCKET_PATH, routeUrl, visitorApi } from '../protocol/routes.js';
import {
  MAX_MESSAGE_LENGTH,
  TYPING_PREVIEW_MAX,
  TYPING_TTL_MS,
  type ConversationStatus,
  type SessionResponse,
  type VisitorClientFrame,
  type VisitorEvent,
  type VisitorProfile,
  type VisitorServerFrame,
  type VisitorUpdate,
  type WireMessage,
} from '../protocol/wire.js';
import { Emitter, type ConvotEventMap } from './events.js';
import { takeIdentityLinkToken } from './identity-link.js';
import { Outbox, messageFrame, type OutboxItem } from './outbox.js';
import { matchFlow, startsConversation } from './flows.js';
import { countUnread, initialState, mergeMessages, sortMessages, type ChatMessage, type Typist, type UserField, type UserProfile, type WidgetState } from './state.js';
import { TypingSender } from './typing.js';
import { appStorage, type AppStorage } from './storage.js';
import { createStore, type Store } from './store.js';
import { TabSocket } from './tab-socket.js';
import { ApiError, callRoute, type CallOptions } from './transport.js';
import type { AnyRoute, RouteResponse } from '../protocol/routes.js';

export interface ChatClientOptions {
  appId: string;
  /** Base URL of the Convot server, e.g. `https://chat.example.com/`. */
  server: string;
  storage?: AppStorage;
}

const newClientId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

/** Where the visitor is, for the team's inbox (the server checks and caps every field). */
const pageReport = (c: ChatClient) => ({
  url: (c.page = location.href.split('#')[0]!),
  referrer: document.referrer,
  language: navigator.language,
  time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
});

/** The Navigation API (Chromium, Firefox 147+, Safari 26.2+): tells of pushState without patching history. */
const navigationApi = () => (globalThis as { navigation?: EventTarget }).navigation;

export class ChatClient {
  readonly store: Store<WidgetState> = createStore(initialState());
  readonly events = new Emitter<ConvotEventMap>();
  /** Base URL of the server, ending in `/`. */
  readonly server: string;
  private readonly storage: AppStorage;
  readonly outbox: Outbox;
  private token: string | null;
  private readonly socket: TabSocket<VisitorServerFrame, VisitorClientFrame, TabSnapshot>;
  private resendTimer: ReturnType<typeof setTimeout> | undefined;
  /** Messages this tab wrote (or found waiting when it loaded) and the server has not acked yet. */
  private readonly written = new Set<string>();
  /** Outbox entries sent on the current connection (since its `ready`, or the last resend). */
  private readonly sentHere = new Set<string>();
  /** When the resend timer fires (Date.now() time). */
  private resendAt = 0;
  private resendAttempt = 0;
  private loadedSession: string | null = null;
  /** Bumped when this tab's session is forgotten or replaced, so answers to older requests are ignored. */
  private epoch = 0;
  /** Visitor-data operations not yet accepted by the server, in call order. */
  private ops: SyncOp[] = [];
  private flushing = false;
  private drainWaiters: (() => void)[] = [];
  private configLoaded = false;
  /** The messages a move to another conversation replays (up to `seq`): they fire no `message:received`. */
  private history: { conversationId: string; seq: number } | null = null;
  /** A conversation the visitor closed themselves (runtime/new-conversation.ts): its close is not the team's. */
  ownClose: string | null = null;

  constructor(readonly options: ChatClientOptions) {
    this.server = new URL(options.server.endsWith('/') ? options.server : `${options.server}/`).href;
    this.storage = options.storage ?? appStorage(options.appId);
    this.socket = new TabSocket<VisitorServerFrame, VisitorClientFrame, TabSnapshot>(
      {
        prepare: () => this.prepareConnection(),
        parse: checkVisitorFrame,
        opened: (send) => send(this.authFrame()),
        frame: (frame) => this.handleFrame(frame),
        closed: (code) => this.socketClosed(code),
        ping: { type: 'ping' },
        snapshot: () => this.snapshot(),
        adopt: (snapshot, online) => this.adopt(snapshot, online),
        // A read mark is news for every tab: the server tells only the visitor's other sockets.
        echo: (frame) => (frame.type === 'read' ? { type: 'read', read_seq: frame.seq } : null),
        flush: () => {
          this.sendPending();
          if (this.resendTimer === undefined) this.scheduleResend();
        },
        shared: (data) => {
          if (isOpenNote(data)) (this.onTabOpen ?? ((open) => this.setOpen(open, false)))(data.open);
        },
      },
      // Tabs share only what they may store: with memory-only storage each tab stands alone.
      () => (this.storage.mode === 'persistent' ? `${options.appId}@${this.server}` : null),
    );
    this.token = this.storage.get<string>('token');
    this.outbox = new Outbox(this.storage);
    const pending = this.outbox.list();
    for (const item of pending) this.written.add(item.client_id);
    this.store.set({ messages: pending.map(pendingMessage) });
    // One conversation per visitor at a time: the count of conversations with unread messages is 0 or 1.
    let unreadConversations = 0;
    this.store.subscribe((s) => {
      const n = s.unread > 0 ? 1 : 0;
      if (n === unreadConversations) return;
      unreadConversations = n;
      this.events.emit('unread:conversations:changed', { unreadCount: n });
    });
  }

  get state(): WidgetState {
    return this.store.get();
  }

  /** Connects (idempotent). Called when the first view or API surface binds. */
  start(): void {
    if (this.socket.started) return;
    const linkToken = takeIdentityLinkToken(); // before any request
    if (linkToken) this.identifyWithToken(linkToken);
    globalThis.addEventListener?.('storage', this.onStorage);
    // A single-page app's route changes (pushState too, where the Navigation API exists).
    navigationApi()?.addEventListener('currententrychange', this.onRoute);
    globalThis.addEventListener?.('popstate', this.onRoute);
    this.socket.start();
    // A tab that shares another tab's socket sent no auth frame: it reports its page this way.
    this.onRoute();
  }

  /** The page address last reported (without its fragment, which the server drops anyway). */
  page = '';

  private routeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Reports the latest route once changes pause: a page rewriting its query as someone types must not eat the socket's frame budget. */
  private readonly onRoute = () => {
    clearTimeout(this.routeTimer);
    this.routeTimer = setTimeout(() => location.href.split('#')[0] !== this.page && this.socket.send({ type: 'page', page: pageReport(this) }), 1000);
  };

  /**
   * Another tab of this browser reset the session (`session:reset`, `clear()`) or started the
   * one this tab should share: follow it, so every tab shows the same visitor.
   */
  private readonly onStorage = (e: StorageEvent) => {
    if (e.key !== `convot:${this.options.appId}:token` || this.storage.mode !== 'persistent') return;
    let next: string | null = null;
    try {
      next = e.newValue === null ? null : (JSON.parse(e.newValue) as string);
    } catch {
      return;
    }
    if (next === this.token) return;
    this.epoch++;
    this.token = next;
    this.ops = [];
    this.store.set((s) => ({
      sessionId: null,
      messages: s.messages.filter((m) => m.local),
      lastSeq: 0,
      readSeq: 0,
      unread: 0,
      conversationId: null,
      conversationStatus: null,
      sessionData: {},
      segments: [],
      user: initialState().user,
    }));
    this.socket.restart();
  };

  /** Whether the client is connected or trying to be. */
  get running(): boolean {
    return this.socket.started;
  }

  /** Another tab opened or closed the panel: the runtime applies it here (without sharing it back). */
  onTabOpen?: (open: boolean) => void;

  /** This tab holds the app's socket (it leads the browser's other tabs, or has none to share with). */
  get leads(): boolean {
    return this.socket.leads;
  }

  /** Disconnects and clears timers and listeners. */
  stop(): void {
    globalThis.removeEventListener?.('storage', this.onStorage);
    navigationApi()?.removeEventListener('currententrychange', this.onRoute);
    globalThis.removeEventListener?.('popstate', this.onRoute);
    clearTimeout(this.routeTimer);
    this.typingOut.stop();
    this.socket.stop();
    this.clearResend();
    this.setTyping(null);
    this.store.set({ connection: 'idle' });
  }

  /** Calls a route of this app's widget API. */
  private call<R extends AnyRoute>(route: R, opts: CallOptions<R> = {}): Promise<RouteResponse<R>> {
    return callRoute(this.server, route, { ...opts, params: { appId: this.options.appId, ...opts.params } as unknown as CallOptions<R>['params'] });
  }

  /**
   * Calls a widget route as this visitor (their session token), once the session is there:
   * what the visitor does outside the chat (a booking) is theirs in the inbox too. Callers
   * bound the wait (the socket may be down).
   */
  async callAsVisitor<R extends AnyRoute>(route: R, opts: CallOptions<R> = {}): Promise<RouteResponse<R>> {
    await this.until(() => this.token !== null && this.state.sessionId !== null);
    return this.call(route, { ...opts, token: this.token });
  }

  /** The visitor's token once the session is there (uploads and downloads send it in a header, never in a URL). */
  async visitorToken(): Promise<string> {
    await this.until(() => this.token !== null && this.state.sessionId !== null);
    return this.token!;
  }

  /** A message stored outside the socket (an upload's answer): shown at once; the socket's copy merges into it. */
  accept(message: WireMessage): void {
    this.receive(message);
  }

  // ---- visitor actions --------------------------------------------------------------------

  /**
   * Queues a visitor message: shown at once as pending, kept in the outbox until the server
   * acknowledges it. Returns false (and sends nothing) for empty or over-long text.
   */
  send(text: string, clientId = newClientId(), reply?: { flow: string; step: string; values: readonly string[] }): boolean {
    const body = text.trim();
    if (!body || body.length > MAX_MESSAGE_LENGTH) return false;
    this.typingOut.stop();
    // A message that starts a conversation starts it in the page's chat flow.
    const flow = reply?.flow ?? (startsConversation(this.state) ? this.state.flow?.id : undefined);
    const item: OutboxItem = {
      client_id: clientId,
      body,
      created_at: new Date().toISOString(),
      after_seq: this.state.lastSeq,
      ...(flow ? { flow } : {}),
      ...(reply ? { reply: { step: reply.step, values: [...reply.values] } } : {}),
    };
    this.outbox.add(item);
    this.written.add(clientId);
    // A message the loader's stub kept is sent here under its own id: shown once.
    this.store.set((s) => ({ messages: sortMessages([...s.messages.filter((m) => m.key !== clientId), pendingMessage(item)]) }));
    this.sendPending();
    if (this.resendTimer === undefined) this.scheduleResend();
    return true;
  }

  /** Picks the page's chat flow again (at config arrival and on `refresh()`: a single-page app changed route). */
  matchFlow(): void {
    if (typeof location === 'undefined') return;
    this.store.set({ flow: matchFlow(this.state.chatFlows, new URL(location.href)) });
  }

  setComposerText(text: string): void {
    this.store.set({ composerText: text });
    this.typingOut.input(text);
  }

  /** Tells the team while the visitor types (throttled), with the draft as a preview for the app's agents. */
  private readonly typingOut = new TypingSender((typing, text) => {
    if (this.state.connection !== 'online') return false;
    return this.socket.send(typing ? { type: 'typing', typing, text: text.slice(0, TYPING_PREVIEW_MAX) } : { type: 'typing', typing });
  });

  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  /** An agent's typing frame: shown until their message, a stop, or TYPING_TTL_MS without a refresh. */
  private setTyping(typist: Typist | null): void {
    clearTimeout(this.typingTimer);
    if (typist) this.typingTimer = setTimeout(() => this.setTyping(null), TYPING_TTL_MS);
    if (typist || this.state.typing) this.store.set({ typing: typist });
  }

  /**
   * Opens or closes the floating panel; the runtime decides what that means for `shown`. The
   * browser's other tabs follow, so the chat is open or closed in all of them.
   */
  setOpen(open: boolean, share = true): void {
    if (this.state.open === open) return;
    this.store.set({ open });
    if (share) this.socket.share({ open });
    this.events.emit(open ? 'chat:opened' : 'chat:closed', undefined);
  }

  /** Whether some view shows the conversation: while it does, what arrives is read. */
  setShown(shown: boolean): void {
    if (this.state.shown === shown) return;
    this.store.set({ shown });
    if (shown) this.markRead();
  }

  setLauncherVisible(visible: boolean): void {
    if (this.state.launcherVisible === visible) return;
    this.store.set({ launcherVisible: visible });
    this.events.emit('chat:visibility', visible);
  }

  /** Marks every received message read, here and on the server. */
  markRead(): void {
    const { lastSeq, readSeq } = this.state;
    if (lastSeq <= readSeq) return;
    this.store.set((s) => ({ readSeq: lastSeq, unread: countUnread(s.messages, lastSeq) }));
    this.sendFrame({ type: 'read', seq: lastSeq });
  }

  /** Shows a message from the team in this browser only; nothing is sent. */
  showLocal(body: string): void {
    const message: ChatMessage = {
      key: `local:${newClientId()}`,
      clientId: null,
      seq: null,
      author: 'agent',
      agentName: null,
      body,
      createdAt: new Date().toISOString(),
      status: 'sent',
      order: this.state.lastSeq + 0.5,
      local: true,
    };
    this.store.set((s) => ({ messages: sortMessages([...s.messages, message]) }));
  }

  // ---- visitor data -----------------------------------------------------------------------

  /** Sets one profile field (`set user:email` and friends); emits `user:<field>:changed`. */
  setUser(field: UserField, value: string): void {
    const change = this.applyUserFields({ [field]: value });
    this.enqueue({ kind: 'update', body: { [WIRE_FIELD[field]]: value }, change });
  }

  /**
   * `identify`: shows the given fields at once and asks the server to bind the identity
   * (verified when user_hash is valid). A refusal is warned about and the fields are reverted.
   */
  identify(user: VisitorUpdate): void {
    const fields: Partial<UserProfile> = {};
    for (const [field, wire] of Object.entries(WIRE_FIELD) as [UserField, keyof VisitorUpdate][]) {
      const v = user[wire];
      if (typeof v === 'string') fields[field] = v;
    }
    const change = this.applyUserFields(fields);
    this.enqueue({ kind: 'identify', body: user, change });
  }

  /** Merges into the session data (`set session:data`). */
  setSessionData(data: Record<string, unknown>): void {
    this.store.set((s) => ({ sessionData: { ...s.sessionData, ...data } }));
    this.enqueue({ kind: 'update', body: { session_data: data } });
  }

  /** Replaces the segments (`set session:segments`). */
  setSegments(segments: string[]): void {
    this.store.set({ segments: [...segments] });
    this.enqueue({ kind: 'update', body: { segments: [...segments] } });
  }

  /** Adds an event to the visitor's timeline (`set session:event`). */
  addEvent(event: VisitorEvent): void {
    this.enqueue({ kind: 'event', body: event });
  }

  /** Identifies the visitor from a `?convot_identity=` link token (already removed from the URL). */
  identifyWithToken(token: string): void {
    this.enqueue({ kind: 'identity-link', token });
  }

  /** A short-lived identity token for this visitor when verified; null otherwise. */
  async identityToken(): Promise<string | null> {
    const ready = async () => {
      await this.until(() => this.token !== null && this.state.connection === 'online');
      // A pending identify decides the answer.
      if (this.ops.length) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([ready().then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 15_000)))]);
    clearTimeout(timer);
    if (timedOut) return null;
    try {
      const { token } = await this.call(visitorApi.identityToken, { token: this.token });
      return token;
    } catch {
      return null;
    }
  }

  /** Forgets this browser's session and history and starts a fresh anonymous one. */
  reset(): void {
    const wasRunning = this.socket.started;
    this.stop();
    this.forgetSession();
    this.ops = [];
    const { open, shown, launcherVisible, appearance, helpCenter, statusUrl, scheduling, tab, help, booking, settings, consent } = this.state;
    this.store.set({ ...initialState(), open, shown, launcherVisible, appearance, helpCenter, statusUrl, scheduling, tab, help, booking, settings, consent });
    if (wasRunning) this.start();
  }

  private forgetSession(): void {
    this.epoch++;
    this.token = null;
    this.storage.remove('token');
    this.outbox.clear();
    this.loadedSession = null;
  }

  /** Shows fields at once (optimistically) and announces each change; returns what changed. */
  private applyUserFields(fields: Partial<UserProfile>): FieldChange[] {
    const changes: FieldChange[] = [];
    for (const [field, value] of Object.entries(fields) as [UserField, string | null][]) {
      if (value === null || this.state.user[field] === value) continue;
      changes.push({ field, from: this.state.user[field], to: value });
      this.store.set((s) => ({ user: { ...s.user, [field]: value } }));
      this.events.emit(`user:${field}:changed`, value);
    }
    return changes;
  }

  /** Undoes refused changes that nothing has overwritten since, and announces each. */
  private revertUserFields(changes: FieldChange[]): void {
    for (const { field, from, to } of changes) {
      if (this.state.user[field] !== to) continue;
      this.store.set((s) => ({ user: { ...s.user, [field]: from } }));
      this.events.emit(`user:${field}:changed`, from ?? '');
    }
  }

  private enqueue(op: SyncOp): void {
    this.ops.push(op);
    void this.flush();
  }

  /** Resolves when the condition holds (checked on every store change). */
  private until(cond: () => boolean): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.store.subscribe(() => {
        if (cond()) {
          off();
          resolve();
        }
      });
    });
  }

  /**
   * Sends queued visitor-data operations in order once a session is online. A network failure
   * keeps the rest for the next connection; a refusal (4xx) is warned about and dropped.
   */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.ops.length && this.token && this.state.connection === 'online') {
        const op = this.ops[0]!;
        try {
          await this.runOp(op, this.token);
        } catch (e) {
          if (!(e instanceof ApiError) || e.transient) return; // retried on the next ready
          this.refused(op, e);
        }
        this.ops.shift();
      }
    } finally {
      this.flushing = false;
      if (!this.ops.length) for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  private async runOp(op: SyncOp, token: string): Promise<void> {
    switch (op.kind) {
      case 'update':
        await this.call(visitorApi.update, { body: op.body, token });
        return;
      case 'event':
        await this.call(visitorApi.event, { body: op.body, token });
        return;
      case 'identify':
      case 'identity-link': {
        const r =
          op.kind === 'identify'
            ? await this.call(visitorApi.identify, { body: op.body, token })
            : await this.call(visitorApi.identifyToken, { body: { token: op.token }, token });
        if (r.warning) console.warn(`Convot: ${r.warning}`);
        if (r.session) this.switchSession(r.session);
        if (r.verified) this.events.emit('contact:associated', { message: 'Contact associated' });
        return;
      }
    }
  }

  private refused(op: SyncOp, e: ApiError): void {
    const what = op.kind === 'event' ? `the event ${JSON.stringify(op.body.name)}` : op.kind === 'update' ? 'the visitor data' : op.kind === 'identify' ? 'identify' : 'the identity link';
    console.warn(`Convot: the server refused ${what} (${e.code}): ${e.message}`);
    // The visitor stays who they were: undo the optimistic fields.
    if (op.kind === 'identify' || op.kind === 'update') this.revertUserFields(op.change ?? []);
  }

  /** The server started a new session for a different person: this browser follows it. */
  private switchSession(session: SessionResponse): void {
    this.forgetSession();
    this.token = session.token;
    this.storage.set('token', session.token);
    this.store.set((s) => ({ sessionId: session.session_id, messages: s.messages.filter((m) => m.local), lastSeq: 0, readSeq: 0, unread: 0, conversationId: null, conversationStatus: null, sessionData: {}, segments: [] }));
    this.store.set({ connection: 'connecting' });
    this.socket.restart();
  }

  private applyProfile(v: VisitorProfile): void {
    const user: UserProfile = { ...this.state.user };
    for (const [field, wire] of Object.entries(WIRE_FIELD) as [UserField, keyof VisitorProfile][]) {
      const value = v[wire] as string | null;
      // A value set on this page and not yet stored wins over the server's copy.
      if (value !== null && !this.ops.some((op) => (op.kind === 'update' || op.kind === 'identify') && op.body[wire as keyof VisitorUpdate] !== undefined)) {
        user[field] = value;
      }
    }
    const pendingSegments = this.ops.some((op) => op.kind === 'update' && op.body.segments);
    this.store.set((s) => ({
      user,
      sessionData: { ...v.session_data, ...s.sessionData },
      segments: pendingSegments ? s.segments : v.segments,
    }));
  }

  // ---- connection -------------------------------------------------------------------------

  /**
   * Before each socket attempt: the app's public config (once). Resolves the socket URL; null
   * stops for good on problems a retry cannot fix (an unknown app, an origin the app does not
   * allow). The session is the socket's business (`authFrame`).
   */
  private async prepareConnection(): Promise<string | null> {
    this.store.set({ connection: 'connecting' });
    try {
      if (!this.configLoaded) {
        const config = await this.call(visitorApi.config);
        this.configLoaded = true;
        this.store.set({ appearance: config.appearance ?? {}, helpCenter: config.help ?? null, statusUrl: config.status_url ?? null, scheduling: config.scheduling ?? null, attachments: config.attachments, chatFlows: config.chat_flows ?? [] });
        this.matchFlow();
      }
    } catch (e) {
      if (this.refusedForGood(e)) return null;
      this.store.set({ connection: 'offline' });
      throw e;
    }
    this.store.set({ problem: null });
    return new URL(routeUrl(VISITOR_SOCKET_PATH, { appId: this.options.appId }).slice(1), this.server).href.replace(/^http/, 'ws');
  }

  /**
   * The socket's first frame: it resumes this browser's session, or, without a token, the
   * server starts one and `ready` brings its token (one connection for a new visitor's page
   * view, no session request before it). Only one tab of a browser holds the socket, so tabs a
   * new visitor opens at once still become one visitor. The stored token is read again first:
   * another tab may have started or replaced the session.
   */
  private authFrame(): VisitorClientFrame {
    const stored = this.storage.get<string>('token');
    if (stored && stored !== this.token) this.token = stored;
    return { type: 'auth', ...(this.token ? { token: this.token } : {}), last_seq: this.token ? this.state.lastSeq : 0, page: pageReport(this) };
  }

  /** `ready` started a new session (its token): nothing this browser holds belongs to it. */
  private startedSession(token: string): void {
    this.token = token;
    this.storage.set('token', token);
    this.store.set((s) => ({ messages: s.messages.filter((m) => m.status === 'pending' || m.local), lastSeq: 0, readSeq: 0, seenSeq: 0, unread: 0, conversationId: null, conversationStatus: null }));
  }

  private refusedForGood(e: unknown): boolean {
    if (e instanceof ApiError && e.code === 'CONVOT_ERR_UNKNOWN_APP') {
      console.warn(`Convot: the server has no app with app-id ${JSON.stringify(this.options.appId)}; check the app id in your snippet or element.`);
      this.store.set({ connection: 'offline', problem: 'unknown-app' });
      return true;
    }
    if (e instanceof ApiError && e.code === 'CONVOT_ERR_ORIGIN_NOT_ALLOWED') {
      console.warn(`Convot: ${location.origin} is not in allowed_origins of app ${JSON.stringify(this.options.appId)}; add it to the server config.`);
      this.store.set({ connection: 'offline', problem: 'origin' });
      return true;
    }
    return false;
  }

  private socketClosed(code: number): void {
    this.store.set({ connection: 'offline' });
    this.sentHere.clear();
    if (code === CloseCode.Unauthorized) {
      // The server no longer knows this token: the next attempt starts a fresh session.
      this.token = null;
      this.storage.remove('token');
    }
  }

  /** What a tab that joins this one (the leader) takes over: the conversation as this tab has it. */
  private snapshot(): TabSnapshot {
    const { sessionId, conversationId, conversationStatus, messages, lastSeq, readSeq, seenSeq, available } = this.state;
    return { token: sessionId ? this.token : null, sessionId, conversationId, conversationStatus, messages: messages.filter((m) => !m.local && m.status !== 'pending'), lastSeq, readSeq, seenSeq, available };
  }

  /**
   * This tab joined the leader: its session and conversation, with what this tab has not sent
   * yet. Only once the leader is on the session the browser stores (it may have none yet, or be
   * switching after a reset in some tab); until then this tab asks again.
   */
  private adopt(snap: TabSnapshot, online: boolean): boolean {
    if (!snap.token || snap.token !== this.storage.get<string>('token')) return false;
    this.token = snap.token;
    this.store.set((s) => {
      const mine = s.messages.filter((m) => (m.local || m.status === 'pending') && !snap.messages.some((o) => o.key === m.key));
      const messages = sortMessages([...snap.messages, ...mine]);
      return { ...snap, messages, unread: countUnread(messages, snap.readSeq), connection: online ? 'online' : 'connecting' };
    });
    this.setAvailable(snap.available);
    if (!online) return true;
    void this.flush();
    this.sendPending();
    if (snap.sessionId && this.loadedSession !== snap.sessionId) {
      this.loadedSession = snap.sessionId;
      this.events.emit('session:loaded', { session_id: snap.sessionId });
    }
    if (this.state.shown) this.markRead();
    return true;
  }

  private handleFrame(frame: VisitorServerFrame): void {
    switch (frame.type) {
      case 'ready': {
        this.socket.confirmed();
        if (frame.token && frame.token !== this.token) this.startedSession(frame.token);
        this.store.set((s) => {
          const messages = mergeMessages(s.messages, frame.messages);
          const lastSeq = Math.max(s.lastSeq, frame.messages.at(-1)?.seq ?? 0);
          const readSeq = Math.max(s.readSeq, frame.read_seq);
          return {
            sessionId: frame.session_id,
            seenSeq: frame.conversation_id === s.conversationId ? Math.max(s.seenSeq, frame.seen_seq ?? 0) : (frame.seen_seq ?? 0),
            connection: 'online',
            conversationId: frame.conversation_id,
            conversationStatus: frame.conversation_status ?? null,
            messages,
            lastSeq,
            readSeq,
            unread: countUnread(messages, readSeq),
          };
        });
        this.setAvailable(frame.available);
        if (frame.visitor) this.applyProfile(frame.visitor);
        void this.flush();
        this.resendAttempt = 0;
        this.resendOutbox();
        if (this.loadedSession !== frame.session_id) {
          this.loadedSession = frame.session_id;
          this.events.emit('session:loaded', { session_id: frame.session_id });
        }
        if (this.state.shown) this.markRead();
        return;
      }
      case 'ack': {
        // Every tab sees the ack (the tab holding the socket relays it); the one that wrote it says sent.
        const mine = this.written.delete(frame.client_id);
        this.outbox.remove(frame.client_id);
        this.sentHere.delete(frame.client_id);
        if (!this.outbox.size) this.clearResend();
        this.receive(frame.message);
        if (mine) {
          this.events.emit('message:sent', { unread_count: this.state.unread });
          if (frame.message.seq === 1) this.events.emit('conversation:started', { conversation: { conversationId: frame.message.conversation_id } });
        }
        return;
      }
      case 'message':
        this.receive(frame.message);
        return;
      case 'availability':
        this.setAvailable(frame.available);
        return;
      case 'conversation': {
        const closing = frame.conversation_id === this.state.conversationId && this.state.conversationStatus === 'open' && frame.status === 'closed' && frame.conversation_id !== this.ownClose;
        this.followConversation(frame.conversation_id, frame.status);
        if (frame.history_seq) this.history = { conversationId: frame.conversation_id, seq: frame.history_seq };
        if (closing) this.events.emit('conversation:closed', { conversation: { conversationId: frame.conversation_id } });
        return;
      }
      case 'seen':
        if (frame.seq > this.state.seenSeq) this.store.set({ seenSeq: frame.seq });
        return;
      case 'typing':
        this.setTyping(frame.typing ? { name: frame.name, avatar: frame.avatar_url } : null);
        return;
      case 'read':
        // Read in another tab: this tab's badge clears too.
        if (frame.read_seq > this.state.readSeq) this.store.set((s) => ({ readSeq: frame.read_seq, unread: countUnread(s.messages, frame.read_seq) }));
        return;
      case 'error':
        if (frame.client_id && TRANSIENT.has(frame.code)) {
          // Kept in the outbox and resent, in order, once the server can take it. Refusals of the
          // messages behind it (the server refuses those until the oldest is resent) do not push
          // that resend further away.
          this.scheduleResend(frame.retry_after !== undefined ? frame.retry_after * 1000 : undefined, true);
          return;
        }
        if (frame.client_id) this.failMessage(frame.client_id);
        console.warn(`Convot: the server refused a request: ${frame.code}: ${frame.message}`);
        return;
      default:
        return;
    }
  }

  /** Sends every unacknowledged message again, oldest first (the server stores each once). */
  private resendOutbox(): void {
    if (this.state.connection !== 'online') return;
    this.sentHere.clear();
    this.sendPending();
    this.scheduleResend();
  }

  /**
   * Sends, oldest first, the outbox entries this connection has not sent yet: a new message, and
   * before it any older one still waiting, such as one another tab wrote and could not send, so
   * no message is stored ahead of one written before it.
   */
  private sendPending(): void {
    if (!this.socket.leads) return this.socket.flush();
    if (this.state.connection !== 'online') return;
    for (const item of this.outbox.list()) {
      if (this.sentHere.has(item.client_id)) continue;
      if (!this.socket.send(messageFrame(item))) return;
      this.sentHere.add(item.client_id);
    }
  }

  /**
   * While messages wait for their ack, they are resent on a timer with backoff (or after the
   * server's Retry-After), so a refusal or a lost frame strands nothing until a reconnect.
   */
  private scheduleResend(delayMs?: number, keepSooner = false): void {
    // The tab holding the socket resends for every tab (the outbox is shared).
    if (!this.outbox.size || !this.socket.leads) return this.clearResend();
    const delay = delayMs ?? Math.min(MAX_RESEND_MS, ACK_TIMEOUT_MS * 2 ** this.resendAttempt) * (0.75 + Math.random() * 0.5);
    if (keepSooner && this.resendTimer !== undefined && this.resendAt <= Date.now() + delay) return;
    clearTimeout(this.resendTimer);
    this.resendAt = Date.now() + delay;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined;
      this.resendAttempt++;
      this.resendOutbox();
    }, delay);
  }

  private clearResend(): void {
    clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
    this.resendAttempt = 0;
  }

  /** The server will never accept this message (it was invalid): show it as not sent. */
  private failMessage(clientId: string): void {
    this.outbox.remove(clientId);
    this.store.set((s) => ({ messages: s.messages.map((m) => (m.clientId === clientId && m.status === 'pending' ? { ...m, status: 'failed' } : m)) }));
  }

  /**
   * The server's word on the socket's conversation. Another id means the socket follows another
   * conversation now (one the visitor's message started after a close, or one reopened): its
   * messages count from seq 1, so this view starts over, keeping what is not sent yet.
   */
  private followConversation(id: string, status: ConversationStatus): void {
    if (id === this.state.conversationId || this.state.conversationId === null) {
      this.store.set({ conversationId: id, conversationStatus: status });
      return;
    }
    this.store.set((s) => ({
      conversationId: id,
      conversationStatus: status,
      messages: s.messages.filter((m) => m.status === 'pending' || m.local),
      lastSeq: 0,
      readSeq: 0,
      unread: 0,
      seenSeq: 0,
      typing: null,
    }));
  }

  private receive(message: WireMessage): void {
    // An ack or message can come before the `conversation` frame that announces the switch.
    if (message.conversation_id !== this.state.conversationId) this.followConversation(message.conversation_id, 'open');
    const known = this.state.messages.some((m) => m.seq === message.seq && m.key === (message.client_id ?? `seq:${message.seq}`));
    this.store.set((s) => {
      const messages = mergeMessages(s.messages, [message]);
      return {
        messages,
        lastSeq: Math.max(s.lastSeq, message.seq),
        unread: countUnread(messages, s.readSeq),
      };
    });
    // The history a move to another conversation brings (a picked or reopened thread) is not news.
    const history = this.history?.conversationId === message.conversation_id && message.seq <= this.history.seq;
    if (known || history || message.author === 'visitor') return;
    // The agent's message is what they were typing.
    if (message.author === 'agent') this.setTyping(null);
    if (this.state.shown && (typeof document === 'undefined' || document.visibilityState === 'visible')) this.markRead();
    this.events.emit('message:received', { unread_count: this.state.unread });
  }

  private setAvailable(available: boolean): void {
    if (this.state.available === available) return;
    this.store.set({ available });
    this.events.emit('website:availability:changed', available);
  }

  private sendFrame(frame: VisitorClientFrame): void {
    if (this.state.connection === 'online') this.socket.send(frame);
  }
}

/** The conversation as the tab holding the socket has it, for a tab that joins. */
type TabSnapshot = Pick<WidgetState, 'sessionId' | 'conversationId' | 'conversationStatus' | 'messages' | 'lastSeq' | 'readSeq' | 'seenSeq' | 'available'> & { token: string | null };

const isOpenNote = (data: unknown): data is { open: boolean } => typeof data === 'object' && data !== null && typeof (data as { open?: unknown }).open === 'boolean';

/** How long a sent message may wait for its ack before it is sent again (then doubling). */
const ACK_TIMEOUT_MS = 8_000;
const MAX_RESEND_MS = 60_000;
/** Refusals that go away by themselves: the message stays queued and is retried. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['CONVOT_ERR_RATE_LIMITED', 'CONVOT_ERR_INTERNAL', 'CONVOT_ERR_UNAVAILABLE']);

interface FieldChange {
  field: UserField;
  from: string | null;
  to: string;
}

type SyncOp =
  | { kind: 'update'; body: VisitorUpdate; change?: FieldChange[] }
  | { kind: 'event'; body: VisitorEvent }
  | { kind: 'identify'; body: VisitorUpdate; change: FieldChange[] }
  | { kind: 'identity-link'; token: string };

/** Widget profile fields ↔ the wire names the server stores. */
const WIRE_FIELD = { email: 'email', phone: 'phone', nickname: 'name', avatar: 'avatar_url', company: 'company' } as const;

function pendingMessage(item: { client_id: string; body: string; created_at: string; after_seq?: number }): ChatMessage {
  return {
    key: item.client_id,
    clientId: item.client_id,
    seq: null,
    author: 'visitor',
    agentName: null,
    body: item.body,
    createdAt: item.created_at,
    status: 'pending',
    order: (item.after_seq ?? 0) + 0.5,
  };
}
