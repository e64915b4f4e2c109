/** Display helpers shared by the inbox's views. All output is plain text for Lit bindings. */
import type { ConversationSummary, VisitorProfile } from '../protocol/wire.js';

/** Name, else email, else "Visitor" plus the last four characters of the visitor id. */
export function visitorName(v: VisitorProfile): string {
  return v.name?.trim() || v.email?.trim() || `Visitor ${v.id.slice(-4)}`;
}

export function initials(name: string): string {
  const words = name.replace(/[^\p{L}\p{N}\s]/gu, ' ').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + last).toUpperCase();
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekdayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const monthDayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Compact list time: "now", "5m", "14:05", "Mon", "Mar 3". */
export function shortTime(iso: string | null, now: number): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const ago = now - t;
  if (ago < 60_000) return 'now';
  if (ago < 3_600_000) return `${Math.floor(ago / 60_000)}m`;
  if (t >= startOfDay(now)) return timeFmt.format(t);
  if (now - t < 6 * 86_400_000) return weekdayFmt.format(t);
  return monthDayFmt.format(t);
}

export function clockTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : timeFmt.format(t);
}

export function fullTime(iso: string | null): string {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? '' : fullFmt.format(t);
}

/** Day separator text in the message log: "Today", "Yesterday" or a date. */
export function dayLabel(iso: string, now: number): string {
  const day = startOfDay(Date.parse(iso));
  const today = startOfDay(now);
  if (day === today) return 'Today';
  if (day === startOfDay(today - 43_200_000)) return 'Yesterday';
  return dayFmt.format(day);
}

export function sameDay(a: string, b: string): boolean {
  return startOfDay(Date.parse(a)) === startOfDay(Date.parse(b));
}

/** One-line JSON for values that are not plain strings. */
export function compactValue(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Latest activity first; conversations without messages sort by creation, after the rest. */
export function byActivity(a: ConversationSummary, b: ConversationSummary): number {
  const ta = a.last_message_at ? Date.parse(a.last_message_at) : -Infinity;
  const tb = b.last_message_at ? Date.parse(b.last_message_at) : -Infinity;
  if (ta !== tb) return tb - ta;
  return Date.parse(b.created_at) - Date.parse(a.created_at);
}
