import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ChatClient } from '../../client/chat-client.js';
import type { VisitorThread } from '../../protocol/threads.js';
import { listThreads, selectThread } from '../../runtime/threads.js';
import { srOnly } from '../shared/theme.styles.js';
import { threadsStrings } from './threads-strings.js';

/**
 * The visitor's conversations, newest activity first (last message preview, date, an unread dot,
 * Open or Closed), shown in the chat tab instead of the log; picking one makes it the chat's
 * (`selectThread`: a closed one reopens) and goes back to the log. Internal to Convot; in the
 * threads chunk, loaded the first time the visitor (or `do threads:open`) asks for the list.
 *
 * @tag convot-threads
 * @summary The earlier-conversations list inside the chat (internal).
 */
export class ConvotThreads extends LitElement {
  static override styles = [
    srOnly,
    css`
      :host {
        flex: 1;
        min-height: 0;
        display: flex;
        flex-direction: column;
      }
      .bar {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 8px 12px;
        border-bottom: 1px solid var(--_border);
      }
      h3 {
        margin: 0;
        font-size: 15px;
        font-weight: 600;
      }
      ul {
        flex: 1;
        overflow-y: auto;
        margin: 0;
        padding: 4px 0;
        list-style: none;
        overscroll-behavior: contain;
      }
      button {
        font: inherit;
        color: inherit;
        cursor: pointer;
      }
      .back,
      .more {
        padding: 6px 10px;
        border: 0;
        border-radius: 8px;
        background: var(--_surface-2);
      }
      .more {
        display: block;
        margin: 8px auto;
      }
      .thread {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 2px 8px;
        width: 100%;
        padding: 10px 16px;
        border: 0;
        background: transparent;
        text-align: start;
      }
      .thread:hover {
        background: var(--_surface-2);
      }
      :focus-visible {
        outline: 2px solid var(--_primary);
        outline-offset: -2px;
      }
      .preview {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .unread .preview {
        font-weight: 600;
      }
      .meta {
        grid-column: 1 / -1;
        color: var(--_muted);
        font-size: 13px;
      }
      .dot {
        align-self: center;
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--_primary);
      }
      .note {
        margin: 16px;
        color: var(--_muted);
        text-align: center;
        font-size: 14px;
      }
    `,
  ];

  /** The client whose visitor's conversations this lists. */
  @property({ attribute: false }) client?: ChatClient;
  /** The widget's locale (strings, dates). */
  @property({ attribute: false }) locale = 'en';

  @state() private threads: VisitorThread[] = [];
  @state() private hasMore = false;
  @state() private status: 'loading' | 'ready' | 'failed' = 'loading';

  constructor() {
    super();
    this.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation(); // the list closes, not the panel
      this.back();
    });
  }

  /**
   * Loads the first page, and focus moves into the list the visitor asked for. Here rather than
   * on connect: properties set before the chunk defined the element arrive with the first update.
   */
  protected override firstUpdated(): void {
    void this.load();
    this.renderRoot.querySelector<HTMLElement>('.back')?.focus();
  }

  private async load(before?: string): Promise<void> {
    if (!this.client) return;
    const page = await listThreads(this.client, before ? { before } : undefined);
    if (!page) {
      this.status = 'failed';
      return;
    }
    this.threads = before ? [...this.threads, ...page.threads] : page.threads;
    this.hasMore = page.has_more;
    this.status = 'ready';
  }

  /** Back to the log (also after a pick: the selection itself closes the list), its composer focused. */
  private back(root = this.getRootNode() as ShadowRoot): void {
    this.client?.store.set({ threads: false });
    void (root.host as LitElement | undefined)?.updateComplete?.then(() => root.querySelector<HTMLElement>('textarea')?.focus());
  }

  private async pick(id: string): Promise<void> {
    const root = this.getRootNode() as ShadowRoot; // before the selection takes this list away
    if (this.client && (await selectThread(this.client, id))) this.back(root);
  }

  private renderThread(t: VisitorThread, s: ReturnType<typeof threadsStrings>, date: Intl.DateTimeFormat) {
    const current = t.conversation_id === this.client?.state.conversationId;
    const state = current ? s.current : t.status === 'open' ? s.open : s.closed;
    return html`<li>
      <button class="thread ${t.unread ? 'unread' : ''}" type="button" data-id=${t.conversation_id} aria-current=${current ? 'true' : nothing} @click=${() => void this.pick(t.conversation_id)}>
        <span class="preview" dir="auto">${t.last_message?.body || s.noMessage}</span>
        ${t.unread ? html`<span class="dot"></span><span class="sr-only">${s.unread}</span>` : nothing}
        <span class="meta">${date.format(new Date(t.last_message?.created_at ?? t.created_at))} · ${state}</span>
      </button>
    </li>`;
  }

  protected override render() {
    const s = threadsStrings(this.locale);
    const date = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' });
    return html`<div class="bar">
        <button class="back" type="button" @click=${() => this.back()}>${s.back}</button>
        <h3 id="threads-title">${s.title}</h3>
      </div>
      <ul aria-labelledby="threads-title" aria-busy=${this.status === 'loading' ? 'true' : 'false'}>
        ${this.threads.map((t) => this.renderThread(t, s, date))}
      </ul>
      ${this.status === 'failed' ? html`<p class="note" role="alert">${s.failed}</p>` : this.status === 'ready' && !this.threads.length ? html`<p class="note">${s.empty}</p>` : nothing}
      ${this.hasMore ? html`<button class="more" type="button" @click=${() => void this.load(this.threads.at(-1)?.conversation_id)}>${s.more}</button>` : nothing}`;
  }
}
