/**
 * <convot-inbox>: the agent inbox app. It owns all state (session, conversation list, the open
 * conversation, pending replies, socket status) and passes it down to the list, conversation
 * and visitor elements, which report back with events.
 *
 * Data flow: REST loads snapshots; the socket streams changes. After every socket `ready`
 * (first connect and each reconnect) the list and the open conversation are refetched, so
 * nothing that happened while the socket was down, or before it subscribed, is missed.
 * Replies go over REST: each request gets its own success or error, and the client_id makes
 * retries idempotent. The live echo of the same message is deduplicated by seq and client_id.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import type { AgentProfile, AgentServerFrame, ConversationSummary, TimelineEvent, WireMessage } from '../protocol/wire.js';
import type { LoginDetail } from './login-form.js';
import { initials } from './format.js';
import { ApiError, inboxApi } from './inbox-api.js';
import { InboxSocket, type SocketStatus } from './inbox-socket.js';
import { mergeMessages, mergeSummaries, newClientId, upsertSummary, type PendingReply } from './inbox-state.js';
import { base, tokens } from './inbox.styles.js';

type Phase = 'loading' | 'signed-out' | 'ready' | 'error';

const TITLE = 'Convot inbox';
const CLOCK_MS = 30_000;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : 'Something went wrong.';
}

export class ConvotInbox extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        position: fixed;
        inset: 0;
        display: grid;
      }
      .app {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr);
        min-height: 0;
        min-width: 0;
      }
      header.top {
        display: flex;
        align-items: center;
        gap: 16px;
        height: 56px;
        padding: 0 16px;
        border-bottom: 1px solid var(--in-border);
        background: var(--in-surface);
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 10px;
        margin: 0;
        font-size: 16px;
        font-weight: 700;
      }
      .logo {
        display: grid;
        place-items: center;
        width: 30px;
        height: 30px;
        border-radius: 8px;
        background: var(--in-primary);
        color: var(--in-on-primary);
        font-size: 15px;
      }
      .spacer {
        flex: 1;
      }
      .conn {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 4px 10px;
        border-radius: 999px;
        background: var(--in-warn-soft);
        color: var(--in-on-warn);
        font-size: 12px;
        font-weight: 600;
      }
      .header-error {
        color: var(--in-danger);
        font-size: 13px;
      }
      .online-count {
        color: var(--in-muted);
        font-size: 13px;
        white-space: nowrap;
      }
      .presence {
        display: inline-flex;
        gap: 2px;
        padding: 2px;
        border: 1px solid var(--in-border);
        border-radius: 999px;
        background: var(--in-surface);
      }
      .presence button {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        height: 30px;
        padding: 0 12px;
        border: 0;
        border-radius: 999px;
        background: transparent;
        color: var(--in-muted);
        font-weight: 600;
        font-size: 13px;
      }
      .presence button:hover {
        background: var(--in-hover);
      }
      /* The chosen state reads from its check mark and weight, not colour alone. */
      .presence button[aria-pressed='true'] {
        background: var(--in-soft);
        color: var(--in-on-soft);
      }
      .presence .mark {
        width: 1em;
        text-align: center;
      }
      .me {
        display: flex;
        align-items: center;
        gap: 8px;
        min-width: 0;
        font-weight: 600;
        font-size: 13px;
      }
      .me .name {
        max-width: 180px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .me .avatar {
        width: 30px;
        height: 30px;
        font-size: 12px;
      }
      .columns {
        display: grid;
        grid-template-columns: 320px minmax(0, 1fr) 300px;
        min-height: 0;
      }
      @media (max-width: 1200px) {
        .columns {
          grid-template-columns: 280px minmax(0, 1fr) 260px;
        }
      }
      @media (max-width: 860px) {
        .columns {
          grid-template-columns: 240px minmax(0, 1fr);
        }
        convot-inbox-profile,
        .online-count,
        .me .name {
          display: none;
        }
      }
      .splash {
        display: grid;
        place-content: center;
        gap: 12px;
        color: var(--in-muted);
        text-align: center;
      }
    `,
  ];

  @state() private phase: Phase = 'loading';
  @state() private bootError = '';
  @state() private agent: AgentProfile | null = null;
  /** Null until the server has told us (from /me or the socket's ready frame). */
  @state() private agentsOnline: number | null = null;
  @state() private conversations: ConversationSummary[] = [];
  @state() private listLoaded = false;
  /** The server has conversations older than the oldest in the list. */
  @state() private hasMore = false;
  @state() private loadingOlder = false;
  @state() private selectedId: string | null = null;
  /** Stored messages and timeline of the open conversation. */
  @state() private messages: WireMessage[] = [];
  @state() private events: TimelineEvent[] = [];
  @state() private threadLoading = false;
  @state() private threadError = '';
  /** Replies not yet stored, across conversations. */
  @state() private pending: PendingReply[] = [];
  @state() private socketStatus: SocketStatus = 'closed';
  @state() private loginBusy = false;
  @state() private loginError = '';
  @state() private loginNotice = '';
  @state() private headerError = '';
  @state() private now = Date.now();

  private readonly socket = new InboxSocket({
    frame: (f) => this.onFrame(f),
    status: (s) => (this.socketStatus = s),
    rejected: () => void this.checkSession(),
  });
  private clock?: ReturnType<typeof setInterval>;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  /** Highest seq already marked read per conversation, so each read mark is sent once. */
  private readSent = new Map<string, number>();
  private readonly onVisibility = () => this.markReadIfSeen();

  override connectedCallback(): void {
    super.connectedCallback();
    this.clock = setInterval(() => (this.now = Date.now()), CLOCK_MS);
    document.addEventListener('visibilitychange', this.onVisibility);
    if (this.phase === 'loading') void this.boot();
    else if (this.phase === 'ready') this.socket.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
    clearTimeout(this.refreshTimer);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.socket.stop();
  }

  protected override willUpdate(changed: PropertyValues): void {
    // Before render, so the cleared unread mark is part of the same update.
    if (changed.has('conversations') || changed.has('selectedId') || changed.has('threadLoading')) this.markReadIfSeen();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('conversations') || changed.has('phase')) {
      const unread = this.phase === 'ready' ? this.conversations.filter((c) => c.unread_count > 0).length : 0;
      document.title = unread ? `(${unread}) ${TITLE}` : TITLE;
    }
  }

  // ---- session --------------------------------------------------------------------------

  private async boot(): Promise<void> {
    this.phase = 'loading';
    this.bootError = '';
    try {
      const me = await inboxApi.me();
      if (me.agent) this.enter(me.agent, me.agents_online);
      else this.phase = 'signed-out';
    } catch (e) {
      if (e instanceof ApiError && e.signedOut) this.phase = 'signed-out';
      else {
        this.bootError = errorText(e);
        this.phase = 'error';
      }
    }
  }

  private enter(agent: AgentProfile, agentsOnline: number | null): void {
    this.agent = agent;
    this.agentsOnline = agentsOnline;
    this.loginError = '';
    this.loginNotice = '';
    this.phase = 'ready';
    this.socket.start();
    void this.loadConversations();
    // A reload keeps the open conversation (its id is in the URL fragment).
    const fromUrl = decodeURIComponent(location.hash.slice(1));
    if (fromUrl && !this.selectedId) this.select(fromUrl);
  }

  private async onLogin(e: CustomEvent<LoginDetail>): Promise<void> {
    this.loginBusy = true;
    this.loginError = '';
    try {
      const { agent } = await inboxApi.login(e.detail.email, e.detail.password);
      this.enter(agent, null);
    } catch (err) {
      this.loginError = errorText(err);
    } finally {
      this.loginBusy = false;
    }
  }

  private async signOut(): Promise<void> {
    this.socket.stop();
    try {
      await inboxApi.logout();
    } catch {
      // The cookie is cleared server-side only; a failed call still leaves this page signed out.
    }
    this.reset('');
  }

  /** Any call answered 401: the session expired or was revoked. */
  private sessionEnded(): void {
    this.socket.stop();
    this.reset('Your session has ended. Sign in again to continue.');
  }

  private reset(notice: string): void {
    this.phase = 'signed-out';
    this.loginNotice = notice;
    this.agent = null;
    this.agentsOnline = null;
    this.conversations = [];
    this.listLoaded = false;
    this.selectedId = null;
    this.messages = [];
    this.events = [];
    this.pending = [];
    this.readSent.clear();
    this.headerError = '';
    history.replaceState(null, '', location.pathname + location.search);
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
      if (!(await inboxApi.me()).agent) this.sessionEnded();
    } catch (e) {
      this.handledAuth(e);
    }
  }

  // ---- data -----------------------------------------------------------------------------

  /** The newest page; older pages already loaded stay (they are refreshed by socket frames). */
  private async loadConversations(): Promise<void> {
    try {
      const { conversations, has_more } = await inboxApi.conversations();
      if (this.phase !== 'ready') return;
      const olderLoaded = this.conversations.length > conversations.length;
      this.conversations = mergeSummaries(this.conversations, conversations.map((c) => this.withReads(c)), has_more);
      if (!olderLoaded) this.hasMore = has_more;
      this.listLoaded = true;
    } catch (e) {
      if (!this.handledAuth(e)) this.headerError = `Could not load conversations: ${errorText(e)}`;
    }
  }

  /** The next page after the oldest conversation in the list. */
  private async loadOlder(): Promise<void> {
    const oldest = this.conversations.at(-1);
    if (!oldest || this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      const { conversations, has_more } = await inboxApi.conversations(oldest.id);
      this.conversations = mergeSummaries(this.conversations, conversations.map((c) => this.withReads(c)), true);
      this.hasMore = has_more;
    } catch (e) {
      if (!this.handledAuth(e)) this.headerError = `Could not load older conversations: ${errorText(e)}`;
    } finally {
      this.loadingOlder = false;
    }
  }

  private select(id: string): void {
    if (id === this.selectedId) return;
    this.selectedId = id;
    this.messages = [];
    this.events = [];
    this.threadError = '';
    history.replaceState(null, '', '#' + encodeURIComponent(id));
    void this.loadThread();
  }

  /** Fetches the open conversation's messages (only newer ones once loaded) and timeline. */
  private async loadThread(): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    const after = this.messages.at(-1)?.seq ?? 0;
    this.threadLoading = true;
    try {
      const h = await inboxApi.history(id, after);
      if (id !== this.selectedId) return;
      this.messages = mergeMessages(this.messages, h.messages);
      this.events = h.events;
      this.threadError = '';
      this.conversations = upsertSummary(this.conversations, this.withReads(h.conversation));
      this.settlePending(h.messages);
    } catch (e) {
      if (id !== this.selectedId || this.handledAuth(e)) return;
      if (e instanceof ApiError && e.status === 404) {
        // A stale link (URL fragment) or a deleted conversation: show nothing rather than an error.
        this.selectedId = null;
        this.conversations = this.conversations.filter((c) => c.id !== id);
        history.replaceState(null, '', location.pathname + location.search);
      } else this.threadError = errorText(e);
    } finally {
      if (id === this.selectedId) this.threadLoading = false;
    }
  }

  /** Coalesces refreshes of the open conversation (several `conversation` frames in a row). */
  private refreshThreadSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.loadThread(), 250);
  }

  /** Stored messages replace the pending replies they came from. */
  private settlePending(stored: WireMessage[]): void {
    const ids = new Set(stored.map((m) => m.client_id).filter((x): x is string => !!x));
    if (ids.size && this.pending.some((p) => ids.has(p.client_id))) this.pending = this.pending.filter((p) => !ids.has(p.client_id));
  }

  private onStored(message: WireMessage): void {
    if (message.conversation_id === this.selectedId) this.messages = mergeMessages(this.messages, [message]);
    this.settlePending([message]);
    // Keep the row's preview current even if the socket is down; its frame will supersede this.
    const c = this.conversations.find((x) => x.id === message.conversation_id);
    if (c && message.seq > c.last_seq) {
      this.conversations = upsertSummary(this.conversations, {
        ...c,
        last_seq: message.seq,
        last_message: message,
        last_message_at: message.created_at,
      });
    }
  }

  private onFrame(f: AgentServerFrame): void {
    switch (f.type) {
      case 'ready':
        this.agent = f.agent;
        this.agentsOnline = f.agents_online;
        this.headerError = '';
        void this.loadConversations();
        if (this.selectedId) void this.loadThread();
        return;
      case 'message':
        this.conversations = upsertSummary(this.conversations, this.withReads(f.conversation));
        this.onStored(f.message);
        return;
      case 'ack':
        this.onStored(f.message);
        return;
      case 'conversation':
        this.conversations = upsertSummary(this.conversations, this.withReads(f.conversation));
        // Profile and timeline changes arrive as bare summaries; the timeline needs a refetch.
        if (f.conversation.id === this.selectedId) this.refreshThreadSoon();
        return;
      case 'presence':
        this.agentsOnline = f.agents_online;
        if (this.agent && f.agent.id === this.agent.id) this.agent = f.agent;
        return;
      case 'error':
        if (f.code === 'CONVOT_ERR_AGENT_AUTH_REQUIRED') this.sessionEnded();
        else console.warn('convot inbox:', f.code, f.message);
        return;
      case 'pong':
        return;
    }
  }

  /**
   * A snapshot taken before our read mark reached the server still counts those messages
   * unread; apply the read locally so the row does not flip back to unread.
   */
  private withReads(c: ConversationSummary): ConversationSummary {
    const read = this.readSent.get(c.id) ?? -1;
    return read >= c.last_seq && c.unread_count > 0 ? { ...c, unread_count: 0, agent_read_seq: read } : c;
  }

  /** Marks the open conversation read once its messages are on a visible screen. */
  private markReadIfSeen(): void {
    const id = this.selectedId;
    if (this.phase !== 'ready' || !id || this.threadLoading || this.threadError || document.visibilityState !== 'visible') return;
    const c = this.conversations.find((x) => x.id === id);
    if (!c || c.unread_count === 0) return;
    const seq = Math.max(c.last_seq, this.messages.at(-1)?.seq ?? 0);
    if ((this.readSent.get(id) ?? -1) >= seq) return;
    this.readSent.set(id, seq);
    this.conversations = this.conversations.map((x) => (x.id === id ? { ...x, unread_count: 0, agent_read_seq: seq } : x));
    if (!this.socket.send({ type: 'read', conversation_id: id, seq })) {
      inboxApi.markRead(id, seq).catch((e: unknown) => {
        this.readSent.delete(id);
        this.handledAuth(e);
      });
    }
  }

  // ---- replies and presence -------------------------------------------------------------

  private onSend(e: CustomEvent<string>): void {
    const id = this.selectedId;
    if (!id) return;
    const p: PendingReply = {
      client_id: newClientId(),
      conversation_id: id,
      body: e.detail,
      created_at: new Date().toISOString(),
      status: 'sending',
    };
    this.pending = [...this.pending, p];
    void this.deliver(p);
  }

  private onRetry(e: CustomEvent<string>): void {
    const p = this.pending.find((x) => x.client_id === e.detail);
    if (!p) return;
    const again: PendingReply = { ...p, status: 'sending', error: undefined };
    this.pending = this.pending.map((x) => (x === p ? again : x));
    void this.deliver(again);
  }

  private async deliver(p: PendingReply): Promise<void> {
    try {
      const { message } = await inboxApi.send(p.conversation_id, p.client_id, p.body);
      this.onStored(message);
    } catch (e) {
      if (this.handledAuth(e)) return;
      const failed: PendingReply = { ...p, status: 'failed', error: errorText(e).replace(/\.$/, '') };
      this.pending = this.pending.map((x) => (x.client_id === p.client_id ? failed : x));
    }
  }

  /** Away is remembered by the server; while not away, an open inbox makes this agent available. */
  private async setAway(away: boolean): Promise<void> {
    const agent = this.agent;
    if (!agent || agent.away === away) return;
    this.agent = { ...agent, away, online: !away };
    this.headerError = '';
    try {
      const res = await inboxApi.setAway(away);
      if (this.agent) this.agent = { ...this.agent, away: res.away, online: !res.away };
    } catch (e) {
      if (this.handledAuth(e)) return;
      if (this.agent) this.agent = { ...this.agent, away: !away, online: away };
      this.headerError = `Could not change your status: ${errorText(e)}`;
    }
  }

  // ---- render ---------------------------------------------------------------------------

  private renderHeader(agent: AgentProfile) {
    const online = this.agentsOnline;
    return html`<header class="top">
      <h1 class="brand"><span class="logo" aria-hidden="true">C</span>Convot inbox</h1>
      <span class="spacer"></span>
      <!-- Live regions stay rendered (empty) so their changes are announced. -->
      <span role="status">${this.socketStatus === 'reconnecting' ? html`<span class="conn">Reconnecting…</span>` : nothing}</span>
      <span role="alert">${this.headerError ? html`<span class="header-error">${this.headerError}</span>` : nothing}</span>
      ${online === null ? nothing : html`<span class="online-count">${online} ${online === 1 ? 'agent' : 'agents'} available</span>`}
      <div class="presence" role="group" aria-label="Your status" title="Visitors can reach you while this inbox is open, unless you choose Away">
        ${this.renderStatusChoice('Available', false, agent.away)} ${this.renderStatusChoice('Away', true, agent.away)}
      </div>
      <span class="me"><span class="avatar" aria-hidden="true">${initials(agent.name)}</span><span class="name">${agent.name}</span></span>
      <button class="btn ghost signout" type="button" @click=${this.signOut}>Sign out</button>
    </header>`;
  }

  private renderStatusChoice(label: string, away: boolean, current: boolean) {
    const chosen = away === current;
    return html`<button type="button" aria-pressed=${chosen ? 'true' : 'false'} @click=${() => this.setAway(away)}>
      <span class="mark" aria-hidden="true">${chosen ? '✓' : ''}</span>${label}
    </button>`;
  }

  protected override render() {
    switch (this.phase) {
      case 'loading':
        return html`<div class="splash" role="status">Loading…</div>`;
      case 'error':
        return html`<div class="splash">
          <p role="alert">${this.bootError}</p>
          <p><button class="btn primary" type="button" @click=${this.boot}>Try again</button></p>
        </div>`;
      case 'signed-out':
        return html`<convot-inbox-login
          .busy=${this.loginBusy}
          .error=${this.loginError}
          .notice=${this.loginNotice}
          @inbox-login=${this.onLogin}
        ></convot-inbox-login>`;
      case 'ready': {
        const selected = this.conversations.find((c) => c.id === this.selectedId) ?? null;
        return html`<div class="app">
          ${this.renderHeader(this.agent!)}
          <main class="columns">
            <convot-inbox-list
              .conversations=${this.conversations}
              .selectedId=${this.selectedId}
              .loaded=${this.listLoaded}
              .hasMore=${this.hasMore}
              .loadingMore=${this.loadingOlder}
              @inbox-load-more=${this.loadOlder}
              .agentName=${this.agent!.name}
              .now=${this.now}
              @inbox-select=${(e: CustomEvent<string>) => this.select(e.detail)}
            ></convot-inbox-list>
            <convot-inbox-thread
              .conversation=${selected}
              .messages=${selected ? this.messages : []}
              .pending=${this.pending.filter((p) => p.conversation_id === this.selectedId)}
              .loading=${this.threadLoading}
              .error=${this.threadError}
              .agentName=${this.agent!.name}
              .now=${this.now}
              @inbox-send=${this.onSend}
              @inbox-retry=${this.onRetry}
              @inbox-reload=${this.loadThread}
            ></convot-inbox-thread>
            <convot-inbox-profile .visitor=${selected?.visitor ?? null} .events=${selected ? this.events : []} .now=${this.now}></convot-inbox-profile>
          </main>
        </div>`;
      }
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'convot-inbox': ConvotInbox;
  }
}
