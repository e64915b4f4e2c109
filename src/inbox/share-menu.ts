/**
 * The composer's "Share" menu: send one of the app's published help articles, or offer one of
 * its meeting types, into the open conversation. Each arrives in the widget as a card (an
 * article opens in the Help tab; a booking offer shows its next free times). The lists are read
 * when the menu opens; choosing fires `inbox-share`, which the inbox sends.
 */
import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AgentArticle } from '../protocol/help.js';
import type { MeetingTypeDetail } from '../protocol/scheduling.js';
import { articlesApi } from './articles-api.js';
import { base } from './inbox.styles.js';
import { errorText } from './inbox-store.js';
import { schedulingApi } from './scheduling-api.js';

export type ShareDetail = { kind: 'article'; locale: string; slug: string } | { kind: 'booking'; meeting_type_id: number };

export class InboxShareMenu extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        position: relative;
      }
      .menu {
        position: absolute;
        bottom: calc(100% + 6px);
        inset-inline-start: 0;
        z-index: 2;
        width: min(340px, 80vw);
        max-height: 320px;
        overflow-y: auto;
        padding: 8px;
        border: 1px solid var(--in-border);
        border-radius: 10px;
        background: var(--in-surface);
        box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
      }
      h3 {
        margin: 8px 6px 4px;
        font-size: 12px;
        color: var(--in-muted);
        text-transform: uppercase;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .item {
        display: block;
        width: 100%;
        padding: 6px 8px;
        border: 0;
        border-radius: 6px;
        background: transparent;
        color: inherit;
        font: inherit;
        text-align: start;
      }
      .item:hover,
      .item:focus-visible {
        background: var(--in-soft);
      }
      .meta {
        color: var(--in-muted);
        font-size: 12px;
      }
      .empty {
        margin: 6px 8px;
        color: var(--in-muted);
      }
    `,
  ];

  /** The open conversation's app: only its articles and meeting types can be shared. */
  @property({ attribute: false }) appId = '';

  @state() private open = false;
  @state() private articles: AgentArticle[] | null = null;
  @state() private types: MeetingTypeDetail[] | null = null;
  @state() private error = '';

  private async toggle(): Promise<void> {
    this.open = !this.open;
    if (!this.open) return;
    this.error = '';
    const appId = this.appId;
    try {
      const [a, t] = await Promise.all([articlesApi.list(appId), schedulingApi.meetingTypes()]);
      if (appId !== this.appId) return;
      this.articles = a.articles.filter((x) => x.published);
      this.types = t.meeting_types.filter((x) => x.app_id === appId);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private choose(detail: ShareDetail): void {
    this.open = false;
    this.dispatchEvent(new CustomEvent<ShareDetail>('inbox-share', { detail, bubbles: true, composed: true }));
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.open) {
      e.stopPropagation();
      this.open = false;
      this.renderRoot.querySelector<HTMLButtonElement>('.toggle')?.focus();
    }
  }

  protected override render() {
    return html`<div @keydown=${this.onKeydown}>
      <button class="btn ghost toggle" type="button" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="share" @click=${() => void this.toggle()}>Share…</button>
      ${this.open
        ? html`<div class="menu" id="share" role="group" aria-label="Share into the conversation">
            ${this.error ? html`<p class="empty" role="alert">${this.error}</p>` : nothing}
            <h3>Help articles</h3>
            ${this.articles === null
              ? html`<p class="empty">Loading…</p>`
              : this.articles.length
                ? html`<ul>
                    ${this.articles.map(
                      (a) => html`<li>
                        <button class="item" type="button" @click=${() => this.choose({ kind: 'article', locale: a.locale, slug: a.slug })}>
                          <span dir="auto">${a.title}</span> <span class="meta">${a.locale}</span>
                        </button>
                      </li>`,
                    )}
                  </ul>`
                : html`<p class="empty">No published articles.</p>`}
            <h3>Booking</h3>
            ${this.types === null
              ? html`<p class="empty">Loading…</p>`
              : this.types.length
                ? html`<ul>
                    ${this.types.map(
                      (t) => html`<li>
                        <button class="item" type="button" @click=${() => this.choose({ kind: 'booking', meeting_type_id: t.id })}>
                          <span dir="auto">${t.name}</span> <span class="meta">${t.duration_minutes} min</span>
                        </button>
                      </li>`,
                    )}
                  </ul>`
                : html`<p class="empty">No meeting types.</p>`}
          </div>`
        : nothing}
    </div>`;
  }
}
