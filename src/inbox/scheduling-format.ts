/**
 * Scheduling text for the inbox, DOM-free (unit-testable): booking times in the agent's own
 * zone, the timeline line of a `convot:booking` event, and weekly hours as the editor's text
 * ("09:00-12:00, 14:00-17:30") and back.
 */
import { WEEKDAYS, type Weekday, type WeeklyHours } from '../protocol/scheduling.js';

const whenFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** "Tue, 24 Mar 2026, 09:00–09:30" in the agent's (browser's) zone. */
export function bookingWhen(start: string, end: string): string {
  const a = Date.parse(start);
  const b = Date.parse(end);
  if (Number.isNaN(a) || Number.isNaN(b)) return '';
  return `${whenFmt.format(a)}–${timeFmt.format(b)}`;
}

/** The agent's zone name, for labels ("times in Europe/Paris"). */
export const agentZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Name of the timeline event the server writes for every booking change (server: SchedulingService). */
export const BOOKING_EVENT = 'convot:booking';

const ACTIONS: Record<string, string> = { created: 'Booked', rescheduled: 'Rescheduled', cancelled: 'Cancelled' };

/** The timeline line of a `convot:booking` event, or null for a malformed one. */
export function bookingEventText(data: Record<string, unknown>): string | null {
  const { action, meeting_type: type, start, end, host } = data;
  if (typeof action !== 'string' || typeof type !== 'string' || typeof start !== 'string' || typeof end !== 'string') return null;
  const verb = ACTIONS[action] ?? action;
  return `${verb}: ${type}, ${bookingWhen(start, end)}${typeof host === 'string' && host ? ` with ${host}` : ''}`;
}

export const DAY_LABELS: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

/** One weekday's ranges as editor text: `09:00-12:00, 14:00-17:30`. */
export const rangesText = (ranges: [string, string][] | undefined): string => (ranges ?? []).map(([a, b]) => `${a}-${b}`).join(', ');

/**
 * Editor text per weekday to weekly hours. Only the shape is checked here (`HH:MM-HH:MM`,
 * comma-separated); the server checks the rest and names the field.
 */
export function parseWeeklyText(text: Partial<Record<Weekday, string>>): WeeklyHours | { error: string } {
  const out: WeeklyHours = {};
  for (const day of WEEKDAYS) {
    const t = (text[day] ?? '').trim();
    if (!t) continue;
    const ranges: [string, string][] = [];
    for (const part of t.split(',')) {
      const m = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/.exec(part);
      if (!m) return { error: `${DAY_LABELS[day]}: write ranges like 09:00-12:00, 14:00-17:00` };
      ranges.push([m[1]!.padStart(5, '0'), m[2]!.padStart(5, '0')]);
    }
    out[day] = ranges;
  }
  return out;
}
