import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ChatClient } from '../../client/chat-client.js';
import { DEFAULT_ATTACHMENT_MAX_BYTES, DEFAULT_ATTACHMENT_TYPES } from '../../protocol/attachments.js';
import { fill, filesStrings } from './files-strings.js';
import { refusal, typeNames, upload, UploadError } from './upload.js';
import { formatBytes } from '../../protocol/attachments.js';

interface Item {
  id: number;
  name: string;
  /** 0..1 while sending; null once it failed (then `error` says why). */
  progress: number | null;
  error?: string;
}

let nextId = 0;

/**
 * The composer's uploads: files picked, dropped or pasted are checked against the app's limits
 * (a clear message naming the limit, before anything is sent), sent one by one with a progress
 * bar each, and shown in the log when stored. Internal to Convot; in the chat-files chunk.
 *
 * @tag convot-uploads
 * @summary Attachment uploads in the chat's composer (internal).
 */
export class ConvotUploads extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    .item {
      display: flex;
      align-items: center;
      gap: 8px;
      margin: 0 12px 6px;
      font-size: 13px;
      min-width: 0;
    }
    .name {
      flex: 1;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    progress {
      flex: 0 0 35%;
      height: 6px;
      accent-color: var(--_primary, #2563eb);
    }
    .error {
      color: var(--_danger, #b91c1c);
      white-space: normal;
    }
    button {
      border: 0;
      background: none;
      color: inherit;
      font: inherit;
      cursor: pointer;
      padding: 2px 6px;
      border-radius: 4px;
    }
    button:focus-visible {
      outline: 2px solid var(--_primary, #2563eb);
    }
  `;

  @property({ attribute: false }) client?: ChatClient;
  @property({ attribute: false }) locale = 'en';
  @state() private items: Item[] = [];
  private queue: Promise<void> = Promise.resolve();

  /** Checks and sends files (in order, one at a time). */
  add(files: Iterable<File>): void {
    const client = this.client;
    if (!client) return;
    const limits = client.state.attachments ?? { max_bytes: DEFAULT_ATTACHMENT_MAX_BYTES, types: [...DEFAULT_ATTACHMENT_TYPES] };
    const s = filesStrings(this.locale);
    // Earlier refusals go when the visitor tries again.
    this.items = this.items.filter((i) => i.progress !== null);
    for (const file of files) {
      const item: Item = { id: nextId++, name: file.name, progress: 0 };
      const refused = refusal(file, limits, s);
      if (refused) {
        this.items = [...this.items, { ...item, progress: null, error: refused }];
        continue;
      }
      this.items = [...this.items, item];
      const clientId = crypto.randomUUID();
      this.queue = this.queue.then(async () => {
        try {
          const token = await client.visitorToken();
          const message = await upload(client.server, client.options.appId, token, file, clientId, (p) => this.update_(item.id, { progress: p }));
          client.accept(message);
          this.items = this.items.filter((i) => i.id !== item.id);
        } catch (e) {
          const code = e instanceof UploadError ? e.code : null;
          const error =
            code === 'CONVOT_ERR_ATTACHMENT_TOO_LARGE'
              ? fill(s.tooLarge, { name: file.name, max: formatBytes(limits.max_bytes) })
              : code === 'CONVOT_ERR_ATTACHMENT_TYPE'
                ? fill(s.badType, { name: file.name, types: typeNames(limits.types) })
                : fill(s.failed, { name: file.name });
          this.update_(item.id, { progress: null, error });
        }
      });
    }
  }

  private update_(id: number, change: Partial<Item>): void {
    this.items = this.items.map((i) => (i.id === id ? { ...i, ...change } : i));
  }

  private dismiss(id: number): void {
    this.items = this.items.filter((i) => i.id !== id);
  }

  protected override updated(): void {
    this.dispatchEvent(new Event('convot-grew', { bubbles: true, composed: true }));
  }

  protected override render() {
    if (!this.items.length) return nothing;
    const s = filesStrings(this.locale);
    return this.items.map((i) =>
      i.error
        ? html`<div class="item" role="alert"><span class="name error" dir="auto">${i.error}</span><button type="button" aria-label=${s.dismiss} @click=${() => this.dismiss(i.id)}>✕</button></div>`
        : html`<div class="item"><span class="name" dir="auto">${i.name}</span><progress max="1" .value=${i.progress ?? 0} aria-label=${fill(s.uploading, { name: i.name })}></progress></div>`,
    );
  }
}
