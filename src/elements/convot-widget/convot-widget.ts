import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { ChatMessage, WidgetState } from '../../client/state.js';
import { hiddenByFlows } from '../../client/flows.js';
import { ConvotView } from '../convot-view/convot-view.js';
import { CHAT_ICON, CLOSE_ICON } from '../shared/icons.js';
import { srOnly, themeStyles } from '../shared/theme.styles.js';
import { widgetStyles } from './convot-widget.styles.js';

const MOBILE_UA = /Mobi|Android|iPhone|iPad|iPod/i;
const TOP_LAYER = typeof HTMLElement !== 'undefined' && 'showPopover' in HTMLElement.prototype;

let panelModule: Promise<unknown> | undefined;
/** The panel's code is a separate chunk: fetched when the visitor shows intent (hover, focus, touch) or opens. */
const loadPanel = (): Promise<unknown> => (panelModule ??= import('../../define/convot-chat-panel.js').catch((e: unknown) => {
  panelModule = undefined; // a failed load can be retried
  throw e;
}));

/**
 * A floating chat launcher and panel for one Convot app.
 *
 * @tag convot-widget
 * @summary Floating live-chat widget: launcher button, unread badge and chat panel.
 *
 * @fires convot-session-loaded - The visitor session is ready. Detail: `{ session_id }`.
 * @fires convot-chat-opened - The chat panel opened.
 * @fires convot-chat-closed - The chat panel closed.
 * @fires convot-chat-visibility - The launcher was shown (`true`) or hidden (`false`).
 * @fires convot-message-sent - The server stored a visitor message. Detail: `{ unread_count }`.
 * @fires convot-message-received - A message from the team arrived. Detail: `{ unread_count }`.
 * @fires convot-website-availability-changed - An agent came online or all went offline. Detail: boolean.
 * @fires convot-user-email-changed - The visitor's email was set. Detail: the email.
 * @fires convot-user-phone-changed - The visitor's phone was set. Detail: the phone.
 * @fires convot-user-nickname-changed - The visitor's name was set. Detail: the name.
 * @fires convot-user-avatar-changed - The visitor's avatar URL was set. Detail: the URL.
 * @fires convot-user-company-changed - The visitor's company was set. Detail: the company.
 * @fires convot-preview-shown - The preview card of a new team message appeared.
 * @fires convot-preview-hidden - The preview card was dismissed or opened.
 *
 * @csspart launcher - The round launcher button.
 * @csspart badge - The unread count on the launcher.
 * @csspart preview - The card previewing a team message while the panel is closed.
 * @csspart panel - The chat panel.
 * @csspart header - The panel's header.
 * @csspart messages - The message log.
 * @csspart composer - The message form.
 *
 * @cssprop --convot-color-primary - Brand colour of the launcher, header and visitor bubbles (default #2563eb).
 * @cssprop --convot-color-on-primary - Text and icon colour on the brand colour (default #ffffff).
 * @cssprop --convot-color-surface - Panel background.
 * @cssprop --convot-color-surface-alt - Background of team messages and notices.
 * @cssprop --convot-color-text - Main text colour.
 * @cssprop --convot-color-muted - Secondary text colour.
 * @cssprop --convot-color-border - Borders and dividers.
 * @cssprop --convot-radius - Corner radius of the panel.
 * @cssprop --convot-font-family - Font of the whole widget.
 * @cssprop --convot-z-index - Stacking order of the widget (default 2147483000).
 */
export class ConvotWidget extends ConvotView {
  static override styles = [themeStyles, srOnly, widgetStyles];

  /** Text shown on the launcher beside the icon. Empty uses the app's appearance (icon only). */
  @property({ attribute: 'launcher-label' }) launcherLabel = '';

  @state() private panelLoaded = false;
  @state() private preview: ChatMessage | null = null;

  @query('.launcher') private launcher?: HTMLButtonElement;

  private shellSheets: readonly CSSStyleSheet[] = [];
  private followingViewport = false;
  /** Set by a visitor's click on the launcher: only then does opening move focus. */
  private focusOnOpen = false;
  /** `open` set before the element bound to its runtime. */
  private openWhenBound?: boolean;
  private readonly onKeydown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.open) {
      e.stopPropagation();
      this.runtime?.interacted(true);
      this.closeChat();
      this.launcher?.focus();
    }
  };
  private readonly onPanelClose = () => {
    this.runtime?.interacted(true);
    this.closeChat();
    this.launcher?.focus();
  };
  private readonly onReceived = () => this.showPreview();
  /** Hover, focus or touch on the launcher: fetch the panel before the click lands. */
  private readonly warmPanel = { handleEvent: () => void this.ensurePanel(), passive: true };

  protected get viewKind() {
    return 'floating' as const;
  }

  /** Whether the chat panel is open. */
  @property({ type: Boolean, reflect: true })
  get open(): boolean {
    return this.state?.open ?? this.openWhenBound ?? false;
  }
  set open(v: boolean) {
    if (!this.runtime) this.openWhenBound = v;
    this.call((r) => (v ? r.openChat() : r.closeChat()));
  }

  /** Corner the widget sits in: `right` or `left`. Empty uses the app's appearance (default right). */
  @property()
  get position(): '' | 'right' | 'left' {
    return this.setting('position', '');
  }
  set position(v: '' | 'right' | 'left') {
    this.remember('position', v ?? '');
    this.runtime?.setPosition(v ?? '', 'position');
  }

  /** Hides the whole widget on screens narrower than 768px and on mobile browsers. */
  @property({ type: Boolean, reflect: true, attribute: 'hide-on-mobile' })
  get hideOnMobile(): boolean {
    return this.setting('hideOnMobile', false);
  }
  set hideOnMobile(v: boolean) {
    this.remember('hideOnMobile', v);
    this.runtime?.setFlag('hideOnMobile', v, 'hide-on-mobile');
  }

  /** Stacking order of the widget (`z-index`). */
  @property({ type: Number, attribute: 'z-index' })
  get zIndex(): number | undefined {
    return this.setting('zIndex', null) ?? undefined;
  }
  set zIndex(v: number | undefined) {
    this.remember('zIndex', v ?? null);
    this.runtime?.setZIndex(v ?? null, 'z-index');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKeydown);
    this.addEventListener('convot-panel-close', this.onPanelClose);
    this.addEventListener('convot-message-received', this.onReceived);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKeydown);
    this.removeEventListener('convot-panel-close', this.onPanelClose);
    this.removeEventListener('convot-message-received', this.onReceived);
    this.syncViewport(); // no listener outlives the element
  }

  /** Opens the chat panel. Focus stays where it is (only the visitor's click moves it). */
  openChat(): void {
    this.call((r) => r.openChat());
  }

  /** Closes the chat panel. */
  closeChat(): void {
    this.call((r) => r.closeChat());
  }

  /** Opens the panel when closed, closes it when open. */
  toggleChat(): void {
    this.call((r) => r.toggleChat());
  }

  /** Shows the launcher. */
  showLauncher(): void {
    this.call((r) => r.showLauncher());
  }

  /** Hides the launcher entirely (the panel closes too). */
  hideLauncher(): void {
    this.call((r) => r.hideLauncher());
  }

  /** Whether the launcher is visible. */
  get launcherVisible(): boolean {
    return this.state?.launcherVisible ?? true;
  }

  /** Sets the widget's z-index. */
  setZIndex(z: number): void {
    this.remember('zIndex', z);
    this.call((r) => r.setZIndex(z));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!this.hasUpdated) this.dropShell();
    if (changed.has('open') && this.open) {
      void this.ensurePanel();
      this.hidePreview();
    }
    if (changed.has('zIndex')) {
      if (this.zIndex === undefined) this.style.removeProperty('--convot-z-index');
      else this.style.setProperty('--convot-z-index', String(this.zIndex));
    }
  }

  /**
   * The loader may have painted a stand-in launcher in this shadow root (launcher-shell.ts).
   * It stays, styled, until the first render, which may wait for the page's strings; the real
   * launcher is rendered after it and replaces it in the same frame.
   */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    this.shellSheets = [...(this.shadowRoot?.adoptedStyleSheets ?? [])]; // a copy: the property is a live array
    const root = super.createRenderRoot() as ShadowRoot;
    this.renderOptions.renderBefore = null;
    if (this.shellSheets.length) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...this.shellSheets];
    return root;
  }

  private dropShell(): void {
    const root = this.renderRoot as ShadowRoot;
    for (const node of [...root.childNodes]) node.remove();
    if (this.shellSheets.length) root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => !this.shellSheets.includes(s));
    this.shellSheets = [];
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.syncTopLayer();
    this.syncViewport();
    if (changed.has('open') && this.open) this.focusComposerIfAsked();
  }

  /**
   * The open panel lives in the browser's top layer (Popover API), so no element of the host
   * page covers it, whatever its z-index. Browsers without popovers use z-index (container:index).
   */
  /** While open on a phone, the panel follows the visual viewport (the part the keyboard leaves). */
  private readonly fitViewport = () => {
    const vv = globalThis.visualViewport;
    if (!vv) return;
    this.style.setProperty('--_viewport-height', `${vv.height}px`);
    this.style.setProperty('--_viewport-top', `${vv.offsetTop}px`);
  };

  private syncViewport(): void {
    const vv = globalThis.visualViewport;
    if (!vv) return;
    const follow = this.open && this.isConnected;
    if (follow === this.followingViewport) return;
    this.followingViewport = follow;
    for (const type of ['resize', 'scroll'] as const) {
      if (follow) vv.addEventListener(type, this.fitViewport);
      else vv.removeEventListener(type, this.fitViewport);
    }
    if (follow) this.fitViewport();
  }

  private syncTopLayer(): void {
    const wrap = this.renderRoot.querySelector<HTMLElement>('.panel-wrap');
    if (!TOP_LAYER || !wrap?.isConnected) return;
    const show = this.open && !this.hiddenOnThisDevice;
    if (show !== wrap.matches(':popover-open')) {
      if (show) wrap.showPopover();
      else wrap.hidePopover();
    }
  }

  protected override runtimeChanged(s: WidgetState, prev: WidgetState): void {
    super.runtimeChanged(s, prev);
    if (s.open !== prev.open) this.requestUpdate('open', prev.open);
    if (!s.launcherVisible || s.sessionId !== prev.sessionId) this.hidePreview();
  }

  private get panel(): (HTMLElement & { focusComposer(): void }) | null {
    return this.renderRoot.querySelector('convot-chat-panel');
  }

  private onLauncherClick(): void {
    this.runtime?.interacted(this.open);
    this.focusOnOpen = !this.open;
    this.toggleChat();
  }

  private focusComposerIfAsked(): void {
    if (!this.focusOnOpen || !this.panelLoaded) return;
    this.focusOnOpen = false;
    void this.updateComplete.then(() => this.panel?.focusComposer());
  }

  /** A team message arrived while the panel is closed: preview it above the launcher. */
  private showPreview(): void {
    const state = this.state;
    if (!state || this.open || !state.launcherVisible) return;
    const last = [...state.messages].reverse().find((m) => m.author !== 'visitor');
    if (!last) return;
    const wasShown = this.preview !== null;
    this.preview = last;
    void this.ensurePanel(); // a reply to read is intent enough
    if (!wasShown) this.runtime?.events.emit('preview:shown', undefined);
  }

  private hidePreview(): void {
    if (!this.preview) return;
    this.preview = null;
    this.runtime?.events.emit('preview:hidden', undefined);
  }

  private get hiddenOnThisDevice(): boolean {
    return this.hideOnMobile && typeof navigator !== 'undefined' && MOBILE_UA.test(navigator.userAgent);
  }

  private async ensurePanel(): Promise<void> {
    if (this.panelLoaded) return;
    try {
      await loadPanel();
      this.panelLoaded = true;
      if (this.open) this.focusComposerIfAsked();
    } catch {
      console.warn('Convot: could not load the chat panel; it will be retried on the next open.');
    }
  }

  protected override render() {
    const state = this.state;
    const locale = this.resolvedLocale;
    const s = this.strings;
    const unread = state?.unread ?? 0;
    const label = this.open ? s.closeChat : unread ? `${s.openChat}, ${s.unread(unread)}` : s.openChat;
    const preview = this.preview;
    const appearance = state?.appearance ?? {};
    const side = this.position || appearance.position || 'right';
    const launcherText = this.launcherLabel || appearance.launcher_label || '';
    return html`<div class="root ${side}" lang=${locale} dir=${this.direction} ?hidden=${this.hiddenOnThisDevice || (state ? hiddenByFlows(state) : false)}>
      <div class="panel-wrap" id="panel" popover=${TOP_LAYER ? 'manual' : nothing} ?hidden=${!TOP_LAYER && !this.open}>
        ${this.panelLoaded && this.client
          ? html`<convot-chat-panel
              .client=${this.client}
              .strings=${s}
              .locale=${locale}
              .heading=${this.heading || appearance.team_name || ''}
              .welcome=${state?.flow?.welcome_message ?? appearance.welcome_text ?? ''}
              closable
              .tabs=${this.tabs}
              exportparts="panel, header, messages, composer"
            >${this.renderTabContent()}</convot-chat-panel>`
          : nothing}
      </div>
      ${preview
        ? html`<div part="preview" class="preview" role="status">
            <button class="preview-body" type="button" @click=${this.openChat}>
              <span class="preview-from">${preview.agentName ?? s.team}</span>
              <span class="preview-text" dir="auto">${preview.body}</span>
            </button>
            <button class="preview-dismiss" type="button" aria-label=${s.dismiss} @click=${this.hidePreview}>×</button>
          </div>`
        : nothing}
      <button part="launcher" class="launcher ${launcherText && !this.open ? 'labelled' : ''}" type="button" aria-label=${label} aria-controls="panel" aria-expanded=${this.open ? 'true' : 'false'} ?hidden=${state ? !state.launcherVisible : false} @click=${this.onLauncherClick} @pointerenter=${this.warmPanel} @focus=${this.warmPanel} @touchstart=${this.warmPanel}>
        ${this.open
          ? html`<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d=${CLOSE_ICON} /></svg>`
          : html`<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d=${CHAT_ICON} /></svg>${launcherText
                ? html`<span class="launcher-text" aria-hidden="true">${launcherText}</span>`
                : nothing}`}
        ${unread && !this.open ? html`<span part="badge" class="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
      </button>
    </div>`;
  }
}
