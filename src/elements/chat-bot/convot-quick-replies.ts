import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ChatClient } from '../../client/chat-client.js';
import type { WaitingStep } from '../../client/flows.js';

/**
 * A chat flow bot's quick replies under its message: one click answers a single-select step;
 * a multi-select step toggles options (`aria-pressed`) and sends them with one button. The
 * answer is the visitor's message (its labels, with the flow and step for the server's bot),
 * and `quick-reply:clicked` fires. Internal to Convot; its own chunk, loaded when a step with
 * quick replies waits, so the chat's first open does not carry it.
 *
 * @tag convot-quick-replies
 * @summary A bot step's quick-reply buttons inside the chat (internal).
 */
export class ConvotQuickReplies extends LitElement {
  static override styles = css`
    .replies {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      justify-content: flex-end;
      margin: 4px 0 8px;
    }
    button {
      max-width: 100%;
      padding: 6px 12px;
      border: 1px solid var(--_primary);
      border-radius: 999px;
      background: var(--_surface, #fff);
      color: var(--_primary);
      font: inherit;
      font-size: 14px;
      cursor: pointer;
      overflow-wrap: anywhere;
    }
    button[aria-pressed='true'],
    .send {
      background: var(--_primary);
      color: var(--_on-primary);
    }
    /* A picked option shows a tick, so it does not read as the Send button. */
    button[aria-pressed='true']::before {
      content: '\\2713\\00a0';
    }
    .send {
      font-weight: 600;
    }
    .send:disabled {
      opacity: 0.5;
      cursor: default;
    }
    :focus-visible {
      outline: 2px solid var(--_primary);
      outline-offset: 1px;
    }
  `;

  /** The client that sends the answer. */
  @property({ attribute: false }) client?: ChatClient;

  /** The step waiting for the visitor (its options, and whether several may be picked). */
  @property({ attribute: false }) waiting: WaitingStep | null = null;

  /** The label of the multi-select send button (the panel's "Send"). */
  @property({ attribute: false }) sendLabel = 'Send';

  @state() private picked: readonly string[] = [];

  private answer(values: readonly string[]): void {
    const w = this.waiting;
    const qr = w?.step.quick_replies;
    if (!w || !qr || !this.client || !values.length) return;
    if (this.client.send(values.join(', '), undefined, { flow: w.flowId, step: w.step.id, values })) {
      this.client.events.emit('quick-reply:clicked', { name: 'QUICK_REPLIES', multiSelect: qr.multi_select, value: [...values] });
    }
    this.picked = [];
  }

  private toggle(option: string): void {
    this.picked = this.picked.includes(option) ? this.picked.filter((p) => p !== option) : [...this.picked, option];
  }

  protected override updated(): void {
    this.dispatchEvent(new Event('convot-grew', { bubbles: true, composed: true }));
  }

  protected override render() {
    const r = this.waiting?.step.quick_replies;
    if (!r) return nothing;
    return html`<div class="replies" role="group">
      ${r.options.map((o) =>
        r.multi_select
          ? html`<button type="button" dir="auto" aria-pressed=${this.picked.includes(o) ? 'true' : 'false'} @click=${() => this.toggle(o)}>${o}</button>`
          : html`<button type="button" dir="auto" @click=${() => this.answer([o])}>${o}</button>`,
      )}
      ${r.multi_select
        ? html`<button class="send" type="button" ?disabled=${!this.picked.length} @click=${() => this.answer(this.picked)}>${this.sendLabel}</button>`
        : nothing}
    </div>`;
  }
}
