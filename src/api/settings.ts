/**
 * Settings read before the widget loads: `window.Convot.settings` for the snippet (and the
 * HubSpot drop-in, which translates its own names into these). Each bad value is warned about,
 * naming it, and replaced by the default.
 */
import type { ConvotRuntime } from '../runtime/runtime.js';

/** `cookie_banner`: ask before storing anything, when the widget loads or on exit intent. */
export type ConsentMode = 'on_widget_load' | 'on_exit_intent';

export interface EmbedSettings {
  /** false: nothing shows and nothing connects until `Convot.load()`. */
  load_immediately: boolean;
  /** The widget goes inline into the first element matching this selector, instead of floating. */
  inline_embed_selector: string;
  /** Ask before storing anything in the browser: false, true (= "on_widget_load") or "on_exit_intent". */
  cookie_banner: false | true | ConsentMode;
  /** Hide the attachment button (kept until the chat has one). */
  hide_attachment_button: boolean;
  /** The inline embed focuses its message field when it first renders (false leaves focus alone). */
  initial_input_focus: boolean;
}

export const DEFAULT_SETTINGS: EmbedSettings = {
  load_immediately: true,
  inline_embed_selector: '',
  cookie_banner: false,
  hide_attachment_button: false,
  initial_input_focus: true,
};

const show = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

/** Reads `raw` (an object, or undefined); `where` names it in warnings, e.g. `window.Convot.settings`. */
export function parseSettings(raw: unknown, where = 'window.Convot.settings'): EmbedSettings {
  const out = { ...DEFAULT_SETTINGS };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    console.warn(`Convot: ${where} must be an object like { load_immediately: false }, got ${show(raw)}; ignored.`);
    return out;
  }
  const o = raw as Record<string, unknown>;
  const bad = (key: string, expected: string) => console.warn(`Convot: ${where}.${key} expects ${expected}, got ${show(o[key])}; ignored.`);
  for (const key of ['load_immediately', 'hide_attachment_button', 'initial_input_focus'] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] === 'boolean') out[key] = o[key];
    else bad(key, 'true or false');
  }
  if (o.inline_embed_selector !== undefined) {
    if (typeof o.inline_embed_selector === 'string') out.inline_embed_selector = o.inline_embed_selector.trim();
    else bad('inline_embed_selector', 'a CSS selector string like "#chat"');
  }
  const banner = o.cookie_banner;
  if (banner !== undefined) {
    if (banner === false || banner === true || banner === 'on_widget_load' || banner === 'on_exit_intent') out.cookie_banner = banner;
    else bad('cookie_banner', 'false, true, "on_widget_load" or "on_exit_intent"');
  }
  for (const key of Object.keys(o)) {
    if (!(key in DEFAULT_SETTINGS)) console.warn(`Convot: unknown ${where} key ${show(key)}; known keys: ${Object.keys(DEFAULT_SETTINGS).join(', ')}.`);
  }
  return out;
}

/** Ids for the inline embed and a wrapper around it (the HubSpot drop-in's element ids). */
export interface InlineIds {
  parent: string;
  element: string;
}

/**
 * Applies settings to the page's runtime and loads the widget (or waits for `load()`). `ids`
 * gives the inline embed and its wrapper fixed element ids (the HubSpot drop-in's).
 */
export function startWithSettings(runtime: ConvotRuntime, s: EmbedSettings, ids?: InlineIds): void {
  if (s.hide_attachment_button) runtime.setFlag('hideAttachmentButton', true, 'hide_attachment_button');
  if (s.cookie_banner) {
    runtime.requireConsent();
    if (s.cookie_banner === 'on_exit_intent') watchExitIntent(runtime);
  }
  const selector = s.inline_embed_selector;
  if (selector) runtime.place(() => placeInline(runtime, selector, s.initial_input_focus, ids));
  if (s.load_immediately) runtime.load({ floating: true });
  else runtime.remove();
}

/**
 * On exit intent (the pointer leaves through the top of the page) while consent is pending,
 * the floating panel opens on the consent prompt. Once.
 */
function watchExitIntent(runtime: ConvotRuntime): void {
  const onOut = (e: MouseEvent) => {
    if (e.relatedTarget !== null || e.clientY > 0) return;
    document.removeEventListener('mouseout', onOut);
    if (runtime.state.consent === 'pending' && runtime.status().loaded && runtime.hasView('floating')) runtime.openChat();
  };
  document.addEventListener('mouseout', onOut);
}

/**
 * The inline placement: a `<convot-inline>` in the first element matching the selector, made
 * once; a refresh after a route change moves it into the new match when the old one left the
 * page. A selector that matches nothing warns and shows nothing.
 */
function placeInline(runtime: ConvotRuntime, selector: string, focus: boolean, ids?: InlineIds): void {
  let host: Element | null = null;
  try {
    host = document.querySelector(selector);
  } catch {
    return console.warn(`Convot: inline_embed_selector ${show(selector)} is not a valid CSS selector; the widget is not shown.`);
  }
  if (!host) return console.warn(`Convot: inline_embed_selector ${show(selector)} matches no element on this page; the widget is not shown.`);
  const existing = document.querySelector<HTMLElement>(`convot-inline[data-convot-embed="${CSS.escape(runtime.key)}"]`) ?? embedded.get(runtime);
  const placed = existing && (ids ? existing.parentElement : existing);
  if (placed?.isConnected && host.contains(placed)) return;
  const el = existing ?? document.createElement('convot-inline');
  embedded.set(runtime, el);
  el.dataset.convotEmbed = runtime.key;
  el.setAttribute('app-id', runtime.appId);
  el.setAttribute('server', runtime.server);
  if (focus) el.setAttribute('focus-on-load', '');
  let node: Element = el;
  if (ids) {
    el.id = ids.element;
    const parent = existing?.parentElement?.id === ids.parent ? existing.parentElement : document.createElement('div');
    parent.id = ids.parent;
    parent.append(el);
    node = parent;
  }
  host.append(node);
}

/** The inline embed each runtime made (also while `remove()` holds it off the page). */
const embedded = new WeakMap<ConvotRuntime, HTMLElement>();
