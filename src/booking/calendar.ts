/**
 * Civil-date arithmetic for the booking calendar: dates are `YYYY-MM-DD` strings and months
 * `YYYY-MM`, computed on UTC dates so no time-zone offset is ever involved. What a date means
 * in a time zone (which instants are free) is the server's job, with a real tz library; here we
 * only lay out a month and move between days.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const toDate = (d: string) => new Date(`${d}T00:00:00Z`);
const fromDate = (t: Date) => `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;

export const addDays = (d: string, n: number): string => {
  const t = toDate(d);
  t.setUTCDate(t.getUTCDate() + n);
  return fromDate(t);
};

export const monthOf = (d: string): string => d.slice(0, 7);

export const addMonths = (month: string, n: number): string => {
  const t = toDate(`${month}-01`);
  t.setUTCMonth(t.getUTCMonth() + n);
  return monthOf(fromDate(t));
};

export const daysInMonth = (month: string): number => {
  const t = toDate(`${addMonths(month, 1)}-01`);
  t.setUTCDate(0);
  return t.getUTCDate();
};

/** 0 = Sunday … 6 = Saturday. */
export const weekday = (d: string): number => toDate(d).getUTCDay();

/** Today's date in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The first day of the week in a locale (0 = Sunday), from Intl where the browser has it; else Monday. */
export function weekStart(locale: string): number {
  try {
    const l = new Intl.Locale(locale) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } };
    const first = l.getWeekInfo?.().firstDay ?? l.weekInfo?.firstDay;
    if (first) return first % 7;
  } catch {
    // an unknown tag: fall through
  }
  return 1;
}

/** The month's weeks, each seven dates (null for days of the neighbouring months). */
export function monthGrid(month: string, firstDay: number): (string | null)[][] {
  const first = `${month}-01`;
  const lead = (weekday(first) - firstDay + 7) % 7;
  const cells: (string | null)[] = Array.from({ length: lead }, () => null);
  for (let i = 0; i < daysInMonth(month); i++) cells.push(addDays(first, i));
  while (cells.length % 7) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** The visitor's time zone as the browser knows it. */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Every IANA zone the browser knows (for the picker), with `current` included. */
export function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return all.includes(current) ? all : [current, ...all];
}
