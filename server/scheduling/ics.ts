/**
 * One booking as an iCalendar file (RFC 5545), written here rather than with a generator
 * package: one VEVENT needs little, and these rules are all it takes. Times are UTC (`…Z`), so
 * no VTIMEZONE is needed and every calendar shows them in its own zone; text values escape
 * backslash, semicolon, comma and newlines (§3.3.11); lines are folded at 75 octets without
 * splitting a UTF-8 character (§3.1) and end with CRLF. SEQUENCE grows with every move or
 * cancel, so an imported event is updated rather than duplicated.
 */

export interface IcsEvent {
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  /** When this version of the event was made (DTSTAMP). */
  stamp: Date;
  summary: string;
  description: string;
  location: string | null;
  /** The booking's page (cancel, reschedule), when the reader may have it. */
  url: string | null;
  status: 'confirmed' | 'cancelled';
  /** Who else attends, for the host's copy. */
  attendee?: { name: string; email: string };
}

const utc = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** TEXT value escaping (RFC 5545 §3.3.11); other control characters are dropped. */
export function escapeText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** A parameter value (CN=…): quoted, without the characters a quoted value cannot hold. */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const param = (s: string): string => `"${s.replace(/["\u0000-\u001f\u007f]/g, '')}"`;

/** Folds a content line to at most 75 octets per line (continuations start with one space). */
export function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    const limit = out.length ? 74 : 75; // a continuation line's leading space counts
    if (bytes + size > limit) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function bookingIcs(e: IcsEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Convot//Scheduling//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${utc(e.stamp)}`,
    `DTSTART:${utc(e.start)}`,
    `DTEND:${utc(e.end)}`,
    `SUMMARY:${escapeText(e.summary)}`,
    `DESCRIPTION:${escapeText(e.description)}`,
    ...(e.location ? [`LOCATION:${escapeText(e.location)}`] : []),
    ...(e.url ? [`URL:${e.url}`] : []),
    ...(e.attendee ? [`ATTENDEE;CN=${param(e.attendee.name)};ROLE=REQ-PARTICIPANT:mailto:${e.attendee.email.replace(/[\s"<>]/g, '')}`] : []),
    `STATUS:${e.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
