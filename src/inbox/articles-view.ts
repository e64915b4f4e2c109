/**
 * <convot-inbox-articles>: the help center's articles in the inbox. Per app (a picker when the
 * agent works on several) and locale: the list with drafts marked, an editor with a live
 * preview (the server parses the Markdown, this renders the tree), publish or unpublish,
 * delete. Saving an article declared in the config file takes it over (the file no longer
 * changes it until it is deleted here).
 */
import { LitElement, css, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { MdDoc } from '../markdown/tree.js';
import type { AgentArticle } from '../protocol/help.js';
import { ApiError } from '../client/transport.js';
import { articlesApi } from './articles-api.js';
import { base, tokens } from './inbox.styles.js';
import { mdView } from './md-view.js';

interface Draft {
  /** `locale/slug` of the stored article being edited; null for a new one. */
  key: string | null;
  locale: string;
  slug: string;
  title: string;
  category: string;
  description: string;
  body: string;
  published: boolean;
  source: 'config' | 'inbox' | null;
}

const PREVIEW_DELAY_MS = 300;
const keyOf = (a: { locale: string; slug: string }) => `${a.locale}/${a.slug}`;
const emptyDraft = (locale = 'en'): Draft => ({ key: null, locale, slug: '', title: '', category: '', description: '', body: '', published: false, source: null });
const draftOf = (a: AgentArticle): Draft => ({
  key: keyOf(a),
  locale: a.locale,
  slug: a.slug,
  title: a.title,
  category: a.category ?? '',
  description: a.description ?? '',
  body: a.body,
  published: a.published,
  source: a.source,
});
/** A slug from a title: lowercase ASCII letters, digits and single dashes. */
const slugify = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
const message = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong; try again.');

export class InboxArticles extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: grid;
        grid-template-columns: 300px minmax(0, 1fr);
        min-height: 0;
        background: var(--in-bg);
      }
      @media (max-width: 860px) {
        :host {
          grid-template-columns: minmax(0, 1fr);
        }
        :host([editing]) .side,
        :host(:not([editing])) .editor {
          display: none;
        }
      }
      .side {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border-right: 1px solid var(--in-border);
        background: var(--in-surface);
      }
      .side .tools {
        display: grid;
        gap: 8px;
        padding: 12px;
        border-bottom: 1px solid var(--in-border);
      }
      select,
      input[type='text'],
      textarea {
        width: 100%;
        padding: 7px 10px;
        border: 1px solid var(--in-border);
        border-radius: 8px;
        background: var(--in-surface);
      }
      ul.list {
        flex: 1;
        margin: 0;
        padding: 6px;
        list-style: none;
        overflow: auto;
      }
      ul.list button {
        display: grid;
        gap: 2px;
        width: 100%;
        padding: 8px 10px;
        border: 0;
        border-radius: 8px;
        background: transparent;
        text-align: start;
      }
      ul.list button:hover {
        background: var(--in-hover);
      }
      ul.list button[aria-current='true'] {
        background: var(--in-selected);
      }
      .row-title {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .row-meta {
        display: flex;
        gap: 6px;
        color: var(--in-muted);
        font-size: 12px;
      }
      .badge {
        padding: 0 6px;
        border-radius: 999px;
        background: var(--in-warn-soft);
        color: var(--in-on-warn);
        font-weight: 600;
      }
      .empty,
      .note {
        padding: 12px;
        color: var(--in-muted);
      }
      .editor {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr) auto;
        min-height: 0;
      }
      .fields {
        display: grid;
        grid-template-columns: 90px minmax(0, 1fr) minmax(0, 1fr);
        gap: 10px;
        padding: 12px 16px;
        border-bottom: 1px solid var(--in-border);
        background: var(--in-surface);
      }
      .fields label {
        display: grid;
        gap: 4px;
        font-size: 12px;
        font-weight: 600;
        color: var(--in-muted);
      }
      .fields input {
        font-weight: 400;
        font-size: 14px;
        color: var(--in-text);
      }
      .fields .span2 {
        grid-column: span 2;
      }
      .panes {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        min-height: 0;
      }
      @media (max-width: 1100px) {
        .panes {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: minmax(240px, 1fr) auto;
          overflow: auto;
        }
      }
      .panes textarea {
        height: 100%;
        min-height: 240px;
        padding: 14px 16px;
        border: 0;
        border-right: 1px solid var(--in-border);
        border-radius: 0;
        font-family: var(--in-mono);
        font-size: 13px;
        line-height: 1.55;
        resize: none;
      }
      .preview {
        padding: 6px 24px 24px;
        overflow: auto;
        background: var(--in-surface);
        font-size: 15px;
        line-height: 1.6;
      }
      .preview h1 {
        font-size: 22px;
      }
      .preview a {
        color: var(--in-link);
      }
      .preview img {
        max-width: 100%;
      }
      .preview pre {
        padding: 10px 12px;
        border-radius: 8px;
        background: var(--in-surface-2);
        overflow: auto;
      }
      .preview code {
        font-family: var(--in-mono);
        font-size: 0.9em;
      }
      .preview blockquote {
        margin: 0 0 1em;
        padding: 2px 12px;
        border-inline-start: 3px solid var(--in-primary);
        color: var(--in-muted);
      }
      .preview table {
        border-collapse: collapse;
      }
      .preview th,
      .preview td {
        padding: 4px 8px;
        border: 1px solid var(--in-border);
      }
      .preview .center {
        text-align: center;
      }
      .preview .right {
        text-align: end;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 10px;
        padding: 10px 16px;
        border-top: 1px solid var(--in-border);
        background: var(--in-surface);
      }
      .actions .spacer {
        flex: 1;
      }
      .actions .danger {
        color: var(--in-danger);
      }
      .status {
        color: var(--in-muted);
        font-size: 13px;
      }
      .error {
        color: var(--in-danger);
        font-size: 13px;
      }
      .back {
        display: none;
      }
      @media (max-width: 860px) {
        .back {
          display: inline-flex;
        }
      }
    `,
  ];

  @state() private apps: { id: string; name: string }[] = [];
  @state() private appId: string | null = null;
  @state() private articles: AgentArticle[] = [];
  @state() private locale = 'all';
  @state() private draft: Draft | null = null;
  @state() private preview: MdDoc = [];
  @state() private busy = false;
  @state() private error: string | null = null;
  @state() private notice: string | null = null;
  private previewTimer?: ReturnType<typeof setTimeout>;
  private previewSeq = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadApps();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.previewTimer);
  }

  private async loadApps(): Promise<void> {
    try {
      this.apps = (await articlesApi.apps()).apps;
      if (!this.appId && this.apps.length) await this.selectApp(this.apps[0]!.id);
    } catch (e) {
      this.error = message(e);
    }
  }

  private async selectApp(id: string): Promise<void> {
    this.appId = id;
    this.draft = null;
    await this.reload();
  }

  private async reload(): Promise<void> {
    if (!this.appId) return;
    try {
      this.articles = (await articlesApi.list(this.appId)).articles;
      this.error = null;
    } catch (e) {
      this.error = message(e);
    }
  }

  private edit(d: Draft): void {
    this.draft = d;
    this.notice = null;
    this.error = null;
    this.toggleAttribute('editing', true);
    this.schedulePreview(0);
  }

  private change(patch: Partial<Draft>): void {
    if (!this.draft) return;
    const next = { ...this.draft, ...patch };
    // A new article's slug follows its title until typed by hand.
    if (patch.title !== undefined && this.draft.key === null && this.draft.slug === slugify(this.draft.title)) next.slug = slugify(patch.title);
    this.draft = next;
    this.notice = null;
    if (patch.body !== undefined) this.schedulePreview(PREVIEW_DELAY_MS);
  }

  private schedulePreview(delay: number): void {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => void this.renderPreview(), delay);
  }

  private async renderPreview(): Promise<void> {
    const body = this.draft?.body ?? '';
    const seq = ++this.previewSeq;
    if (!body.trim()) {
      this.preview = [];
      return;
    }
    try {
      const { doc } = await articlesApi.preview(body);
      if (seq === this.previewSeq) this.preview = doc; // a later keystroke's preview wins
    } catch {
      // the preview is a convenience: the last one stays
    }
  }

  private async save(published: boolean): Promise<void> {
    const d = this.draft;
    if (!d || !this.appId || this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      const { article } = await articlesApi.save(this.appId, d.locale.trim().toLowerCase(), d.slug.trim(), {
        title: d.title,
        body: d.body,
        category: d.category.trim() || null,
        description: d.description.trim() || null,
        published,
      });
      // A renamed key is a new article: the old one goes.
      if (d.key && d.key !== keyOf(article)) await articlesApi.remove(this.appId, ...(d.key.split('/') as [string, string]));
      this.draft = draftOf(article);
      this.notice = published ? 'Saved and published.' : 'Saved as a draft.';
      await this.reload();
    } catch (e) {
      this.error = message(e);
    } finally {
      this.busy = false;
    }
  }

  private async deleteArticle(): Promise<void> {
    const d = this.draft;
    if (!d?.key || !this.appId || this.busy) return;
    if (!confirm(`Delete “${d.title}” (${d.key})? Visitors will no longer find it.`)) return;
    this.busy = true;
    try {
      await articlesApi.remove(this.appId, d.locale, d.slug);
      this.draft = null;
      this.toggleAttribute('editing', false);
      await this.reload();
    } catch (e) {
      this.error = message(e);
    } finally {
      this.busy = false;
    }
  }

  // ---- render ---------------------------------------------------------------------------

  private renderSide() {
    const locales = [...new Set(this.articles.map((a) => a.locale))];
    const shown = this.articles.filter((a) => this.locale === 'all' || a.locale === this.locale);
    const current = this.draft?.key;
    return html`<nav class="side" aria-label="Articles">
      <div class="tools">
        ${this.apps.length > 1
          ? html`<label class="sr-only" for="app">App</label>
              <select id="app" @change=${(e: Event) => void this.selectApp((e.target as HTMLSelectElement).value)}>
                ${this.apps.map((a) => html`<option value=${a.id} ?selected=${a.id === this.appId}>${a.name}</option>`)}
              </select>`
          : nothing}
        <label class="sr-only" for="locale">Language</label>
        <select id="locale" @change=${(e: Event) => (this.locale = (e.target as HTMLSelectElement).value)}>
          <option value="all" ?selected=${this.locale === 'all'}>All languages</option>
          ${locales.map((l) => html`<option value=${l} ?selected=${l === this.locale}>${l}</option>`)}
        </select>
        <button class="btn primary" type="button" ?disabled=${!this.appId} @click=${() => this.edit(emptyDraft(this.locale === 'all' ? 'en' : this.locale))}>New article</button>
      </div>
      ${shown.length
        ? html`<ul class="list">
            ${shown.map(
              (a) => html`<li>
                <button type="button" aria-current=${current === keyOf(a) ? 'true' : 'false'} @click=${() => this.edit(draftOf(a))}>
                  <span class="row-title">${a.title}</span>
                  <span class="row-meta"
                    ><span>${a.locale}</span><span>${a.category ?? 'No category'}</span>${a.published ? nothing : html`<span class="badge">Draft</span>`}${a.source === 'config'
                      ? html`<span title="Declared in the config file">config</span>`
                      : nothing}</span
                  >
                </button>
              </li>`,
            )}
          </ul>`
        : html`<p class="empty">${this.appId ? 'No articles yet.' : 'You work on no app.'}</p>`}
    </nav>`;
  }

  private renderEditor() {
    const d = this.draft;
    if (!d) return html`<section class="editor"><p class="note">Choose an article, or write a new one. Published articles show in the widget’s Help tab and on the help site.</p></section>`;
    const input = (field: keyof Draft) => (e: Event) => this.change({ [field]: (e.target as HTMLInputElement).value } as Partial<Draft>);
    return html`<section class="editor" aria-label="Edit article">
      <div class="fields">
        <label>Language <input type="text" .value=${d.locale} @input=${input('locale')} maxlength="3" required /></label>
        <label>Title <input type="text" .value=${d.title} @input=${input('title')} maxlength="200" required /></label>
        <label>Address (slug) <input type="text" .value=${d.slug} @input=${input('slug')} maxlength="100" pattern="[a-z0-9]+(-[a-z0-9]+)*" required /></label>
        <label>Category <input type="text" .value=${d.category} @input=${input('category')} maxlength="100" /></label>
        <label class="span2">Description <input type="text" .value=${d.description} @input=${input('description')} maxlength="300" /></label>
      </div>
      <div class="panes">
        <textarea aria-label="Article body (Markdown)" .value=${d.body} @input=${input('body')} spellcheck="true"></textarea>
        <div class="preview" aria-label="Preview" aria-live="off">${d.title ? html`<h1>${d.title}</h1>` : nothing}${mdView(this.preview)}</div>
      </div>
      <div class="actions">
        <button class="btn ghost back" type="button" @click=${() => ((this.draft = null), this.toggleAttribute('editing', false))}>Back</button>
        <button class="btn primary" type="button" ?disabled=${this.busy} @click=${() => void this.save(true)}>${d.published ? 'Save' : 'Publish'}</button>
        <button class="btn ghost" type="button" ?disabled=${this.busy} @click=${() => void this.save(false)}>${d.published ? 'Unpublish' : 'Save draft'}</button>
        <span role="status" class="status">${this.notice ?? (d.source === 'config' ? 'From the config file: saving here takes it over.' : '')}</span>
        <span role="alert" class="error">${this.error ?? ''}</span>
        <span class="spacer"></span>
        ${d.key ? html`<button class="btn ghost danger" type="button" ?disabled=${this.busy} @click=${() => void this.deleteArticle()}>Delete</button>` : nothing}
      </div>
    </section>`;
  }

  protected override render() {
    return html`${this.renderSide()}${this.renderEditor()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'convot-inbox-articles': InboxArticles;
  }
}
