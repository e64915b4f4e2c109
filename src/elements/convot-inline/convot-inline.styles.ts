import { css } from 'lit';

export const inlineStyles = css`
  :host {
    display: block;
    /* Sized by its container: give the element (or its parent) a height. */
    height: 100%;
    min-height: 320px;
  }
  :host([hidden]) {
    display: none;
  }
  convot-chat-panel {
    height: 100%;
  }
`;
