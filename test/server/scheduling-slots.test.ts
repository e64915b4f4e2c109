/**
 * Slot generation as pure functions: weekly hours in a named zone, both daylight-saving weeks
 * in Europe and the US, buffers, notice, horizon, existing bookings, and a visitor who reads
 * the slots in another zone. Every expectation is an instant written out in UTC.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bookableRange, candidateSlots, freeSlots, hostFree, offeredSlot, slotsByDate, type HostCalendar, type SlotRules } from '../../server/scheduling/slots.js';

const at = (s: string): number => Date.parse(s);
const isoList = (spans: { start: number }[]): string[] => spans.map((s) => new Date(s.start).toISOString());

const paris = (over: Partial<SlotRules> = {}): SlotRules => ({
  timezone: 'Europe/Paris',
  weekly_hours: { mon: [['09:00', '11:00']], tue: [['09:00', '11:00']], wed: [['09:00', '11:00']], thu: [['09:00', '11:00']], fri: [['09:00', '11:00']], sun: [['01:00', '04:00']] },
  duration_minutes: 30,
  buffer_minutes: 0,
  min_notice_minutes: 0,
  horizon_days: 365,
  ...over,
});

const oneHost = (busy: HostCalendar<string>['busy'] = []): HostCalendar<string>[] => [{ host: 'h1', busy }];
/** A "now" long before every slot below, so notice and horizon never interfere unless a test says so. */
const EARLY = at('2026-01-01T00:00:00Z');

test('weekly hours are wall-clock times in the type zone (winter: UTC+1)', () => {
  const slots = candidateSlots(paris(), at('2026-03-23T00:00:00Z'), at('2026-03-24T00:00:00Z'));
  assert.deepEqual(isoList(slots), ['2026-03-23T08:00:00.000Z', '2026-03-23T08:30:00.000Z', '2026-03-23T09:00:00.000Z', '2026-03-23T09:30:00.000Z']);
  assert.equal(slots[0]!.end - slots[0]!.start, 30 * 60_000);
});

test('Europe spring-forward week: Monday 09:00 Paris moves from 08:00Z to 07:00Z, and the Sunday night window is 2 h long', () => {
  // Sunday 29 March 2026: 02:00 CET jumps to 03:00 CEST. 01:00–04:00 local is 00:00Z–02:00Z.
  const sunday = candidateSlots(paris(), at('2026-03-28T22:00:00Z'), at('2026-03-29T22:00:00Z'));
  assert.deepEqual(isoList(sunday), ['2026-03-29T00:00:00.000Z', '2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']);
  const monday = candidateSlots(paris(), at('2026-03-29T22:00:00Z'), at('2026-03-30T22:00:00Z'));
  assert.deepEqual(isoList(monday)[0], '2026-03-30T07:00:00.000Z');
  assert.equal(monday.length, 4);
  // Friday before: still winter time.
  assert.equal(isoList(candidateSlots(paris(), at('2026-03-27T00:00:00Z'), at('2026-03-28T00:00:00Z')))[0], '2026-03-27T08:00:00.000Z');
});

test('Europe fall-back week: the Sunday night window is 4 h long, and Monday 09:00 Paris is 08:00Z again', () => {
  // Sunday 25 October 2026: 03:00 CEST goes back to 02:00 CET. 01:00 CEST = 23:00Z, 04:00 CET = 03:00Z.
  const sunday = candidateSlots(paris(), at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'));
  assert.equal(sunday.length, 8);
  assert.equal(isoList(sunday)[0], '2026-10-24T23:00:00.000Z');
  assert.equal(isoList(sunday).at(-1), '2026-10-25T02:30:00.000Z');
  // Every step is 30 real minutes, through the repeated hour.
  for (let i = 1; i < sunday.length; i++) assert.equal(sunday[i]!.start - sunday[i - 1]!.start, 30 * 60_000);
  assert.equal(isoList(candidateSlots(paris(), at('2026-10-23T00:00:00Z'), at('2026-10-24T00:00:00Z')))[0], '2026-10-23T07:00:00.000Z');
  assert.equal(isoList(candidateSlots(paris(), at('2026-10-26T00:00:00Z'), at('2026-10-27T00:00:00Z')))[0], '2026-10-26T08:00:00.000Z');
});

test('America/New_York: both changes (second Sunday of March, first Sunday of November)', () => {
  const ny: SlotRules = { ...paris(), timezone: 'America/New_York', weekly_hours: { fri: [['09:00', '10:00']], sun: [['01:00', '04:00']], mon: [['09:00', '10:00']] }, duration_minutes: 60 };
  // 8 March 2026: 02:00 EST jumps to 03:00 EDT. 01:00 EST = 06:00Z, 04:00 EDT = 08:00Z: two hours.
  assert.deepEqual(isoList(candidateSlots(ny, at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'))), ['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z']);
  assert.deepEqual(isoList(candidateSlots(ny, at('2026-03-06T00:00:00Z'), at('2026-03-07T00:00:00Z'))), ['2026-03-06T14:00:00.000Z']);
  assert.deepEqual(isoList(candidateSlots(ny, at('2026-03-09T00:00:00Z'), at('2026-03-10T00:00:00Z'))), ['2026-03-09T13:00:00.000Z']);
  // 1 November 2026: 02:00 EDT goes back to 01:00 EST. 01:00 EDT = 05:00Z, 04:00 EST = 09:00Z: four hours.
  assert.deepEqual(isoList(candidateSlots(ny, at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z'))), [
    '2026-11-01T05:00:00.000Z',
    '2026-11-01T06:00:00.000Z',
    '2026-11-01T07:00:00.000Z',
    '2026-11-01T08:00:00.000Z',
  ]);
  assert.deepEqual(isoList(candidateSlots(ny, at('2026-11-02T00:00:00Z'), at('2026-11-03T00:00:00Z'))), ['2026-11-02T14:00:00.000Z']);
});

test('a window that starts inside the spring-forward gap starts when the clock resumes', () => {
  const rules = paris({ weekly_hours: { sun: [['02:30', '04:00']] } });
  // 02:30 does not exist on 29 March 2026 in Paris; 03:00 CEST (01:00Z) is the first real time of the window.
  const slots = candidateSlots(rules, at('2026-03-28T22:00:00Z'), at('2026-03-29T22:00:00Z'));
  assert.ok(slots.every((s) => s.start >= at('2026-03-29T00:30:00Z')));
  assert.equal(isoList(slots).at(-1), '2026-03-29T01:30:00.000Z');
});

test('"24:00" ends a window at the next midnight', () => {
  const rules = paris({ weekly_hours: { mon: [['23:00', '24:00']] } });
  assert.deepEqual(isoList(candidateSlots(rules, at('2026-03-23T00:00:00Z'), at('2026-03-24T00:00:00Z'))), ['2026-03-23T22:00:00.000Z', '2026-03-23T22:30:00.000Z']);
});

test('existing bookings and buffers on both sides remove slots', () => {
  const rules = paris({ buffer_minutes: 15 });
  // A booking 09:30–10:00 Paris (08:30Z–09:00Z): with 15 min buffers, 09:00 and 10:00 are too close, 10:30 is fine.
  const busy = [{ start: at('2026-03-23T08:30:00Z'), end: at('2026-03-23T09:00:00Z'), buffer_minutes: 15 }];
  const free = freeSlots(rules, oneHost(busy), at('2026-03-23T00:00:00Z'), at('2026-03-24T00:00:00Z'), EARLY);
  assert.deepEqual(isoList(free), ['2026-03-23T09:30:00.000Z']);
  // Without buffers only the booked slot goes.
  const noBuffer = freeSlots(paris(), oneHost([{ ...busy[0]!, buffer_minutes: 0 }]), at('2026-03-23T00:00:00Z'), at('2026-03-24T00:00:00Z'), EARLY);
  assert.deepEqual(isoList(noBuffer), ['2026-03-23T08:00:00.000Z', '2026-03-23T09:00:00.000Z', '2026-03-23T09:30:00.000Z']);
  // The larger buffer wins: an existing booking's own buffer counts even when this type has none.
  assert.equal(hostFree(busy, { start: at('2026-03-23T09:00:00Z'), end: at('2026-03-23T09:30:00Z') }, 0), false);
  assert.equal(hostFree(busy, { start: at('2026-03-23T09:15:00Z'), end: at('2026-03-23T09:45:00Z') }, 0), true);
});

test('with several hosts a slot stays while one of them is free, and lists who is', () => {
  const busy = [{ start: at('2026-03-23T08:00:00Z'), end: at('2026-03-23T08:30:00Z'), buffer_minutes: 0 }];
  const hosts: HostCalendar<string>[] = [
    { host: 'ada', busy },
    { host: 'bob', busy: [] },
  ];
  const first = freeSlots(paris(), hosts, at('2026-03-23T08:00:00Z'), at('2026-03-23T08:01:00Z'), EARLY)[0]!;
  assert.deepEqual(first.hosts, ['bob']);
  const both = freeSlots(paris(), [hosts[0]!, { host: 'bob', busy }], at('2026-03-23T08:00:00Z'), at('2026-03-23T08:01:00Z'), EARLY);
  assert.deepEqual(both, []);
});

test('minimum notice and horizon bound what can be booked', () => {
  const now = at('2026-03-23T08:10:00Z'); // Monday 09:10 Paris
  const rules = paris({ min_notice_minutes: 60, horizon_days: 2 });
  const range = bookableRange(rules, now);
  assert.equal(range.start, at('2026-03-23T09:10:00Z'));
  assert.equal(range.end, at('2026-03-25T08:10:00Z'));
  const free = freeSlots(rules, oneHost(), at('2026-03-23T00:00:00Z'), at('2026-04-01T00:00:00Z'), now);
  assert.deepEqual(isoList(free), [
    '2026-03-23T09:30:00.000Z', // 10:30 Paris: the first start at least an hour away
    '2026-03-24T08:00:00.000Z',
    '2026-03-24T08:30:00.000Z',
    '2026-03-24T09:00:00.000Z',
    '2026-03-24T09:30:00.000Z',
    '2026-03-25T08:00:00.000Z', // 09:00 Wednesday, before now + 2 days (09:10)
  ]);
});

test('a horizon in days counts calendar days in the type zone across the DST change', () => {
  const now = at('2026-03-28T08:00:00Z'); // Saturday 09:00 CET
  // Two calendar days later is Monday 09:00 CEST = 07:00Z (47 real hours), not 08:00Z.
  assert.equal(bookableRange(paris({ horizon_days: 2 }), now).end, at('2026-03-30T07:00:00Z'));
});

test('a visitor in another zone gets the same instants grouped by their own dates', () => {
  const rules = paris({ weekly_hours: { mon: [['09:00', '10:00']], tue: [['09:00', '10:00']] } });
  const tokyo = slotsByDate(rules, oneHost(), { from: '2026-03-23', days: 3, tz: 'Asia/Tokyo' }, EARLY);
  assert.equal(tokyo.timezone, 'Asia/Tokyo');
  // 09:00 Paris = 08:00Z = 17:00 Tokyo, the same date.
  assert.deepEqual(tokyo.days.map((d) => [d.date, d.slots.map((s) => s.start)]), [
    ['2026-03-23', ['2026-03-23T08:00:00.000Z', '2026-03-23T08:30:00.000Z']],
    ['2026-03-24', ['2026-03-24T08:00:00.000Z', '2026-03-24T08:30:00.000Z']],
    ['2026-03-25', []],
  ]);
  // In Los Angeles (UTC-7 in late March) 09:00 Paris is 01:00 the same day; a window that late
  // in Paris falls on the previous date there.
  const late = paris({ weekly_hours: { tue: [['07:00', '08:00']] } });
  const la = slotsByDate(late, oneHost(), { from: '2026-03-23', days: 2, tz: 'America/Los_Angeles' }, EARLY);
  // Tuesday 07:00 Paris = 06:00Z = Monday 23:00 in Los Angeles.
  assert.deepEqual(la.days.map((d) => [d.date, d.slots.map((s) => s.start)]), [
    ['2026-03-23', ['2026-03-24T06:00:00.000Z', '2026-03-24T06:30:00.000Z']],
    ['2026-03-24', []],
  ]);
});

test('a visitor date range crossing the visitor zone DST change has 23- and 25-hour days', () => {
  const rules = paris({ weekly_hours: { sun: [['00:00', '24:00']] }, duration_minutes: 60 });
  const spring = slotsByDate(rules, oneHost(), { from: '2026-03-29', days: 1, tz: 'Europe/Paris' }, EARLY);
  assert.equal(spring.days[0]!.slots.length, 23);
  const fall = slotsByDate(rules, oneHost(), { from: '2026-10-25', days: 1, tz: 'Europe/Paris' }, EARLY);
  assert.equal(fall.days[0]!.slots.length, 25);
});

test('offeredSlot accepts only a start on the grid that is free, bookable and within hours', () => {
  const rules = paris();
  assert.deepEqual(offeredSlot(rules, oneHost(), at('2026-03-23T08:30:00Z'), EARLY)?.hosts, ['h1']);
  assert.equal(offeredSlot(rules, oneHost(), at('2026-03-23T08:15:00Z'), EARLY), null, 'off the grid');
  assert.equal(offeredSlot(rules, oneHost(), at('2026-03-23T12:00:00Z'), EARLY), null, 'outside hours');
  assert.equal(offeredSlot(rules, oneHost(), at('2026-03-23T08:30:00Z'), at('2026-03-23T09:00:00Z')), null, 'in the past');
  const busy = [{ start: at('2026-03-23T08:30:00Z'), end: at('2026-03-23T09:00:00Z'), buffer_minutes: 0 }];
  assert.equal(offeredSlot(rules, oneHost(busy), at('2026-03-23T08:30:00Z'), EARLY), null, 'booked');
});
