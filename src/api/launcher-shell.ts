/**
 * A stand-in launcher the loader paints at once, before any widget code has arrived: plain DOM
 * in the shadow root of the `<convot-widget>` that will become the widget. When the module
 * defines the element, Lit reuses that shadow root and the real launcher replaces this one in
 * the same frame (see ConvotWidget.willUpdate). Styles go through a constructable stylesheet,
 * which a strict Content-Security-Policy allows; a click before the module arrives is queued.
 * The look mirrors convot-widget.styles.ts (size, corner, colour, shadow).
 */
import { CHAT_ICON } from '../elements/shared/icons.js';

const CSS = `.convot-shell{position:fixed;inset:auto 20px 20px auto;z-index:var(--convot-z-index,2147483000)}
.convot-shell.left{inset:auto auto 20px 20px}
.convot-shell button{display:grid;place-items:center;width:56px;height:56px;padding:0;border:none;border-radius:50%;
background:var(--convot-color-primary,#2563eb);color:var(--convot-color-on-primary,#fff);box-shadow:0 6px 20px rgb(15 23 42/.25);cursor:pointer}
.convot-shell svg{width:28px;height:28px}`;

export interface ShellOptions {
  appId: string;
  server: string;
  left: boolean;
  onClick(): void;
}

/** Paints the stand-in; false when it does not (the page has its own element, or an old browser). */
export function paintLauncherShell(d: Document, o: ShellOptions): boolean {
  if (d.querySelector('convot-widget') || !('adoptedStyleSheets' in Document.prototype)) return false;
  const host = d.createElement('convot-widget');
  host.setAttribute('app-id', o.appId);
  host.setAttribute('server', o.server);
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  const wrap = d.createElement('div');
  wrap.className = o.left ? 'convot-shell left' : 'convot-shell';
  wrap.dataset.convotShell = '';
  const button = d.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('aria-label', 'Open chat');
  button.onclick = o.onClick;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = d.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = d.createElementNS(ns, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', CHAT_ICON);
  svg.append(path);
  button.append(svg);
  wrap.append(button);
  root.append(wrap);
  d.body.append(host);
  return true;
}
