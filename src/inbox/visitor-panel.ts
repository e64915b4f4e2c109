/**
 * The right column: what the site told Convot about the visitor (identify/set calls) and their
 * timeline events, newest first. Values are shown as text; objects as one-line JSON.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { TimelineEvent, VisitorProfile } from '../protocol/wire.js';
import type { VisitorContext } from '../protocol/visitor-context.js';
import { compactValue, fullTime, shortTime, visitorName } from './format.js';
import { base } from './inbox.styles.js';
import { avatar, fieldMark, isolate, mailtoHref, verifiedLabel, verifiedMark } from './visuals.js';
import { BOOKING_EVENT, bookingEventText } from './scheduling-format.js';

const DEVICES = { desktop: 'Desktop', mobile: 'Mobile', tablet: 'Tablet' } as const;

/** "fr-CA" → "French (Canada) · fr-CA"; the tag alone where the browser cannot name it. */
function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} · ${tag}` : tag;
  } catch {
    return tag;
  }
}

/** "14:05 (America/Toronto)": the visitor's wall clock at `at`. */
function localTime(at: number, zone: string) {
  try {
    const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(at);
    return html`<span class="local-time">${time}</span> <span class="zone">(${isolate(zone)})</span>`;
  } catch {
    return isolate(zone);
  }
}

/** Events shown before "Show all"; the server sends at most the latest 200. */
const EVENTS_SHOWN = 20;

export class InboxVisitorPanel extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 0;
        min-width: 0;
        overflow-y: auto;
        background: var(--in-surface);
        border-inline-start: 1px solid var(--in-border);
      }
      aside {
        padding: 20px 18px 28px;
      }
      .who {
        display: grid;
        justify-items: center;
        gap: 8px;
        padding-bottom: 18px;
        border-bottom: 1px solid var(--in-border);
        text-align: center;
      }
      h2 {
        display: flex;
        align-items: center;
        gap: 6px;
        margin: 0;
        font-size: 16px;
        overflow-wrap: anywhere;
      }
      .chip.ok {
        background: var(--in-surface-2);
        color: var(--in-success);
      }
      section {
        padding-top: 16px;
      }
      h3 {
        margin: 0 0 8px;
        color: var(--in-muted);
        font-size: 12px;
        font-weight: 700;
        letter-spacing: 0.04em;
        text-transform: uppercase;
      }
      dl {
        display: grid;
        grid-template-columns: minmax(72px, auto) 1fr;
        gap: 6px 12px;
        margin: 0;
        font-size: 13px;
      }
      dt {
        color: var(--in-muted);
        overflow-wrap: anywhere;
      }
      dd {
        margin: 0;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      a {
        color: var(--in-link);
      }
      .none {
        margin: 0;
        color: var(--in-muted);
        font-size: 13px;
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .chip {
        padding: 2px 10px;
        border-radius: 999px;
        background: var(--in-soft);
        color: var(--in-on-soft);
        font-size: 12px;
        font-weight: 600;
      }
      ol {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li.event {
        position: relative;
        padding: 0 0 12px 16px;
        border-inline-start: 2px solid var(--in-border);
        margin-inline-start: 4px;
      }
      li.event::before {
        content: '';
        position: absolute;
        inset-inline-start: -6px;
        top: 4px;
        width: 10px;
        height: 10px;
        border-radius: 50%;
        background: var(--in-primary);
      }
      .event-head {
        display: flex;
        justify-content: space-between;
        gap: 8px;
        font-size: 13px;
      }
      .event-head strong {
        overflow-wrap: anywhere;
      }
      .event-head time {
        flex: none;
        color: var(--in-muted);
        font-size: 12px;
      }
      code {
        display: block;
        margin-top: 4px;
        padding: 4px 6px;
        border-radius: 6px;
        background: var(--in-surface-2);
        font-family: var(--in-mono);
        font-size: 12px;
        overflow-wrap: anywhere;
        white-space: pre-wrap;
      }
      .more {
        margin-top: 4px;
      }
    `,
  ];

  @property({ attribute: false }) visitor: VisitorProfile | null = null;
  /** Timeline events in the order the server sends them (oldest first). */
  @property({ attribute: false }) events: TimelineEvent[] = [];
  @property({ type: Number }) now = Date.now();
  /** Where the visitor is (their widget's latest report); null before any. */
  @property({ attribute: false }) context: VisitorContext | null = null;
  /** The visitor's local time, re-rendered when the minute changes. */
  @state() private minute = Math.floor(Date.now() / 60_000);
  private tick?: ReturnType<typeof setInterval>;

  override connectedCallback(): void {
    super.connectedCallback();
    this.tick = setInterval(() => (this.minute = Math.floor(Date.now() / 60_000)), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.tick);
  }

  /** The page, the referrer, browser, device, language and local time, as the widget reported them. */
  private whereNow() {
    const c = this.context;
    if (!c) return nothing;
    const link = (url: string) => html`<a href=${url} target="_blank" rel="noopener noreferrer">${isolate(url)}</a>`;
    const rows: [string, string, unknown][] = [
      ['page', 'Page', c.url ? link(c.url) : null],
      ['referrer', 'Came from', c.referrer ? link(c.referrer) : c.url ? 'Direct or unknown' : null],
      ['browser', 'Browser', c.browser ? isolate([c.browser, c.os].filter(Boolean).join(' on ')) : c.os],
      ['device', 'Device', c.device ? DEVICES[c.device] : null],
      ['language', 'Language', c.language ? isolate(languageName(c.language)) : null],
      ['local-time', 'Local time', c.time_zone ? localTime(this.minute * 60_000, c.time_zone) : null],
    ];
    return html`<section class="context">
      <h3>Where they are</h3>
      <dl>
        ${rows.filter(([, , v]) => v).map(([key, k, v]) => html`<dt>${k}</dt><dd data-context=${key}>${v}</dd>`)}
      </dl>
    </section>`;
  }

  @state() private showAll = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('visitor') && changed.get('visitor')?.id !== this.visitor?.id) this.showAll = false;
  }

  private pairs(title: string, data: Record<string, unknown>) {
    const entries = Object.entries(data);
    return html`<section>
      <h3>${title}</h3>
      ${entries.length
        ? html`<dl>
            ${entries.map(([k, v]) => html`<dt>${isolate(k)}</dt><dd>${isolate(compactValue(v))}</dd>`)}
          </dl>`
        : html`<p class="none">None</p>`}
    </section>`;
  }

  private timeline() {
    const newest = [...this.events].reverse();
    const shown = this.showAll ? newest : newest.slice(0, EVENTS_SHOWN);
    return html`<section>
      <h3>Timeline</h3>
      ${shown.length
        ? html`<ol>
            ${shown.map(
              (e) => html`<li class="event">
                <div class="event-head">
                  <strong>${isolate(e.name)}</strong>
                  <time datetime=${e.created_at} title=${fullTime(e.created_at)}>${shortTime(e.created_at, this.now)}</time>
                </div>
                ${e.name === BOOKING_EVENT && bookingEventText(e.data)
                  ? html`<span class="booking">${isolate(bookingEventText(e.data)!)}</span>`
                  : Object.keys(e.data).length
                    ? html`<code>${JSON.stringify(e.data)}</code>`
                    : nothing}
              </li>`,
            )}
          </ol>`
        : html`<p class="none">No events yet</p>`}
      ${newest.length > shown.length
        ? html`<button class="btn ghost more" type="button" @click=${() => (this.showAll = true)}>
            Show all ${newest.length} events
          </button>`
        : nothing}
    </section>`;
  }

  protected override render() {
    const v = this.visitor;
    if (!v) return nothing;
    const contact: [string, unknown][] = [
      ['Email', v.email ? html`${mailtoHref(v.email) ? html`<a href=${mailtoHref(v.email)!}>${isolate(v.email)}</a>` : isolate(v.email)}${fieldMark(v, 'email')}` : null],
      ['Phone', v.phone ? html`<a href=${'tel:' + v.phone.replace(/[^\d+]/g, '')}>${v.phone}</a>` : null],
      ['Company', v.company ? isolate(v.company) : null],
      ['External ID', v.external_id ? html`${isolate(v.external_id)}${fieldMark(v, 'external_id')}` : null],
      ['Visitor ID', v.id],
    ];
    return html`<aside aria-label="Visitor details">
      <div class="who">
        ${avatar(v, 'large')}
        <h2>${isolate(visitorName(v))}${verifiedMark(v)}</h2>
        ${v.verified ? html`<span class="chip ok">${verifiedLabel(v).replace(/^v/, 'V')}</span>` : nothing}
      </div>
      <section>
        <h3>Contact</h3>
        <dl>
          ${contact.filter(([, val]) => val).map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}
        </dl>
      </section>
      <section>
        <h3>Segments</h3>
        ${v.segments.length
          ? html`<ul class="chips">
              ${v.segments.map((s) => html`<li class="chip">${isolate(s)}</li>`)}
            </ul>`
          : html`<p class="none">None</p>`}
      </section>
      ${this.whereNow()} ${this.pairs('Custom data', v.custom_data)} ${this.pairs('Session', v.session_data)} ${this.timeline()}
    </aside>`;
  }
}
