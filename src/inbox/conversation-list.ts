/**
 * The left column: conversations by latest activity, each a button that fires `inbox-select`.
 * Up/Down/Home/End move focus between rows so a long list is quick to walk with the keyboard.
 */
import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ConversationFilter } from '../protocol/routes.js';
import type { ConversationSummary } from '../protocol/wire.js';
import { fullTime, shortTime, visitorName } from './format.js';
import { base } from './inbox.styles.js';
import { avatar, isolate, verifiedMark } from './visuals.js';

export class InboxConversationList extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
        background: var(--in-surface);
        border-inline-end: 1px solid var(--in-border);
      }
      nav {
        flex: 1;
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      .head {
        display: flex;
        align-items: baseline;
        justify-content: space-between;
        gap: 8px;
        padding: 16px 16px 10px;
      }
      h2 {
        margin: 0;
        font-size: 15px;
      }
      .head span {
        color: var(--in-muted);
        font-size: 12px;
      }
      ul {
        flex: 1;
        margin: 0;
        padding: 0 8px 8px;
        list-style: none;
        overflow-y: auto;
      }
      li + li {
        margin-top: 2px;
      }
      .conversation {
        display: flex;
        align-items: center;
        gap: 10px;
        width: 100%;
        padding: 10px;
        border: 0;
        border-radius: 10px;
        background: transparent;
        text-align: start;
      }
      .conversation:hover {
        background: var(--in-hover);
      }
      .conversation[aria-current='true'] {
        background: var(--in-selected);
      }
      .conversation:focus-visible {
        outline-offset: -2px;
      }
      .main {
        flex: 1;
        min-width: 0;
        display: grid;
        gap: 2px;
      }
      .top,
      .bottom {
        display: flex;
        align-items: center;
        gap: 6px;
        min-width: 0;
      }
      .name {
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-weight: 500;
      }
      time {
        margin-inline-start: auto;
        flex: none;
        color: var(--in-muted);
        font-size: 12px;
      }
      .preview {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        color: var(--in-muted);
        font-size: 13px;
      }
      .unread .name,
      .unread .preview {
        font-weight: 700;
        color: var(--in-text);
      }
      .unread time {
        color: var(--in-link);
        font-weight: 600;
      }
      .badge {
        flex: none;
        min-width: 20px;
        height: 20px;
        padding: 0 6px;
        border-radius: 10px;
        background: var(--in-primary);
        color: var(--in-on-primary);
        font-size: 12px;
        font-weight: 700;
        line-height: 20px;
        text-align: center;
      }
      .load-more {
        margin: 8px 12px 16px;
        padding: 8px 12px;
        border: 1px solid var(--in-border);
        border-radius: 8px;
        background: var(--in-surface);
        color: var(--in-text);
        font: inherit;
        cursor: pointer;
      }
      .load-more:hover:not(:disabled) {
        background: var(--in-hover);
      }
      .load-more:focus-visible {
        outline: 2px solid var(--in-primary);
        outline-offset: 2px;
      }
      .find {
        display: grid;
        gap: 8px;
        padding: 0 12px 10px;
      }
      .find input[type='search'] {
        width: 100%;
        min-width: 0;
        height: 34px;
        padding: 0 10px;
        border: 1px solid var(--in-border);
        border-radius: 8px;
        background: var(--in-surface);
        color: inherit;
        font: inherit;
      }
      .filters {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .filters button,
      .filters select {
        height: 28px;
        padding: 0 10px;
        border: 1px solid var(--in-border);
        border-radius: 999px;
        background: transparent;
        color: var(--in-muted);
        font: inherit;
        font-size: 12px;
        font-weight: 600;
      }
      .filters button[aria-pressed='true'] {
        border-color: transparent;
        background: var(--in-soft);
        color: var(--in-on-soft);
      }
      .routing {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        margin-top: 2px;
      }
      .routing .status-chip {
        margin-inline-start: 0;
      }
      .status-chip {
        margin-inline-start: 6px;
        padding: 0 6px;
        border-radius: 999px;
        background: var(--in-surface-2);
        color: var(--in-muted);
        font-size: 11px;
        font-weight: 600;
      }
      .empty {
        margin: 24px 16px;
        color: var(--in-muted);
        text-align: center;
      }
      .empty strong {
        display: block;
        margin-bottom: 4px;
        color: var(--in-text);
      }
    `,
  ];

  @property({ attribute: false }) conversations: ConversationSummary[] = [];
  @property({ attribute: false }) selectedId: string | null = null;
  /** Whether the first fetch finished, to tell "loading" from "nothing yet". */
  @property({ type: Boolean }) loaded = false;
  /** Older conversations exist on the server: show a button that loads the next page. */
  @property({ type: Boolean }) hasMore = false;
  @property({ type: Boolean }) loadingMore = false;
  /** Name of the signed-in agent, so their own last reply previews as "You: …". */
  @property() agentName = '';
  /** The signed-in agent's email: a conversation routed to them says "You". */
  @property() agentEmail = '';
  /** Clock for relative times; the app ticks it so rows age without refetching. */
  @property({ type: Number }) now = Date.now();
  /** The search and filters in force (the list shows what the server found for them). */
  @property({ attribute: false }) filter: ConversationFilter = {};
  /** The agent's apps; the per-app filter shows when there are several. */
  @property({ attribute: false }) apps: { id: string; name: string }[] = [];

  private searchTimer?: ReturnType<typeof setTimeout>;

  /** A changed search or filter, for the app to apply (`inbox-filter`). */
  private changeFilter(patch: ConversationFilter): void {
    const detail: ConversationFilter = { ...this.filter, ...patch };
    this.dispatchEvent(new CustomEvent<ConversationFilter>('inbox-filter', { detail, bubbles: true, composed: true }));
  }

  /** Search as you type, once typing pauses. */
  private onSearchInput(e: Event): void {
    const q = (e.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.changeFilter({ q }), 250);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.searchTimer);
  }

  private renderFind() {
    const f = this.filter;
    const status = (value: 'open' | 'closed', label: string) =>
      html`<button type="button" aria-pressed=${f.status === value ? 'true' : 'false'} @click=${() => this.changeFilter({ status: f.status === value ? undefined : value })}>${label}</button>`;
    return html`<div class="find" role="search">
      <input
        type="search"
        aria-label="Search conversations"
        placeholder="Search messages, names, emails"
        maxlength="200"
        .value=${f.q ?? ''}
        @input=${this.onSearchInput}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter') {
            clearTimeout(this.searchTimer);
            this.changeFilter({ q: (e.target as HTMLInputElement).value });
          }
        }}
      />
      <div class="filters" role="group" aria-label="Filters">
        ${status('open', 'Open')} ${status('closed', 'Closed')}
        <button type="button" aria-pressed=${f.unread ? 'true' : 'false'} @click=${() => this.changeFilter({ unread: !f.unread })}>Unread</button>
        ${this.apps.length > 1
          ? html`<select aria-label="App" @change=${(e: Event) => this.changeFilter({ app: (e.target as HTMLSelectElement).value || undefined })}>
              <option value="" ?selected=${!f.app}>All apps</option>
              ${this.apps.map((a) => html`<option value=${a.id} ?selected=${f.app === a.id}>${a.name}</option>`)}
            </select>`
          : nothing}
      </div>
    </div>`;
  }

  private loadMore(): void {
    this.dispatchEvent(new Event('inbox-load-more', { bubbles: true, composed: true }));
  }

  private select(id: string): void {
    this.dispatchEvent(new CustomEvent<string>('inbox-select', { detail: id, bubbles: true, composed: true }));
  }

  private onKeyDown(e: KeyboardEvent): void {
    const rows = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.conversation')];
    const i = rows.indexOf(e.target as HTMLButtonElement);
    if (i < 0) return;
    const next = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    rows[Math.max(0, Math.min(rows.length - 1, next))]?.focus();
  }

  private preview(c: ConversationSummary): string {
    const m = c.last_message;
    if (!m) return 'No messages yet';
    const text = m.body.replace(/\s+/g, ' ').trim();
    if (m.author !== 'agent') return text;
    return `${m.agent_name && m.agent_name !== this.agentName ? m.agent_name : 'You'}: ${text}`;
  }

  /** What a chat flow's bot did: still answering, the agent it routed to, the tags it added. */
  private routing(c: ConversationSummary) {
    const tags = c.tags ?? [];
    if (!c.bot_active && !c.assignee && !tags.length) return nothing;
    return html`<span class="routing">
      ${c.bot_active ? html`<span class="status-chip">Bot</span>` : nothing}
      ${c.assignee ? html`<span class="status-chip" title=${c.assignee.email}>→ ${isolate(c.assignee.email === this.agentEmail ? 'You' : c.assignee.name)}</span>` : nothing}
      ${tags.map((t) => html`<span class="status-chip tag">${isolate(t)}</span>`)}
    </span>`;
  }

  private row(c: ConversationSummary) {
    const unread = c.unread_count > 0;
    const when = c.last_message_at ?? c.created_at;
    return html`<li>
      <button
        type="button"
        class="conversation ${unread ? 'unread' : ''}"
        data-id=${c.id}
        aria-current=${c.id === this.selectedId ? 'true' : 'false'}
        @click=${() => this.select(c.id)}
      >
        ${avatar(c.visitor)}
        <span class="main">
          <span class="top">
            <span class="name">${isolate(visitorName(c.visitor))}</span>${verifiedMark(c.visitor)}${c.status === 'closed'
              ? html`<span class="status-chip">Closed</span>`
              : nothing}
            <time datetime=${when} title=${fullTime(when)}>${shortTime(when, this.now)}</time>
          </span>
          <span class="bottom">
            <span class="preview">${isolate(this.preview(c))}</span>
            ${unread ? html`<span class="badge">${c.unread_count}<span class="sr-only"> unread</span></span>` : nothing}
          </span>
          ${this.routing(c)}
        </span>
      </button>
    </li>`;
  }

  protected override render() {
    const unread = this.conversations.filter((c) => c.unread_count > 0).length;
    return html`<nav aria-labelledby="list-title">
      <div class="head">
        <h2 id="list-title">Conversations</h2>
        ${unread ? html`<span>${unread} unread</span>` : nothing}
      </div>
      ${this.renderFind()}
      ${this.conversations.length
        ? html`<ul aria-label="Conversations" @keydown=${this.onKeyDown}>
            ${repeat(
              this.conversations,
              (c) => c.id,
              (c) => this.row(c),
            )}
          </ul>
          ${this.hasMore
            ? html`<button class="load-more" type="button" ?disabled=${this.loadingMore} @click=${this.loadMore}>
                ${this.loadingMore ? 'Loading…' : 'Load older conversations'}
              </button>`
            : nothing}`
        : html`<p class="empty" role="status">
            ${!this.loaded
              ? 'Loading conversations…'
              : this.filter.q || this.filter.status || this.filter.unread || this.filter.app
                ? html`<strong>No conversations match</strong>Try other words or fewer filters.`
                : html`<strong>No conversations yet</strong>When a visitor writes, the conversation shows up here.`}
          </p>`}
    </nav>`;
  }
}
