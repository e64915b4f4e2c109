import { css } from 'lit';
import { buttonStyles, tabLayout, tileStyles } from '../shared/controls.styles.js';

export const bookingStyles = [
  tabLayout,
  buttonStyles,
  tileStyles,
  css`
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
  .types {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 8px;
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
  .done .links {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    margin: 0 0 16px;
  }
  .done a {
    color: var(--_primary);
  }
`,
];
