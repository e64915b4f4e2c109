/**
 * <convot-inbox-meeting-types>: meeting types of the agent's apps. Types declared in the server
 * config file are shown read-only (the file is applied at every start, so an edit here would be
 * undone); types made here can be edited and deleted. The form sends the whole type; the server
 * validates it and its error names the field, shown beside the form.
 */
import { LitElement, css, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { WEEKDAYS, type MeetingTypeDetail, type MeetingTypeInput, type Weekday } from '../protocol/scheduling.js';
import { ApiError } from '../client/transport.js';
import { base } from './inbox.styles.js';
import { schedulingApi } from './scheduling-api.js';
import { DAY_LABELS, agentZone, parseWeeklyText, rangesText } from './scheduling-format.js';
import { isolate } from './visuals.js';

interface Draft {
  /** Null for a new type. */
  id: number | null;
  app_id: string;
  name: string;
  duration_minutes: string;
  description: string;
  location: string;
  hosts: string;
  timezone: string;
  hours: Partial<Record<Weekday, string>>;
  buffer_minutes: string;
  min_notice_minutes: string;
  horizon_days: string;
  /** Asked in the booking form after name and email. */
  questions: MeetingTypeDetail['questions'];
}

const draftOf = (t: MeetingTypeDetail): Draft => ({
  id: t.id,
  app_id: t.app_id,
  name: t.name,
  duration_minutes: String(t.duration_minutes),
  description: t.description ?? '',
  location: t.location ?? '',
  hosts: (t.hosts ?? []).join(', '),
  timezone: t.timezone,
  hours: Object.fromEntries(WEEKDAYS.map((d) => [d, rangesText(t.weekly_hours[d])])),
  buffer_minutes: String(t.buffer_minutes),
  min_notice_minutes: String(t.min_notice_minutes),
  horizon_days: String(t.horizon_days),
  questions: t.questions,
});

const blank = (appId: string): Draft => ({
  id: null,
  app_id: appId,
  name: '',
  duration_minutes: '30',
  description: '',
  location: '',
  hosts: '',
  timezone: agentZone(),
  hours: { mon: '09:00-17:00', tue: '09:00-17:00', wed: '09:00-17:00', thu: '09:00-17:00', fri: '09:00-17:00' },
  buffer_minutes: '0',
  min_notice_minutes: '120',
  horizon_days: '60',
  questions: [],
});

export class InboxMeetingTypes extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      h2 {
        margin: 0;
        font-size: 18px;
      }
      .bar {
        display: flex;
        align-items: center;
        gap: 12px;
        margin-bottom: 12px;
      }
      .spacer {
        flex: 1;
      }
      ul {
        margin: 0;
        padding: 0;
        list-style: none;
        display: grid;
        gap: 8px;
      }
      li {
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 12px;
        background: var(--in-surface);
        border: 1px solid var(--in-border);
        border-radius: 10px;
      }
      li .main {
        flex: 1;
        min-width: 0;
      }
      .sub {
        color: var(--in-muted);
        font-size: 12px;
      }
      .chip {
        padding: 2px 8px;
        border-radius: 999px;
        background: var(--in-surface-2);
        color: var(--in-muted);
        font-size: 12px;
        font-weight: 600;
      }
      form {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
        gap: 12px;
        margin-top: 12px;
        padding: 16px;
        background: var(--in-surface);
        border: 1px solid var(--in-border);
        border-radius: 10px;
      }
      form h3,
      form .wide,
      form .buttons,
      form [role='alert'] {
        grid-column: 1 / -1;
        margin: 0;
      }
      label {
        display: grid;
        align-content: space-between;
        gap: 4px;
        font-size: 13px;
        font-weight: 600;
      }
      input,
      textarea,
      select {
        font: inherit;
        font-weight: 400;
        padding: 6px 8px;
        border: 1px solid var(--in-control);
        border-radius: 8px;
        background: var(--in-bg);
      }
      fieldset {
        grid-column: 1 / -1;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
        gap: 8px;
        border: 1px solid var(--in-border);
        border-radius: 8px;
      }
      .question {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 8px;
      }
      .question label:first-child {
        flex: 1 1 220px;
      }
      .check {
        display: flex;
        align-items: center;
        gap: 4px;
      }
      .buttons {
        display: flex;
        gap: 8px;
      }
      [role='alert'] {
        color: var(--in-danger);
      }
    `,
  ];

  @state() private types: MeetingTypeDetail[] | null = null;
  @state() private apps: { id: string; name: string }[] = [];
  @state() private draft: Draft | null = null;
  @state() private error = '';
  @state() private busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    try {
      const r = await schedulingApi.meetingTypes();
      this.types = r.meeting_types;
      this.apps = r.apps;
    } catch (e) {
      this.error = e instanceof ApiError ? e.message : 'Could not load the meeting types.';
    }
  }

  private set<K extends keyof Draft>(key: K, value: Draft[K]): void {
    if (this.draft) this.draft = { ...this.draft, [key]: value };
  }

  private async save(e: Event): Promise<void> {
    e.preventDefault();
    const d = this.draft;
    if (!d) return;
    const hours = parseWeeklyText(d.hours);
    if ('error' in hours) {
      this.error = hours.error as string;
      return;
    }
    const hosts = d.hosts
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    const input: MeetingTypeInput = {
      name: d.name,
      duration_minutes: Number(d.duration_minutes),
      description: d.description || null,
      location: d.location || null,
      hosts: hosts.length ? hosts : null,
      timezone: d.timezone,
      weekly_hours: hours,
      buffer_minutes: Number(d.buffer_minutes),
      min_notice_minutes: Number(d.min_notice_minutes),
      horizon_days: Number(d.horizon_days),
      questions: d.questions,
    };
    this.busy = true;
    try {
      if (d.id === null) await schedulingApi.create(d.app_id, input);
      else await schedulingApi.update(d.app_id, d.id, input);
      this.draft = null;
      this.error = '';
      await this.load();
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : 'Could not save the meeting type.';
    } finally {
      this.busy = false;
    }
  }

  private async deleteType(t: MeetingTypeDetail): Promise<void> {
    if (!confirm(`Delete the meeting type "${t.name}"? Existing bookings stay.`)) return;
    try {
      await schedulingApi.remove(t.app_id, t.id);
      await this.load();
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : 'Could not delete the meeting type.';
    }
  }

  private item(t: MeetingTypeDetail) {
    const app = this.apps.length > 1 ? ` · ${this.apps.find((a) => a.id === t.app_id)?.name ?? t.app_id}` : '';
    return html`<li>
      <div class="main">
        <strong>${isolate(t.name)}</strong> <span class="sub">#${t.id}${app}</span>
        <div class="sub">${t.duration_minutes} min · ${t.timezone} · ${t.hosts ? t.hosts.join(', ') : 'any agent of the app'}</div>
      </div>
      ${t.source === 'config'
        ? html`<span class="chip" title="Declared in the server config file; change it there">Config file</span>`
        : html`<button class="btn ghost" type="button" @click=${() => (this.draft = draftOf(t))}>Edit</button>
            <button class="btn ghost" type="button" @click=${() => void this.deleteType(t)}>Delete</button>`}
    </li>`;
  }

  private field(label: string, key: keyof Draft, type = 'text', extra: { required?: boolean; min?: number } = {}) {
    const d = this.draft!;
    return html`<label
      >${label}
      <input
        type=${type}
        .value=${String(d[key] ?? '')}
        ?required=${extra.required ?? false}
        min=${extra.min ?? nothing}
        @input=${(e: Event) => this.set(key, (e.target as HTMLInputElement).value as never)}
    /></label>`;
  }

  /** The booking form's extra questions: label, kind, required; ids stay stable across edits. */
  private questionsFieldset(d: Draft) {
    type Question = Draft['questions'][number];
    const change = (i: number, patch: Partial<Question>) => this.set('questions', d.questions.map((q, j) => (j === i ? { ...q, ...patch } : q)));
    const add = () => {
      const used = new Set(d.questions.map((q) => q.id));
      let n = d.questions.length + 1;
      while (used.has(`q${n}`)) n++;
      this.set('questions', [...d.questions, { id: `q${n}`, label: '', required: false, type: 'text' }]);
    };
    return html`<fieldset class="wide">
      <legend>Questions in the booking form (after name and email)</legend>
      ${d.questions.map(
        (q, i) => html`<div class="question">
          <label
            >Question ${i + 1}
            <input required maxlength="200" .value=${q.label} @input=${(e: Event) => change(i, { label: (e.target as HTMLInputElement).value })}
          /></label>
          <label
            >Answer
            <select @change=${(e: Event) => change(i, { type: (e.target as HTMLSelectElement).value as Question['type'] })}>
              <option value="text" ?selected=${q.type === 'text'}>One line</option>
              <option value="textarea" ?selected=${q.type === 'textarea'}>Several lines</option>
            </select></label
          >
          <label class="check"><input type="checkbox" .checked=${q.required} @change=${(e: Event) => change(i, { required: (e.target as HTMLInputElement).checked })} /> Required</label>
          <button class="btn ghost" type="button" aria-label="Remove question ${i + 1}" @click=${() => this.set('questions', d.questions.filter((_, j) => j !== i))}>Remove</button>
        </div>`,
      )}
      <button class="btn ghost" type="button" @click=${add}>Add a question</button>
    </fieldset>`;
  }

  private form() {
    const d = this.draft!;
    return html`<form @submit=${(e: Event) => void this.save(e)} aria-labelledby="mt-form-title">
      <h3 id="mt-form-title">${d.id === null ? 'New meeting type' : `Edit meeting type #${d.id}`}</h3>
      ${d.id === null && this.apps.length > 1
        ? html`<label
            >App
            <select @change=${(e: Event) => this.set('app_id', (e.target as HTMLSelectElement).value)}>
              ${this.apps.map((a) => html`<option value=${a.id} ?selected=${a.id === d.app_id}>${a.name}</option>`)}
            </select></label
          >`
        : nothing}
      ${this.field('Name', 'name', 'text', { required: true })} ${this.field('Duration (minutes)', 'duration_minutes', 'number', { required: true, min: 5 })}
      ${this.field('Time zone (IANA, e.g. Europe/Paris)', 'timezone', 'text', { required: true })} ${this.field('Location (text or video link)', 'location')}
      ${this.field('Hosts (agent emails, comma-separated; empty: any agent)', 'hosts')} ${this.field('Buffer (minutes)', 'buffer_minutes', 'number', { min: 0 })}
      ${this.field('Minimum notice (minutes)', 'min_notice_minutes', 'number', { min: 0 })} ${this.field('Bookable ahead (days)', 'horizon_days', 'number', { min: 1 })}
      <label class="wide"
        >Description
        <textarea rows="2" .value=${d.description} @input=${(e: Event) => this.set('description', (e.target as HTMLTextAreaElement).value)}></textarea>
      </label>
      <fieldset>
        <legend>Weekly hours in ${d.timezone || 'the time zone'} (e.g. 09:00-12:00, 14:00-17:00)</legend>
        ${WEEKDAYS.map(
          (day) => html`<label
            >${DAY_LABELS[day]}
            <input .value=${d.hours[day] ?? ''} @input=${(e: Event) => this.set('hours', { ...d.hours, [day]: (e.target as HTMLInputElement).value })}
          /></label>`,
        )}
      </fieldset>
      ${this.questionsFieldset(d)}
      <p role="alert">${this.error}</p>
      <div class="buttons">
        <button class="btn primary" type="submit" ?disabled=${this.busy}>Save</button>
        <button
          class="btn ghost"
          type="button"
          @click=${() => {
            this.draft = null;
            this.error = '';
          }}
        >
          Cancel
        </button>
      </div>
    </form>`;
  }

  protected override render() {
    return html`<section aria-labelledby="mt-title">
      <div class="bar">
        <h2 id="mt-title">Meeting types</h2>
        <span class="spacer"></span>
        ${this.apps.length && !this.draft
          ? html`<button class="btn ghost" type="button" @click=${() => (this.draft = blank(this.apps[0]!.id))}>New meeting type</button>`
          : nothing}
      </div>
      ${this.types === null
        ? html`<p role="status">Loading…</p>`
        : this.types.length
          ? html`<ul>
              ${this.types.map((t) => this.item(t))}
            </ul>`
          : html`<p>No meeting types yet.</p>`}
      ${this.draft ? this.form() : this.error ? html`<p role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}
