import { css } from 'lit';

/**
 * What the Help and Book tabs and the chat's cards have in common, so a button, a tile or a
 * notice looks the same wherever it shows. Each of those chunks imports this module, so the
 * bundler keeps it in one small shared chunk instead of a copy per chunk.
 */

/** A tab's content: fills the panel below the header, its middle scrolls. */
export const tabLayout = css`
  :host,
  .tab {
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
  .state {
    margin: 20px 0 8px;
    color: var(--_muted);
    text-align: center;
  }
  .notice {
    margin: 0 0 10px;
    padding: 8px 12px;
    border-radius: 8px;
    background: var(--_surface-2);
  }
`;

/** The focus ring, the filled and quiet buttons and the "← Back" link-button. */
export const buttonStyles = css`
  button:focus-visible,
  a:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  select:focus-visible,
  [tabindex]:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 1px;
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
  .back:hover {
    background: var(--_surface-2);
  }
  /* Arrows point the way the tab's text runs. */
  .tab[dir='rtl'] .arrow {
    display: inline-block;
    transform: scaleX(-1);
  }
`;

/** A bordered tile (a meeting type, an article card) and an outlined time button. */
export const tileStyles = css`
  .tile {
    display: grid;
    gap: 2px;
    width: 100%;
    padding: 10px 12px;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    text-align: start;
  }
  button.tile {
    cursor: pointer;
  }
  button.tile:hover {
    border-color: var(--_primary);
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
`;
