/**
 * The module the snippet loads: registers `<convot-widget>`, loads the runtime of
 * `window.Convot.app_id` (which adds a floating widget unless the page has one), and installs
 * the global API over that runtime.
 */
import '../define/convot-widget.js';
import { moduleServer } from '../client/server-url.js';
import { runtimeFor, type ConvotRuntime } from '../runtime/runtime.js';
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
  if (stub.settings === undefined) {
    runtime.load({ floating: true });
    return ready(stub, runtime);
  }
  // Settings (their own chunk: pages without them never load it) apply before the queue
  // replays, so a load() the page queued runs after them and wins over load_immediately: false.
  // The loader painted no launcher for a deferred or inline widget; with a cookie banner nothing
  // may connect or be stored while the module arrives.
  const banner = (stub.settings as { cookie_banner?: unknown } | null)?.cookie_banner;
  if (banner === true || banner === 'on_widget_load' || banner === 'on_exit_intent') runtime.requireConsent();
  import('./settings.js').then(
    ({ parseSettings, startWithSettings }) => {
      const settings = parseSettings(stub.settings);
      if (settings.inline_embed_selector) void import('../define/convot-inline.js');
      startWithSettings(runtime, settings);
      ready(stub, runtime);
    },
    () => console.warn('Convot: could not load the widget settings module; is the Convot server reachable?'),
  );
}

function ready(stub: LoaderStub, runtime: ConvotRuntime): void {
  installGlobal(stub, runtime);
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
