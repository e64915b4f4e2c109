/**
 * The middle column: the open conversation's header, message log and reply composer.
 * It renders what the app gives it and fires `inbox-send`, `inbox-retry`, `inbox-reload` and
 * `inbox-attached` (a file it uploaded, picked, dropped or pasted, was stored: the message);
 * drafts are kept per conversation here so switching conversations does not lose typing.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { MAX_MESSAGE_LENGTH, type ConversationSummary, type MessageCard, type WireMessage } from '../protocol/wire.js';
import { clockTime, dayLabel, fullTime, sameDay, visitorName } from './format.js';
import { base } from './inbox.styles.js';
import type { PendingReply } from './inbox-state.js';
import { avatar, isolate, verifiedMark } from './visuals.js';
import { messageText } from '../elements/shared/message-text.js';
import { chatSubset } from '../markdown/chat-tree.js';
import { mdView } from './md-view.js';
import { attachmentUrl, uploadAttachment } from './attachment-upload.js';
import { THUMBNAIL_TYPES, formatBytes, type AttachmentCard } from '../protocol/attachments.js';

/** A file on its way (progress 0..1), or refused (`error`). */
interface Upload {
  key: number;
  name: string;
  progress: number;
  error?: string;
}
let uploadKey = 0;

/** A stored message, or a reply not yet acknowledged (no seq). */
type Item = { kind: 'stored'; m: WireMessage } | { kind: 'pending'; p: PendingReply };

/** Consecutive messages from one author within this gap share one name/time line. */
const GROUP_MS = 5 * 60_000;

export class InboxConversationView extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
        background: var(--in-bg);
      }
      header {
        display: flex;
        align-items: center;
        gap: 12px;
        min-height: 64px;
        padding: 12px 20px;
        border-bottom: 1px solid var(--in-border);
        background: var(--in-surface);
      }
      /* Only on phones, where the list and the conversation are separate screens. */
      .back {
        display: none;
        place-items: center;
        width: 40px;
        height: 40px;
        margin-inline-start: -8px;
        border: 0;
        border-radius: 50%;
        background: transparent;
        color: inherit;
      }
      .back:focus-visible {
        outline: 2px solid var(--in-primary);
      }
      :host(:dir(rtl)) .back svg {
        transform: scaleX(-1);
      }
      @media (max-width: 600px) {
        .back {
          display: grid;
        }
        header {
          padding: 8px 12px;
        }
      }
      header .titles {
        flex: 1;
        min-width: 0;
      }
      header .set-status {
        flex: none;
      }
      h2 {
        display: flex;
        align-items: center;
        gap: 6px;
        margin: 0;
        font-size: 16px;
      }
      h2 .text,
      header .sub {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      header .sub {
        margin: 0;
        color: var(--in-muted);
        font-size: 13px;
      }
      .log {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        padding: 16px 20px 8px;
      }
      .day {
        display: flex;
        align-items: center;
        gap: 12px;
        margin: 16px 0 8px;
        color: var(--in-muted);
        font-size: 12px;
        font-weight: 600;
      }
      .day::before,
      .day::after {
        content: '';
        flex: 1;
        border-top: 1px solid var(--in-border);
      }
      .message {
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        max-width: min(72%, 640px);
        margin-top: 3px;
      }
      .message.first {
        margin-top: 14px;
      }
      .message.agent,
      .message.bot {
        align-items: flex-end;
        margin-inline-start: auto;
      }
      .bot .bubble {
        background: var(--in-surface);
        border: 1px dashed var(--in-border);
        border-end-end-radius: 4px;
      }
      .replies {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        margin-top: 4px;
        justify-content: flex-end;
      }
      .replies span,
      .picked {
        font-size: 12px;
        padding: 1px 8px;
        border-radius: 999px;
        border: 1px solid var(--in-border);
        color: var(--in-muted);
      }
      .message.system {
        align-items: center;
        max-width: 100%;
        margin-inline: auto;
        color: var(--in-muted);
        font-size: 13px;
      }
      .meta {
        display: flex;
        gap: 8px;
        margin: 0 4px 3px;
        color: var(--in-muted);
        font-size: 12px;
      }
      .meta .author {
        font-weight: 600;
        color: var(--in-text);
      }
      .bubble.card {
        display: grid;
        gap: 2px;
        border: 1px solid var(--in-border);
        background: var(--in-surface);
      }
      .thumb img {
        display: block;
        max-width: min(240px, 100%);
        max-height: 240px;
        width: auto;
        height: auto;
        border-radius: 10px;
        border: 1px solid var(--in-border);
      }
      a.file {
        display: inline-flex;
        gap: 8px;
        padding: 8px 12px;
        border: 1px solid var(--in-border);
        border-radius: 12px;
        background: var(--in-surface);
        color: var(--in-text);
      }
      .uploads {
        display: grid;
        gap: 4px;
        margin: 0 0 6px;
        font-size: 13px;
      }
      .uploads progress {
        width: 40%;
      }
      .card-kind {
        color: var(--in-muted);
        font-size: 12px;
      }
      .bubble {
        padding: 8px 12px;
        border-radius: 14px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .bubble a {
        color: inherit;
        text-decoration: underline;
      }
      /* A Markdown message: its blocks carry the spacing, not the source's newlines. */
      .bubble.md {
        white-space: normal;
      }
      .bubble.md p {
        white-space: pre-wrap;
      }
      .bubble.md > :first-child {
        margin-top: 0;
      }
      .bubble.md > :last-child {
        margin-bottom: 0;
      }
      .bubble.md p,
      .bubble.md ul,
      .bubble.md ol,
      .bubble.md pre {
        margin: 0.4em 0;
      }
      .bubble.md ul,
      .bubble.md ol {
        padding-inline-start: 1.4em;
      }
      .bubble.md pre {
        overflow-x: auto;
        white-space: pre;
      }
      .bubble code {
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 0.92em;
      }
      .seen {
        margin: 3px 4px 0;
        color: var(--in-muted);
        font-size: 12px;
      }
      .typing {
        min-height: 18px;
        margin: 8px 0 0;
        color: var(--in-muted);
        font-size: 13px;
        overflow-wrap: anywhere;
      }
      .typing q {
        font-style: italic;
      }
      .visitor .bubble {
        background: var(--in-surface);
        border: 1px solid var(--in-border);
        border-end-start-radius: 4px;
      }
      .agent .bubble {
        background: var(--in-primary);
        color: var(--in-on-primary);
        border-end-end-radius: 4px;
      }
      .system .bubble {
        padding: 2px 8px;
      }
      .status {
        margin: 3px 4px 0;
        text-align: end;
        color: var(--in-muted);
        font-size: 12px;
      }
      .failed .status {
        color: var(--in-danger);
      }
      .failed .bubble {
        background: var(--in-surface);
        color: var(--in-text);
        border: 1px dashed var(--in-danger);
      }
      .link {
        padding: 0;
        border: 0;
        background: none;
        color: var(--in-link);
        font-weight: 600;
        text-decoration: underline;
      }
      .placeholder {
        flex: 1;
        display: grid;
        place-content: center;
        gap: 6px;
        padding: 24px;
        color: var(--in-muted);
        text-align: center;
      }
      .placeholder strong {
        color: var(--in-text);
        font-size: 16px;
      }
      .placeholder.error {
        color: var(--in-danger);
      }
      form {
        padding: 12px 20px 16px;
        border-top: 1px solid var(--in-border);
        background: var(--in-surface);
      }
      .row {
        display: flex;
        align-items: flex-end;
        gap: 10px;
      }
      textarea {
        flex: 1;
        min-height: 44px;
        max-height: 200px;
        padding: 10px 12px;
        border: 1px solid var(--in-control);
        border-radius: 10px;
        background: var(--in-surface);
        resize: none;
        field-sizing: content;
        line-height: 1.45;
      }
      textarea::placeholder {
        color: var(--in-muted);
      }
      textarea:focus-visible {
        outline-offset: 0;
        border-color: var(--in-focus);
      }
      .row .btn {
        height: 44px;
        padding: 0 18px;
      }
      .hint {
        margin: 6px 2px 0;
        color: var(--in-muted);
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: false }) conversation: ConversationSummary | null = null;
  /** Stored messages of the open conversation, in seq order. */
  @property({ attribute: false }) messages: WireMessage[] = [];
  @property({ attribute: false }) pending: PendingReply[] = [];
  @property({ type: Boolean }) loading = false;
  @property() error = '';
  /** The signed-in agent's name, for their replies still pending. */
  @property() agentName = '';
  @property({ type: Number }) now = Date.now();
  /** The visitor is typing: their draft preview ('' without one); null when not typing. */
  @property({ attribute: false }) typing: string | null = null;

  @state() private drafts = new Map<string, string>();
  @state() private uploads: Upload[] = [];
  @query('.log') private log?: HTMLElement;
  @query('textarea') private textarea?: HTMLTextAreaElement;

  private stickToBottom = true;

  /** Moves focus to the reply field. */
  focusComposer(): void {
    this.textarea?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const switched = changed.has('conversation') && changed.get('conversation')?.id !== this.conversation?.id;
    const sentOne = changed.has('pending') && this.pending.length > (changed.get('pending')?.length ?? 0);
    const l = this.log;
    // Follow new messages only if the agent is already at the bottom, not reading history.
    this.stickToBottom = switched || sentOne || !l || l.scrollHeight - l.scrollTop - l.clientHeight < 64;
  }

  protected override updated(): void {
    if (this.stickToBottom && this.log) this.log.scrollTop = this.log.scrollHeight;
  }

  private get draft(): string {
    return (this.conversation && this.drafts.get(this.conversation.id)) || '';
  }

  private setDraft(text: string): void {
    if (!this.conversation) return;
    const next = new Map(this.drafts);
    if (text) next.set(this.conversation.id, text);
    else next.delete(this.conversation.id);
    this.drafts = next;
  }

  private onInput(e: InputEvent): void {
    const text = (e.target as HTMLTextAreaElement).value;
    this.setDraft(text);
    this.dispatchEvent(new CustomEvent<string>('inbox-typing', { detail: text, bubbles: true, composed: true }));
  }

  private onKeyDown(e: KeyboardEvent): void {
    // Enter sends; Shift+Enter inserts a newline; keys that confirm an IME composition are left alone.
    if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey || e.isComposing) return;
    e.preventDefault();
    (e.target as HTMLTextAreaElement).form?.requestSubmit();
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const body = (this.textarea?.value ?? this.draft).trim();
    if (!body || !this.conversation) return;
    this.dispatchEvent(new CustomEvent<string>('inbox-send', { detail: body, bubbles: true, composed: true }));
    this.setDraft('');
    this.textarea?.focus();
  }

  /** Files picked, dropped onto the conversation or pasted into the reply field: each uploaded with its progress. */
  private attach(e: Event): void {
    const files = (e as DragEvent).dataTransfer?.files ?? (e as ClipboardEvent).clipboardData?.files ?? (e.target as HTMLInputElement).files;
    const types = (e as DragEvent).dataTransfer?.types;
    if (!this.conversation || (types ? !types.includes('Files') : !files?.length)) return;
    e.preventDefault();
    if (!files?.length || e.type === 'dragover') return;
    const id = this.conversation.id;
    for (const file of [...files]) {
      const up: Upload = { key: uploadKey++, name: file.name, progress: 0 };
      this.uploads = [...this.uploads.filter((u) => !u.error), up];
      const set = (change: Partial<Upload>) => (this.uploads = this.uploads.map((u) => (u.key === up.key ? { ...u, ...change } : u)));
      uploadAttachment(id, crypto.randomUUID(), file, (progress) => set({ progress })).then(
        (message) => {
          this.uploads = this.uploads.filter((u) => u.key !== up.key);
          this.dispatchEvent(new CustomEvent<WireMessage>('inbox-attached', { detail: message, bubbles: true, composed: true }));
        },
        (err: Error) => set({ error: `${file.name} was not sent: ${err.message}` }),
      );
    }
    if (e.type === 'change') (e.target as HTMLInputElement).value = '';
  }

  private onBack(): void {
    this.fire('inbox-back');
  }

  private fire(type: 'inbox-retry' | 'inbox-reload' | 'inbox-back', detail?: string): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private items(): Item[] {
    const stored: Item[] = this.messages.map((m) => ({ kind: 'stored', m }));
    return stored.concat(this.pending.map((p) => ({ kind: 'pending', p })));
  }

  private renderLog(c: ConversationSummary) {
    if (this.error && !this.messages.length) {
      return html`<div class="placeholder error" role="alert">
        <span>${this.error}</span>
        <span><button class="btn ghost" type="button" @click=${() => this.fire('inbox-reload')}>Try again</button></span>
      </div>`;
    }
    if (this.loading && !this.messages.length) return html`<div class="placeholder" role="status">Loading messages…</div>`;
    const name = visitorName(c.visitor);
    // "Seen" goes under the newest stored reply, once the visitor's read mark reaches it.
    const lastReply = this.messages.filter((m) => m.author === 'agent').at(-1);
    const seenSeq = lastReply && lastReply.seq <= c.visitor_read_seq ? lastReply.seq : null;
    let prev: { author: string; who: string; at: string } | null = null;
    const rows = this.items().map((item) => {
      const author = item.kind === 'stored' ? item.m.author : 'agent';
      const who = item.kind === 'stored' ? (item.m.agent_name ?? '') : this.agentName;
      const at = item.kind === 'stored' ? item.m.created_at : item.p.created_at;
      const newDay = !prev || !sameDay(prev.at, at);
      const first = newDay || !prev || prev.author !== author || prev.who !== who || Date.parse(at) - Date.parse(prev.at) > GROUP_MS;
      prev = { author, who, at };
      const label = author === 'visitor' ? name : author === 'agent' ? who || 'Agent' : author === 'bot' ? `${who || 'Bot'} (bot)` : '';
      return { item, author, at, newDay, first, label };
    });
    return html`<div class="log" role="log" aria-label="Messages with ${name}" tabindex="0">
      ${repeat(
        rows,
        (r) => (r.item.kind === 'stored' ? `s${r.item.m.seq}` : `p${r.item.p.client_id}`),
        (r) => html`${r.newDay ? html`<div class="day">${dayLabel(r.at, this.now)}</div>` : nothing}
          <div
            class="message ${r.author} ${r.first ? 'first' : ''} ${r.item.kind === 'pending' ? `pending ${r.item.p.status}` : ''}"
            data-seq=${ifDefined(r.item.kind === 'stored' ? r.item.m.seq : undefined)}
          >
            ${r.first && r.author !== 'system'
              ? html`<div class="meta">
                  <span class="author">${isolate(r.label)}</span><time datetime=${r.at} title=${fullTime(r.at)}>${clockTime(r.at)}</time>
                </div>`
              : nothing}
            ${r.item.kind === 'stored' && r.item.m.card
              ? this.renderCard(r.item.m.card, r.item.m.body)
              : r.item.kind === 'stored' && r.item.m.md
                ? html`<div class="bubble md" dir="auto">${mdView(chatSubset(r.item.m.md))}</div>`
                : html`<div class="bubble" dir="auto">${messageText(r.item.kind === 'stored' ? r.item.m.body : r.item.p.body)}</div>`}
            ${r.item.kind === 'pending' ? this.pendingStatus(r.item.p) : nothing}
            ${r.item.kind === 'stored' && r.item.m.seq === seenSeq ? html`<div class="seen">Seen</div>` : nothing}
          </div>`,
      )}
      <p class="typing" role="status" aria-live="polite">${this.typing === null
        ? nothing
        : html`${isolate(name)} is typing…${this.typing ? html` <q dir="auto">${this.typing}</q>` : nothing}`}</p>
    </div>`;
  }

  /** What the visitor sees as a card: the article or the meeting type offered, or a file (a thumbnail or a download link). */
  private renderCard(card: MessageCard, body: string) {
    if (card.type === 'attachment') return this.renderFile(card);
    // A bot's step (with the options it offered) and the visitor's pick are text with a hint.
    if (card.type === 'bot') {
      return html`<div class="bubble" dir="auto">${messageText(body)}</div>
        ${card.quick_replies ? html`<div class="replies" aria-label="Quick replies offered">${card.quick_replies.options.map((o) => html`<span dir="auto">${o}</span>`)}</div>` : nothing}`;
    }
    if (card.type === 'quick_reply') return html`<div class="bubble" dir="auto">${messageText(body)}</div><span class="picked">Quick reply</span>`;
    return html`<div class="bubble card" dir="auto">
      <span class="card-kind">${card.type === 'article' ? 'Help article' : 'Booking offer'}</span>
      <strong>${card.type === 'article' ? card.title : card.name}</strong>${card.type === 'booking' ? html` · ${card.duration_minutes} min` : nothing}
    </div>`;
  }

  private renderFile(card: AttachmentCard) {
    const href = attachmentUrl(card.id, true);
    if (THUMBNAIL_TYPES.includes(card.mime)) {
      return html`<a class="thumb" href=${href} download=${card.name} title="Download ${card.name}"
        ><img src=${attachmentUrl(card.id)} alt=${card.name} width=${ifDefined(card.width)} height=${ifDefined(card.height)} loading="lazy"
      /></a>`;
    }
    return html`<a class="file" href=${href} download=${card.name}><span dir="auto">${card.name}</span><span>${formatBytes(card.size)}</span></a>`;
  }

  private pendingStatus(p: PendingReply) {
    if (p.status === 'sending') return html`<div class="status">Sending…</div>`;
    return html`<div class="status" role="alert">
      Not sent${p.error ? html`: ${p.error}` : nothing}.
      <button class="link" type="button" @click=${() => this.fire('inbox-retry', p.client_id)}>Retry</button>
    </div>`;
  }

  protected override render() {
    const c = this.conversation;
    if (!c) {
      return html`<div class="placeholder">
        <strong>No conversation selected</strong>
        <span>Pick a conversation on the left to read and reply.</span>
      </div>`;
    }
    const name = visitorName(c.visitor);
    const sub = [c.visitor.name ? c.visitor.email : null, c.visitor.company].filter(Boolean).join(' · ');
    const draft = this.draft;
    return html`<header>
        <button class="back" type="button" aria-label="Back to conversations" @click=${this.onBack}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M15.4 5.4a1 1 0 0 1 0 1.4L10.2 12l5.2 5.2a1 1 0 1 1-1.4 1.4l-5.9-5.9a1 1 0 0 1 0-1.4l5.9-5.9a1 1 0 0 1 1.4 0z" /></svg>
        </button>
        ${avatar(c.visitor)}
        <div class="titles">
          <h2><span class="text">${isolate(name)}</span>${verifiedMark(c.visitor)}</h2>
          ${sub ? html`<p class="sub">${isolate(sub)}</p>` : nothing}
        </div>
        <button
          class="btn ghost set-status"
          type="button"
          @click=${() => this.dispatchEvent(new CustomEvent('inbox-set-status', { detail: c.status === 'open' ? 'closed' : 'open', bubbles: true, composed: true }))}
        >
          ${c.status === 'open' ? 'Close' : 'Reopen'}
        </button>
      </header>
      <div class="drop" @dragover=${this.attach} @drop=${this.attach}>${this.renderLog(c)}</div>
      <form class="reply" @submit=${this.onSubmit} @dragover=${this.attach} @drop=${this.attach}>
        ${this.uploads.length
          ? html`<div class="uploads">
              ${this.uploads.map((u) =>
                u.error
                  ? html`<div role="alert">${u.error} <button class="link" type="button" @click=${() => (this.uploads = this.uploads.filter((x) => x !== u))}>Dismiss</button></div>`
                  : html`<div><span dir="auto">${u.name}</span> <progress max="1" .value=${u.progress} aria-label="Sending ${u.name}"></progress></div>`,
              )}
            </div>`
          : nothing}
        <div class="row">
          <label class="sr-only" for="reply">Reply to ${name}</label>
          <textarea
            id="reply"
            name="body"
            rows="1"
            maxlength=${MAX_MESSAGE_LENGTH}
            placeholder="Write a reply…"
            aria-describedby="reply-hint"
            .value=${live(draft)}
            @input=${this.onInput}
            @keydown=${this.onKeyDown}
            @paste=${this.attach}
          ></textarea>
          <button class="btn ghost attach" type="button" aria-label="Attach a file" title="Attach a file" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#attach')?.click()}>
            <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" d="M8 12v4a4 4 0 0 0 8 0V6a2.5 2.5 0 0 0-5 0v10a1 1 0 0 0 2 0V8" /></svg>
          </button>
          <input id="attach" type="file" multiple hidden @change=${this.attach} />
          <convot-inbox-share .appId=${c.app_id}></convot-inbox-share>
          <button class="btn primary" type="submit" ?disabled=${!draft.trim()}>Send</button>
        </div>
        <p class="hint" id="reply-hint">Enter to send, Shift+Enter for a new line</p>
      </form>`;
  }
}
