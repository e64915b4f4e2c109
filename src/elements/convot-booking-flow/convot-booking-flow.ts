import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { addDays, addMonths, browserTimeZone, daysInMonth, monthGrid, monthOf, timeZones, todayIn, weekStart } from '../../booking/calendar.js';
import { bookingStrings, type BookingStrings } from '../../booking/booking-strings.js';
import { ApiError, REQUEST_TIMEOUT_MS, callRoute } from '../../client/transport.js';
import { directionOf } from '../../i18n/index.js';
import { safeHref } from '../../markdown/tree.js';
import { visitorApi } from '../../protocol/routes.js';
import type { Booking, MeetingType, Slot } from '../../protocol/scheduling.js';
import type { ConvotRuntime } from '../../runtime/runtime.js';
import { srOnly } from '../shared/theme.styles.js';
import { bookingStyles } from './convot-booking-flow.styles.js';

/** A booking waits this long for the visitor's session (the connection may be down), then fails clearly. */
const withTimeout = <T>(p: Promise<T>): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiError(0, 'CONVOT_ERR_TIMEOUT', 'The server did not answer in time.')), REQUEST_TIMEOUT_MS);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
};

type Step = 'types' | 'calendar' | 'details' | 'done';
type Load<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'failed' };

/** Requests from `openScheduling` already honoured, per runtime (the flow is re-created per visit). */
const requestsDone = new WeakMap<ConvotRuntime, number>();
const warnedUnknown = new Set<string>();

/**
 * The booking flow: meeting types, a month calendar of the days with free times, the times of a
 * day in the visitor's (switchable) time zone, a short form, and the confirmation. Used by the
 * widget's Book tab and by `<convot-scheduling>`; internal, loaded in its own chunk on first use.
 * Bookings are made as the visitor (their session), so the team sees them in the inbox.
 *
 * @tag convot-booking-flow
 * @summary The booking flow inside Convot's elements (internal).
 */
export class ConvotBookingFlow extends LitElement {
  static override styles = [srOnly, bookingStyles];

  @property({ attribute: false }) runtime?: ConvotRuntime;

  /** The widget's resolved locale (strings, dates and times). */
  @property({ attribute: false }) locale = 'en';

  /** A meeting type to start on (`<convot-scheduling meeting-type-id>`); else the runtime's request. */
  @property({ attribute: false }) meetingTypeId: number | null = null;

  /** Inside `<convot-scheduling>`: no way "back to chat". */
  @property({ type: Boolean }) standalone = false;

  @state() private types: Load<MeetingType[]> = { status: 'loading' };
  @state() private step: Step = 'types';
  @state() private type: MeetingType | null = null;
  @state() private unknownType = false;
  @state() private tz = browserTimeZone();
  @state() private month = '';
  @state() private slots: Load<Map<string, Slot[]>> = { status: 'loading' };
  @state() private day: string | null = null;
  /** The calendar cell that takes Tab (roving tabindex). */
  @state() private focusDay = '';
  @state() private chosen: Slot | null = null;
  @state() private error = '';
  @state() private busy = false;
  @state() private booked: Booking | null = null;

  private seq = 0;
  private moveFocus: 'day' | 'heading' | null = null;
  private unsubscribe?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    this.subscribe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** openScheduling requests and the visitor's details arrive through the runtime's store. */
  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.isConnected ? this.runtime?.store.subscribe(() => this.requestUpdate()) : undefined;
  }

  private get t(): BookingStrings {
    return bookingStrings(this.locale);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const runtime = this.runtime;
    if (!runtime) return;
    if (changed.has('runtime')) {
      this.subscribe();
      void this.loadTypes();
    }
    // <convot-scheduling> given another meeting-type-id starts over on it.
    if (changed.has('meetingTypeId') && this.hasUpdated) this.restart();
    // Each openScheduling call restarts the flow on its meeting type.
    const request = runtime.state.booking.request;
    if (!this.standalone && request > (requestsDone.get(runtime) ?? 0)) {
      requestsDone.set(runtime, request);
      this.restart();
    }
  }

  protected override updated(): void {
    if (!this.moveFocus) return;
    const target =
      this.moveFocus === 'day'
        ? this.renderRoot.querySelector<HTMLElement>(`[data-date="${this.focusDay}"]`)
        : this.renderRoot.querySelector<HTMLElement>('h3[tabindex="-1"]');
    this.moveFocus = null;
    target?.focus();
  }

  /** The meeting type to start on: the element's, else the one the page asked for. */
  private get wanted(): number | null {
    return this.meetingTypeId ?? (this.standalone ? null : (this.runtime?.state.booking.meetingTypeId ?? null));
  }

  private restart(): void {
    this.step = 'types';
    this.type = null;
    this.booked = null;
    this.error = '';
    if (this.types.status === 'ready') this.chooseStart(this.types.value);
  }

  private async loadTypes(): Promise<void> {
    const runtime = this.runtime!;
    this.types = { status: 'loading' };
    try {
      const { meeting_types } = await callRoute(runtime.server, visitorApi.meetingTypes, { params: { appId: runtime.appId } });
      this.types = { status: 'ready', value: meeting_types };
      this.chooseStart(meeting_types);
    } catch {
      this.types = { status: 'failed' };
    }
  }

  private chooseStart(types: MeetingType[]): void {
    const wanted = this.wanted;
    this.unknownType = false;
    if (wanted !== null) {
      const t = types.find((x) => x.id === wanted);
      const picked = this.standalone ? null : (this.runtime?.state.booking.slot ?? null);
      if (t) {
        this.selectType(t);
        // A time picked in a chat card: straight to the details (the server still checks it is free).
        if (picked) this.pickSlot(picked);
        return;
      }
      this.unknownType = true;
      const key = `${this.runtime!.appId}/${wanted}`;
      if (!warnedUnknown.has(key)) {
        warnedUnknown.add(key);
        console.warn(`Convot: scheduling:open found no meeting type ${wanted} in app ${JSON.stringify(this.runtime!.appId)}; it offers ${types.map((x) => x.id).join(', ') || 'none'}.`);
      }
    } else if (types.length === 1) {
      return this.selectType(types[0]!);
    }
    this.step = 'types';
  }

  private selectType(t: MeetingType): void {
    this.type = t;
    this.step = 'calendar';
    this.day = null;
    this.chosen = null;
    this.showMonth(monthOf(todayIn(this.tz)));
  }

  private showMonth(month: string): void {
    this.month = month;
    void this.loadSlots();
  }

  private async loadSlots(): Promise<void> {
    const runtime = this.runtime!;
    const type = this.type!;
    const seq = ++this.seq;
    const today = todayIn(this.tz);
    const first = `${this.month}-01` < today ? today : `${this.month}-01`;
    const last = `${this.month}-${String(daysInMonth(this.month)).padStart(2, '0')}`;
    this.slots = { status: 'loading' };
    if (first > last) return void (this.slots = { status: 'ready', value: new Map() });
    const days = Math.round((Date.parse(last) - Date.parse(first)) / 86_400_000) + 1;
    try {
      const r = await callRoute(runtime.server, visitorApi.slots, { params: { appId: runtime.appId, id: String(type.id) }, query: { from: first, days, tz: this.tz } });
      if (seq !== this.seq) return;
      const map = new Map(r.days.filter((d) => d.slots.length).map((d) => [d.date, d.slots] as const));
      this.slots = { status: 'ready', value: map };
      // Keep the chosen day if it still has times; else offer the first day that has some.
      if (this.day && !map.has(this.day)) this.day = null;
      if (!this.focusDay || monthOf(this.focusDay) !== this.month) this.focusDay = [...map.keys()][0] ?? first;
      // Show the first free day's times at once: one click less for most visitors.
      if (!this.day && map.size) this.day = map.has(this.focusDay) ? this.focusDay : [...map.keys()][0]!;
    } catch {
      if (seq === this.seq) this.slots = { status: 'failed' };
    }
  }

  private onTimeZone(e: Event): void {
    this.tz = (e.target as HTMLSelectElement).value;
    this.day = null;
    void this.loadSlots();
  }

  private pickDay(date: string): void {
    this.focusDay = date;
    // While its month loads, the pick waits for the answer (kept if that day has times).
    if (this.slots.status === 'loading' || (this.slots.status === 'ready' && this.slots.value.has(date))) this.day = date;
  }

  /** Arrow keys move a day or a week, Home/End to the week's ends, PageUp/PageDown a month. */
  private onGridKeydown(e: KeyboardEvent): void {
    const rtl = directionOf(this.locale) === 'rtl';
    const moves: Record<string, number> = { ArrowLeft: rtl ? 1 : -1, ArrowRight: rtl ? -1 : 1, ArrowUp: -7, ArrowDown: 7 };
    let next: string | null = null;
    if (e.key in moves) next = addDays(this.focusDay, moves[e.key]!);
    else if (e.key === 'PageUp' || e.key === 'PageDown') next = `${addMonths(monthOf(this.focusDay), e.key === 'PageUp' ? -1 : 1)}-01`;
    else if (e.key === 'Home' || e.key === 'End') {
      const week = monthGrid(this.month, weekStart(this.locale)).find((w) => w.includes(this.focusDay)) ?? [];
      const days = week.filter((d): d is string => d !== null);
      next = e.key === 'Home' ? days[0]! : days.at(-1)!;
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      return this.pickDay(this.focusDay);
    } else return;
    e.preventDefault();
    this.focusDay = next;
    this.moveFocus = 'day';
    if (monthOf(next) !== this.month) this.showMonth(monthOf(next));
  }

  private pickSlot(slot: Slot): void {
    this.chosen = slot;
    this.step = 'details';
    this.error = '';
    this.moveFocus = 'heading';
  }

  private async onSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const runtime = this.runtime!;
    const form = e.target as HTMLFormElement;
    if (!form.reportValidity() || !this.type || !this.chosen) return;
    const data = new FormData(form);
    const answers: Record<string, string> = {};
    for (const q of this.type.questions) answers[q.id] = String(data.get(`q-${q.id}`) ?? '').trim();
    this.busy = true;
    this.error = '';
    try {
      const { booking } = await withTimeout(runtime.client.callAsVisitor(visitorApi.book, {
        body: {
          meeting_type_id: this.type.id,
          start: this.chosen.start,
          timezone: this.tz,
          name: String(data.get('name')).trim(),
          email: String(data.get('email')).trim(),
          answers,
        },
      }));
      this.booked = booking;
      this.step = 'done';
      this.moveFocus = 'heading';
      runtime.events.emit('booking:created', booking);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CONVOT_ERR_SLOT_TAKEN') {
        // Someone else took it: back to the times, fresh.
        this.error = this.t.taken;
        this.step = 'calendar';
        this.chosen = null;
        void this.loadSlots();
      } else {
        this.error = err instanceof ApiError ? err.message : this.t.failed;
      }
    } finally {
      this.busy = false;
    }
  }

  private back(): void {
    this.error = '';
    if (this.step === 'details') this.step = 'calendar';
    else if (this.step === 'calendar') this.step = 'types';
  }

  private toChat(): void {
    this.dispatchEvent(new CustomEvent('convot-tab', { detail: { tab: 'chat', focus: true }, bubbles: true, composed: true }));
  }

  // ---- rendering ---------------------------------------------------------------------------

  private dateLabel(date: string, style: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long' }): string {
    return new Intl.DateTimeFormat(this.locale, { ...style, timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
  }

  private timeLabel(iso: string, withDate = false): string {
    const opts: Intl.DateTimeFormatOptions = withDate ? { dateStyle: 'full', timeStyle: 'short' } : { hour: 'numeric', minute: '2-digit' };
    return new Intl.DateTimeFormat(this.locale, { ...opts, timeZone: this.tz }).format(new Date(iso));
  }

  private renderFailed(retry: () => void) {
    return html`<div class="state" role="alert"><p>${this.t.failed}</p><button type="button" class="secondary" @click=${retry}>${this.t.retry}</button></div>`;
  }

  private renderTypes(types: MeetingType[]) {
    const t = this.t;
    if (!types.length) return html`<p class="state">${t.none}</p>`;
    return html`${this.unknownType ? html`<p class="notice" role="alert">${t.unknownType}</p>` : nothing}
      <h3>${t.chooseType}</h3>
      <ul class="types">
        ${types.map(
          (m) => html`<li>
            <button type="button" class="tile type" @click=${() => this.selectType(m)}>
              <span class="type-name" dir="auto">${m.name}</span>
              <span class="type-meta">${t.minutes(m.duration_minutes)}${m.location ? html` · <span dir="auto">${m.location}</span>` : nothing}</span>
              ${m.description ? html`<span class="type-text" dir="auto">${m.description}</span>` : nothing}
            </button>
          </li>`,
        )}
      </ul>`;
  }

  private renderCalendar() {
    const t = this.t;
    const map = this.slots.status === 'ready' ? this.slots.value : new Map<string, Slot[]>();
    const first = weekStart(this.locale);
    const weeks = monthGrid(this.month, first);
    const today = todayIn(this.tz);
    const monthName = new Intl.DateTimeFormat(this.locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${this.month}-15T12:00:00Z`));
    const weekdays = Array.from({ length: 7 }, (_, i) => {
      const d = addDays('2023-01-01', (first + i) % 7); // 2023-01-01 was a Sunday
      return { short: this.dateLabel(d, { weekday: 'narrow' }), long: this.dateLabel(d, { weekday: 'long' }) };
    });
    const canGoBack = this.month > monthOf(today);
    return html`<div class="month">
        <button type="button" class="nav" aria-label=${t.prevMonth} ?disabled=${!canGoBack} @click=${() => this.showMonth(addMonths(this.month, -1))}><span aria-hidden="true" class="arrow">‹</span></button>
        <h4 id="month" aria-live="polite">${monthName}</h4>
        <button type="button" class="nav" aria-label=${t.nextMonth} @click=${() => this.showMonth(addMonths(this.month, 1))}><span aria-hidden="true" class="arrow">›</span></button>
      </div>
      <table role="grid" aria-labelledby="month" aria-busy=${this.slots.status === 'loading' ? 'true' : 'false'} @keydown=${this.onGridKeydown}>
        <thead>
          <tr>${weekdays.map((w) => html`<th scope="col" abbr=${w.long}><span aria-hidden="true">${w.short}</span><span class="sr-only">${w.long}</span></th>`)}</tr>
        </thead>
        <tbody>
          ${weeks.map(
            (week) => html`<tr>
              ${week.map((d) => {
                if (!d) return html`<td role="gridcell"></td>`;
                const free = map.has(d);
                return html`<td role="gridcell" aria-selected=${d === this.day ? 'true' : 'false'}>
                  <button
                    type="button"
                    class="day ${free ? 'free' : ''} ${d === today ? 'today' : ''}"
                    data-date=${d}
                    tabindex=${d === this.focusDay ? '0' : '-1'}
                    aria-label=${this.dateLabel(d)}
                    aria-disabled=${free ? 'false' : 'true'}
                    aria-pressed=${d === this.day ? 'true' : 'false'}
                    @click=${() => this.pickDay(d)}
                  >
                    ${Number(d.slice(8))}
                  </button>
                </td>`;
              })}
            </tr>`,
          )}
        </tbody>
      </table>
      ${this.slots.status === 'failed' ? this.renderFailed(() => void this.loadSlots()) : nothing}
      ${this.slots.status === 'ready' && !map.size ? html`<p class="state">${t.noSlotsMonth}</p>` : nothing}
      <label class="tz">
        <span>${t.timeZone}</span>
        <select @change=${this.onTimeZone}>
          ${timeZones(this.tz).map((z) => html`<option value=${z} ?selected=${z === this.tz}>${z.replace(/_/g, ' ')}</option>`)}
        </select>
      </label>
      ${this.day ? this.renderTimes(this.day, map.get(this.day) ?? []) : nothing}`;
  }

  private renderTimes(day: string, slots: Slot[]) {
    const t = this.t;
    return html`<section class="times" aria-labelledby="times-title">
      <h4 id="times-title">${t.times(this.dateLabel(day))}</h4>
      ${slots.length
        ? html`<ul>
            ${slots.map(
              (s) => html`<li>
                <button type="button" class="slot" aria-label=${this.timeLabel(s.start, true)} @click=${() => this.pickSlot(s)}>${this.timeLabel(s.start)}</button>
              </li>`,
            )}
          </ul>`
        : html`<p class="state">${t.noSlots}</p>`}
    </section>`;
  }

  private renderDetails(type: MeetingType, slot: Slot) {
    const t = this.t;
    const user = this.runtime!.state.user;
    return html`<h3 tabindex="-1">${t.yourDetails}</h3>
      <p class="summary"><strong dir="auto">${type.name}</strong><br />${this.timeLabel(slot.start, true)} (${this.tz.replace(/_/g, ' ')})</p>
      <form class="details" @submit=${this.onSubmit}>
        <label>${t.name}<input name="name" required maxlength="200" autocomplete="name" .value=${user.nickname ?? ''} /></label>
        <label>${t.email}<input name="email" type="email" required maxlength="254" autocomplete="email" .value=${user.email ?? ''} /></label>
        ${type.questions.map((q) =>
          q.type === 'textarea'
            ? html`<label><span dir="auto">${q.label}</span><textarea name=${`q-${q.id}`} rows="3" maxlength="2000" ?required=${q.required}></textarea></label>`
            : html`<label><span dir="auto">${q.label}</span><input name=${`q-${q.id}`} maxlength="500" ?required=${q.required} /></label>`,
        )}
        <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? t.booking : t.confirm}</button>
      </form>`;
  }

  private renderDone(b: Booking) {
    const t = this.t;
    const where = b.location ? safeHref(b.location) : null;
    return html`<div class="done">
      <h3 tabindex="-1">${t.booked}</h3>
      <p class="summary">
        <strong dir="auto">${b.meeting_type_name}</strong>${b.host_name ? html` <span dir="auto">${t.withHost(b.host_name)}</span>` : nothing}<br />
        ${this.timeLabel(b.start, true)} (${this.tz.replace(/_/g, ' ')})
        ${b.location ? html`<br />${where ? html`<a href=${where} target="_blank" rel="noopener noreferrer">${b.location}</a>` : html`<span dir="auto">${b.location}</span>`}` : nothing}
      </p>
      <p class="links">
        <a href=${b.ics_url} download>${t.addToCalendar}</a>
        <a href=${b.manage_url} target="_blank" rel="noopener">${t.manage}</a>
      </p>
      ${this.standalone
        ? html`<button type="button" class="secondary" @click=${() => this.type && this.selectType(this.type)}>${t.bookAnother}</button>`
        : html`<button type="button" class="secondary" @click=${this.toChat}>${t.backToChat}</button>`}
    </div>`;
  }

  protected override render() {
    if (!this.runtime) return nothing;
    const t = this.t;
    const types = this.types;
    let body;
    if (types.status === 'loading') body = html`<p class="state" role="status">${t.loading}</p>`;
    else if (types.status === 'failed') body = this.renderFailed(() => void this.loadTypes());
    else if (this.step === 'done' && this.booked) body = this.renderDone(this.booked);
    else if (this.step === 'details' && this.type && this.chosen) body = this.renderDetails(this.type, this.chosen);
    else if (this.step === 'calendar' && this.type) body = html`<h3 dir="auto">${this.type.name} <span class="type-meta">${t.minutes(this.type.duration_minutes)}</span></h3>${this.renderCalendar()}`;
    else body = this.renderTypes(types.value);
    // From the calendar back to the list, unless the page chose the meeting type.
    const listBehind = this.step === 'calendar' && types.status === 'ready' && types.value.length > 1 && (this.wanted === null || this.unknownType);
    const canGoBack = (this.step === 'details' || listBehind) && !this.busy;
    return html`<div class="booking tab" lang=${this.locale} dir=${directionOf(this.locale)}>
      ${canGoBack ? html`<button type="button" class="back" @click=${this.back}><span aria-hidden="true" class="arrow">←</span> ${t.back}</button>` : nothing}
      <div class="scroll">
        ${this.error ? html`<p class="notice" role="alert">${this.error}</p>` : nothing}
        ${body}
      </div>
    </div>`;
  }
}
