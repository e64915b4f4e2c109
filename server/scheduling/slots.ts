/**
 * Free slots of a meeting type: pure functions of its rules, the hosts' bookings and "now", so
 * they are tested without a database or a clock.
 *
 * - Weekly hours are wall-clock times in the type's IANA zone. Each window's start and end are
 *   turned into instants by luxon (the tz database), never by offset arithmetic of ours; slots
 *   then step through the window in real elapsed time. So a window that spans a daylight-saving
 *   change holds exactly the meetings that fit in its real length (09:00–17:00 is 8 h on any
 *   day; 01:00–04:00 is 2 h on the spring-forward night and 4 h on the fall-back night), and no
 *   slot is offered at a wall time that does not exist.
 * - Slot starts step by the meeting's duration from each window's start (09:00, 09:30, … for a
 *   30-minute type): predictable times on a grid that bookings of the same type never break.
 * - A host is free for a slot when no confirmed booking of theirs comes closer than the larger
 *   of the two meetings' buffers, on either side.
 * - Bookable: start at least `min_notice_minutes` after now, and before now + `horizon_days`
 *   (calendar days in the type's zone).
 * - The visitor's zone only groups instants into dates; it never moves a slot.
 */
import { DateTime } from 'luxon';
import { minutesOf, WEEKDAYS, type Slot, type SlotsQuery, type SlotsResponse, type WeeklyHours } from '../../src/protocol/scheduling.js';

export interface SlotRules {
  timezone: string;
  weekly_hours: WeeklyHours;
  duration_minutes: number;
  buffer_minutes: number;
  min_notice_minutes: number;
  horizon_days: number;
}

/** A confirmed booking that holds a host's time (epoch ms), with its own buffer. */
export interface BusyBooking {
  start: number;
  end: number;
  buffer_minutes: number;
}

export interface HostCalendar<H> {
  host: H;
  busy: readonly BusyBooking[];
}

/** A slot as instants (epoch ms). */
export interface Span {
  start: number;
  end: number;
}

const MINUTE = 60_000;

/** The instant a wall-clock time of a local date has in `zone` (a time in a DST gap moves forward, as the tz database says). */
function wallTime(date: DateTime, minutes: number): number {
  if (minutes >= 24 * 60) return date.plus({ days: 1 }).startOf('day').toMillis();
  return date.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }).toMillis();
}

/**
 * Every slot the weekly hours give whose start lies in [fromMs, toMs), before bookings,
 * notice and horizon are applied. Sorted by start.
 */
export function candidateSlots(rules: SlotRules, fromMs: number, toMs: number): Span[] {
  const step = rules.duration_minutes * MINUTE;
  const out: Span[] = [];
  let day = DateTime.fromMillis(fromMs, { zone: rules.timezone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(toMs, { zone: rules.timezone }).startOf('day');
  for (; day <= last; day = day.plus({ days: 1 }).startOf('day')) {
    const ranges = rules.weekly_hours[WEEKDAYS[day.weekday - 1]!] ?? [];
    for (const [a, b] of ranges) {
      const windowStart = wallTime(day, minutesOf(a));
      const windowEnd = wallTime(day, minutesOf(b));
      for (let t = windowStart; t + step <= windowEnd; t += step) {
        if (t >= fromMs && t < toMs) out.push({ start: t, end: t + step });
      }
    }
  }
  return out.sort((x, y) => x.start - y.start);
}

/** The earliest and the latest-but-excluded start a booking may have now. */
export function bookableRange(rules: SlotRules, now: number): Span {
  return {
    start: now + rules.min_notice_minutes * MINUTE,
    end: DateTime.fromMillis(now, { zone: rules.timezone }).plus({ days: rules.horizon_days }).toMillis(),
  };
}

/** True when no booking comes closer to `slot` than the larger of the two buffers. */
export function hostFree(busy: readonly BusyBooking[], slot: Span, bufferMinutes: number): boolean {
  return busy.every((b) => {
    const pad = Math.max(bufferMinutes, b.buffer_minutes) * MINUTE;
    return !(slot.start - pad < b.end && b.start < slot.end + pad);
  });
}

/** Bookable slots with start in [fromMs, toMs) and the hosts free for each (in the given order). */
export function freeSlots<H>(rules: SlotRules, hosts: readonly HostCalendar<H>[], fromMs: number, toMs: number, now: number): (Span & { hosts: H[] })[] {
  const bookable = bookableRange(rules, now);
  const from = Math.max(fromMs, bookable.start);
  const to = Math.min(toMs, bookable.end);
  if (from >= to) return [];
  const out: (Span & { hosts: H[] })[] = [];
  for (const slot of candidateSlots(rules, from, to)) {
    const free = hosts.filter((h) => hostFree(h.busy, slot, rules.buffer_minutes)).map((h) => h.host);
    if (free.length) out.push({ ...slot, hosts: free });
  }
  return out;
}

/** The instants a range of dates covers in `zone`: [first date's start, the day after the last). */
export function dateRange(query: SlotsQuery): { dates: { date: string; start: number; end: number }[]; start: number; end: number } {
  const first = DateTime.fromISO(query.from, { zone: query.tz }).startOf('day');
  const dates = Array.from({ length: query.days }, (_, i) => {
    const d = first.plus({ days: i }).startOf('day');
    return { date: d.toISODate()!, start: d.toMillis(), end: d.plus({ days: 1 }).startOf('day').toMillis() };
  });
  return { dates, start: dates[0]!.start, end: dates.at(-1)!.end };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The slots route's answer: every date of the query in `tz`, each with its free slots. */
export function slotsByDate<H>(rules: SlotRules, hosts: readonly HostCalendar<H>[], query: SlotsQuery, now: number): SlotsResponse {
  const range = dateRange(query);
  const slots = freeSlots(rules, hosts, range.start, range.end, now);
  let i = 0;
  return {
    timezone: query.tz,
    days: range.dates.map(({ date, end }) => {
      const day: Slot[] = [];
      for (; i < slots.length && slots[i]!.start < end; i++) day.push({ start: iso(slots[i]!.start), end: iso(slots[i]!.end) });
      return { date, slots: day };
    }),
  };
}

/** The hosts free for a slot starting at `startMs` when it is an offered slot, else null. */
export function offeredSlot<H>(rules: SlotRules, hosts: readonly HostCalendar<H>[], startMs: number, now: number): (Span & { hosts: H[] }) | null {
  return freeSlots(rules, hosts, startMs, startMs + 1, now).find((s) => s.start === startMs) ?? null;
}

/** A wall-clock rendering of an instant in a zone, for pages and calendar text ("Mon 30 Mar 2026, 09:00"). */
export function formatInZone(ms: number, zone: string, format = 'ccc d LLL yyyy, HH:mm'): string {
  return DateTime.fromMillis(ms, { zone }).setLocale('en-GB').toFormat(format);
}

/** The local date (`YYYY-MM-DD`) of an instant in a zone. */
export const dateInZone = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toISODate()!;
