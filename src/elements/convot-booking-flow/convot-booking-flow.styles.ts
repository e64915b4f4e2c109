import { css } from 'lit';

export const bookingStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-height: 0;
  }
  .booking {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-height: 0;
  }
  .scroll {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 8px 16px 16px;
  }
  h3 {
    margin: 8px 0 10px;
    font-size: 17px;
  }
  h3:focus {
    outline: none;
  }
  h4 {
    margin: 0;
    font-size: 15px;
    font-weight: 600;
  }
  button:focus-visible,
  a:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 1px;
  }
  .types {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 8px;
  }
  .type {
    display: grid;
    gap: 2px;
    width: 100%;
    padding: 12px 14px;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .type:hover {
    border-color: var(--_primary);
  }
  .type-name {
    font-weight: 600;
  }
  .type-meta,
  .type-text {
    color: var(--_muted);
    font-size: 14px;
    font-weight: 400;
  }
  .month {
    display: flex;
    align-items: center;
    justify-content: space-between;
    margin-bottom: 6px;
  }
  .nav {
    width: 32px;
    height: 32px;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: var(--_text);
    font-size: 20px;
    cursor: pointer;
  }
  .nav:disabled {
    opacity: 0.3;
    cursor: default;
  }
  .nav:not(:disabled):hover {
    background: var(--_surface-2);
  }
  .booking[dir='rtl'] .arrow {
    display: inline-block;
    transform: scaleX(-1);
  }
  table {
    width: 100%;
    border-collapse: collapse;
    table-layout: fixed;
  }
  th {
    padding: 4px 0;
    color: var(--_muted);
    font-size: 12px;
    font-weight: 600;
  }
  td {
    padding: 2px;
    text-align: center;
  }
  .day {
    width: 36px;
    height: 36px;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: var(--_muted);
    font: inherit;
    font-size: 14px;
    cursor: default;
  }
  .day.free {
    background: color-mix(in srgb, var(--_primary) 12%, transparent);
    color: var(--_primary);
    font-weight: 600;
    cursor: pointer;
  }
  .day.free:hover {
    background: color-mix(in srgb, var(--_primary) 22%, transparent);
  }
  .day.today {
    text-decoration: underline;
    text-underline-offset: 3px;
  }
  .day[aria-pressed='true'] {
    background: var(--_primary);
    color: var(--_on-primary);
  }
  .tz {
    display: flex;
    align-items: center;
    gap: 8px;
    margin: 10px 0;
    font-size: 13px;
    color: var(--_muted);
  }
  .tz select {
    flex: 1;
    min-width: 0;
    padding: 4px 6px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
  }
  .times ul {
    list-style: none;
    margin: 8px 0 0;
    padding: 0;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(88px, 1fr));
    gap: 6px;
  }
  .slot {
    width: 100%;
    padding: 8px 4px;
    border: 1px solid var(--_primary);
    border-radius: 8px;
    background: var(--_surface);
    color: var(--_primary);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .slot:hover {
    background: var(--_primary);
    color: var(--_on-primary);
  }
  .summary {
    margin: 0 0 12px;
    line-height: 1.5;
  }
  .details {
    display: grid;
    gap: 10px;
  }
  .details label {
    display: grid;
    gap: 4px;
    font-size: 14px;
    font-weight: 600;
  }
  .details input,
  .details textarea {
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    font-weight: 400;
  }
  .primary,
  .secondary {
    padding: 9px 16px;
    border: none;
    border-radius: 999px;
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .primary {
    background: var(--_primary);
    color: var(--_on-primary);
  }
  .primary:disabled {
    opacity: 0.6;
  }
  .secondary {
    background: var(--_surface-2);
    color: var(--_text);
  }
  .back {
    align-self: flex-start;
    margin: 8px 8px 0;
    padding: 6px 10px;
    border: none;
    border-radius: 8px;
    background: transparent;
    color: var(--_primary);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .notice {
    margin: 0 0 10px;
    padding: 8px 12px;
    border-radius: 8px;
    background: var(--_surface-2);
  }
  .state {
    margin: 20px 0 8px;
    color: var(--_muted);
    text-align: center;
  }
  .done .links {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    margin: 0 0 16px;
  }
  .done a {
    color: var(--_primary);
  }
`;
