import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { ConvotView } from '../convot-view/convot-view.js';
import { srOnly, themeStyles } from '../shared/theme.styles.js';
import { inlineStyles } from './convot-inline.styles.js';

/**
 * The chat panel in the page flow: always open, sized by its container. It binds to the same
 * runtime as a `<convot-widget>` of the same app on the page, so both show one conversation
 * over one socket; while it is on the page, team messages count as read.
 *
 * @tag convot-inline
 * @summary Inline live chat: the chat panel embedded in the page, sized by its container.
 *
 * @fires convot-session-loaded - The visitor session is ready. Detail: `{ session_id }`.
 * @fires convot-message-sent - The server stored a visitor message. Detail: `{ unread_count }`.
 * @fires convot-message-received - A message from the team arrived. Detail: `{ unread_count }`.
 * @fires convot-website-availability-changed - An agent came online or all went offline. Detail: boolean.
 * @fires convot-user-email-changed - The visitor's email was set. Detail: the email.
 * @fires convot-user-phone-changed - The visitor's phone was set. Detail: the phone.
 * @fires convot-user-nickname-changed - The visitor's name was set. Detail: the name.
 * @fires convot-user-avatar-changed - The visitor's avatar URL was set. Detail: the URL.
 * @fires convot-user-company-changed - The visitor's company was set. Detail: the company.
 *
 * @csspart panel - The chat panel.
 * @csspart header - The panel's header.
 * @csspart messages - The message log.
 * @csspart composer - The message form.
 *
 * @cssprop --convot-color-primary - Brand colour of the header and visitor bubbles (default #2563eb).
 * @cssprop --convot-color-on-primary - Text and icon colour on the brand colour (default #ffffff).
 * @cssprop --convot-color-surface - Panel background.
 * @cssprop --convot-color-surface-alt - Background of team messages and notices.
 * @cssprop --convot-color-text - Main text colour.
 * @cssprop --convot-color-muted - Secondary text colour.
 * @cssprop --convot-color-border - Borders and dividers.
 * @cssprop --convot-radius - Corner radius of the panel.
 * @cssprop --convot-font-family - Font of the whole widget.
 */
export class ConvotInline extends ConvotView {
  static override styles = [themeStyles, srOnly, inlineStyles];

  /** Moves focus to the message field when the panel first renders (inline embeds by selector do, unless `initial_input_focus: false`). */
  @property({ type: Boolean, attribute: 'focus-on-load' }) focusOnLoad = false;

  private focused = false;

  protected get viewKind() {
    return 'inline' as const;
  }

  protected override updated(): void {
    if (!this.focusOnLoad || this.focused) return;
    const panel = this.renderRoot.querySelector<HTMLElement & { focusComposer(): void; updateComplete: Promise<unknown> }>('convot-chat-panel');
    if (!panel) return;
    this.focused = true;
    void panel.updateComplete.then(() => panel.focusComposer());
  }

  /** Moves keyboard focus to the message field. */
  focusComposer(): void {
    this.renderRoot.querySelector<HTMLElement & { focusComposer(): void }>('convot-chat-panel')?.focusComposer();
  }

  protected override render() {
    const client = this.client;
    if (!client) return nothing;
    const appearance = client.state.appearance;
    const locale = this.resolvedLocale;
    return html`<convot-chat-panel
      lang=${locale}
      dir=${this.direction}
      .client=${client}
      .strings=${this.strings}
      .locale=${locale}
      .heading=${this.heading || appearance.team_name || ''}
      .welcome=${client.state.flow?.welcome_message ?? appearance.welcome_text ?? ''}
      .tabs=${this.tabs}
      exportparts="panel, header, messages, composer"
    >${this.renderTabContent()}</convot-chat-panel>`;
  }
}
