import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { openWithIdentity } from '../../client/handoff.js';
import { ApiError, callRoute } from '../../client/transport.js';
import { helpStrings, type HelpStrings } from '../../help/help-strings.js';
import type { Article, ArticleHit, HelpSearchResponse, HighlightPart } from '../../protocol/help.js';
import { visitorApi } from '../../protocol/routes.js';
import { directionOf } from '../../i18n/index.js';
import type { ConvotRuntime } from '../../runtime/runtime.js';
import { renderMarkdown } from '../shared/markdown.js';
import { srOnly } from '../shared/theme.styles.js';
import { helpStyles } from './convot-help-panel.styles.js';

/** Typing settles this long before the query is searched. */
const DEBOUNCE_MS = 200;

/** Requests to focus search already honoured, per runtime (the panel is re-created per visit). */
const focusDone = new WeakMap<ConvotRuntime, number>();
/** Missing articles already warned about (once each). */
const warnedMissing = new Set<string>();

type Load<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'missing' } | { status: 'failed' };

/**
 * The Help tab: search with results as you type, the article list, an article, and the way
 * back to the chat. Internal to Convot, loaded in its own chunk the first time Help is shown.
 * What it shows (query, article) lives in the runtime's store, so the verbs, both views and
 * a return to the tab agree; the fetched results and article live here.
 *
 * @tag convot-help-panel
 * @summary The help center inside the widget (internal).
 */
export class ConvotHelpPanel extends LitElement {
  static override styles = [srOnly, helpStyles];

  @property({ attribute: false }) runtime?: ConvotRuntime;

  /** The widget's resolved locale: the UI language and the articles' locale. */
  @property({ attribute: false }) locale = 'en';

  @state() private results: Load<HelpSearchResponse> = { status: 'loading' };
  @state() private article: Load<Article> | null = null;
  /** What the search box shows: typed text runs ahead of the (debounced) query in the store. */
  @state() private typed = '';

  private searched: string | null = null;
  private articleKey: string | null = null;
  private seq = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private unsubscribe?: () => void;
  /** Set when the visitor opened an article from the list: its heading then takes focus. */
  private focusArticle = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.runtime?.store.subscribe(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.timer);
  }

  private get t(): HelpStrings {
    return helpStrings(this.locale);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const runtime = this.runtime;
    if (!runtime) return;
    if (changed.has('runtime')) {
      this.unsubscribe?.();
      this.unsubscribe = this.isConnected ? runtime.store.subscribe(() => this.requestUpdate()) : undefined;
    }
    const { help } = runtime.state;
    if (help.article) {
      const key = `${help.article.locale}\n${help.article.slug}`;
      if (key !== this.articleKey) {
        this.articleKey = key;
        void this.loadArticle(help.article.locale, help.article.slug);
      }
      return;
    }
    this.articleKey = null;
    this.article = null;
    const searchKey = `${this.locale}\n${help.query}`;
    if (searchKey !== this.searched) {
      // A query set from outside (a verb) replaces what the box shows.
      if (help.query !== this.typed.trim()) this.typed = help.query;
      this.searched = searchKey;
      void this.search(help.query);
    }
  }

  protected override updated(): void {
    const runtime = this.runtime;
    if (!runtime) return;
    const { focus, article } = runtime.state.help;
    if (!article && focus > (focusDone.get(runtime) ?? 0)) {
      focusDone.set(runtime, focus);
      this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
    }
    if (this.focusArticle && this.article?.status !== 'loading') {
      this.focusArticle = false;
      this.renderRoot.querySelector<HTMLElement>('.article-title, .state')?.focus();
    }
  }

  private async search(q: string): Promise<void> {
    const runtime = this.runtime!;
    const seq = ++this.seq;
    if (this.results.status !== 'ready') this.results = { status: 'loading' };
    try {
      const value = await callRoute(runtime.server, visitorApi.helpSearch, { params: { appId: runtime.appId }, query: { locale: this.locale, q } });
      if (seq === this.seq) this.results = { status: 'ready', value };
    } catch {
      if (seq === this.seq) this.results = { status: 'failed' };
    }
  }

  private async loadArticle(locale: string, slug: string): Promise<void> {
    const runtime = this.runtime!;
    const seq = ++this.seq;
    this.article = { status: 'loading' };
    try {
      const { article } = await callRoute(runtime.server, visitorApi.helpArticle, { params: { appId: runtime.appId, locale, slug } });
      if (seq === this.seq) this.article = { status: 'ready', value: article };
    } catch (e) {
      if (seq !== this.seq) return;
      const missing = e instanceof ApiError && e.code === 'CONVOT_ERR_NOT_FOUND';
      this.article = { status: missing ? 'missing' : 'failed' };
      const key = `${runtime.appId}/${locale}/${slug}`;
      if (missing && !warnedMissing.has(key)) {
        warnedMissing.add(key);
        console.warn(`Convot: helpdesk:article:open found no published article ${JSON.stringify(slug)} in locale ${JSON.stringify(locale)} of app ${JSON.stringify(runtime.appId)}.`);
      }
    }
  }

  private onInput(e: Event): void {
    this.typed = (e.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.setHelp({ query: this.typed.trim() }), DEBOUNCE_MS);
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    clearTimeout(this.timer);
    this.setHelp({ query: this.typed.trim() });
  }

  private setHelp(patch: Partial<ConvotRuntime['state']['help']>): void {
    const runtime = this.runtime;
    if (runtime) runtime.store.set({ help: { ...runtime.state.help, ...patch } });
  }

  private open(hit: ArticleHit): void {
    this.focusArticle = true;
    this.setHelp({ article: { locale: hit.locale, slug: hit.slug } });
  }

  private back(): void {
    this.setHelp({ article: null, focus: (this.runtime?.state.help.focus ?? 0) + 1 });
  }

  private retry(): void {
    this.searched = null;
    this.articleKey = null;
    this.requestUpdate();
  }

  private chat(): void {
    this.dispatchEvent(new CustomEvent('convot-tab', { detail: { tab: 'chat', focus: true }, bubbles: true, composed: true }));
  }

  /** A link to the app's own site: carries the visitor's identity when verified. */
  private ownSiteLink(url: string, label: string, cls = '') {
    const runtime = this.runtime!;
    return html`<a class="out ${cls}" href=${url} target="_blank" rel="noopener" @click=${(e: MouseEvent) => openWithIdentity(e, url, () => runtime.identityToken())}
      >${label}<span aria-hidden="true"> ↗</span><span class="sr-only"> ${this.t.newTab}</span></a
    >`;
  }

  private marked(parts: readonly HighlightPart[]) {
    return parts.map((p) => (p.hit ? html`<mark>${p.text}</mark>` : p.text));
  }

  private renderHit(hit: ArticleHit) {
    return html`<li>
      <button type="button" class="hit" @click=${() => this.open(hit)}>
        <span class="hit-title" dir="auto">${hit.title_parts ? this.marked(hit.title_parts) : hit.title}</span>
        ${hit.snippet.length ? html`<span class="hit-snippet" dir="auto">${this.marked(hit.snippet)}</span>` : hit.description ? html`<span class="hit-snippet" dir="auto">${hit.description}</span>` : nothing}
      </button>
    </li>`;
  }

  /** The article list of the empty query, grouped by category (the server sorts by category). */
  private renderGroups(hits: readonly ArticleHit[]) {
    const groups = new Map<string, ArticleHit[]>();
    for (const hit of hits) {
      const name = hit.category ?? this.t.general;
      groups.set(name, [...(groups.get(name) ?? []), hit]);
    }
    return [...groups].map(
      ([name, list]) => html`<section class="group">
        <h3 dir="auto">${groups.size > 1 ? name : this.t.articles}</h3>
        <ul class="hits">${list.map((h) => this.renderHit(h))}</ul>
      </section>`,
    );
  }

  private renderResults(query: string) {
    const t = this.t;
    const r = this.results;
    if (r.status === 'loading') return html`<p class="state" role="status">${t.loading}</p>`;
    if (r.status !== 'ready') {
      return html`<div class="state" role="alert"><p>${t.failed}</p><button type="button" class="secondary" @click=${this.retry}>${t.retry}</button></div>`;
    }
    const { articles, locale } = r.value;
    if (!query) {
      return articles.length ? html`<div lang=${locale} dir=${directionOf(locale)}>${this.renderGroups(articles)}</div>` : html`<p class="state">${t.empty}</p>`;
    }
    return html`<section lang=${locale} dir=${directionOf(locale)}>
      <h3 class="sr-only">${t.results(query)}</h3>
      ${articles.length ? html`<ul class="hits">${articles.map((h) => this.renderHit(h))}</ul>` : html`<p class="state">${t.none(query)}</p>${this.renderChatPrompt()}`}
    </section>`;
  }

  private renderChatPrompt() {
    return html`<div class="still">
      <p>${this.t.stillNeedHelp}</p>
      <button type="button" class="primary" @click=${this.chat}>${this.t.chatWithUs}</button>
    </div>`;
  }

  private renderSearch() {
    const runtime = this.runtime!;
    const t = this.t;
    const { helpCenter, statusUrl, help } = runtime.state;
    const query = help.query;
    return html`<form class="search" role="search" @submit=${this.onSubmit}>
        <label class="sr-only" for="q">${t.search}</label>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M10 3a7 7 0 0 1 5.6 11.2l4.6 4.6-1.4 1.4-4.6-4.6A7 7 0 1 1 10 3zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10z" /></svg>
        <input id="q" type="search" autocomplete="off" enterkeyhint="search" maxlength="200" placeholder=${t.placeholder} .value=${this.typed} @input=${this.onInput} />
      </form>
      <div class="scroll" aria-live="polite">
        ${helpCenter === null ? html`<p class="state">${t.empty}</p>` : this.renderResults(query)}
        ${helpCenter || statusUrl
          ? html`<footer>
              ${helpCenter ? this.ownSiteLink(helpCenter.url, t.visitHelpCenter) : nothing}
              ${statusUrl ? this.ownSiteLink(statusUrl, t.systemStatus, 'status') : nothing}
            </footer>`
          : nothing}
      </div>`;
  }

  private renderArticle(load: Load<Article>) {
    const t = this.t;
    const back = html`<button type="button" class="back" @click=${this.back}><span aria-hidden="true" class="arrow">←</span> ${t.back}</button>`;
    if (load.status === 'loading') return html`${back}<p class="state" role="status">${t.loading}</p>`;
    if (load.status === 'missing') return html`${back}<div class="scroll"><p class="state" role="alert" tabindex="-1">${t.notFound}</p>${this.renderChatPrompt()}</div>`;
    if (load.status === 'failed') {
      return html`${back}<div class="state" role="alert"><p>${t.failed}</p><button type="button" class="secondary" @click=${this.retry}>${t.retry}</button></div>`;
    }
    const a = load.value;
    const date = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium' }).format(new Date(a.updated_at));
    return html`${back}
      <div class="scroll">
        <article lang=${a.locale} dir=${directionOf(a.locale)}>
          <h3 class="article-title" tabindex="-1" dir="auto">${a.title}</h3>
          <p class="updated">${t.updated(date)}</p>
          <div class="doc">${renderMarkdown(a.doc)}</div>
        </article>
        ${this.renderChatPrompt()}
        <footer>${this.ownSiteLink(a.url, t.openInHelpCenter)}</footer>
      </div>`;
  }

  protected override render() {
    if (!this.runtime) return nothing;
    return html`<div class="help tab" lang=${this.locale} dir=${directionOf(this.locale)}>
      ${this.article ? this.renderArticle(this.article) : this.renderSearch()}
    </div>`;
  }
}
