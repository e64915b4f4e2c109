import { css } from 'lit';

export const panelStyles = css`
  :host {
    display: block;
  }
  .panel {
    display: flex;
    flex-direction: column;
    height: 100%;
    box-sizing: border-box;
    overflow: hidden;
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 12px 40px rgb(15 23 42 / 0.28);
    font-size: 15px;
    line-height: 1.4;
  }
  header {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 16px;
    background: var(--_primary);
    color: var(--_on-primary);
  }
  header.with-tabs {
    flex-wrap: wrap;
    padding-bottom: 0;
    row-gap: 10px;
  }
  .tabs {
    flex-basis: 100%;
    display: flex;
    gap: 4px;
  }
  [role='tab'] {
    flex: 1;
    padding: 8px 4px 10px;
    border: none;
    border-bottom: 3px solid transparent;
    background: transparent;
    color: inherit;
    font: inherit;
    font-size: 14px;
    cursor: pointer;
  }
  [role='tab'][aria-selected='true'] {
    border-bottom-color: currentColor;
    font-weight: 600;
  }
  [role='tab']:focus-visible {
    outline: 2px solid var(--_on-primary);
    outline-offset: -2px;
  }
  .tab-chat,
  .tab-body {
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  header .titles {
    flex: 1;
    min-width: 0;
  }
  h2 {
    margin: 0;
    font-size: 17px;
    font-weight: 600;
  }
  .status {
    margin: 2px 0 0;
    font-size: 13px;
  }
  .dot {
    display: inline-block;
    width: 8px;
    height: 8px;
    margin-inline-end: 6px;
    border-radius: 50%;
    background: #86efac;
    vertical-align: 1px;
  }
  .dot.away {
    background: #fde68a;
  }
  .icon-button {
    display: grid;
    place-items: center;
    width: 36px;
    height: 36px;
    border: none;
    border-radius: 50%;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  .icon-button:hover {
    background: rgb(255 255 255 / 0.15);
  }
  .icon-button:focus-visible {
    outline: 2px solid var(--_on-primary);
    outline-offset: 1px;
  }
  .messages {
    flex: 1;
    overflow-y: auto;
    padding: 16px;
    display: flex;
    flex-direction: column;
    gap: 8px;
    overscroll-behavior: contain;
  }
  .empty,
  .notice {
    margin: auto 0;
    color: var(--_muted);
    text-align: center;
    font-size: 14px;
  }
  .notice {
    margin: 0;
    padding: 8px 16px;
    background: var(--_surface-2);
  }
  .msg {
    max-width: 80%;
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .msg.visitor {
    align-self: flex-end;
    align-items: flex-end;
  }
  .msg.agent,
  .msg.bot,
  .msg.system {
    align-self: flex-start;
  }
  .bubble {
    padding: 8px 12px;
    border-radius: 14px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .bubble a {
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  .visitor .bubble {
    background: var(--_primary);
    color: var(--_on-primary);
    border-end-end-radius: 4px;
  }
  .agent .bubble,
  .bot .bubble,
  .system .bubble {
    background: var(--_surface-2);
    color: var(--_text);
    border-end-start-radius: 4px;
  }
  .meta {
    font-size: 12px;
    color: var(--_muted);
  }
  /* A group: one name and avatar, tighter spacing between its messages. */
  .msg.grouped {
    margin-top: -5px;
  }
  .who {
    display: flex;
    align-items: center;
    gap: 6px;
    font-size: 12px;
    color: var(--_muted);
  }
  .avatar {
    width: 24px;
    height: 24px;
    border-radius: 50%;
    object-fit: cover;
    flex: none;
  }
  .avatar.head {
    width: 32px;
    height: 32px;
    margin-inline-end: 8px;
  }
  .day {
    margin: 8px 0 0;
    text-align: center;
    font-size: 12px;
    color: var(--_muted);
  }
  .typing {
    min-height: 16px;
    margin: 0;
    padding: 0 16px;
    font-size: 12px;
    color: var(--_muted);
  }
  /* Blocks carry the spacing; a paragraph keeps the line breaks that were typed. */
  .bubble.md {
    white-space: normal;
  }
  .bubble.md p {
    white-space: pre-wrap;
  }
  .bubble.md > * {
    margin: 0.3em 0;
  }
  .bubble.md > :first-child {
    margin-top: 0;
  }
  .bubble.md > :last-child {
    margin-bottom: 0;
  }
  .bubble.md ul,
  .bubble.md ol {
    padding-inline-start: 1.3em;
  }
  .bubble pre {
    overflow-x: auto;
    white-space: pre;
  }
  .bubble code {
    font-family: ui-monospace, Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  .composer {
    display: flex;
    align-items: flex-end;
    gap: 8px;
    padding: 12px;
    /* Above the home indicator on phones without a home button. */
    padding-bottom: max(12px, env(safe-area-inset-bottom));
    border-top: 1px solid var(--_border);
  }
  textarea {
    flex: 1;
    min-height: 40px;
    max-height: 120px;
    resize: none;
    box-sizing: border-box;
    padding: 9px 12px;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    /* 16px or more, or iPhones zoom the page when the field takes focus. */
    font-size: 16px;
  }
  textarea:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 0;
    border-color: transparent;
  }
  .send {
    width: 40px;
    height: 40px;
    background: var(--_primary);
    color: var(--_on-primary);
  }
  .send:hover {
    background: var(--_primary);
    filter: brightness(1.1);
  }
  .send:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .send:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }
  .attach {
    flex: none;
    width: 40px;
    height: 40px;
    color: var(--_muted);
  }
  .attach:focus-visible {
    outline-color: var(--_primary);
  }
  /* The send arrow points the way text runs. */
  :host(:dir(rtl)) .send svg {
    transform: scaleX(-1);
  }
  @media (forced-colors: active) {
    .panel,
    textarea,
    .send {
      border: 1px solid CanvasText;
    }
  }
`;
