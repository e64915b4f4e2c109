import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { browserTimeZone, todayIn } from '../../booking/calendar.js';
import { bookingStrings } from '../../booking/booking-strings.js';
import { callRoute } from '../../client/transport.js';
import { visitorApi } from '../../protocol/routes.js';
import type { Slot } from '../../protocol/scheduling.js';
import type { BookingCard } from '../../protocol/wire.js';
import { buttonStyles, tileStyles } from '../shared/controls.styles.js';

/** Times offered right in the card; the rest are one click away in the Book tab. */
const SHOWN = 6;
/** How far ahead the card looks for those times. */
const DAYS = 14;

/**
 * A meeting type the team offered in the chat: the next free times as buttons, so the visitor
 * picks one without leaving the conversation (the Book tab then asks only for their details).
 * Internal to Convot; in the booking chunk, loaded when such a card first appears.
 *
 * @tag convot-booking-card
 * @summary A booking offer inside the chat (internal).
 */
export class ConvotBookingCard extends LitElement {
  static override styles = [
    tileStyles,
    buttonStyles,
    css`
    :host {
      display: block;
    }
    .tile {
      gap: 8px;
    }
    .title {
      font-weight: 600;
    }
    .meta {
      color: var(--_muted);
      font-size: 14px;
      font-weight: 400;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 6px;
    }
    .slot {
      padding: 7px 6px;
      font-size: 13px;
    }
    .more {
      border-color: transparent;
    }
    .note {
      margin: 0;
      color: var(--_muted);
      font-size: 14px;
    }
  `,
  ];

  @property({ attribute: false }) card?: BookingCard;
  /** The server and app the card's times come from (the chat client's). */
  @property({ attribute: false }) server = '';
  @property({ attribute: false }) appId = '';
  @property({ attribute: false }) locale = 'en';

  @state() private slots: Slot[] | null = null;
  @state() private failed = false;
  private readonly tz = browserTimeZone();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('card') || changed.has('server')) && this.card && this.server) void this.load();
  }

  private async load(): Promise<void> {
    const card = this.card!;
    try {
      const r = await callRoute(this.server, visitorApi.slots, { params: { appId: this.appId, id: String(card.meeting_type_id) }, query: { from: todayIn(this.tz), days: DAYS, tz: this.tz } });
      this.slots = r.days.flatMap((d) => d.slots).slice(0, SHOWN);
    } catch {
      this.failed = true;
    }
  }

  private pick(slot: Slot | null): void {
    this.dispatchEvent(new CustomEvent('convot-book-slot', { detail: { meeting_type_id: this.card!.meeting_type_id, slot }, bubbles: true, composed: true }));
  }

  /** Rendered (or grown): the chat keeps its newest message in view. */
  protected override updated(): void {
    this.dispatchEvent(new Event('convot-grew', { bubbles: true, composed: true }));
  }

  protected override render() {
    const card = this.card;
    if (!card) return nothing;
    const t = bookingStrings(this.locale);
    const fmt = new Intl.DateTimeFormat(this.locale, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit', timeZone: this.tz });
    const full = new Intl.DateTimeFormat(this.locale, { dateStyle: 'full', timeStyle: 'short', timeZone: this.tz });
    return html`<div class="tile" role="group" aria-label=${card.name}>
      <span class="title" dir="auto">${card.name} <span class="meta">${t.minutes(card.duration_minutes)}</span></span>
      ${this.failed
        ? html`<p class="note">${t.failed}</p>`
        : this.slots === null
          ? html`<p class="note" role="status">${t.loading}</p>`
          : this.slots.length
            ? html`<ul>
                ${this.slots.map((s) => html`<li><button type="button" class="slot" aria-label=${full.format(new Date(s.start))} @click=${() => this.pick(s)}>${fmt.format(new Date(s.start))}</button></li>`)}
              </ul>`
            : html`<p class="note">${t.noSlotsMonth}</p>`}
      <button type="button" class="slot more" @click=${() => this.pick(null)}>${t.moreTimes}</button>
    </div>`;
  }
}
