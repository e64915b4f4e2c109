/**
 * Booking emails through the durable outbox (email/outbox.ts): a confirmation to the visitor,
 * with the time in their time zone, the place, and the links to add it to a calendar and to
 * reschedule or cancel; and a note to the host. Each has a dedupe key, so a hook that runs twice
 * sends once. Without `email` in the config the outbox answers "off" and nothing is stored.
 */
import type { Queryable } from '../storage/db.js';
import type { EmailOutbox } from '../email/outbox.js';
import { escapeHtml } from '../email/render.js';
import type { BookingCreated, SchedulingHooks } from '../services/scheduling-service.js';

/** One line (subjects): the page can put anything in a name. */
const line = (s: string): string => s.replace(/[\r\n]+/g, ' ').trim();

const when = (iso: string, timeZone: string): string =>
  new Intl.DateTimeFormat('en', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(new Date(iso));

export function visitorConfirmation({ app, booking }: Pick<BookingCreated, 'app' | 'booking'>) {
  const at = when(booking.start, booking.timezone);
  const text = [
    `Hello ${booking.name},`,
    '',
    `Your ${booking.meeting_type_name} with ${app.name} is booked${booking.host_name ? ` (with ${booking.host_name})` : ''}:`,
    at,
    booking.location ? `Where: ${booking.location}` : null,
    '',
    `Add it to your calendar: ${booking.ics_url}`,
    `Reschedule or cancel: ${booking.manage_url}`,
  ]
    .filter((l) => l !== null)
    .join('\n');
  const html = [
    `<p>Hello ${escapeHtml(booking.name)},</p>`,
    `<p>Your <strong>${escapeHtml(booking.meeting_type_name)}</strong> with ${escapeHtml(app.name)} is booked${booking.host_name ? ` (with ${escapeHtml(booking.host_name)})` : ''}:<br>${escapeHtml(at)}</p>`,
    booking.location ? `<p>Where: ${escapeHtml(booking.location)}</p>` : '',
    `<p><a href="${escapeHtml(booking.ics_url)}">Add to your calendar</a> · <a href="${escapeHtml(booking.manage_url)}">Reschedule or cancel</a></p>`,
  ].join('\n');
  return { subject: line(`Booked: ${booking.meeting_type_name} with ${app.name}`), text, html };
}

export function hostNote({ booking, host }: Pick<BookingCreated, 'booking' | 'host'>) {
  const at = when(booking.start, booking.timezone);
  const text = [`${booking.name} <${booking.email}> booked ${booking.meeting_type_name}:`, at, '', 'It is in the inbox under Bookings, with its calendar file.'].join('\n');
  const html = `<p>${escapeHtml(booking.name)} &lt;${escapeHtml(booking.email)}&gt; booked <strong>${escapeHtml(booking.meeting_type_name)}</strong>:<br>${escapeHtml(at)}</p><p>It is in the inbox under Bookings, with its calendar file.</p>`;
  return { to: host.email, subject: line(`New booking: ${booking.meeting_type_name} with ${booking.name}`), text, html };
}

/** The scheduling hooks that send booking emails when the server has email configured. */
export function bookingEmails(outbox: EmailOutbox, db: Queryable): SchedulingHooks {
  return {
    async onBookingCreated(event) {
      const mine = visitorConfirmation(event);
      await outbox.enqueue(db, { kind: 'booking_confirmation', to: event.booking.email, ...mine, dedupeKey: `booking:${event.booking.id}:confirmation` });
      const host = hostNote(event);
      await outbox.enqueue(db, { kind: 'booking_host', ...host, dedupeKey: `booking:${event.booking.id}:host` });
    },
  };
}
