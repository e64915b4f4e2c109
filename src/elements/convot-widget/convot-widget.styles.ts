import { css } from 'lit';

export const widgetStyles = css`
  :host {
    display: contents;
  }
  .root {
    position: fixed;
    inset: auto calc(20px + env(safe-area-inset-right)) calc(20px + env(safe-area-inset-bottom)) auto;
    z-index: var(--convot-z-index, 2147483000);
  }
  .root.left {
    inset: auto auto calc(20px + env(safe-area-inset-bottom)) calc(20px + env(safe-area-inset-left));
  }
  :host([hidden]),
  .root[hidden] {
    display: none;
  }
  @media (max-width: 767px) {
    :host([hide-on-mobile]) {
      display: none;
    }
  }
  .launcher {
    position: relative;
    display: grid;
    place-items: center;
    width: 56px;
    height: 56px;
    border: none;
    border-radius: 50%;
    background: var(--_primary);
    color: var(--_on-primary);
    box-shadow: 0 6px 20px rgb(15 23 42 / 0.25);
    cursor: pointer;
    transition: transform 0.15s ease;
  }
  .launcher:hover {
    transform: scale(1.05);
  }
  .launcher:focus-visible {
    outline: 3px solid var(--_primary);
    outline-offset: 3px;
  }
  .launcher[hidden] {
    display: none;
  }
  .launcher svg {
    width: 28px;
    height: 28px;
  }
  .launcher.labelled {
    width: auto;
    gap: 8px;
    padding: 0 20px 0 16px;
    grid-auto-flow: column;
    border-radius: 28px;
    font: 600 15px/1 var(--_font);
  }

  .badge {
    position: absolute;
    top: -4px;
    inset-inline-end: -4px;
    min-width: 20px;
    height: 20px;
    padding: 0 6px;
    box-sizing: border-box;
    border-radius: 10px;
    background: #b91c1c;
    color: #ffffff;
    font: 600 12px/20px var(--_font);
    text-align: center;
  }
  /*
   * The panel and the preview grow from the launcher's screen corner, which is physical (the
   * position setting says right or left of the screen, whatever the text direction): anchoring
   * them with inline-start/end put them off-screen in right-to-left locales.
   */
  .panel-wrap {
    position: absolute;
    bottom: 72px;
    right: 0;
    width: min(380px, calc(100vw - 40px));
    height: min(600px, calc(100vh - 112px));
  }
  .left .panel-wrap {
    right: auto;
    left: 0;
  }
  .panel-wrap[hidden] {
    display: none;
  }
  /* In the top layer the panel is placed against the window: the launcher's corner plus 72px. */
  .panel-wrap[popover] {
    position: fixed;
    inset: auto calc(20px + env(safe-area-inset-right)) calc(92px + env(safe-area-inset-bottom)) auto;
    margin: 0;
    padding: 0;
    border: 0;
    background: transparent;
    overflow: visible;
    color: inherit;
  }
  .left .panel-wrap[popover] {
    inset: auto auto calc(92px + env(safe-area-inset-bottom)) calc(20px + env(safe-area-inset-left));
  }
  convot-chat-panel {
    height: 100%;
  }
  .preview {
    position: absolute;
    bottom: 72px;
    right: 0;
    display: flex;
    align-items: flex-start;
    gap: 4px;
    width: min(300px, calc(100vw - 40px));
    padding: 12px;
    box-sizing: border-box;
    border-radius: 14px;
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 8px 28px rgb(15 23 42 / 0.22);
  }
  .left .preview {
    right: auto;
    left: 0;
  }
  .preview-body {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
    gap: 2px;
    padding: 0;
    border: none;
    background: none;
    color: inherit;
    font: 14px/1.4 var(--_font);
    text-align: start;
    cursor: pointer;
  }
  .preview-from {
    font-weight: 600;
  }
  .preview-text {
    display: -webkit-box;
    -webkit-line-clamp: 3;
    -webkit-box-orient: vertical;
    overflow: hidden;
    overflow-wrap: anywhere;
  }
  .preview-dismiss {
    width: 28px;
    height: 28px;
    border: none;
    border-radius: 50%;
    background: var(--_surface-2);
    color: var(--_text);
    font-size: 18px;
    line-height: 1;
    cursor: pointer;
  }
  .preview button:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }
  @media (max-width: 480px) {
    /* Full screen on phones, sized to the visual viewport so the keyboard never covers the composer. */
    :host([open]) .panel-wrap {
      position: fixed;
      inset: var(--_viewport-top, 0) 0 auto 0;
      width: 100vw;
      height: var(--_viewport-height, 100dvh);
    }
    :host([open]) .launcher {
      display: none;
    }
  }
  /* High contrast: backgrounds and shadows are dropped, so outline what would vanish. */
  @media (forced-colors: active) {
    .launcher,
    .preview {
      border: 2px solid ButtonText;
    }
    .badge {
      border: 1px solid CanvasText;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .launcher {
      transition: none;
    }
  }
`;
