import { css } from 'lit';
import { srOnly } from '../elements/shared/theme.styles.js';

/**
 * Colour tokens for the inbox, set once on <convot-inbox>; custom properties inherit into the
 * nested shadow roots. Text pairs meet WCAG AA (4.5:1) in both schemes.
 */
export const tokens = css`
  :host {
    --in-bg: #f8fafc;
    --in-surface: #ffffff;
    --in-surface-2: #f1f5f9;
    --in-hover: #f1f5f9;
    --in-selected: #e0ecff;
    --in-text: #0f172a;
    --in-muted: #475569;
    --in-border: #e2e8f0;
    --in-control: #8391a7;
    --in-primary: #2563eb;
    --in-primary-hover: #1d4ed8;
    --in-on-primary: #ffffff;
    --in-link: #1d4ed8;
    --in-soft: #eff6ff;
    --in-on-soft: #1e40af;
    --in-success: #15803d;
    --in-danger: #b91c1c;
    --in-danger-soft: #fef2f2;
    --in-warn-soft: #fef3c7;
    --in-on-warn: #854d0e;
    --in-focus: #2563eb;
    --in-shadow: 0 1px 2px rgb(15 23 42 / 0.06), 0 8px 24px rgb(15 23 42 / 0.08);
    --in-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --in-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    color-scheme: light;
    font-family: var(--in-font);
    font-size: 14px;
    line-height: 1.45;
    color: var(--in-text);
    background: var(--in-bg);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --in-bg: #0b1120;
      --in-surface: #0f172a;
      --in-surface-2: #1e293b;
      --in-hover: #172033;
      --in-selected: #1e3a5f;
      --in-text: #f1f5f9;
      --in-muted: #b4c0d3;
      --in-border: #263348;
      --in-control: #64748b;
      --in-primary: #2563eb;
      --in-primary-hover: #1d4ed8;
      --in-link: #93c5fd;
      --in-soft: #1e3a8a;
      --in-on-soft: #dbeafe;
      --in-success: #4ade80;
      --in-danger: #fca5a5;
      --in-danger-soft: #450a0a;
      --in-warn-soft: #422006;
      --in-on-warn: #fde68a;
      --in-focus: #93c5fd;
      --in-shadow: 0 1px 2px rgb(0 0 0 / 0.4), 0 8px 24px rgb(0 0 0 / 0.35);
      color-scheme: dark;
    }
  }
`;

/** Pieces every inbox element uses: focus rings, buttons, screen-reader-only text. */
export const base = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--in-focus);
    outline-offset: 2px;
  }
  button,
  input,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  button:disabled {
    cursor: default;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 36px;
    padding: 0 14px;
    border: 1px solid transparent;
    border-radius: 8px;
    font-weight: 600;
    white-space: nowrap;
  }
  .btn.primary {
    background: var(--in-primary);
    color: var(--in-on-primary);
  }
  .btn.primary:hover:not(:disabled) {
    background: var(--in-primary-hover);
  }
  .btn.primary:disabled {
    background: var(--in-surface-2);
    color: var(--in-muted);
    border-color: var(--in-border);
  }
  .btn.ghost {
    background: transparent;
    border-color: var(--in-border);
    color: var(--in-text);
  }
  .btn.ghost:hover {
    background: var(--in-hover);
  }
  ${srOnly}
  .verified {
    display: inline-flex;
    align-items: center;
    flex: none;
    color: var(--in-success);
  }
  .verified svg {
    width: 15px;
    height: 15px;
  }
  .avatar {
    position: relative;
    display: grid;
    place-items: center;
    flex: none;
    width: 36px;
    height: 36px;
    border-radius: 50%;
    overflow: hidden;
    background: var(--in-soft);
    color: var(--in-on-soft);
    font-weight: 600;
    font-size: 13px;
    letter-spacing: 0.02em;
    user-select: none;
  }
  .avatar.large {
    width: 56px;
    height: 56px;
    font-size: 19px;
  }
  .avatar img {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
    background: var(--in-surface);
  }
`;
