/**
 * The module the snippet loads: registers `<convot-widget>`, loads the runtime of
 * `window.Convot.app_id` (which adds a floating widget unless the page has one), and installs
 * the global API over that runtime.
 */
import '../define/convot-widget.js';
import { moduleServer } from '../client/server-url.js';
import { runtimeFor } from '../runtime/runtime.js';
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
  const runtime = runtimeFor(moduleServer(), appId);
  installGlobal(stub, runtime);
  runtime.load({ floating: true });
  // The loader already took a ?convot_identity= token out of the address bar.
  if (typeof stub._identity === 'string' && stub._identity) runtime.client.identifyWithToken(stub._identity);
  delete stub._identity;
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
