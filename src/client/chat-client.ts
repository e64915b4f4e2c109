/**
 * The client core: one visitor session on one app. Owns the session token, the socket, the
 * outbox and the store; knows nothing of Lit or the DOM layout. Elements render from `store`
 * and the global API reads and writes the same store.
 */
import {
  MAX_MESSAGE_LENGTH,
  type AppPublicConfig,
  type SessionResponse,
  type VisitorClientFrame,
  type VisitorEvent,
  type VisitorProfile,
  type VisitorServerFrame,
  type VisitorUpdate,
  type WireMessage,
} from '../protocol/wire.js';
import { Emitter, type ConvotEventMap } from './events.js';
import { Outbox } from './outbox.js';
import { countUnread, initialState, mergeMessages, sortMessages, type ChatMessage, type UserField, type UserProfile, type WidgetState } from './state.js';
import { appStorage, type KeyValue } from './storage.js';
import { createStore, type Store } from './store.js';
import { Api, ApiError, backoff } from './transport.js';

export interface ChatClientOptions {
  appId: string;
  /** Base URL of the Convot server, e.g. `https://chat.example.com/`. */
  server: string;
  storage?: KeyValue;
}

const PING_MS = 25_000;

const newClientId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

export class ChatClient {
  readonly store: Store<WidgetState> = createStore(initialState());
  readonly events = new Emitter<ConvotEventMap>();
  readonly api: Api;
  private readonly storage: KeyValue;
  private readonly outbox: Outbox;
  private token: string | null;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private running = false;
  private loadedSession: string | null = null;
  private readonly onOnline = () => this.reconnectNow();
  /** Profile changes and timeline events not yet stored by the server. */
  private pendingUpdate: VisitorUpdate = {};
  private pendingEvents: VisitorEvent[] = [];
  private flushing = false;
  private configLoaded = false;

  constructor(readonly options: ChatClientOptions) {
    this.api = new Api(options.server, options.appId);
    this.storage = options.storage ?? appStorage(options.appId);
    this.token = this.storage.get<string>('token');
    this.outbox = new Outbox(this.storage);
    this.store.set({ messages: this.outbox.list().map(pendingMessage) });
  }

  get state(): WidgetState {
    return this.store.get();
  }

  /** Connects (idempotent). Called when the element connects. */
  start(): void {
    if (this.running) return;
    this.running = true;
    globalThis.addEventListener?.('online', this.onOnline);
    void this.connect();
  }

  /** Disconnects and clears timers and listeners. Called when the element disconnects. */
  stop(): void {
    this.running = false;
    globalThis.removeEventListener?.('online', this.onOnline);
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
    this.store.set({ connection: 'idle' });
  }

  // ---- visitor actions --------------------------------------------------------------------

  /**
   * Queues a visitor message: shown at once as pending, kept in the outbox until the server
   * acknowledges it. Returns false (and sends nothing) for empty or over-long text.
   */
  send(text: string): boolean {
    const body = text.trim();
    if (!body || body.length > MAX_MESSAGE_LENGTH) return false;
    const item = { client_id: newClientId(), body, created_at: new Date().toISOString(), after_seq: this.state.lastSeq };
    this.outbox.add(item);
    this.store.set((s) => ({ messages: sortMessages([...s.messages, pendingMessage(item)]) }));
    this.sendFrame({ type: 'message', client_id: item.client_id, body });
    return true;
  }

  setComposerText(text: string): void {
    this.store.set({ composerText: text });
  }

  setOpen(open: boolean): void {
    if (this.state.open === open) return;
    this.store.set({ open });
    if (open) this.markRead();
    this.events.emit(open ? 'chat:opened' : 'chat:closed', undefined);
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
    if (this.state.user[field] !== value) {
      this.store.set((s) => ({ user: { ...s.user, [field]: value } }));
      this.events.emit(`user:${field}:changed`, value);
    }
    this.queueUpdate({ [WIRE_FIELD[field]]: value });
  }

  /** Applies `identify`: every given field, plus external id, hash and custom data for the server. */
  identify(user: VisitorUpdate): void {
    for (const [field, wire] of Object.entries(WIRE_FIELD) as [UserField, keyof VisitorUpdate][]) {
      const v = user[wire];
      if (typeof v === 'string' && this.state.user[field] !== v) {
        this.store.set((s) => ({ user: { ...s.user, [field]: v } }));
        this.events.emit(`user:${field}:changed`, v);
      }
    }
    this.queueUpdate(user);
  }

  /** Merges into the session data (`set session:data`). */
  setSessionData(data: Record<string, unknown>): void {
    this.store.set((s) => ({ sessionData: { ...s.sessionData, ...data } }));
    this.queueUpdate({ session_data: { ...this.pendingUpdate.session_data, ...data } });
  }

  /** Replaces the segments (`set session:segments`). */
  setSegments(segments: string[]): void {
    this.store.set({ segments: [...segments] });
    this.queueUpdate({ segments: [...segments] });
  }

  /** Adds an event to the visitor's timeline (`set session:event`). */
  addEvent(event: VisitorEvent): void {
    this.pendingEvents.push(event);
    void this.flush();
  }

  /** Forgets this browser's session and history and starts a fresh anonymous one. */
  reset(): void {
    const wasRunning = this.running;
    this.stop();
    this.token = null;
    this.storage.remove('token');
    this.outbox.clear();
    this.pendingUpdate = {};
    this.pendingEvents = [];
    this.loadedSession = null;
    const { open, launcherVisible, appearance } = this.state;
    this.store.set({ ...initialState(), open, launcherVisible, appearance });
    if (wasRunning) this.start();
  }

  private queueUpdate(update: VisitorUpdate): void {
    this.pendingUpdate = { ...this.pendingUpdate, ...update };
    void this.flush();
  }

  /** Sends queued profile changes and events once a session exists; keeps them on failure. */
  private async flush(): Promise<void> {
    if (this.flushing || !this.token || this.state.connection !== 'online') return;
    this.flushing = true;
    try {
      while (Object.keys(this.pendingUpdate).length || this.pendingEvents.length) {
        if (Object.keys(this.pendingUpdate).length) {
          const update = this.pendingUpdate;
          this.pendingUpdate = {};
          try {
            await this.api.request('PUT', 'visitor', update, this.token);
          } catch (e) {
            if (e instanceof ApiError && e.status >= 400 && e.status < 500) console.warn(`Convot: the server refused the visitor data: ${e.message}`);
            else {
              this.pendingUpdate = { ...update, ...this.pendingUpdate };
              return;
            }
          }
        }
        const event = this.pendingEvents[0];
        if (event) {
          try {
            await this.api.request('POST', 'events', event, this.token);
            this.pendingEvents.shift();
          } catch (e) {
            if (e instanceof ApiError && e.status >= 400 && e.status < 500) {
              console.warn(`Convot: the server refused the event ${JSON.stringify(event.name)}: ${e.message}`);
              this.pendingEvents.shift();
            } else return;
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private applyProfile(v: VisitorProfile): void {
    const user: UserProfile = { ...this.state.user };
    for (const [field, wire] of Object.entries(WIRE_FIELD) as [UserField, keyof VisitorProfile][]) {
      const value = v[wire] as string | null;
      // A value set on this page and not yet stored wins over the server's copy.
      if (value !== null && this.pendingUpdate[wire as keyof VisitorUpdate] === undefined) user[field] = value;
    }
    this.store.set((s) => ({
      user,
      sessionData: { ...v.session_data, ...s.sessionData },
      segments: this.pendingUpdate.segments ?? v.segments,
    }));
  }

  // ---- connection -------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (!this.running) return;
    this.store.set({ connection: 'connecting' });
    let session: SessionResponse;
    try {
      const [config, s] = await Promise.all([
        this.configLoaded ? null : this.api.request<AppPublicConfig>('GET', 'config'),
        this.api.request<SessionResponse>('POST', 'sessions', {}, this.token),
      ]);
      session = s;
      if (config) {
        this.configLoaded = true;
        this.store.set({ appearance: config.appearance ?? {} });
      }
    } catch (e) {
      this.handleConnectError(e);
      return;
    }
    if (!this.running) return;
    if (session.token !== this.token) {
      // A new session: nothing this browser holds belongs to it.
      this.token = session.token;
      this.storage.set('token', session.token);
      this.store.set((s) => ({ messages: s.messages.filter((m) => m.status === 'pending'), lastSeq: 0, readSeq: 0, unread: 0, conversationId: null }));
    }
    this.store.set({ sessionId: session.session_id, problem: null });
    this.openSocket();
  }

  private handleConnectError(e: unknown): void {
    if (e instanceof ApiError && e.code === 'CONVOT_ERR_UNKNOWN_APP') {
      console.warn(`Convot: the server has no app with app-id ${JSON.stringify(this.options.appId)}; check the app id in your snippet or element.`);
      this.store.set({ connection: 'offline', problem: 'unknown-app' });
      return; // retrying cannot help
    }
    if (e instanceof ApiError && e.code === 'CONVOT_ERR_ORIGIN_NOT_ALLOWED') {
      console.warn(`Convot: ${location.origin} is not in allowed_origins of app ${JSON.stringify(this.options.appId)}; add it to the server config.`);
      this.store.set({ connection: 'offline', problem: 'origin' });
      return;
    }
    this.store.set({ connection: 'offline' });
    this.scheduleReconnect();
  }

  private openSocket(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.api.socketUrl);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.sendRaw(ws, { type: 'auth', token: this.token!, last_seq: this.state.lastSeq });
    };
    ws.onmessage = (ev: MessageEvent) => {
      let frame: VisitorServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as VisitorServerFrame;
      } catch {
        return;
      }
      if (typeof frame === 'object' && frame !== null) this.handleFrame(frame);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.pingTimer);
      if (!this.running) return;
      this.store.set({ connection: 'offline' });
      if (ev.code === 4401) {
        // The server no longer knows this token: start a fresh session.
        this.token = null;
        this.storage.remove('token');
      }
      this.scheduleReconnect();
    };
  }

  private handleFrame(frame: VisitorServerFrame): void {
    switch (frame.type) {
      case 'ready': {
        this.attempt = 0;
        this.store.set((s) => {
          const messages = mergeMessages(s.messages, frame.messages);
          const lastSeq = Math.max(s.lastSeq, frame.messages.at(-1)?.seq ?? 0);
          const readSeq = Math.max(s.readSeq, frame.read_seq);
          return { connection: 'online', conversationId: frame.conversation_id, messages, lastSeq, readSeq, unread: countUnread(messages, readSeq) };
        });
        this.setAvailable(frame.available);
        if (frame.visitor) this.applyProfile(frame.visitor);
        void this.flush();
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.sendFrame({ type: 'ping' }), PING_MS);
        for (const item of this.outbox.list()) this.sendFrame({ type: 'message', client_id: item.client_id, body: item.body });
        if (this.loadedSession !== frame.session_id) {
          this.loadedSession = frame.session_id;
          this.events.emit('session:loaded', { session_id: frame.session_id });
        }
        if (this.state.open) this.markRead();
        return;
      }
      case 'ack':
        this.outbox.remove(frame.client_id);
        this.receive(frame.message);
        this.events.emit('message:sent', { unread_count: this.state.unread });
        return;
      case 'message':
        this.receive(frame.message);
        return;
      case 'availability':
        this.setAvailable(frame.available);
        return;
      case 'error':
        console.warn(`Convot: the server refused a request: ${frame.code}: ${frame.message}`);
        return;
      default:
        return;
    }
  }

  private receive(message: WireMessage): void {
    const known = this.state.messages.some((m) => m.seq === message.seq && m.key === (message.client_id ?? `seq:${message.seq}`));
    this.store.set((s) => {
      const messages = mergeMessages(s.messages, [message]);
      return {
        messages,
        conversationId: message.conversation_id,
        lastSeq: Math.max(s.lastSeq, message.seq),
        unread: countUnread(messages, s.readSeq),
      };
    });
    if (known || message.author === 'visitor') return;
    if (this.state.open && (typeof document === 'undefined' || document.visibilityState === 'visible')) this.markRead();
    this.events.emit('message:received', { unread_count: this.state.unread });
  }

  private setAvailable(available: boolean): void {
    if (this.state.available === available) return;
    this.store.set({ available });
    this.events.emit('website:availability:changed', available);
  }

  private sendFrame(frame: VisitorClientFrame): void {
    if (this.ws && this.state.connection === 'online') this.sendRaw(this.ws, frame);
  }

  private sendRaw(ws: WebSocket, frame: VisitorClientFrame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  private scheduleReconnect(): void {
    clearTimeout(this.retryTimer);
    if (!this.running) return;
    this.retryTimer = setTimeout(() => void this.connect(), backoff(this.attempt++));
  }

  private reconnectNow(): void {
    if (!this.running || this.ws) return;
    this.attempt = 0;
    clearTimeout(this.retryTimer);
    void this.connect();
  }
}

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
