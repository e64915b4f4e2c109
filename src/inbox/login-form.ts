/**
 * The sign-in card. It only collects credentials and fires `inbox-login`; the app makes the
 * call and passes back `busy` and the server's error message.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import { base } from './inbox.styles.js';

export interface LoginDetail {
  email: string;
  password: string;
}

export class InboxLogin extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        place-items: center;
        padding: 24px;
        overflow: auto;
      }
      .card {
        width: min(380px, 100%);
        padding: 32px;
        border: 1px solid var(--in-border);
        border-radius: 16px;
        background: var(--in-surface);
        box-shadow: var(--in-shadow);
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 10px;
        margin-bottom: 24px;
      }
      .logo {
        display: grid;
        place-items: center;
        width: 36px;
        height: 36px;
        border-radius: 10px;
        background: var(--in-primary);
        color: var(--in-on-primary);
        font-weight: 700;
        font-size: 18px;
      }
      h1 {
        margin: 0;
        font-size: 20px;
        line-height: 1.2;
      }
      .sub {
        margin: 2px 0 0;
        color: var(--in-muted);
        font-size: 13px;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: 16px;
      }
      label {
        display: grid;
        gap: 6px;
        font-weight: 600;
        font-size: 13px;
      }
      input {
        height: 40px;
        padding: 0 12px;
        border: 1px solid var(--in-control);
        border-radius: 8px;
        background: var(--in-surface);
        font-weight: 400;
        font-size: 15px;
      }
      input:focus-visible {
        outline-offset: 0;
        border-color: var(--in-focus);
      }
      .btn {
        height: 42px;
        margin-top: 4px;
        font-size: 15px;
      }
      .alert,
      .notice {
        margin: 0;
        padding: 10px 12px;
        border-radius: 8px;
        font-size: 13px;
      }
      /* The live region stays in the DOM so a new error is announced; it takes no space when empty. */
      .alert-slot {
        margin-top: -16px;
      }
      .alert-slot .alert {
        margin-top: 16px;
      }
      .alert {
        background: var(--in-danger-soft);
        color: var(--in-danger);
      }
      .notice {
        background: var(--in-soft);
        color: var(--in-on-soft);
      }
    `,
  ];

  @property({ type: Boolean }) busy = false;
  /** The server's message for the last failed attempt. */
  @property() error = '';
  /** Why the form is shown again, e.g. an expired session. */
  @property() notice = '';

  @query('input[name=email]') private emailInput?: HTMLInputElement;
  @query('input[name=password]') private passwordInput?: HTMLInputElement;

  protected override firstUpdated(): void {
    this.emailInput?.focus();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // After a rejected password, put the cursor back where the agent will retype.
    if (changed.has('error') && this.error && this.passwordInput) {
      this.passwordInput.select();
      this.passwordInput.focus();
    }
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const detail: LoginDetail = { email: String(data.get('email') ?? '').trim(), password: String(data.get('password') ?? '') };
    this.dispatchEvent(new CustomEvent<LoginDetail>('inbox-login', { detail, bubbles: true, composed: true }));
  }

  protected override render() {
    return html`<main class="card">
      <div class="brand">
        <span class="logo" aria-hidden="true">C</span>
        <div>
          <h1>Convot inbox</h1>
          <p class="sub">Sign in to answer your visitors.</p>
        </div>
      </div>
      <form class="login" @submit=${this.onSubmit}>
        ${this.notice ? html`<p class="notice">${this.notice}</p>` : nothing}
        <label
          >Email
          <input name="email" type="email" autocomplete="username" required maxlength="254" ?disabled=${this.busy} />
        </label>
        <label
          >Password
          <input name="password" type="password" autocomplete="current-password" required maxlength="1000" ?disabled=${this.busy} />
        </label>
        <div class="alert-slot" role="alert">${this.error ? html`<p class="alert">${this.error}</p>` : nothing}</div>
        <button class="btn primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>`;
  }
}
