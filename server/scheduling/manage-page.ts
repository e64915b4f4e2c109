/**
 * The booking's own page (`GET /scheduling/manage/:token`): rendered on the server, works
 * without JavaScript (plain forms post back and are redirected), under a strict CSP whose only
 * allowance is this response's nonce on its one style element. Every value is escaped.
 */
import { randomBytes } from 'node:crypto';
import type { Booking } from '../../src/protocol/index.js';
import { formatInZone } from './slots.js';

export interface ManagePageInput {
  booking: Booking;
  /** The manage path (forms post to `${path}/cancel` and `${path}/reschedule`). */
  path: string;
  /** Free slots to move to, by date in the booking's zone (empty when it cannot be moved). */
  options: { date: string; slots: { start: string }[] }[];
  /** What just happened (after a form post), shown as a notice. */
  notice: 'cancelled' | 'rescheduled' | 'taken' | 'not_offered' | null;
  /** False once the meeting has started: nothing can change then. */
  changeable: boolean;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const NOTICES = {
  cancelled: 'Your booking is cancelled.',
  rescheduled: 'Your booking has moved to the new time.',
  taken: 'That time was just taken; pick another.',
  not_offered: 'That time is no longer offered; pick another.',
} as const;

const STYLE = `
:root { color-scheme: light dark; font: 16px/1.5 system-ui, sans-serif; }
body { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.notice { padding: .75rem 1rem; border-radius: .5rem; background: #dbeafe; color: #1e3a8a; }
.status-cancelled { color: #b91c1c; font-weight: 600; }
fieldset { border: 1px solid #cbd5e1; border-radius: .5rem; margin: 1rem 0; }
.day { margin: .5rem 0; }
.day h3 { font-size: 1rem; margin: .5rem 0 .25rem; }
.slots { display: flex; flex-wrap: wrap; gap: .5rem; }
button { font: inherit; padding: .4rem .8rem; border-radius: .4rem; border: 1px solid #64748b; background: transparent; color: inherit; cursor: pointer; }
button.danger { border-color: #b91c1c; color: #b91c1c; }
`;

/** The page and the CSP header that goes with it. */
export function renderManagePage(input: ManagePageInput): { html: string; csp: string } {
  const nonce = randomBytes(16).toString('base64');
  const b = input.booking;
  const start = Date.parse(b.start);
  const end = Date.parse(b.end);
  const when = `${formatInZone(start, b.timezone)}–${formatInZone(end, b.timezone, 'HH:mm')} (${b.timezone})`;
  const location = b.location
    ? /^https?:\/\//i.test(b.location)
      ? `<a href="${escapeHtml(b.location)}" rel="noopener noreferrer">${escapeHtml(b.location)}</a>`
      : escapeHtml(b.location)
    : null;
  const notice = input.notice ? `<p class="notice" role="status">${escapeHtml(NOTICES[input.notice])}</p>` : '';
  const confirmed = b.status === 'confirmed';
  const actions =
    confirmed && input.changeable
      ? `
<form method="post" action="${escapeHtml(input.path)}/cancel">
  <button type="submit" class="danger">Cancel this booking</button>
</form>
<form method="post" action="${escapeHtml(input.path)}/reschedule">
  <fieldset>
    <legend>Reschedule: pick a new time (${escapeHtml(b.timezone)})</legend>
    ${
      input.options.length
        ? input.options
            .map(
              (d) => `<div class="day"><h3>${escapeHtml(formatInZone(Date.parse(`${d.date}T12:00:00Z`), 'UTC', 'cccc d LLLL yyyy'))}</h3><div class="slots">${d.slots
                .map((s) => `<button type="submit" name="start" value="${escapeHtml(s.start)}">${escapeHtml(formatInZone(Date.parse(s.start), b.timezone, 'HH:mm'))}</button>`)
                .join('')}</div></div>`,
            )
            .join('')
        : '<p>No other times are free in the coming weeks.</p>'
    }
  </fieldset>
</form>`
      : '';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${escapeHtml(b.meeting_type_name)}: your booking</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
${notice}
<h1>${escapeHtml(b.meeting_type_name)}</h1>
<p>${confirmed ? 'Booked for' : '<span class="status-cancelled">Cancelled</span>:'} ${escapeHtml(b.name)}</p>
<dl>
  <dt>When</dt><dd>${escapeHtml(when)}</dd>
  ${location ? `<dt>Where</dt><dd>${location}</dd>` : ''}
  ${b.host_name ? `<dt>With</dt><dd>${escapeHtml(b.host_name)}</dd>` : ''}
  <dt>Status</dt><dd>${confirmed ? 'Confirmed' : 'Cancelled'}</dd>
</dl>
<p><a href="${escapeHtml(b.ics_url)}">Add to calendar (.ics)</a></p>
${actions}
</main>
</body>
</html>`;
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
  return { html, csp };
}
