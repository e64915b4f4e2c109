import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ChatClient } from '../../client/chat-client.js';
import { THUMBNAIL_TYPES, formatBytes, routeUrl, visitorApi, type AttachmentCard } from '../../protocol/index.js';
import { fill, filesStrings } from './files-strings.js';

/**
 * A file in the chat: images as a thumbnail, other files as a download button. The bytes are
 * fetched with the visitor's token in the Authorization header (never in a URL) and shown
 * through an object URL, revoked when the message leaves the log. Internal to Convot; in the
 * chat-files chunk.
 *
 * @tag convot-attachment
 * @summary A file sent in the chat (internal).
 */
export class ConvotAttachment extends LitElement {
  static override styles = css`
    :host {
      display: block;
      max-width: 100%;
    }
    button {
      display: flex;
      align-items: center;
      gap: 8px;
      max-width: 100%;
      padding: 8px 12px;
      border: 1px solid var(--_border, #d1d5db);
      border-radius: 12px;
      background: var(--_surface, #fff);
      color: inherit;
      font: inherit;
      cursor: pointer;
      text-align: start;
    }
    svg {
      flex: none;
    }
    button.thumb {
      padding: 0;
      overflow: hidden;
    }
    button:focus-visible {
      outline: 2px solid var(--_primary, #2563eb);
      outline-offset: 2px;
    }
    img {
      display: block;
      max-width: min(220px, 100%);
      max-height: 220px;
      width: auto;
      height: auto;
    }
    .name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      font-weight: 600;
    }
    .size {
      color: var(--_muted, #6b7280);
      font-size: 13px;
      white-space: nowrap;
    }
  `;

  @property({ attribute: false }) card?: AttachmentCard;
  @property({ attribute: false }) client?: ChatClient;
  @property({ attribute: false }) locale = 'en';
  @state() private src: string | null = null;
  private loading: string | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.src) URL.revokeObjectURL(this.src);
    this.src = null;
    this.loading = null;
  }

  /** The file as a Blob, fetched with the visitor's token. */
  private async fetchBlob(download: boolean): Promise<Blob> {
    const client = this.client!;
    const path = routeUrl(visitorApi.attachment.path, { appId: client.options.appId, id: this.card!.id }, { download: download ? 1 : undefined }).slice(1);
    const res = await fetch(new URL(path, client.server), { headers: { Authorization: `Bearer ${await client.visitorToken()}` } });
    if (!res.ok) throw new Error(`attachment: HTTP ${res.status}`);
    return res.blob();
  }

  protected override updated(): void {
    const card = this.card;
    if (card && this.client && THUMBNAIL_TYPES.includes(card.mime) && this.loading !== card.id) {
      this.loading = card.id;
      this.fetchBlob(false).then(
        (blob) => {
          if (this.loading !== card.id) return; // left the log, or another card, meanwhile
          this.src = URL.createObjectURL(blob);
        },
        (e: unknown) => console.warn('Convot: could not load the attachment', card.name, e),
      );
    }
    this.dispatchEvent(new Event('convot-grew', { bubbles: true, composed: true }));
  }

  /** The page's CSP may not allow `blob:` images: the name shows instead, and the download still works. */
  private onImageError(): void {
    if (this.src) URL.revokeObjectURL(this.src);
    this.src = null;
    console.warn("Convot: an image attachment could not be shown; the page's Content-Security-Policy needs img-src blob:");
  }

  private async save(): Promise<void> {
    const card = this.card!;
    try {
      const url = URL.createObjectURL(await this.fetchBlob(true));
      const a = document.createElement('a');
      a.href = url;
      a.download = card.name;
      a.rel = 'noopener';
      this.renderRoot.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      console.warn('Convot: could not download the attachment', card.name, e);
    }
  }

  protected override render() {
    const card = this.card;
    if (!card) return nothing;
    const label = fill(filesStrings(this.locale).download, { name: card.name });
    if (THUMBNAIL_TYPES.includes(card.mime)) {
      return html`<button type="button" class="thumb" aria-label=${label} title=${card.name} @click=${this.save}>
        ${this.src
          ? html`<img src=${this.src} alt=${card.name} width=${card.width ?? nothing} height=${card.height ?? nothing} @error=${this.onImageError} />`
          : html`<span class="name" dir="auto">${card.name}</span>`}
      </button>`;
    }
    return html`<button type="button" class="file" aria-label=${label} @click=${this.save}>
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm7 1.5V9h5.5zM8 13h8v2H8zm0 4h8v2H8z" /></svg>
      <span class="name" dir="auto">${card.name}</span><span class="size">${formatBytes(card.size)}</span>
    </button>`;
  }
}
