/**
 * Scheduling's wire types and parsers: meeting types, free slots, bookings (the widget's Book
 * tab and `<convot-scheduling>`), and the inbox's bookings and meeting-type editor.
 *
 * Times travel as ISO 8601 instants in UTC (`2026-03-30T07:00:00.000Z`); dates as `YYYY-MM-DD`
 * in a named IANA zone. Zone arithmetic happens on the server only (server/scheduling/), so
 * nothing here needs a time-zone library: a zone name is checked with `Intl`.
 */
import { ValidationError, bool, int, obj, str, type Obj } from './validate.js';
import { ProtocolError, wrap } from './wire.js';
import type { ParsersFor, Query, Route } from './routes.js';

// ---- what the widget sees ------------------------------------------------------------------

export interface BookingQuestion {
  /** Key of the answer in `answers` (letters, digits, `_` and `-`). */
  id: string;
  label: string;
  required: boolean;
  type: 'text' | 'textarea';
}

export interface MeetingType {
  id: number;
  name: string;
  duration_minutes: number;
  description: string | null;
  /** Where the meeting happens: text ("Our office, 3 rue …") or a video link URL. */
  location: string | null;
  questions: BookingQuestion[];
}

export interface SlotsQuery {
  /** First date shown, `YYYY-MM-DD` in `tz`. */
  from: string;
  /** How many dates, 1..62. */
  days: number;
  /** The zone the visitor reads times in (IANA name). */
  tz: string;
}

export interface Slot {
  /** ISO instant (UTC). */
  start: string;
  end: string;
}

export interface SlotsResponse {
  /** The zone `days` are grouped in (the query's `tz`). */
  timezone: string;
  /** Every date of the range in order, days without free slots included (empty `slots`). */
  days: { date: string; slots: Slot[] }[];
}

export interface BookingRequest {
  meeting_type_id: number;
  /** The chosen slot's `start`, exactly as the slots route gave it (any ISO form of that instant). */
  start: string;
  /** The visitor's zone: confirmation, manage page and .ics description show times in it. */
  timezone: string;
  name: string;
  email: string;
  /** Answers to the meeting type's questions, by question id. */
  answers?: Record<string, string>;
}

export type BookingStatus = 'confirmed' | 'cancelled';

export interface Booking {
  id: string;
  meeting_type_id: number;
  meeting_type_name: string;
  start: string;
  end: string;
  timezone: string;
  name: string;
  email: string;
  location: string | null;
  host_name: string | null;
  status: BookingStatus;
  /** Absolute URL of the booking's page (cancel, reschedule); the URL is the credential. */
  manage_url: string;
  /** Absolute URL of the booking's iCalendar file. */
  ics_url: string;
}

// ---- what the inbox sees -------------------------------------------------------------------

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Per weekday, `[start, end]` pairs of `HH:MM` (end may be `24:00`), in `timezone`. */
export type WeeklyHours = Partial<Record<Weekday, [string, string][]>>;

/** A meeting type as the config file and the inbox editor declare it (without the id). */
export interface MeetingTypeInput {
  name: string;
  duration_minutes: number;
  description: string | null;
  location: string | null;
  /** Agent emails; null means every agent who works on the app. */
  hosts: string[] | null;
  timezone: string;
  weekly_hours: WeeklyHours;
  buffer_minutes: number;
  min_notice_minutes: number;
  horizon_days: number;
  questions: BookingQuestion[];
}

export interface MeetingTypeDetail extends MeetingTypeInput {
  app_id: string;
  id: number;
  /** `config`: declared in the config file, read-only in the inbox; `inbox`: made in the inbox. */
  source: 'config' | 'inbox';
}

/**
 * A booking in the inbox: the visitor's view plus who, where and which conversation. There is no
 * `manage_url` (only the visitor holds that secret link); `ics_url` is the host's copy, on the
 * inbox's own origin.
 */
export interface AgentBooking extends Omit<Booking, 'manage_url'> {
  app_id: string;
  host_email: string;
  answers: Record<string, string>;
  /** The visitor's current conversation (the timeline shows the booking), if they have one. */
  conversation_id: string | null;
  created_at: string;
  cancelled_at: string | null;
}

export interface AgentBookingsQuery {
  /** Only this app's bookings (absent: every app of the agent). */
  app_id?: string;
  /** `upcoming` (not yet ended, soonest first) or `past` (newest first). */
  when: 'upcoming' | 'past';
  limit: number;
}

// ---- parsers -------------------------------------------------------------------------------

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const EMAIL = /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$/;
export const MAX_SLOT_DAYS = 62;

/** True for a real calendar date `YYYY-MM-DD`. */
export function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** True for an IANA zone name the platform knows (`Europe/Paris`, `UTC`); offsets like `+02:00` are not names. */
export function isTimeZone(s: string): boolean {
  if (s.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(s)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: s });
    return true;
  } catch {
    return false;
  }
}

export function timeZone(o: Obj, field: string): string {
  const v = str(o, field, { min: 1, max: 64, trim: true });
  if (!isTimeZone(v)) throw new ValidationError(field, `${field} must be an IANA time zone name like "Europe/Paris", got ${JSON.stringify(v)}`);
  return v;
}

export function email(o: Obj, field: string): string {
  const v = str(o, field, { min: 3, max: 254, trim: true });
  if (!EMAIL.test(v)) throw new ValidationError(field, `${field} must be an email address like "jane@example.com", got ${JSON.stringify(v)}`);
  return v;
}

/** `HH:MM` to minutes after midnight (`24:00` is 1440). */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const nullableText = (o: Obj, field: string, max: number): string | null => {
  if (o[field] === undefined || o[field] === null) return null;
  const v = str(o, field, { max, trim: true });
  return v === '' ? null : v;
};

export function parseWeeklyHours(data: unknown, field = 'weekly_hours'): WeeklyHours {
  const o = obj(data, field);
  const out: WeeklyHours = {};
  for (const [day, ranges] of Object.entries(o)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) throw new ValidationError(`${field}.${day}`, `${field}.${day} is not a weekday; use ${WEEKDAYS.join(', ')}`);
    const where = `${field}.${day}`;
    if (!Array.isArray(ranges)) throw new ValidationError(where, `${where} must be an array of ["HH:MM", "HH:MM"] pairs`);
    const parsed = ranges.map((r: unknown, i): [string, string] => {
      const at = `${where}[${i}]`;
      if (!Array.isArray(r) || r.length !== 2 || r.some((x) => typeof x !== 'string' || !HHMM.test(x))) {
        throw new ValidationError(at, `${at} must be a pair of times like ["09:00", "17:00"] (HH:MM, 24-hour; the end may be "24:00"), got ${JSON.stringify(r)}`);
      }
      const [a, b] = r as [string, string];
      if (a === '24:00' || minutesOf(a) >= minutesOf(b)) throw new ValidationError(at, `${at} must start before it ends, got ${JSON.stringify(r)}`);
      return [a, b];
    });
    const sorted = [...parsed].sort((x, y) => minutesOf(x[0]) - minutesOf(y[0]));
    for (let i = 1; i < sorted.length; i++) {
      if (minutesOf(sorted[i]![0]) < minutesOf(sorted[i - 1]![1])) {
        throw new ValidationError(where, `${where} has overlapping ranges ${JSON.stringify(sorted[i - 1])} and ${JSON.stringify(sorted[i])}`);
      }
    }
    if (sorted.length) out[day as Weekday] = sorted;
  }
  return out;
}

export function parseQuestions(data: unknown, field = 'questions'): BookingQuestion[] {
  if (data === undefined || data === null) return [];
  if (!Array.isArray(data) || data.length > 20) throw new ValidationError(field, `${field} must be an array of at most 20 questions`);
  const ids = new Set<string>();
  return data.map((q: unknown, i) => {
    const where = `${field}[${i}]`;
    const o = obj(q, where);
    const id = str(o, 'id', { min: 1, max: 40, trim: true });
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new ValidationError(`${where}.id`, `${where}.id must use letters, digits, "_" and "-", got ${JSON.stringify(id)}`);
    if (ids.has(id)) throw new ValidationError(`${where}.id`, `${where}.id ${JSON.stringify(id)} is used by another question`);
    ids.add(id);
    const type = o.type === undefined ? 'text' : o.type;
    if (type !== 'text' && type !== 'textarea') throw new ValidationError(`${where}.type`, `${where}.type must be "text" or "textarea", got ${JSON.stringify(type)}`);
    return { id, label: str(o, 'label', { min: 1, max: 200, trim: true }), required: o.required === undefined ? false : bool(o, 'required'), type };
  });
}

/** A meeting type's settings (config entry or inbox form), defaults filled; errors name the field. */
export function parseMeetingTypeInput(data: unknown): MeetingTypeInput {
  const o = obj(data);
  const location = nullableText(o, 'location', 500);
  let hosts: string[] | null = null;
  if (o.hosts !== undefined && o.hosts !== null) {
    if (!Array.isArray(o.hosts) || !o.hosts.length) throw new ValidationError('hosts', 'hosts must be a non-empty array of agent emails (leave it out for every agent of the app)');
    hosts = [...new Set(o.hosts.map((h: unknown, i) => email({ [`hosts[${i}]`]: h }, `hosts[${i}]`).toLowerCase()))];
  }
  const duration = int(o, 'duration_minutes', { min: 5, max: 24 * 60 });
  return {
    name: str(o, 'name', { min: 1, max: 120, trim: true }),
    duration_minutes: duration,
    description: nullableText(o, 'description', 2000),
    location,
    hosts,
    timezone: timeZone(o, 'timezone'),
    weekly_hours: parseWeeklyHours(o.weekly_hours),
    buffer_minutes: o.buffer_minutes === undefined ? 0 : int(o, 'buffer_minutes', { min: 0, max: 24 * 60 }),
    min_notice_minutes: o.min_notice_minutes === undefined ? 0 : int(o, 'min_notice_minutes', { min: 0, max: 365 * 24 * 60 }),
    horizon_days: o.horizon_days === undefined ? 60 : int(o, 'horizon_days', { min: 1, max: 365 }),
    questions: parseQuestions(o.questions),
  };
}

export function parseSlotsQuery(q: Query): SlotsQuery {
  return wrap(() => {
    const from = str({ from: q.from }, 'from', { min: 10, max: 10 });
    if (!isDate(from)) throw new ValidationError('from', `from must be a date like "2026-03-30", got ${JSON.stringify(from)}`);
    const days = q.days === undefined ? 7 : Number(q.days);
    if (!Number.isInteger(days) || days < 1 || days > MAX_SLOT_DAYS) throw new ValidationError('days', `days must be an integer from 1 to ${MAX_SLOT_DAYS}, got ${JSON.stringify(q.days)}`);
    return { from, days, tz: timeZone({ tz: q.tz }, 'tz') };
  });
}

export function parseBookingRequest(data: unknown): BookingRequest {
  return wrap(() => {
    const o = obj(data);
    const start = str(o, 'start', { min: 10, max: 40, trim: true });
    if (Number.isNaN(Date.parse(start)) || !/^\d{4}-\d{2}-\d{2}T/.test(start)) throw new ValidationError('start', `start must be an ISO 8601 instant like "2026-03-30T07:00:00.000Z", got ${JSON.stringify(start)}`);
    let answers: Record<string, string> | undefined;
    if (o.answers !== undefined && o.answers !== null) {
      const a = obj(o.answers, 'answers');
      answers = {};
      for (const [k, v] of Object.entries(a)) {
        if (typeof v !== 'string') throw new ValidationError(`answers.${k}`, `answers.${k} must be a string, got ${typeof v}`);
        answers[k] = str({ [`answers.${k}`]: v }, `answers.${k}`, { max: 5000, trim: true });
      }
    }
    return {
      meeting_type_id: int(o, 'meeting_type_id', { min: 1 }),
      start,
      timezone: timeZone(o, 'timezone'),
      name: str(o, 'name', { min: 1, max: 200, trim: true }),
      email: email(o, 'email'),
      ...(answers ? { answers } : {}),
    };
  });
}

const parseBookingsQuery = (q: Query): AgentBookingsQuery =>
  wrap(() => {
    const when = q.when ?? 'upcoming';
    if (when !== 'upcoming' && when !== 'past') throw new ValidationError('when', `when must be "upcoming" or "past", got ${JSON.stringify(when)}`);
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new ValidationError('limit', 'limit must be an integer from 1 to 200');
    const app_id = q.app_id === undefined || q.app_id === '' ? undefined : str({ app_id: q.app_id }, 'app_id', { min: 1, max: 64 });
    return { when, limit, ...(app_id ? { app_id } : {}) };
  });

/** A path's `:id` of a meeting type: a positive integer, else the type does not exist (404). */
export function meetingTypeId(raw: string): number {
  const n = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n > 2_147_483_647) throw new ProtocolError('CONVOT_ERR_NOT_FOUND', 'No meeting type has this id.', 'id');
  return n;
}

// ---- the inbox's scheduling routes ---------------------------------------------------------

const route = <R, B = undefined, Q = undefined>() =>
  <P extends string>(method: Route['method'], path: P): Route<P, Q, B, R> => ({ method, path });

const AGENT = '/api/v1/agent';

/**
 * Bookings and meeting types in the inbox. Every route needs a signed-in agent and answers only
 * for apps the agent works on (another app's booking or type is 404).
 */
export const schedulingAgentApi = {
  /** Upcoming (soonest first) or past (newest first) bookings of the agent's apps. */
  bookings: route<{ bookings: AgentBooking[] }, undefined, AgentBookingsQuery>()('GET', `${AGENT}/bookings`),
  /** Cancels a booking (idempotent); the slot is free again at once. */
  cancelBooking: route<{ booking: AgentBooking }>()('POST', `${AGENT}/bookings/:id/cancel`),
  /** Meeting types of the agent's apps, config-declared (read-only) and inbox-made, with the apps to create them in. */
  meetingTypes: route<{ meeting_types: MeetingTypeDetail[]; apps: { id: string; name: string }[] }>()('GET', `${AGENT}/meeting-types`),
  createMeetingType: route<{ meeting_type: MeetingTypeDetail }, MeetingTypeInput>()('POST', `${AGENT}/apps/:appId/meeting-types`),
  /** 409 CONVOT_ERR_READ_ONLY for a config-declared type. */
  updateMeetingType: route<{ meeting_type: MeetingTypeDetail }, MeetingTypeInput>()('PUT', `${AGENT}/apps/:appId/meeting-types/:id`),
  /** Existing bookings stay (they keep the type's name); 409 CONVOT_ERR_READ_ONLY for a config-declared type. */
  deleteMeetingType: route<{ ok: true }>()('DELETE', `${AGENT}/apps/:appId/meeting-types/:id`),
} as const;

/** `GET …/bookings/:id/ics`: the host's iCalendar file (text/calendar, not JSON: no route entry). */
export const agentBookingIcsPath = (id: string): string => `${AGENT}/bookings/${encodeURIComponent(id)}/ics`;

export const schedulingAgentParsers: ParsersFor<typeof schedulingAgentApi> = {
  bookings: { query: parseBookingsQuery },
  createMeetingType: { body: (d) => wrap(() => parseMeetingTypeInput(d)) },
  updateMeetingType: { body: (d) => wrap(() => parseMeetingTypeInput(d)) },
};
