/**
 * The HubSpot Conversations SDK drop-in: `window.HubSpotConversations` over the page's Convot
 * runtime, so code written for that SDK runs unchanged against a Convot server. It reads
 * `window.hsConversationsSettings` (translated into Convot's settings), runs
 * `window.hsConversationsOnReady`, and maps the SDK's event names onto Convot's events (their
 * payloads already have the SDK's shapes). Not part of the core bundle: `/compat/hubspot.js`
 * loads it.
 */
import '../../define/convot-widget.js';
import { moduleServer } from '../../client/server-url.js';
import type { ConvotEventMap, ConvotEventName } from '../../client/events.js';
import { runtimeFor, type ConvotRuntime } from '../../runtime/runtime.js';
import { DEFAULT_SETTINGS, startWithSettings, type EmbedSettings } from '../settings.js';

type Fn = (payload: unknown) => void;

/** The SDK's event names → Convot's. */
const EVENTS: Record<string, ConvotEventName> = {
  conversationStarted: 'conversation:started',
  conversationClosed: 'conversation:closed',
  unreadConversationCountChanged: 'unread:conversations:changed',
  contactAssociated: 'contact:associated',
  userInteractedWithWidget: 'widget:interacted',
  widgetLoaded: 'widget:loaded',
  widgetClosed: 'widget:closed',
  quickReplyButtonClick: 'quick-reply:clicked',
  // Not in the SDK's document: Convot's event under a name in its style.
  threadSelected: 'thread:selected',
};

/** The inline embed's element ids in the SDK's document (its styling examples use them). */
const INLINE_IDS = { parent: 'hubspot-conversations-inline-parent', element: 'hubspot-conversations-inline-iframe' };

const show = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};
const warn = (msg: string) => console.warn(`Convot (HubSpot drop-in): ${msg}`);

interface HsSettings {
  settings: EmbedSettings;
  email: string | null;
  token: string | null;
}

/** `window.hsConversationsSettings` in the SDK's names → Convot's settings; bad values warn, naming them. */
export function readHsSettings(raw: unknown): HsSettings {
  const settings = { ...DEFAULT_SETTINGS };
  const out: HsSettings = { settings, email: null, token: null };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object') {
    warn(`window.hsConversationsSettings must be an object, got ${show(raw)}; ignored.`);
    return out;
  }
  const o = raw as Record<string, unknown>;
  const bad = (key: string, expected: string) => warn(`hsConversationsSettings.${key} expects ${expected}, got ${show(o[key])}; ignored.`);
  const bool = (key: string, apply: (v: boolean) => void) => {
    if (o[key] === undefined) return;
    if (typeof o[key] === 'boolean') apply(o[key]);
    else bad(key, 'true or false');
  };
  bool('loadImmediately', (v) => (settings.load_immediately = v));
  bool('disableAttachment', (v) => (settings.hide_attachment_button = v));
  bool('disableInitialInputFocus', (v) => (settings.initial_input_focus = !v));
  if (o.inlineEmbedSelector !== undefined) {
    if (typeof o.inlineEmbedSelector === 'string') settings.inline_embed_selector = o.inlineEmbedSelector.trim();
    else bad('inlineEmbedSelector', 'a selector string like "#some-id"');
  }
  const banner = o.enableWidgetCookieBanner;
  if (banner !== undefined) {
    if (banner === false || banner === true) settings.cookie_banner = banner;
    else if (banner === 'ON_WIDGET_LOAD') settings.cookie_banner = 'on_widget_load';
    else if (banner === 'ON_EXIT_INTENT') settings.cookie_banner = 'on_exit_intent';
    else bad('enableWidgetCookieBanner', 'false, true, "ON_WIDGET_LOAD" or "ON_EXIT_INTENT"');
  }
  for (const key of ['identificationEmail', 'identificationToken'] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] === 'string' && o[key]) out[key === 'identificationEmail' ? 'email' : 'token'] = o[key];
    else bad(key, 'a non-empty string');
  }
  return out;
}

/**
 * `identificationToken` is a Convot identity token (HS256, the app's identity secret). A token
 * is accepted once, and pages send the same one on every view: this browser remembers (a hash
 * of) the last token it sent and does not send it again.
 */
async function identifyOnce(runtime: ConvotRuntime, token: string): Promise<void> {
  let digest = token;
  try {
    const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
    digest = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    /* no SubtleCrypto (an insecure origin): compare the token itself, kept in memory only */
  }
  if (runtime.storage.get('hs_identity') === digest) return;
  if (crypto.subtle) runtime.storage.set('hs_identity', digest);
  runtime.client.identifyWithToken(token);
}

/** Installs `window.HubSpotConversations` for `runtime`; returns it. */
export function installHubSpot(runtime: ConvotRuntime) {
  runtime.retain(window);
  const listeners = new Map<string, Map<Fn, () => void>>();
  const onOptions = (options: unknown, key: string, call: string): boolean | null => {
    if (options === undefined) return false;
    const v = options !== null && typeof options === 'object' ? (options as Record<string, unknown>)[key] : null;
    if (v === undefined || typeof v === 'boolean') return v ?? false;
    warn(`${call}(${show(options)}): expected nothing or { ${key}: true }; ignored.`);
    return null;
  };
  const guard =
    <A extends unknown[], R>(fn: (...a: A) => R, fallback: R) =>
    (...a: A): R => {
      try {
        return fn(...a);
      } catch (e) {
        console.error('Convot (HubSpot drop-in):', e);
        return fallback;
      }
    };
  const api = {
    widget: {
      load: guard((options?: unknown) => {
        const open = onOptions(options, 'widgetOpen', 'widget.load');
        if (open !== null && runtime.allow('HubSpotConversations.widget.load()')) runtime.load({ floating: true, open });
      }, undefined),
      refresh: guard((options?: unknown) => {
        const fresh = onOptions(options, 'openToNewThread', 'widget.refresh');
        if (fresh !== null && runtime.allow('HubSpotConversations.widget.refresh()')) runtime.refresh({ newConversation: fresh });
      }, undefined),
      open: guard(() => {
        if (!runtime.status().loaded) runtime.load({ floating: true });
        runtime.openChat();
      }, undefined),
      close: guard(() => runtime.closeChat(), undefined),
      remove: guard(() => runtime.remove(), undefined),
      status: guard(() => ({ loaded: runtime.status().loaded }), { loaded: false }),
    },
    clear: guard((options?: unknown) => {
      const reset = onOptions(options, 'resetWidget', 'clear');
      if (reset !== null) runtime.clear({ resetWidget: reset });
    }, undefined),
    on: guard((name: unknown, handler: unknown) => {
      const event = typeof name === 'string' ? EVENTS[name] : undefined;
      if (!event) return warn(`unknown event ${show(name)}; known events: ${Object.keys(EVENTS).join(', ')}.`);
      if (typeof handler !== 'function') return warn(`on(${show(name)}) needs a function, got ${show(handler)}.`);
      let map = listeners.get(name as string);
      if (!map) listeners.set(name as string, (map = new Map()));
      if (map.has(handler as Fn)) return;
      map.set(
        handler as Fn,
        runtime.events.on(event, (payload: ConvotEventMap[typeof event]) => {
          try {
            (handler as Fn)(payload);
          } catch (e) {
            console.error(`Convot (HubSpot drop-in): a "${String(name)}" handler threw:`, e);
          }
        }),
      );
    }, undefined),
    off: guard((name: unknown, handler?: unknown) => {
      if (typeof name !== 'string' || !EVENTS[name]) return warn(`unknown event ${show(name)}; known events: ${Object.keys(EVENTS).join(', ')}.`);
      const map = listeners.get(name);
      if (!map) return;
      for (const [fn, unsubscribe] of [...map]) {
        if (handler !== undefined && fn !== handler) continue;
        unsubscribe();
        map.delete(fn);
      }
    }, undefined),
  };
  return api;
}

type Callback = () => void;

declare global {
  interface Window {
    HubSpotConversations?: ReturnType<typeof installHubSpot>;
    hsConversationsSettings?: unknown;
    hsConversationsOnReady?: unknown;
  }
}

/** Runs ready callbacks, each failure logged, never thrown. */
function runReady(callbacks: unknown): void {
  if (!Array.isArray(callbacks)) {
    if (callbacks !== undefined) warn(`window.hsConversationsOnReady must be an array of functions, got ${show(callbacks)}.`);
    return;
  }
  for (const fn of callbacks) {
    if (typeof fn !== 'function') {
      warn(`hsConversationsOnReady holds ${show(fn)}, not a function; skipped.`);
      continue;
    }
    try {
      (fn as Callback)();
    } catch (e) {
      console.error('Convot (HubSpot drop-in): an hsConversationsOnReady callback threw:', e);
    }
  }
}

function boot(): void {
  if (window.HubSpotConversations) return; // loaded twice: the first copy is in charge
  const appId = new URL(import.meta.url).searchParams.get('app_id');
  if (!appId) return warn('no app id: load this through /compat/hubspot.js with a data-app-id attribute on its script tag.');
  const runtime = runtimeFor(moduleServer(), appId);
  const hs = readHsSettings(window.hsConversationsSettings);
  if (hs.settings.inline_embed_selector) void import('../../define/convot-inline.js');
  startWithSettings(runtime, hs.settings, INLINE_IDS);
  if (hs.token) void identifyOnce(runtime, hs.token);
  else if (hs.email) warn('identificationEmail needs an identificationToken (a Convot identity token signed by your server); the visitor stays anonymous.');
  window.HubSpotConversations = installHubSpot(runtime);
  runReady(window.hsConversationsOnReady);
  // Callbacks added after the API is there run at once, as the SDK's do.
  const ready = { push: (...fns: unknown[]) => runReady(fns) };
  Object.defineProperty(window, 'hsConversationsOnReady', { configurable: true, get: () => ready, set: (v: unknown) => runReady(v) });
}

if (document.body) boot();
else document.addEventListener('DOMContentLoaded', boot, { once: true });
