/**
 * The inbox's data and its rules, without the DOM: one `InboxState` in a store (immutable
 * snapshots + subscribe, the widget's `createStore`), pure reducers that turn an event into a
 * patch of that state, and `InboxController`, which performs the effects (REST, the agent
 * socket, timers) and dispatches their results to the reducers.
 *
 * Data flow: REST loads snapshots; the socket streams changes. After every socket `ready`
 * (first connect and each reconnect) the list and the open conversation are refetched, so
 * nothing that happened while the socket was down, or before it subscribed, is missed.
 * Replies go over REST: each request gets its own success or error, and the client_id makes
 * retries idempotent. The live echo of the same message is deduplicated by seq and client_id.
 *
 * What only a page knows (the address, whether it is visible, the clock, focus) stays in
 * <convot-inbox>, which passes it in: `linkedConversation` and `markReadIfSeen(visible)`.
 */
import { createStore, type Store } from '../client/store.js';
import type { ConversationFilter } from '../protocol/routes.js';
import { TypingSender } from '../client/typing.js';
import { TYPING_TTL_MS, type AgentProfile, AgentServerFrame, ConversationSummary, ConversationUpdate, TimelineEvent, WireMessage } from '../protocol/wire.js';
import { ApiError, inboxApi, type History } from './inbox-api.js';
import { InboxSocket, type SocketHandlers, type SocketStatus } from './inbox-socket.js';
import { mergeMessages, mergeSummaries, newClientId, upsertSummary, type PendingReply } from './inbox-state.js';

export type Phase = 'loading' | 'signed-out' | 'ready' | 'error';

/** Everything the inbox shows. Snapshots are frozen and their arrays never mutated. */
export interface InboxState {
  phase: Phase;
  bootError: string;
  agent: AgentProfile | null;
  /** Null until the server has told us (from /me or the socket's ready frame). */
  agentsOnline: number | null;
  /** Newest activity first. */
  conversations: ConversationSummary[];
  listLoaded: boolean;
  /** The server has conversations older than the oldest in the list. */
  hasMore: boolean;
  loadingOlder: boolean;
  selectedId: string | null;
  /** Stored messages of the open conversation, in seq order. */
  messages: WireMessage[];
  /** The open conversation's visitor timeline. */
  events: TimelineEvent[];
  threadLoading: boolean;
  threadError: string;
  /** Replies not yet stored, across conversations. */
  pending: PendingReply[];
  socketStatus: SocketStatus;
  loginBusy: boolean;
  loginError: string;
  loginNotice: string;
  headerError: string;
  /** Highest seq already marked read per conversation, so each read mark is sent once. */
  readSent: ReadonlyMap<string, number>;
  /** The list's search and filters; empty: every conversation. */
  filter: ConversationFilter;
  /** What the server found for `filter` (kept fresh by live updates); null without a filter. */
  found: ConversationSummary[] | null;
  foundHasMore: boolean;
  /** The apps this agent works on (the per-app filter); empty until loaded. */
  apps: { id: string; name: string }[];
  /** Conversations whose visitor is typing now, with their draft preview ('' without one). */
  typing: ReadonlyMap<string, string>;
}

export type InboxStore = Store<InboxState>;
export type Patch = Partial<InboxState>;

export const initialInboxState = (): InboxState => ({
  phase: 'loading',
  bootError: '',
  agent: null,
  agentsOnline: null,
  conversations: [],
  listLoaded: false,
  hasMore: false,
  loadingOlder: false,
  selectedId: null,
  messages: [],
  events: [],
  threadLoading: false,
  threadError: '',
  pending: [],
  socketStatus: 'closed',
  loginBusy: false,
  loginError: '',
  loginNotice: '',
  headerError: '',
  readSent: new Map(),
  filter: {},
  found: null,
  foundHasMore: false,
  apps: [],
  typing: new Map(),
});

/** The visitor of `id` typing (with a preview) or not (a stop frame, their message, the TTL). */
export function typingChanged(s: InboxState, id: string, text: string | null): Patch {
  if (text === null ? !s.typing.has(id) : s.typing.get(id) === text) return {};
  const typing = new Map(s.typing);
  if (text === null) typing.delete(id);
  else typing.set(id, text);
  return { typing };
}

/** How long an alert for an answer to the bot waits for the summary that says whether the bot handed over. */
const HELD_ALERT_MS = 4_000;

export const SESSION_ENDED = 'Your session has ended. Sign in again to continue.';

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : 'Something went wrong.';
}

// ---- reducers: (state, event) → patch; pure, no I/O ----------------------------------------

/** Applies `b` to the state left by `a`, for reducers built from other reducers. */
function chain(s: InboxState, a: Patch, b: (s: InboxState) => Patch): Patch {
  return { ...a, ...b({ ...s, ...a }) };
}

/**
 * A snapshot taken before our read mark reached the server still counts those messages
 * unread; apply the read locally so the row does not flip back to unread.
 */
export function withReads(s: Pick<InboxState, 'readSent'>, c: ConversationSummary): ConversationSummary {
  const read = s.readSent.get(c.id) ?? -1;
  return read >= c.last_seq && c.unread_count > 0 ? { ...c, unread_count: 0, agent_read_seq: read } : c;
}

/** An agent is signed in (from /me, or a successful sign-in). */
export function entered(agent: AgentProfile, agentsOnline: number | null): Patch {
  return { agent, agentsOnline, loginError: '', loginNotice: '', phase: 'ready' };
}

/** Signed out, by choice or because the session ended (`notice` says which). */
export function signedOut(notice: string): Patch {
  return {
    phase: 'signed-out',
    loginNotice: notice,
    agent: null,
    agentsOnline: null,
    conversations: [],
    listLoaded: false,
    selectedId: null,
    messages: [],
    events: [],
    pending: [],
    readSent: new Map(),
    headerError: '',
    filter: {},
    found: null,
    foundHasMore: false,
    apps: [],
  };
}

/** True when a filter is set (the list shows `found`). */
export const filtering = (f: ConversationFilter): boolean => !!(f.q || f.status || f.unread || f.app);

/**
 * Whether a summary passes the filters the inbox can judge itself (status, unread, app). A text
 * search needs the server's stemming, so a live update never adds a conversation to search
 * results: only the server's answer does.
 */
export function matchesLocally(f: ConversationFilter, c: ConversationSummary): boolean {
  return (!f.status || c.status === f.status) && (!f.unread || c.unread_count > 0) && (!f.app || c.app_id === f.app);
}

/**
 * Live changes to the filtered list: summaries that changed replace the held ones (dropped
 * when they no longer match, unless open); a new one joins only without a text search and when
 * it matches.
 */
export function syncFound(s: InboxState, prev: ConversationSummary[], next: ConversationSummary[]): ConversationSummary[] | null {
  if (!s.found) return null;
  const old = new Set(prev);
  let found = s.found;
  for (const c of next) {
    if (old.has(c)) continue;
    const held = found.some((x) => x.id === c.id);
    const keep = matchesLocally(s.filter, c) || c.id === s.selectedId;
    if (held) found = keep ? upsertSummary(found, c) : found.filter((x) => x.id !== c.id);
    else if (keep && !s.filter.q && matchesLocally(s.filter, c)) found = upsertSummary(found, c);
  }
  return found;
}

/** A summary changed (socket frame, fetched thread, close/reopen): upserted unless older. */
export function summaryChanged(s: InboxState, c: ConversationSummary): Patch {
  const conversations = upsertSummary(s.conversations, withReads(s, c));
  return conversations === s.conversations ? {} : { conversations };
}

/** The newest page arrived; older pages already loaded stay (socket frames keep them fresh). */
export function newestPageLoaded(s: InboxState, page: ConversationSummary[], hasMore: boolean): Patch {
  if (s.phase !== 'ready') return {};
  const olderLoaded = s.conversations.length > page.length;
  const conversations = mergeSummaries(s.conversations, page.map((c) => withReads(s, c)), hasMore);
  return olderLoaded ? { conversations, listLoaded: true } : { conversations, hasMore, listLoaded: true };
}

/** The page after the oldest conversation in the list arrived. */
export function olderPageLoaded(s: InboxState, page: ConversationSummary[], hasMore: boolean): Patch {
  // A page requested before a sign-out must not land in the next agent's list.
  if (s.phase !== 'ready') return { loadingOlder: false };
  return { conversations: mergeSummaries(s.conversations, page.map((c) => withReads(s, c)), true), hasMore, loadingOlder: false };
}

/** Opens a conversation: its messages and timeline are fetched next. */
export function selected(s: InboxState, id: string): Patch {
  if (id === s.selectedId) return {};
  return { selectedId: id, messages: [], events: [], threadError: '' };
}

/** Back to the list (on a phone, the list and the conversation are separate screens). */
export function deselected(): Patch {
  return { selectedId: null, messages: [], events: [], threadError: '', threadLoading: false };
}

/** Stored messages replace the pending replies they came from. */
export function settlePending(pending: PendingReply[], stored: WireMessage[]): PendingReply[] {
  const ids = new Set(stored.map((m) => m.client_id).filter((x): x is string => !!x));
  return ids.size && pending.some((p) => ids.has(p.client_id)) ? pending.filter((p) => !ids.has(p.client_id)) : pending;
}

/** A message was stored (a live frame, an ack, or the answer to a reply request). */
export function messageStored(s: InboxState, message: WireMessage): Patch {
  const patch: Patch = {};
  if (message.conversation_id === s.selectedId) patch.messages = mergeMessages(s.messages, [message]);
  const pending = settlePending(s.pending, [message]);
  if (pending !== s.pending) patch.pending = pending;
  // Keep the row's preview current even if the socket is down; its frame will supersede this.
  const c = s.conversations.find((x) => x.id === message.conversation_id);
  if (c && message.seq > c.last_seq) {
    patch.conversations = upsertSummary(s.conversations, { ...c, last_seq: message.seq, last_message: message, last_message_at: message.created_at });
  }
  return patch;
}

/** The open conversation's messages after the ones held, and its timeline, arrived. */
export function threadLoaded(s: InboxState, id: string, h: History): Patch {
  if (id !== s.selectedId) return {};
  return {
    messages: mergeMessages(s.messages, h.messages),
    events: h.events,
    threadError: '',
    threadLoading: false,
    conversations: upsertSummary(s.conversations, withReads(s, h.conversation)),
    pending: settlePending(s.pending, h.messages),
  };
}

/** Fetching the open conversation failed; `notFound` (a stale link, a deleted one) closes it quietly. */
export function threadFailed(s: InboxState, id: string, error: string, notFound: boolean): Patch {
  if (id !== s.selectedId) return {};
  if (notFound) return { selectedId: null, threadLoading: false, conversations: s.conversations.filter((c) => c.id !== id) };
  return { threadError: error, threadLoading: false };
}

/** A message frame's summary, completed with the profile we hold when the frame left it out. */
export function withProfile(s: InboxState, c: ConversationUpdate): ConversationSummary | null {
  if (c.visitor) return c as ConversationSummary;
  const held = s.conversations.find((x) => x.id === c.id);
  return held ? { ...c, visitor: held.visitor } : null;
}

/** What a socket frame changes in the data; effects (refetches, sign-out) are the controller's. */
export function frameApplied(s: InboxState, f: AgentServerFrame): Patch {
  switch (f.type) {
    case 'ready':
      return { agent: f.agent, agentsOnline: f.agents_online, headerError: '' };
    case 'message': {
      const summary = withProfile(s, f.conversation);
      // The visitor's message is what they were typing.
      const stopped = f.message.author === 'visitor' ? typingChanged(s, f.conversation.id, null) : {};
      // Without a profile for an unknown conversation the controller refetches the list.
      return { ...stopped, ...(summary ? chain(s, summaryChanged(s, summary), (t) => messageStored(t, f.message)) : messageStored(s, f.message)) };
    }
    case 'ack':
      return messageStored(s, f.message);
    case 'conversation':
      return summaryChanged(s, f.conversation);
    case 'presence':
      return s.agent && f.agent.id === s.agent.id ? { agentsOnline: f.agents_online, agent: f.agent } : { agentsOnline: f.agents_online };
    case 'typing':
      return typingChanged(s, f.conversation_id, f.typing ? (f.text ?? '') : null);
    case 'error':
    case 'pong':
      return {};
  }
}

/** The read mark due for the open conversation, if its messages are on a visible screen. */
export function readMarkDue(s: InboxState, visible: boolean): { id: string; seq: number } | null {
  const id = s.selectedId;
  if (s.phase !== 'ready' || !id || s.threadLoading || s.threadError || !visible) return null;
  const c = s.conversations.find((x) => x.id === id);
  if (!c || c.unread_count === 0) return null;
  const seq = Math.max(c.last_seq, s.messages.at(-1)?.seq ?? 0);
  if ((s.readSent.get(id) ?? -1) >= seq) return null;
  return { id, seq };
}

/** A read mark is on its way: the row shows read now, and the mark is not sent twice. */
export function readMarked(s: InboxState, id: string, seq: number): Patch {
  return {
    readSent: new Map(s.readSent).set(id, seq),
    conversations: s.conversations.map((x) => (x.id === id ? { ...x, unread_count: 0, agent_read_seq: seq } : x)),
  };
}

/** The read mark did not reach the server: it may be sent again. */
export function readMarkFailed(s: InboxState, id: string): Patch {
  if (!s.readSent.has(id)) return {};
  const readSent = new Map(s.readSent);
  readSent.delete(id);
  return { readSent };
}

export function replyQueued(s: InboxState, p: PendingReply): Patch {
  return { pending: [...s.pending, p] };
}

/** A failed reply goes out again with the same client_id. */
export function replyRetried(s: InboxState, clientId: string): Patch {
  return { pending: s.pending.map((x) => (x.client_id === clientId ? { ...x, status: 'sending', error: undefined } : x)) };
}

export function replyFailed(s: InboxState, p: PendingReply, error: string): Patch {
  if (!s.pending.some((x) => x.client_id === p.client_id)) return {};
  const failed: PendingReply = { ...p, status: 'failed', error: error.replace(/\.$/, '') };
  return { pending: s.pending.map((x) => (x.client_id === p.client_id ? failed : x)) };
}

/** The agent chose Available or Away: shown at once, confirmed or undone by the server's answer. */
export function awayChosen(s: InboxState, away: boolean): Patch {
  if (!s.agent || s.agent.away === away) return {};
  return { agent: { ...s.agent, away, online: !away }, headerError: '' };
}

export function awaySaved(s: InboxState, away: boolean): Patch {
  return s.agent ? { agent: { ...s.agent, away, online: !away } } : {};
}

export function awayFailed(s: InboxState, away: boolean, error: string): Patch {
  const undone: Patch = s.agent ? { agent: { ...s.agent, away: !away, online: away } } : {};
  return { ...undone, headerError: `Could not change your status: ${error}` };
}

// ---- the controller: effects, dispatching to the reducers ----------------------------------

export type InboxApi = Pick<typeof inboxApi, 'me' | 'login' | 'logout' | 'conversations' | 'history' | 'send' | 'sendArticle' | 'offerBooking' | 'markRead' | 'setAway'> &
  Partial<Pick<typeof inboxApi, 'apps' | 'close' | 'reopen'>>;

/** What the controller needs of the agent socket (InboxSocket, or a fake in tests). */
export interface AgentSocket {
  start(): void;
  stop(): void;
  send: InboxSocket['send'];
}

export interface InboxControllerOptions {
  api?: InboxApi;
  socket?: (handlers: SocketHandlers) => AgentSocket;
  /** The conversation the page's address names; opened after sign-in, so a reload keeps it. */
  linkedConversation?: () => string | null;
  /** Coalescing delay for refetching the open conversation after `conversation` frames. */
  refreshDelayMs?: number;
  /** A visitor wrote (a new conversation or a message): the page decides how to alert. */
  visitorWrote?: (conversation: ConversationSummary, message: WireMessage) => void;
}

export class InboxController {
  readonly store: InboxStore = createStore(initialInboxState());
  private readonly api: InboxApi;
  private readonly socket: AgentSocket;
  private readonly linkedConversation: () => string | null;
  private readonly refreshDelayMs: number;
  private refreshTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly options: InboxControllerOptions = {}) {
    this.api = options.api ?? inboxApi;
    this.linkedConversation = options.linkedConversation ?? (() => null);
    this.refreshDelayMs = options.refreshDelayMs ?? 250;
    const handlers: SocketHandlers = {
      frame: (f) => this.onFrame(f),
      status: (socketStatus) => this.store.set({ socketStatus }),
      rejected: () => void this.checkSession(),
    };
    this.socket = options.socket ? options.socket(handlers) : new InboxSocket(handlers);
  }

  get state(): InboxState {
    return this.store.get();
  }

  private apply(reducer: (s: InboxState) => Patch): void {
    this.store.set((s) => {
      const patch = reducer(s);
      // The filtered list follows every change to the conversations it may show.
      if (patch.conversations && s.found && !('found' in patch)) patch.found = syncFound({ ...s, ...patch }, s.conversations, patch.conversations);
      return patch;
    });
  }

  /** The app appeared: boots on first use, else reopens the socket of a signed-in inbox. */
  connect(): void {
    if (this.state.phase === 'loading') void this.boot();
    else if (this.state.phase === 'ready') this.socket.start();
  }

  /** The app went away: the socket closes and timers stop; the data stays for a return. */
  disconnect(): void {
    clearTimeout(this.refreshTimer);
    for (const id of [...this.heldAlerts.keys()]) this.releaseAlert(id, false);
    this.socket.stop();
  }

  /**
   * A visitor's answer to a chat flow's bot (a quick reply) is for the bot: the alert waits for
   * the conversation's summary that follows it, and sounds only if the bot handed over to the
   * team (`bot_active` false). Should that summary not come, the alert sounds after
   * HELD_ALERT_MS rather than being lost.
   */
  private holdAlert(conversationId: string, message: WireMessage): void {
    this.releaseAlert(conversationId, false);
    const timer = setTimeout(() => this.releaseAlert(conversationId, true), HELD_ALERT_MS);
    this.heldAlerts.set(conversationId, { message, timer });
  }

  private releaseAlert(conversationId: string, alert: boolean): void {
    const held = this.heldAlerts.get(conversationId);
    if (!held) return;
    clearTimeout(held.timer);
    this.heldAlerts.delete(conversationId);
    const summary = this.state.conversations.find((c) => c.id === conversationId);
    if (alert && summary) this.options.visitorWrote?.(summary, held.message);
  }

  private readonly heldAlerts = new Map<string, { message: WireMessage; timer: ReturnType<typeof setTimeout> }>();

  // ---- session --------------------------------------------------------------------------

  async boot(): Promise<void> {
    this.store.set({ phase: 'loading', bootError: '' });
    try {
      const me = await this.api.me();
      if (me.agent) this.enter(me.agent, me.agents_online);
      else this.store.set({ phase: 'signed-out' });
    } catch (e) {
      if (e instanceof ApiError && e.signedOut) this.store.set({ phase: 'signed-out' });
      else this.store.set({ bootError: errorText(e), phase: 'error' });
    }
  }

  private enter(agent: AgentProfile, agentsOnline: number | null): void {
    this.store.set(entered(agent, agentsOnline));
    this.socket.start();
    void this.loadConversations();
    void this.api.apps?.().then(
      ({ apps }) => this.state.phase === 'ready' && this.store.set({ apps }),
      () => undefined,
    );
    const linked = this.linkedConversation();
    if (linked && !this.state.selectedId) this.select(linked);
  }

  async login(email: string, password: string): Promise<void> {
    this.store.set({ loginBusy: true, loginError: '' });
    try {
      const { agent } = await this.api.login(email, password);
      this.enter(agent, null);
    } catch (err) {
      this.store.set({ loginError: errorText(err) });
    } finally {
      this.store.set({ loginBusy: false });
    }
  }

  async signOut(): Promise<void> {
    this.socket.stop();
    try {
      await this.api.logout();
    } catch {
      // The cookie is cleared server-side only; a failed call still leaves this page signed out.
    }
    this.store.set(signedOut(''));
  }

  /** Any call answered 401: the session expired or was revoked. */
  private sessionEnded(): void {
    this.socket.stop();
    this.store.set(signedOut(SESSION_ENDED));
  }

  /** Returns true when the error meant "signed out" and was handled. */
  private handledAuth(e: unknown): boolean {
    if (e instanceof ApiError && e.signedOut) {
      this.sessionEnded();
      return true;
    }
    return false;
  }

  /** The socket closed before opening: find out whether the cause is an expired session. */
  private async checkSession(): Promise<void> {
    try {
      if (!(await this.api.me()).agent) this.sessionEnded();
    } catch (e) {
      this.handledAuth(e);
    }
  }

  // ---- data -----------------------------------------------------------------------------

  async loadConversations(): Promise<void> {
    if (filtering(this.state.filter)) void this.loadFound();
    try {
      const { conversations, has_more } = await this.api.conversations();
      this.apply((s) => newestPageLoaded(s, conversations, has_more));
    } catch (e) {
      if (!this.handledAuth(e)) this.store.set({ headerError: `Could not load conversations: ${errorText(e)}` });
    }
  }

  /** Searches and filters the list (the server answers; an empty filter shows every conversation). */
  setFilter(filter: ConversationFilter): void {
    const f: ConversationFilter = {};
    if (filter.q?.trim()) f.q = filter.q.trim();
    if (filter.status) f.status = filter.status;
    if (filter.unread) f.unread = true;
    if (filter.app) f.app = filter.app;
    if (JSON.stringify(f) === JSON.stringify(this.state.filter)) return;
    this.store.set({ filter: f, found: null, foundHasMore: false });
    if (filtering(f)) void this.loadFound();
  }

  /** The first page of the filtered list; an answer for an older filter is dropped. */
  private async loadFound(before?: string): Promise<void> {
    const filter = this.state.filter;
    if (before) this.store.set({ loadingOlder: true });
    try {
      const { conversations, has_more } = await this.api.conversations(before, filter);
      if (this.state.filter !== filter || this.state.phase !== 'ready') return;
      const page = conversations.map((c) => withReads(this.state, c));
      this.store.set((s) => ({ found: before ? mergeSummaries(s.found ?? [], page, true) : page, foundHasMore: has_more }));
    } catch (e) {
      if (!this.handledAuth(e) && this.state.filter === filter) this.store.set({ headerError: `Could not search: ${errorText(e)}` });
    } finally {
      if (before) this.store.set({ loadingOlder: false });
    }
  }

  /** The next page after the oldest conversation in the list. */
  async loadOlder(): Promise<void> {
    if (this.state.found) {
      const last = this.state.found.at(-1);
      if (last && !this.state.loadingOlder) await this.loadFound(last.id);
      return;
    }
    const oldest = this.state.conversations.at(-1);
    if (!oldest || this.state.loadingOlder) return;
    this.store.set({ loadingOlder: true });
    try {
      const { conversations, has_more } = await this.api.conversations(oldest.id);
      this.apply((s) => olderPageLoaded(s, conversations, has_more));
    } catch (e) {
      if (!this.handledAuth(e)) this.store.set({ headerError: `Could not load older conversations: ${errorText(e)}` });
    } finally {
      this.store.set({ loadingOlder: false });
    }
  }

  /** Closes the open conversation view (the phone layout's back button). */
  deselect(): void {
    if (this.state.selectedId !== null) this.apply(deselected);
  }

  select(id: string): void {
    if (id === this.state.selectedId) return;
    this.apply((s) => selected(s, id));
    void this.loadThread();
  }

  /** Fetches the open conversation's messages (only newer ones once loaded) and timeline. */
  async loadThread(): Promise<void> {
    const id = this.state.selectedId;
    if (!id) return;
    const after = this.state.messages.at(-1)?.seq ?? 0;
    this.store.set({ threadLoading: true });
    try {
      const h = await this.api.history(id, after);
      this.apply((s) => threadLoaded(s, id, h));
    } catch (e) {
      if (id !== this.state.selectedId || this.handledAuth(e)) return;
      const notFound = e instanceof ApiError && e.status === 404;
      this.apply((s) => threadFailed(s, id, errorText(e), notFound));
    }
  }

  /** Coalesces refreshes of the open conversation (several `conversation` frames in a row). */
  private refreshThreadSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.loadThread(), this.refreshDelayMs);
  }

  /** Per conversation: forgets the visitor's typing after TYPING_TTL_MS without a refresh. */
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

  /** The agent's typing in the open conversation: throttled frames, a stop when done or elsewhere. */
  private typingConversation: string | null = null;
  private readonly typingOut = new TypingSender((typing) => {
    const id = this.typingConversation;
    return !!id && this.socket.send({ type: 'typing', conversation_id: id, typing });
  });

  /** The reply field of the open conversation now holds `text`. */
  typing(text: string): void {
    if (this.typingConversation !== this.state.selectedId) {
      this.typingOut.stop();
      this.typingConversation = this.state.selectedId;
    }
    this.typingOut.input(text);
  }

  onFrame(f: AgentServerFrame): void {
    this.apply((s) => frameApplied(s, f));
    if (f.type === 'typing') {
      clearTimeout(this.typingTimers.get(f.conversation_id));
      this.typingTimers.delete(f.conversation_id);
      const id = f.conversation_id;
      if (f.typing) this.typingTimers.set(id, setTimeout(() => (this.typingTimers.delete(id), this.apply((s) => typingChanged(s, id, null))), TYPING_TTL_MS));
    }
    switch (f.type) {
      case 'ready':
        void this.loadConversations();
        if (this.state.selectedId) void this.loadThread();
        return;
      case 'message': {
        // A conversation we dropped came back without its profile: the list read has it.
        if (!f.conversation.visitor && !this.state.conversations.some((c) => c.id === f.conversation.id)) void this.loadConversations();
        const summary = this.state.conversations.find((c) => c.id === f.conversation.id);
        if (f.message.author !== 'visitor' || !summary) return;
        if (f.message.card?.type === 'quick_reply') this.holdAlert(summary.id, f.message);
        else this.options.visitorWrote?.(summary, f.message);
        return;
      }
      case 'conversation':
        // Profile and timeline changes arrive as bare summaries; the timeline needs a refetch.
        if (f.conversation.id === this.state.selectedId) this.refreshThreadSoon();
        this.releaseAlert(f.conversation.id, !f.conversation.bot_active);
        return;
      case 'error':
        if (f.code === 'CONVOT_ERR_AGENT_AUTH_REQUIRED') this.sessionEnded();
        else console.warn('convot inbox:', f.code, f.message);
        return;
      default:
        return;
    }
  }

  /** Marks the open conversation read if it is due; `visible`: the page is on screen. */
  markReadIfSeen(visible: boolean): void {
    const due = readMarkDue(this.state, visible);
    if (!due) return;
    const { id, seq } = due;
    this.apply((s) => readMarked(s, id, seq));
    if (!this.socket.send({ type: 'read', conversation_id: id, seq })) {
      this.api.markRead(id, seq).catch((e: unknown) => {
        this.apply((s) => readMarkFailed(s, id));
        this.handledAuth(e);
      });
    }
  }

  // ---- replies and presence -------------------------------------------------------------

  /** Sends a reply in the open conversation; it shows as pending until stored. */
  send(body: string): void {
    const id = this.state.selectedId;
    if (!id) return;
    this.typingOut.stop();
    const p: PendingReply = { client_id: newClientId(), conversation_id: id, body, created_at: new Date().toISOString(), status: 'sending' };
    this.apply((s) => replyQueued(s, p));
    void this.deliver(p);
  }

  /** A message stored outside the reply path (a file the conversation view uploaded). */
  stored(message: WireMessage): void {
    this.apply((s) => messageStored(s, message));
  }

  retry(clientId: string): void {
    if (!this.state.pending.some((x) => x.client_id === clientId)) return;
    this.apply((s) => replyRetried(s, clientId));
    const again = this.state.pending.find((x) => x.client_id === clientId)!;
    void this.deliver(again);
  }

  private async deliver(p: PendingReply): Promise<void> {
    try {
      const { message } = await this.api.send(p.conversation_id, p.client_id, p.body);
      this.apply((s) => messageStored(s, message));
    } catch (e) {
      if (this.handledAuth(e)) return;
      this.apply((s) => replyFailed(s, p, errorText(e)));
    }
  }

  /**
   * Shares an article or offers a meeting type in the open conversation. The stored message
   * (a card) shows when the server answers; a failure shows in the header.
   */
  async share(detail: { kind: 'article'; locale: string; slug: string } | { kind: 'booking'; meeting_type_id: number }): Promise<void> {
    const id = this.state.selectedId;
    if (!id) return;
    const clientId = newClientId();
    try {
      const { message } =
        detail.kind === 'article' ? await this.api.sendArticle(id, clientId, detail.locale, detail.slug) : await this.api.offerBooking(id, clientId, detail.meeting_type_id);
      this.apply((s) => messageStored(s, message));
    } catch (e) {
      if (this.handledAuth(e)) return;
      this.apply(() => ({ headerError: `Not shared: ${errorText(e).replace(/\.$/, '')}.` }));
    }
  }

  /** Closes (resolves) or reopens a conversation; the answer's summary updates every list. */
  async setStatus(id: string, status: 'open' | 'closed'): Promise<void> {
    const call = status === 'closed' ? this.api.close : this.api.reopen;
    if (!call) return;
    try {
      const { conversation } = await call(id);
      this.apply((s) => summaryChanged(s, conversation));
    } catch (e) {
      if (this.handledAuth(e)) return;
      this.store.set({ headerError: `Could not ${status === 'closed' ? 'close' : 'reopen'} the conversation: ${errorText(e).replace(/\.$/, '')}.` });
    }
  }

  /** Away is remembered by the server; while not away, an open inbox makes this agent available. */
  async setAway(away: boolean): Promise<void> {
    const agent = this.state.agent;
    if (!agent || agent.away === away) return;
    this.apply((s) => awayChosen(s, away));
    try {
      const res = await this.api.setAway(away);
      this.apply((s) => awaySaved(s, res.away));
    } catch (e) {
      if (this.handledAuth(e)) return;
      this.apply((s) => awayFailed(s, away, errorText(e)));
    }
  }
}
