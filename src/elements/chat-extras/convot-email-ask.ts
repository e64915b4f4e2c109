import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ChatClient } from '../../client/chat-client.js';
import { extrasStrings } from './extras-strings.js';

/**
 * Nobody is online and the visitor has written: ask for an email so the team's reply can reach
 * them (`set user:email`), unless the page or an earlier answer already gave one. Internal to
 * Convot; in the chat-extras chunk, loaded the first time the chat might ask.
 *
 * @tag convot-email-ask
 * @summary The nobody-online email ask inside the chat (internal).
 */
export class ConvotEmailAsk extends LitElement {
  static override styles = css`
    .ask {
      margin: 0;
      padding: 8px 12px;
      border-top: 1px solid var(--_border);
      font-size: 14px;
    }
    .row {
      display: flex;
      gap: 6px;
      margin-top: 6px;
    }
    input {
      flex: 1;
      min-width: 0;
      padding: 6px 10px;
      border: 1px solid var(--_border);
      border-radius: 8px;
      background: var(--_surface);
      color: var(--_text);
      font: inherit;
      font-size: 16px;
    }
    button {
      padding: 0 10px;
      border: 0;
      border-radius: 8px;
      background: var(--_surface-2);
      color: var(--_text);
      font: inherit;
      cursor: pointer;
    }
    [type='submit'] {
      background: var(--_primary);
      color: var(--_on-primary);
    }
    :focus-visible {
      outline: 2px solid var(--_primary);
      outline-offset: 1px;
    }
  `;

  @property({ attribute: false }) client?: ChatClient;
  /** The widget's locale. */
  @property({ attribute: false }) locale = 'en';
  /** The dismiss button's label (the widget's catalog has it). */
  @property() dismiss = 'Dismiss';

  /** Answered (thanks shown) or dismissed, for as long as this chat shows. */
  @state() private answer: 'none' | 'saved' | 'dismissed' = 'none';
  private unsubscribe?: () => void;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') || !this.unsubscribe) {
      this.unsubscribe?.();
      this.unsubscribe = this.client?.store.subscribe(() => this.requestUpdate());
    }
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    const email = new FormData(e.target as HTMLFormElement).get('email') as string;
    this.client?.setUser('email', email.trim());
    this.answer = 'saved';
  }

  /** Rendered (or grown): the chat keeps its newest message in view. */
  protected override updated(): void {
    this.dispatchEvent(new Event('convot-grew', { bubbles: true, composed: true }));
  }

  protected override render() {
    const s = extrasStrings(this.locale);
    const state = this.client?.state;
    if (!state) return nothing;
    if (this.answer === 'saved') return html`<p class="ask" role="status">${s.emailThanks}</p>`;
    if (this.answer === 'dismissed' || state.available || state.user.email || !state.messages.some((m) => m.author === 'visitor')) return nothing;
    return html`<form class="ask" @submit=${this.onSubmit}>
      <label for="ask">${s.emailAsk}</label>
      <div class="row">
        <input id="ask" name="email" type="email" required maxlength="254" autocomplete="email" placeholder=${s.emailLabel} />
        <button type="submit">${s.emailSave}</button>
        <button type="button" aria-label=${this.dismiss} @click=${() => (this.answer = 'dismissed')}>×</button>
      </div>
    </form>`;
  }
}
