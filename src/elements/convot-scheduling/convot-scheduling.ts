import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ConvotView } from '../convot-view/convot-view.js';
import { srOnly, themeStyles } from '../shared/theme.styles.js';

let flowModule: Promise<unknown> | undefined;
const loadFlow = (): Promise<unknown> => (flowModule ??= import('../../define/convot-booking-flow.js').catch((e: unknown) => {
  flowModule = undefined;
  throw e;
}));

/**
 * Booking in the page flow, without the chat: meeting types, a calendar of free days, times in
 * the visitor's time zone, a short form and the confirmation. It binds to the same runtime as a
 * `<convot-widget>` of the same app, so the booking belongs to the same visitor and shows on
 * their conversation in the inbox.
 *
 * @tag convot-scheduling
 * @summary Inline meeting booking for one Convot app, optionally on one meeting type.
 *
 * @fires convot-booking-created - The visitor booked a meeting. Detail: the booking (`id`, `start`, `end`, `timezone`, `meeting_type_id`, `manage_url`, `ics_url`, …).
 * @fires convot-session-loaded - The visitor session is ready. Detail: `{ session_id }`.
 *
 * @cssprop --convot-color-primary - Brand colour of the free days, times and buttons (default #2563eb).
 * @cssprop --convot-color-on-primary - Text colour on the brand colour (default #ffffff).
 * @cssprop --convot-color-surface - Background.
 * @cssprop --convot-color-surface-alt - Background of notices and secondary buttons.
 * @cssprop --convot-color-text - Main text colour.
 * @cssprop --convot-color-muted - Secondary text colour.
 * @cssprop --convot-color-border - Borders.
 * @cssprop --convot-radius - Corner radius.
 * @cssprop --convot-font-family - Font.
 */
export class ConvotScheduling extends ConvotView {
  static override styles = [
    themeStyles,
    srOnly,
    css`
      :host {
        display: block;
      }
      .frame {
        display: flex;
        flex-direction: column;
        min-height: 320px;
        height: 100%;
        box-sizing: border-box;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
        color: var(--_text);
        font-size: 15px;
        line-height: 1.4;
        overflow: hidden;
      }
    `,
  ];

  /** Starts on this meeting type (its `id` in the server config); empty lists them all. */
  @property({ type: Number, attribute: 'meeting-type-id' }) meetingTypeId: number | null = null;

  @state() private flowLoaded = false;

  protected get viewKind() {
    return 'scheduling' as const;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    loadFlow().then(
      () => (this.flowLoaded = true),
      () => console.warn('Convot: could not load the booking flow; reload the page to try again.'),
    );
  }

  protected override render() {
    const runtime = this.runtime;
    const id = this.meetingTypeId;
    const valid = id === null || (Number.isInteger(id) && id > 0);
    return html`<div class="frame" lang=${this.resolvedLocale} dir=${this.direction}>
      ${runtime && this.flowLoaded
        ? html`<convot-booking-flow standalone .runtime=${runtime} .locale=${this.resolvedLocale} .meetingTypeId=${valid ? id : null}></convot-booking-flow>`
        : nothing}
    </div>`;
  }

  protected override firstUpdated(): void {
    super.firstUpdated();
    const id = this.meetingTypeId;
    if (id !== null && !(Number.isInteger(id) && id > 0)) {
      console.warn(`Convot: <convot-scheduling> meeting-type-id must be a meeting type's id (a positive integer), got ${JSON.stringify(this.getAttribute('meeting-type-id'))}; showing every meeting type.`);
    }
  }
}
