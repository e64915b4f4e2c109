/**
 * The module the snippet loads: registers `<convot-widget>`, adds one to the page for
 * `window.Convot.app_id`, and installs the global API over it.
 */
import '../define/convot-widget.js';
import { moduleServer } from '../client/server-url.js';
import { installGlobal, type LoaderStub } from './global.js';

declare global {
  interface Window {
    Convot?: LoaderStub;
    CONVOT_READY_TRIGGER?: () => void;
  }
}

function boot(): void {
  const stub: LoaderStub = (window.Convot ??= {});
  if (stub.__convot === 2) return;
  stub.__convot = 2;
  const appId = stub.app_id;
  if (typeof appId !== 'string' || !appId) {
    console.warn(`Convot: window.Convot.app_id must be your app id string (like "app_demo"), got ${JSON.stringify(appId)}; the widget is not shown.`);
    return;
  }
  const widget = document.createElement('convot-widget');
  widget.appId = appId;
  widget.server = moduleServer();
  document.body.appendChild(widget);
  // The loader already took a ?convot_identity= token out of the address bar.
  if (typeof stub._identity === 'string' && stub._identity) widget.client?.identifyWithToken(stub._identity);
  delete stub._identity;
  installGlobal(stub, widget);
  const trigger = window.CONVOT_READY_TRIGGER;
  if (typeof trigger === 'function') {
    try {
      trigger();
    } catch (e) {
      console.error('Convot: CONVOT_READY_TRIGGER threw:', e);
    }
  }
}

if (document.body) boot();
else document.addEventListener('DOMContentLoaded', boot, { once: true });
