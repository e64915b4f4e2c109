/**
 * <convot-inbox>: the agent inbox app. Its data and the rules that change it (session, list,
 * the open conversation, pending replies, read marks, presence, socket status) live in the
 * DOM-free InboxController and its store (inbox-store.ts); this element renders each snapshot,
 * passes it down to the list, conversation and visitor elements, and forwards their events to
 * the controller. What only the page knows stays here: the URL fragment, page visibility, the
 * document title and the clock.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import type { AgentProfile, WireMessage } from '../protocol/wire.js';
import type { LoginDetail } from './login-form.js';
import { initials } from './format.js';
import { InboxController, filtering, type InboxState } from './inbox-store.js';
import type { ConversationFilter } from '../protocol/routes.js';
import type { ShareDetail } from './share-menu.js';
import { base, tokens } from './inbox.styles.js';
import { alertAgent, askNotifications, loadMuted, notificationState, saveMuted, type NotificationState } from './alerts.js';

const TITLE = 'Convot inbox';
const CLOCK_MS = 30_000;

type InboxView = 'conversations' | 'articles' | 'bookings';
const VIEW_NAMES: Record<InboxView, string> = { conversations: 'Conversations', articles: 'Articles', bookings: 'Bookings' };

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
      /* Phones: the list and the open conversation are separate screens (back button in the thread). */
      @media (max-width: 600px) {
        .columns {
          grid-template-columns: minmax(0, 1fr);
        }
        .columns.thread-open convot-inbox-list,
        .columns:not(.thread-open) convot-inbox-thread {
          display: none;
        }
        header.top {
          flex-wrap: wrap;
          gap: 8px;
          height: auto;
          min-height: 56px;
          padding: 6px 8px;
        }
        /* The screens' nav takes a row of its own under the status and Sign out. */
        .views {
          order: 10;
          flex-basis: 100%;
        }
        .views button {
          flex: 1;
        }
        .brand .title {
          /* Still the page's heading for screen readers. */
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip-path: inset(50%);
          white-space: nowrap;
        }
        .me {
          display: none;
        }
        .presence button {
          padding: 0 8px;
        }
      }
      .views {
        display: inline-flex;
        gap: 4px;
      }
      .views button {
        height: 32px;
        padding: 0 12px;
        border: 0;
        border-radius: 8px;
        background: transparent;
        color: var(--in-muted);
        font-weight: 600;
        font-size: 13px;
      }
      .views button[aria-current='page'] {
        background: var(--in-soft);
        color: var(--in-on-soft);
      }
      convot-inbox-bookings {
        background: var(--in-bg);
      }
      main.articles {
        display: grid;
        min-height: 0;
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

  /** The latest snapshot of the inbox's data (the controller's store). */
  @state() private snap: InboxState;
  @state() private now = Date.now();
  /** Which screen the header's nav shows: conversations, the help center's articles, or bookings. */
  @state() private view: InboxView = 'conversations';

  /** Data and its rules live here, without the DOM; this element renders and forwards UI events. */
  readonly controller = new InboxController({
    // A reload keeps the open conversation (its id is in the URL fragment).
    linkedConversation: () => decodeURIComponent(location.hash.slice(1)) || null,
    // Alerts only for what the agent is not looking at.
    visitorWrote: (c, m) => {
      if (c.id !== this.snap.selectedId || this.view !== 'conversations' || document.visibilityState !== 'visible') {
        alertAgent(c, m, this.muted, (id) => {
          this.view = 'conversations';
          this.controller.select(id);
        });
      }
    },
  });
  /** The alert sound is off (remembered in this browser). */
  @state() private muted = loadMuted();
  @state() private notifications: NotificationState = notificationState();
  private unsubscribe?: () => void;
  private clock?: ReturnType<typeof setInterval>;
  private readonly onVisibility = () => this.markReadIfSeen();

  constructor() {
    super();
    this.snap = this.controller.state;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.snap = this.controller.state;
    this.unsubscribe = this.controller.store.subscribe((s, prev) => this.onState(s, prev));
    this.clock = setInterval(() => (this.now = Date.now()), CLOCK_MS);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.controller.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.controller.disconnect();
    this.unsubscribe?.();
  }

  private onState(s: InboxState, prev: InboxState): void {
    this.snap = s;
    // The open conversation is kept in the URL fragment, so a reload reopens it.
    if (s.selectedId !== prev.selectedId) {
      history.replaceState(null, '', s.selectedId ? '#' + encodeURIComponent(s.selectedId) : location.pathname + location.search);
    }
  }

  protected override willUpdate(changed: PropertyValues): void {
    // Before render, so the cleared unread mark is part of the same update.
    const prev = changed.get('snap') as InboxState | undefined;
    const s = this.snap;
    if (changed.has('snap') && (!prev || prev.conversations !== s.conversations || prev.selectedId !== s.selectedId || prev.threadLoading !== s.threadLoading)) {
      this.markReadIfSeen();
    }
  }

  protected override updated(changed: PropertyValues): void {
    const prev = changed.get('snap') as InboxState | undefined;
    const s = this.snap;
    if (changed.has('snap') && (!prev || prev.conversations !== s.conversations || prev.phase !== s.phase)) {
      const unread = s.phase === 'ready' ? s.conversations.filter((c) => c.unread_count > 0).length : 0;
      document.title = unread ? `(${unread}) ${TITLE}` : TITLE;
    }
  }

  /** Read marks go out only for messages on a visible screen. */
  private markReadIfSeen(): void {
    this.controller.markReadIfSeen(document.visibilityState === 'visible');
  }

  // ---- render ---------------------------------------------------------------------------

  private renderHeader(s: InboxState, agent: AgentProfile) {
    const online = s.agentsOnline;
    return html`<header class="top">
      <h1 class="brand"><span class="logo" aria-hidden="true">C</span><span class="title">Convot inbox</span></h1>
      <nav class="views" aria-label="Inbox screens">
        ${(['conversations', 'articles', 'bookings'] as const).map(
          (v) => html`<button type="button" aria-current=${this.view === v ? 'page' : 'false'} @click=${() => (this.view = v)}>${VIEW_NAMES[v]}</button>`,
        )}
      </nav>
      <span class="spacer"></span>
      <!-- Live regions stay rendered (empty) so their changes are announced. -->
      <span role="status">${s.socketStatus === 'reconnecting' ? html`<span class="conn">Reconnecting…</span>` : nothing}</span>
      <span role="alert">${s.headerError ? html`<span class="header-error">${s.headerError}</span>` : nothing}</span>
      ${online === null ? nothing : html`<span class="online-count">${online} ${online === 1 ? 'agent' : 'agents'} available</span>`}
      <div class="presence" role="group" aria-label="Your status" title="Visitors can reach you while this inbox is open, unless you choose Away">
        ${this.renderStatusChoice('Available', false, agent.away)} ${this.renderStatusChoice('Away', true, agent.away)}
      </div>
      <button class="btn ghost alert-toggle" type="button" aria-pressed=${this.muted ? 'true' : 'false'} @click=${() => saveMuted((this.muted = !this.muted))}>
        ${this.muted ? 'Sound off' : 'Sound on'}
      </button>
      ${this.notifications === 'default'
        ? html`<button class="btn ghost enable-notifications" type="button" @click=${async () => (this.notifications = await askNotifications())}>Enable notifications</button>`
        : nothing}
      <span class="me"><span class="avatar" aria-hidden="true">${initials(agent.name)}</span><span class="name">${agent.name}</span></span>
      <button class="btn ghost signout" type="button" @click=${() => this.controller.signOut()}>Sign out</button>
    </header>`;
  }

  private renderStatusChoice(label: string, away: boolean, current: boolean) {
    const chosen = away === current;
    return html`<button type="button" aria-pressed=${chosen ? 'true' : 'false'} @click=${() => this.controller.setAway(away)}>
      <span class="mark" aria-hidden="true">${chosen ? '✓' : ''}</span>${label}
    </button>`;
  }

  protected override render() {
    const s = this.snap;
    const c = this.controller;
    switch (s.phase) {
      case 'loading':
        return html`<div class="splash" role="status">Loading…</div>`;
      case 'error':
        return html`<div class="splash">
          <p role="alert">${s.bootError}</p>
          <p><button class="btn primary" type="button" @click=${() => c.boot()}>Try again</button></p>
        </div>`;
      case 'signed-out':
        return html`<convot-inbox-login
          .busy=${s.loginBusy}
          .error=${s.loginError}
          .notice=${s.loginNotice}
          @inbox-login=${(e: CustomEvent<LoginDetail>) => c.login(e.detail.email, e.detail.password)}
        ></convot-inbox-login>`;
      case 'ready': {
        const agent = s.agent!;
        const selected = s.conversations.find((x) => x.id === s.selectedId) ?? s.found?.find((x) => x.id === s.selectedId) ?? null;
        return html`<div class="app">
          ${this.renderHeader(s, agent)}
          ${this.view === 'bookings'
            ? html`<convot-inbox-bookings
                @inbox-open-conversation=${(e: CustomEvent<string>) => {
                  this.view = 'conversations';
                  c.select(e.detail);
                }}
              ></convot-inbox-bookings>`
            : this.view === 'articles'
              ? html`<main class="articles"><convot-inbox-articles></convot-inbox-articles></main>`
            : html`<main class="columns ${selected ? 'thread-open' : ''}">
            <convot-inbox-list
              .conversations=${s.found ?? s.conversations}
              .selectedId=${s.selectedId}
              .loaded=${s.found ? true : filtering(s.filter) ? false : s.listLoaded}
              .hasMore=${s.found ? s.foundHasMore : s.hasMore}
              .filter=${s.filter}
              .apps=${s.apps}
              @inbox-filter=${(e: CustomEvent<ConversationFilter>) => c.setFilter(e.detail)}
              .loadingMore=${s.loadingOlder}
              @inbox-load-more=${() => c.loadOlder()}
              .agentName=${agent.name}
              .agentEmail=${agent.email}
              .now=${this.now}
              @inbox-select=${(e: CustomEvent<string>) => c.select(e.detail)}
            ></convot-inbox-list>
            <convot-inbox-thread
              .conversation=${selected}
              .messages=${selected ? s.messages : []}
              .pending=${s.pending.filter((p) => p.conversation_id === s.selectedId)}
              .loading=${s.threadLoading}
              .error=${s.threadError}
              .agentName=${agent.name}
              .now=${this.now}
              .typing=${selected ? (s.typing.get(selected.id) ?? null) : null}
              @inbox-send=${(e: CustomEvent<string>) => c.send(e.detail)}
              @inbox-attached=${(e: CustomEvent<WireMessage>) => c.stored(e.detail)}
              @inbox-typing=${(e: CustomEvent<string>) => c.typing(e.detail)}
              @inbox-share=${(e: CustomEvent<ShareDetail>) => void c.share(e.detail)}
              @inbox-retry=${(e: CustomEvent<string>) => c.retry(e.detail)}
              @inbox-reload=${() => c.loadThread()}
              @inbox-back=${() => c.deselect()}
              @inbox-set-status=${(e: CustomEvent<'open' | 'closed'>) => selected && void c.setStatus(selected.id, e.detail)}
            ></convot-inbox-thread>
            <convot-inbox-profile
              .visitor=${selected?.visitor ?? null}
              .context=${selected?.context ?? null}
              .events=${selected ? s.events : []}
              .now=${this.now}
            ></convot-inbox-profile>
          </main>`}
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
