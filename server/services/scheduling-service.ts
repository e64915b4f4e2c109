/**
 * Scheduling's rules: which meeting types an app offers, their free slots, booking one (only an
 * offered slot; the database constraint decides races), the visitor's manage link (cancel,
 * reschedule, .ics), and the inbox's bookings and meeting-type editor (limited to the agent's
 * apps). Slot arithmetic lives in server/scheduling/slots.ts; SQL in the repositories.
 *
 * Every booking change is written on the visitor's timeline as a `convot:booking` event and
 * announced like any visitor change (the inbox gets a `conversation` frame for the visitor's
 * current conversation). Confirmation email: see `SchedulingHooks.onBookingCreated`.
 */
import type {
  AgentBooking,
  AgentBookingsQuery,
  AgentProfile,
  Booking,
  BookingRequest,
  MeetingType,
  MeetingTypeDetail,
  MeetingTypeInput,
  SlotsQuery,
  SlotsResponse,
} from '../../src/protocol/index.js';
import { agentBookingIcsPath } from '../../src/protocol/index.js';
import { fail } from '../errors.js';
import { newToken } from '../identity/secrets.js';
import type { Log } from '../log.js';
import type { RateLimiter } from '../rate-limit.js';
import { bookingIcs } from '../scheduling/ics.js';
import { dateInZone, freeSlots, offeredSlot, slotsByDate, type SlotRules } from '../scheduling/slots.js';
import type { AppRow } from '../storage/apps-repo.js';
import type { BookingRow, Host } from '../storage/bookings-repo.js';
import { iso } from '../storage/db.js';
import type { Repositories } from '../storage/repositories.js';
import { inScope } from '../tenancy.js';
import type { Chat } from './chat.js';
import type { VisitorCaller } from './visitor-service.js';

/** Name of the timeline event every booking change writes (`data.action`: created, rescheduled, cancelled). */
export const BOOKING_EVENT = 'convot:booking';

/** What a new booking's hook receives: everything a confirmation email needs. */
export interface BookingCreated {
  app: AppRow;
  booking: Booking;
  host: Host;
  /** The visitor's iCalendar file (also at booking.ics_url). */
  ics: string;
}

/** What a moved or cancelled booking's hook receives (no manage link: the inbox never holds it). */
export interface BookingChanged {
  booking: AgentBooking;
  action: 'rescheduled' | 'cancelled';
  /** Who did it: the visitor (manage link) or an agent (the agent's name). */
  by: 'visitor' | string;
}

/**
 * Extension points for other subsystems. The email subsystem (server/email/) sends the
 * confirmation from `onBookingCreated` (and, if it wants, change notices from
 * `onBookingChanged`). Hooks run after the commit and are not awaited: a slow or failing mail
 * server never delays or undoes a booking (failures are logged).
 */
export interface SchedulingHooks {
  onBookingCreated?(event: BookingCreated): Promise<void> | void;
  onBookingChanged?(event: BookingChanged): Promise<void> | void;
}

export interface SchedulingServiceDeps {
  repos: Pick<Repositories, 'meetingTypes' | 'bookings' | 'apps'>;
  chat: Chat;
  limiter: RateLimiter;
  log: Log;
  hooks?: SchedulingHooks;
  /** The clock (tests move it). */
  now?: () => number;
}

/** How far ahead the manage page offers new times. */
const RESCHEDULE_DAYS = 14;
/** At most this many days with free times on the manage page. */
const RESCHEDULE_SHOWN_DAYS = 7;

const NO_TYPE = 'No meeting type has this id.';
const NO_BOOKING = 'No booking has this id.';

/** Where a booking's links point: the server's public origin as the request saw it. */
export interface Links {
  origin: string;
}

export const managePath = (token: string): string => `/scheduling/manage/${encodeURIComponent(token)}`;
export const icsPath = (token: string): string => `/scheduling/bookings/${encodeURIComponent(token)}.ics`;

const rulesOf = (t: MeetingTypeDetail): SlotRules => t;

const publicType = (t: MeetingTypeDetail): MeetingType => ({
  id: t.id,
  name: t.name,
  duration_minutes: t.duration_minutes,
  description: t.description,
  location: t.location,
  questions: t.questions,
});

export class SchedulingService {
  constructor(private readonly deps: SchedulingServiceDeps) {}

  private get repos() {
    return this.deps.repos;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  // ---- the widget ------------------------------------------------------------------------

  /** `AppPublicConfig.scheduling`: null without meeting types. */
  async publicSummary(appId: string): Promise<{ meeting_types: number } | null> {
    const n = await this.repos.meetingTypes.count(appId);
    return n ? { meeting_types: n } : null;
  }

  async meetingTypes(app: AppRow): Promise<{ meeting_types: MeetingType[] }> {
    return { meeting_types: (await this.repos.meetingTypes.list(app.id)).map(publicType) };
  }

  private async type(app: AppRow, id: number, field = 'id'): Promise<MeetingTypeDetail> {
    const t = await this.repos.meetingTypes.find(app.id, id);
    if (!t) fail('CONVOT_ERR_NOT_FOUND', NO_TYPE, field);
    return t;
  }

  async slots(app: AppRow, id: number, query: SlotsQuery): Promise<SlotsResponse> {
    const t = await this.type(app, id);
    const hosts = await this.repos.bookings.hosts(app.id, t.hosts);
    const from = Date.parse(`${query.from}T00:00:00Z`) - 2 * 86_400_000;
    const to = Date.parse(`${query.from}T00:00:00Z`) + (query.days + 2) * 86_400_000;
    return slotsByDate(rulesOf(t), await this.repos.bookings.calendars(hosts, from, to), query, this.now());
  }

  /**
   * Books an offered slot for the caller. Required answers are checked (400 naming
   * `answers.<id>`), unknown ones dropped. The slot must be one the slots route offers; when it
   * is on offer in principle but every host was taken meanwhile (here, or by the constraint on
   * insert), 409 CONVOT_ERR_SLOT_TAKEN.
   */
  async book({ app, session }: VisitorCaller, body: BookingRequest, ip: string, links: Links): Promise<Booking> {
    this.deps.limiter.hit('booking_ip', ip);
    const t = await this.type(app, body.meeting_type_id, 'meeting_type_id');
    const answers: Record<string, string> = {};
    for (const q of t.questions) {
      const a = body.answers?.[q.id]?.trim() ?? '';
      if (q.required && !a) fail('CONVOT_ERR_BAD_REQUEST', `answers.${q.id} is required (${q.label})`, `answers.${q.id}`);
      if (a) answers[q.id] = a;
    }
    const start = Date.parse(body.start);
    const now = this.now();
    const hosts = await this.repos.bookings.hosts(app.id, t.hosts);
    const calendars = await this.repos.bookings.calendars(hosts, start - 86_400_000, start + 86_400_000);
    const offered = offeredSlot(rulesOf(t), calendars, start, now);
    if (!offered) {
      const inPrinciple = offeredSlot(rulesOf(t), calendars.map((c) => ({ host: c.host, busy: [] })), start, now);
      if (inPrinciple) fail('CONVOT_ERR_SLOT_TAKEN', undefined, 'start');
      fail('CONVOT_ERR_BAD_REQUEST', 'start is not one of the offered slots of this meeting type; fetch the slots again.', 'start');
    }
    const token = newToken();
    const row = await this.repos.bookings.create(
      {
        app_id: app.id,
        meeting_type_id: t.id,
        meeting_type_name: t.name,
        visitor_id: session.visitor_id,
        start: offered.start,
        end: offered.end,
        buffer_minutes: t.buffer_minutes,
        timezone: body.timezone,
        name: body.name,
        email: body.email,
        answers,
        location: t.location,
      },
      offered.hosts.map((h) => h.id),
      token,
    );
    if (!row) fail('CONVOT_ERR_SLOT_TAKEN', undefined, 'start');
    const booking = this.toBooking(row, links, token);
    await this.timeline(row, 'created');
    // The confirmation email goes out from here (server/email/ wires onBookingCreated in app.ts).
    void this.runHook(async () => {
      const host = offered.hosts.find((h) => h.id === row.host_id) ?? { id: row.host_id, email: row.host_email, name: row.host_name };
      await this.deps.hooks?.onBookingCreated?.({ app, booking, host, ics: this.ics(row, booking.manage_url, false) });
    });
    return booking;
  }

  // ---- the manage link -------------------------------------------------------------------

  /** The booking of a manage token, else 404. */
  async byToken(token: string): Promise<BookingRow> {
    const row = token.length >= 20 && token.length <= 100 ? await this.repos.bookings.byToken(token) : null;
    if (!row) fail('CONVOT_ERR_NOT_FOUND', NO_BOOKING);
    return row;
  }

  /** What the manage page shows: the booking, whether it can still change, and times to move to. */
  async managePage(token: string, links: Links): Promise<{ booking: Booking; changeable: boolean; options: { date: string; slots: { start: string }[] }[] }> {
    const row = await this.byToken(token);
    const booking = this.toBooking(row, links, token);
    const changeable = row.status === 'confirmed' && new Date(row.start_at).getTime() > this.now();
    return { booking, changeable, options: changeable ? await this.rescheduleOptions(row) : [] };
  }

  private async rescheduleOptions(row: BookingRow): Promise<{ date: string; slots: { start: string }[] }[]> {
    const app = await this.repos.apps.find(row.app_id);
    const t = app ? await this.repos.meetingTypes.find(app.id, row.meeting_type_id) : null;
    if (!t) return [];
    const now = this.now();
    const hosts = await this.repos.bookings.hosts(row.app_id, t.hosts);
    const to = now + RESCHEDULE_DAYS * 86_400_000;
    const slots = freeSlots(rulesOf(t), await this.repos.bookings.calendars(hosts, now, to, row.internal_id), now, to, now);
    const days: { date: string; slots: { start: string }[] }[] = [];
    for (const s of slots) {
      if (s.start === new Date(row.start_at).getTime()) continue;
      const date = dateInZone(s.start, row.timezone);
      if (days.at(-1)?.date !== date) {
        if (days.length === RESCHEDULE_SHOWN_DAYS) break;
        days.push({ date, slots: [] });
      }
      days.at(-1)!.slots.push({ start: new Date(s.start).toISOString() });
    }
    return days;
  }

  async cancelByToken(token: string, ip: string): Promise<void> {
    this.deps.limiter.hit('booking_ip', ip);
    const row = await this.byToken(token);
    await this.cancel(row);
  }

  /**
   * Moves the booking of a token to another offered slot (its current host first, else another
   * free host). 'taken' when the constraint refused every host, 'not_offered' when the time is
   * not on offer; the manage page says so.
   */
  async rescheduleByToken(token: string, startIso: string, ip: string): Promise<'rescheduled' | 'taken' | 'not_offered' | 'cancelled'> {
    this.deps.limiter.hit('booking_ip', ip);
    const row = await this.byToken(token);
    if (row.status !== 'confirmed') return 'cancelled';
    const start = Date.parse(startIso);
    const app = await this.repos.apps.find(row.app_id);
    const t = app ? await this.repos.meetingTypes.find(app.id, row.meeting_type_id) : null;
    if (!t || Number.isNaN(start) || new Date(row.start_at).getTime() <= this.now()) return 'not_offered';
    const hosts = await this.repos.bookings.hosts(row.app_id, t.hosts);
    const calendars = await this.repos.bookings.calendars(hosts, start - 86_400_000, start + 86_400_000, row.internal_id);
    const offered = offeredSlot(rulesOf(t), calendars, start, this.now());
    if (!offered) return offeredSlot(rulesOf(t), calendars.map((c) => ({ host: c.host, busy: [] })), start, this.now()) ? 'taken' : 'not_offered';
    const order = [...offered.hosts.filter((h) => h.id === row.host_id), ...offered.hosts.filter((h) => h.id !== row.host_id)];
    const moved = await this.repos.bookings.move(row.internal_id, offered.start, offered.end, t.buffer_minutes, order.map((h) => h.id));
    if (moved === null) return 'cancelled';
    if (moved === 'taken') return 'taken';
    await this.timeline(moved, 'rescheduled', { previous_start: iso(row.start_at) });
    void this.runHook(async () => this.deps.hooks?.onBookingChanged?.({ booking: this.toAgentBooking(moved), action: 'rescheduled', by: 'visitor' }));
    return 'rescheduled';
  }

  /** The visitor's .ics (with the manage link). */
  async icsByToken(token: string, links: Links): Promise<string> {
    const row = await this.byToken(token);
    return this.ics(row, `${links.origin}${managePath(token)}`, false);
  }

  // ---- the inbox -------------------------------------------------------------------------

  async listBookings(agent: AgentProfile, q: AgentBookingsQuery): Promise<{ bookings: AgentBooking[] }> {
    if (q.app_id !== undefined && !inScope(agent.apps, q.app_id)) return { bookings: [] };
    return { bookings: (await this.repos.bookings.list(agent.apps, q, this.now())).map((r) => this.toAgentBooking(r)) };
  }

  private async agentBooking(agent: AgentProfile, id: string): Promise<BookingRow> {
    const row = id.length <= 64 ? await this.repos.bookings.byPublicId(id, agent.apps) : null;
    if (!row) fail('CONVOT_ERR_NOT_FOUND', NO_BOOKING, 'id');
    return row;
  }

  async cancelByAgent(agent: AgentProfile, id: string): Promise<{ booking: AgentBooking }> {
    const row = await this.agentBooking(agent, id);
    return { booking: this.toAgentBooking(await this.cancel(row, agent.name)) };
  }

  /** The host's .ics: the visitor as attendee, without the visitor's manage link. */
  async icsForAgent(agent: AgentProfile, id: string): Promise<string> {
    return this.ics(await this.agentBooking(agent, id), null, true);
  }

  async meetingTypesForAgent(agent: AgentProfile): Promise<{ meeting_types: MeetingTypeDetail[]; apps: { id: string; name: string }[] }> {
    const types = await this.repos.meetingTypes.listInScope(agent.apps);
    const apps = await this.repos.bookings.appsInScope(agent.apps);
    return { meeting_types: types, apps };
  }

  /** The app of an inbox request, if the agent works on it (else 404, as for a missing one). */
  private async agentApp(agent: AgentProfile, appId: string): Promise<AppRow> {
    const app = inScope(agent.apps, appId) ? await this.repos.apps.find(appId) : null;
    if (!app) fail('CONVOT_ERR_NOT_FOUND', 'No app has this id.', 'appId');
    return app;
  }

  /** Hosts must be agents who work on the app (400 naming `hosts[i]`). */
  private async checkHosts(app: AppRow, input: MeetingTypeInput): Promise<void> {
    if (!input.hosts) return;
    const found = await this.repos.bookings.hosts(app.id, input.hosts);
    input.hosts.forEach((email, i) => {
      if (!found.some((h) => h.email === email)) fail('CONVOT_ERR_BAD_REQUEST', `hosts[${i}] (${email}) is not an agent who works on app ${app.id}`, `hosts[${i}]`);
    });
  }

  async createMeetingType(agent: AgentProfile, appId: string, input: MeetingTypeInput): Promise<{ meeting_type: MeetingTypeDetail }> {
    const app = await this.agentApp(agent, appId);
    await this.checkHosts(app, input);
    return { meeting_type: await this.repos.meetingTypes.create(app.id, input) };
  }

  async updateMeetingType(agent: AgentProfile, appId: string, id: number, input: MeetingTypeInput): Promise<{ meeting_type: MeetingTypeDetail }> {
    const app = await this.agentApp(agent, appId);
    await this.checkHosts(app, input);
    const r = await this.repos.meetingTypes.update(app.id, id, input);
    if (r === null) fail('CONVOT_ERR_NOT_FOUND', NO_TYPE, 'id');
    if (r === 'read_only') fail('CONVOT_ERR_READ_ONLY', undefined, 'id');
    return { meeting_type: r };
  }

  async deleteMeetingType(agent: AgentProfile, appId: string, id: number): Promise<{ ok: true }> {
    const app = await this.agentApp(agent, appId);
    const r = await this.repos.meetingTypes.delete(app.id, id);
    if (r === null) fail('CONVOT_ERR_NOT_FOUND', NO_TYPE, 'id');
    if (r === 'read_only') fail('CONVOT_ERR_READ_ONLY', undefined, 'id');
    return { ok: true };
  }

  // ---- shared ----------------------------------------------------------------------------

  private async cancel(row: BookingRow, by?: string): Promise<BookingRow> {
    const r = await this.repos.bookings.cancel(row.internal_id);
    if (!r) fail('CONVOT_ERR_NOT_FOUND', NO_BOOKING);
    if (r.changed) {
      await this.timeline(r.row, 'cancelled', { cancelled_by: by ?? 'visitor' });
      void this.runHook(async () => this.deps.hooks?.onBookingChanged?.({ booking: this.toAgentBooking(r.row), action: 'cancelled', by: by ?? 'visitor' }));
    }
    return r.row;
  }

  private async timeline(row: BookingRow, action: 'created' | 'rescheduled' | 'cancelled', extra: Record<string, unknown> = {}): Promise<void> {
    if (!row.visitor_id) return;
    await this.deps.chat.addTimelineEvent(row.visitor_id, {
      name: BOOKING_EVENT,
      data: {
        action,
        booking_id: row.id,
        meeting_type_id: row.meeting_type_id,
        meeting_type: row.meeting_type_name,
        start: iso(row.start_at),
        end: iso(row.end_at),
        timezone: row.timezone,
        host: row.host_name,
        name: row.name,
        email: row.email,
        ...extra,
      },
    });
  }

  private async runHook(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.deps.log.error({ err: { message: (e as Error).message } }, 'scheduling hook failed');
    }
  }

  private ics(row: BookingRow, manageUrl: string | null, forHost: boolean): string {
    const details = [
      `${row.meeting_type_name}: ${row.name} <${row.email}> with ${row.host_name}.`,
      ...Object.entries(row.answers ?? {}).map(([k, v]) => `${k}: ${v}`),
      ...(manageUrl ? [`Cancel or reschedule: ${manageUrl}`] : []),
    ];
    return bookingIcs({
      uid: `${row.id}@convot`,
      sequence: row.sequence,
      start: new Date(row.start_at),
      end: new Date(row.end_at),
      stamp: new Date(this.now()),
      summary: forHost ? `${row.meeting_type_name} with ${row.name}` : `${row.meeting_type_name} with ${row.host_name}`,
      description: details.join('\n'),
      location: row.location,
      url: manageUrl,
      status: row.status,
      ...(forHost ? { attendee: { name: row.name, email: row.email } } : {}),
    });
  }

  private base(row: BookingRow): Omit<Booking, 'manage_url' | 'ics_url'> {
    return {
      id: row.id,
      meeting_type_id: row.meeting_type_id,
      meeting_type_name: row.meeting_type_name,
      start: iso(row.start_at)!,
      end: iso(row.end_at)!,
      timezone: row.timezone,
      name: row.name,
      email: row.email,
      location: row.location,
      host_name: row.host_name,
      status: row.status,
    };
  }

  private toBooking(row: BookingRow, links: Links, token: string): Booking {
    return { ...this.base(row), manage_url: `${links.origin}${managePath(token)}`, ics_url: `${links.origin}${icsPath(token)}` };
  }

  private toAgentBooking(row: BookingRow): AgentBooking {
    return {
      ...this.base(row),
      ics_url: agentBookingIcsPath(row.id),
      app_id: row.app_id,
      host_email: row.host_email,
      answers: row.answers ?? {},
      conversation_id: row.conversation_id,
      created_at: iso(row.created_at)!,
      cancelled_at: iso(row.cancelled_at),
    };
  }
}
