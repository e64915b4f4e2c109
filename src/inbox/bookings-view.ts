/**
 * <convot-inbox-bookings>: the inbox's Bookings screen. Upcoming and past bookings of the
 * agent's apps (an app filter when there are several), each with the visitor, the meeting type,
 * the time in the agent's own zone, the host, the status, a link to the visitor's conversation
 * (fires `inbox-open-conversation` with its id), the host's .ics and Cancel. Below, the meeting
 * types (<convot-inbox-meeting-types>). Refreshes when shown and every minute while shown.
 */
import { LitElement, css, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { AgentBooking } from '../protocol/scheduling.js';
import { ApiError } from '../client/transport.js';
import { base } from './inbox.styles.js';
import { schedulingApi } from './scheduling-api.js';
import { agentZone, bookingWhen } from './scheduling-format.js';
import { isolate } from './visuals.js';

const REFRESH_MS = 60_000;

export class InboxBookings extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 0;
        overflow-y: auto;
        padding: 16px 24px 48px;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 12px;
        margin-bottom: 12px;
      }
      h2 {
        margin: 0;
        font-size: 18px;
      }
      .zone {
        color: var(--in-muted);
        font-size: 13px;
      }
      .spacer {
        flex: 1;
      }
      [role='tablist'] {
        display: inline-flex;
        gap: 2px;
        padding: 2px;
        border: 1px solid var(--in-border);
        border-radius: 999px;
      }
      [role='tab'] {
        height: 30px;
        padding: 0 12px;
        border: 0;
        border-radius: 999px;
        background: transparent;
        font-weight: 600;
        font-size: 13px;
        color: var(--in-muted);
      }
      [role='tab'][aria-selected='true'] {
        background: var(--in-soft);
        color: var(--in-on-soft);
      }
      select {
        font: inherit;
        color: inherit;
        background: var(--in-surface);
        border: 1px solid var(--in-border);
        border-radius: 8px;
        height: 34px;
        padding: 0 8px;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        background: var(--in-surface);
        border: 1px solid var(--in-border);
        border-radius: 10px;
      }
      th,
      td {
        padding: 10px 12px;
        text-align: start;
        border-bottom: 1px solid var(--in-border);
        vertical-align: top;
      }
      th {
        font-size: 12px;
        color: var(--in-muted);
        font-weight: 600;
      }
      tr.cancelled td {
        color: var(--in-muted);
      }
      .status {
        font-weight: 600;
      }
      .status.cancelled {
        color: var(--in-danger);
      }
      .status.confirmed {
        color: var(--in-success);
      }
      .sub {
        color: var(--in-muted);
        font-size: 12px;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .actions .btn {
        min-height: 30px;
        padding: 0 10px;
        font-size: 13px;
      }
      a {
        color: var(--in-link);
      }
      a.btn {
        text-decoration: none;
      }
      .none,
      .error {
        padding: 16px 0;
        color: var(--in-muted);
      }
      .error {
        color: var(--in-danger);
      }
      convot-inbox-meeting-types {
        margin-top: 32px;
      }
    `,
  ];

  @state() private when: 'upcoming' | 'past' = 'upcoming';
  @state() private appId = '';
  @state() private apps: { id: string; name: string }[] = [];
  @state() private bookings: AgentBooking[] | null = null;
  @state() private error = '';
  @state() private busyId = '';
  private timer?: ReturnType<typeof setInterval>;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  /** Loads the list (and the apps for the filter). */
  async load(): Promise<void> {
    try {
      const [list, types] = await Promise.all([
        schedulingApi.bookings({ when: this.when, limit: 200, ...(this.appId ? { app_id: this.appId } : {}) }),
        this.apps.length ? null : schedulingApi.meetingTypes(),
      ]);
      this.bookings = list.bookings;
      if (types) this.apps = types.apps;
      this.error = '';
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : 'Could not load the bookings.';
    }
  }

  private show(when: 'upcoming' | 'past'): void {
    if (when === this.when) return;
    this.when = when;
    this.bookings = null;
    void this.load();
  }

  private async cancel(b: AgentBooking): Promise<void> {
    if (!confirm(`Cancel ${b.meeting_type_name} with ${b.name} (${bookingWhen(b.start, b.end)})? The visitor's slot is freed at once.`)) return;
    this.busyId = b.id;
    try {
      const { booking } = await schedulingApi.cancel(b.id);
      this.bookings = (this.bookings ?? []).map((x) => (x.id === booking.id ? booking : x));
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : 'Could not cancel the booking.';
    } finally {
      this.busyId = '';
    }
  }

  private openConversation(id: string): void {
    this.dispatchEvent(new CustomEvent('inbox-open-conversation', { detail: id, bubbles: true, composed: true }));
  }

  private onTabKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next = this.when === 'upcoming' ? 'past' : 'upcoming';
    this.show(next);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus());
  }

  private row(b: AgentBooking) {
    const app = this.apps.length > 1 ? this.apps.find((a) => a.id === b.app_id)?.name ?? b.app_id : null;
    return html`<tr class=${b.status}>
      <td>${bookingWhen(b.start, b.end)}<div class="sub">visitor's zone: ${b.timezone}</div></td>
      <td>${isolate(b.meeting_type_name)}${app ? html`<div class="sub">${isolate(app)}</div>` : nothing}</td>
      <td>${isolate(b.name)}<div class="sub">${isolate(b.email)}</div></td>
      <td>${isolate(b.host_name ?? '')}</td>
      <td><span class="status ${b.status}">${b.status === 'confirmed' ? 'Confirmed' : 'Cancelled'}</span></td>
      <td>
        <div class="actions">
          ${b.conversation_id
            ? html`<button class="btn ghost" type="button" @click=${() => this.openConversation(b.conversation_id!)}>Conversation</button>`
            : nothing}
          <a class="btn ghost" href=${b.ics_url} download>.ics</a>
          ${b.status === 'confirmed' && this.when === 'upcoming'
            ? html`<button class="btn ghost" type="button" ?disabled=${this.busyId === b.id} @click=${() => void this.cancel(b)}>Cancel</button>`
            : nothing}
        </div>
      </td>
    </tr>`;
  }

  protected override render() {
    const list = this.bookings;
    return html`<section aria-labelledby="bookings-title">
        <div class="bar">
          <h2 id="bookings-title">Bookings</h2>
          <span class="zone">Times in ${agentZone()}</span>
          <span class="spacer"></span>
          ${this.apps.length > 1
            ? html`<label
                >App
                <select
                  @change=${(e: Event) => {
                    this.appId = (e.target as HTMLSelectElement).value;
                    void this.load();
                  }}
                >
                  <option value="">All apps</option>
                  ${this.apps.map((a) => html`<option value=${a.id} ?selected=${a.id === this.appId}>${a.name}</option>`)}
                </select></label
              >`
            : nothing}
          <div role="tablist" aria-label="Which bookings" @keydown=${this.onTabKey}>
            ${(['upcoming', 'past'] as const).map(
              (w) => html`<button role="tab" type="button" aria-selected=${this.when === w ? 'true' : 'false'} tabindex=${this.when === w ? 0 : -1} @click=${() => this.show(w)}>
                ${w === 'upcoming' ? 'Upcoming' : 'Past'}
              </button>`,
            )}
          </div>
          <button class="btn ghost" type="button" @click=${() => void this.load()}>Refresh</button>
        </div>
        <p role="alert" class=${this.error ? 'error' : ''}>${this.error}</p>
        ${list === null
          ? html`<p class="none" role="status">Loading…</p>`
          : list.length
            ? html`<table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Meeting</th>
                    <th scope="col">Visitor</th>
                    <th scope="col">Host</th>
                    <th scope="col">Status</th>
                    <th scope="col"><span class="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${list.map((b) => this.row(b))}
                </tbody>
              </table>`
            : html`<p class="none">${this.when === 'upcoming' ? 'No upcoming bookings.' : 'No past bookings.'}</p>`}
      </section>
      <convot-inbox-meeting-types></convot-inbox-meeting-types>`;
  }
}
