import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { ArticleCard } from '../../protocol/wire.js';
import { buttonStyles, tileStyles } from '../shared/controls.styles.js';
import { extrasStrings } from './extras-strings.js';

/**
 * An article the team sent into the chat: a button that opens it in the widget's Help tab.
 * Internal to Convot; in the chat-extras chunk, loaded when such a message first shows.
 *
 * @tag convot-article-card
 * @summary A help-center article inside the chat (internal).
 */
export class ConvotArticleCard extends LitElement {
  static override styles = [
    tileStyles,
    buttonStyles,
    css`
    .title {
      font-weight: 600;
    }
    .text {
      color: var(--_muted);
      font-size: 14px;
    }
    .action {
      margin-top: 4px;
      color: var(--_primary);
      font-size: 14px;
      font-weight: 600;
    }
  `,
  ];

  @property({ attribute: false }) card?: ArticleCard;
  /** The widget's locale. */
  @property({ attribute: false }) locale = 'en';

  private open(): void {
    const { locale, slug } = this.card!;
    this.dispatchEvent(new CustomEvent('convot-open-article', { detail: { locale, slug }, bubbles: true, composed: true }));
  }

  /** Rendered (or grown): the chat keeps its newest message in view. */
  protected override updated(): void {
    this.dispatchEvent(new Event('convot-grew', { bubbles: true, composed: true }));
  }

  protected override render() {
    const card = this.card;
    if (!card) return nothing;
    return html`<button type="button" class="tile" @click=${this.open}>
      <span class="title" dir="auto">${card.title}</span>
      ${card.description ? html`<span class="text" dir="auto">${card.description}</span>` : nothing}
      <span class="action">${extrasStrings(this.locale).readArticle}</span>
    </button>`;
  }
}
