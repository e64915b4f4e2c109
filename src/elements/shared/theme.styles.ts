import { css } from 'lit';

/** Dark values of the colour tokens, used for the OS preference and for `mode="dark"`. */
const darkTokens = css`
  --_surface: var(--convot-color-surface, #0f172a);
  --_surface-2: var(--convot-color-surface-alt, #1e293b);
  --_text: var(--convot-color-text, #f1f5f9);
  --_muted: var(--convot-color-muted, #cbd5e1);
  --_border: var(--convot-color-border, #334155);
  color-scheme: dark;
`;

/**
 * Theme tokens shared by Convot's elements. Every colour is a `--convot-*` custom property a
 * site can set from outside; dark values apply for `prefers-color-scheme: dark` unless the host
 * has `mode="light"`, and always with `mode="dark"`.
 */
export const themeStyles = css`
  :host {
    --_primary: var(--convot-color-primary, #2563eb);
    --_on-primary: var(--convot-color-on-primary, #ffffff);
    --_surface: var(--convot-color-surface, #ffffff);
    --_surface-2: var(--convot-color-surface-alt, #f1f5f9);
    --_text: var(--convot-color-text, #0f172a);
    --_muted: var(--convot-color-muted, #475569);
    --_border: var(--convot-color-border, #cbd5e1);
    --_radius: var(--convot-radius, 16px);
    --_font: var(--convot-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif, 'Apple Color Emoji', 'Segoe UI Emoji', 'Noto Color Emoji');
    font-family: var(--_font);
    color-scheme: light;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([mode='light'])) {
      ${darkTokens}
    }
  }
  :host([mode='dark']) {
    ${darkTokens}
  }
`;

/** Visually hidden, still read by screen readers. */
export const srOnly = css`
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
`;
