/**
 * `window.Convot`: a thin shim over one `<convot-widget>`. Every documented call maps to an
 * element method or property and every event to the element's DOM CustomEvent, so nothing here
 * is unavailable to someone who only uses the element. Bad calls warn and never throw.
 */
import { EVENT_NAMES, domEventName, type ConvotEventName } from '../client/events.js';
import type { ConvotWidget } from '../elements/convot-widget/convot-widget.js';
import type { ConvotGlobal, GetKeys, IsKey } from './commands.js';

type Fn = (...args: unknown[]) => void;
type Table = Record<string, (w: ConvotWidget, ...args: unknown[]) => unknown>;

const show = (v: unknown): string => {
  if (typeof v === 'function') return 'a function';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};
const warn = (msg: string) => console.warn(`Convot: ${msg}`);

const DO: Table = {
  'chat:open': (w) => w.openChat(),
  'chat:close': (w) => w.closeChat(),
  'chat:toggle': (w) => w.toggleChat(),
  'chat:show': (w) => w.showLauncher(),
  'chat:hide': (w) => w.hideLauncher(),
  'message:send': (w, m) => w.sendMessage(m as string),
  'message:read': (w) => w.markRead(),
  'message:show': (w, m) => w.showMessage(m as { type: 'text'; content: string }),
  'session:reset': (w, reload) => w.resetSession(reload === true),
  'helpdesk:search': (w) => w.openHelp(),
  'helpdesk:query': (w, q) => w.openHelp(q as string),
  'helpdesk:article:open': (w, a) => w.openArticle(a as { locale: string; slug: string }),
  'scheduling:open': (w, o) => w.openScheduling(o as { meeting_type_id: number } | undefined),
};

const SET: Table = {
  'user:email': (w, v) => w.setUser('email', v as string),
  'user:phone': (w, v) => w.setUser('phone', v as string),
  'user:nickname': (w, v) => w.setUser('nickname', v as string),
  'user:avatar': (w, v) => w.setUser('avatar', v as string),
  'user:company': (w, v) => w.setUser('company', v as string),
  'session:data': (w, v) => w.setSessionData(v as Record<string, unknown>),
  'session:segments': (w, v) => w.setSessionSegments(v as string[]),
  'session:event': (w, v) => w.pushSessionEvent(v as { name: string; data?: Record<string, unknown> }),
  'message:text': (w, v) => w.setMessageText(v as string),
};

const CONFIG: Table = {
  'hide:on:mobile': (w, v) => bool('hide:on:mobile', v, (b) => (w.hideOnMobile = b)),
  'position:reverse': (w, v) => bool('position:reverse', v, (b) => (w.position = b ? 'left' : 'right')),
  locale: (w, v) => w.setLocale(v as string),
  'sound:mute': (w, v) => bool('sound:mute', v, (b) => (w.soundMuted = b)),
  'color:theme': (w, v) => w.setThemeColor(v as string),
  'color:mode': (w, v) => w.setColorMode(v as string),
  'container:index': (w, v) => w.setZIndex(v as number),
};

function bool(key: string, v: unknown, apply: (b: boolean) => void): void {
  if (typeof v !== 'boolean') return warn(`config "${key}" expects true or false, got ${show(v)}; ignored.`);
  apply(v);
}

const GET: { [K in keyof GetKeys]: (w: ConvotWidget) => GetKeys[K] } = {
  'chat:unread:count': (w) => w.unreadCount,
  'message:text': (w) => w.messageText,
  'session:identifier': (w) => w.sessionId,
  'session:data': (w) => w.sessionData,
  'user:email': (w) => w.user.email,
  'user:phone': (w) => w.user.phone,
  'user:nickname': (w) => w.user.nickname,
  'user:avatar': (w) => w.user.avatar,
  'user:company': (w) => w.user.company,
};

const IS: Record<IsKey, (w: ConvotWidget) => boolean> = {
  'chat:opened': (w) => w.open,
  'chat:closed': (w) => !w.open,
  'chat:visible': (w) => w.launcherVisible,
  'chat:hidden': (w) => !w.launcherVisible,
  'session:ongoing': (w) => w.sessionId !== null,
  'website:available': (w) => w.available,
};

/** Internal queue entries the loader makes for method calls made before this module loaded. */
type QueuedCall = ['__call', string, unknown[], ((v: unknown) => void)?];

export interface LoaderStub {
  app_id?: unknown;
  _q?: unknown[];
  [k: string]: unknown;
}

/**
 * Replaces the loader's queueing stubs on `target` with the real API bound to `widget`, then
 * replays the queue in order (each failure logged, never thrown).
 */
export function installGlobal(target: LoaderStub, widget: ConvotWidget): ConvotGlobal {
  // Per event: the page's handler → the DOM listener we attached for it.
  const listeners = new Map<string, Map<Fn, EventListener>>();

  const on = (name: unknown, handler: unknown) => {
    if (!EVENT_NAMES.includes(name as ConvotEventName)) return warn(`unknown event ${show(name)}; known events: ${EVENT_NAMES.join(', ')}.`);
    if (typeof handler !== 'function') return warn(`on("${String(name)}") needs a function, got ${show(handler)}.`);
    let map = listeners.get(name as string);
    if (!map) listeners.set(name as string, (map = new Map()));
    if (map.has(handler as Fn)) return;
    const listener: EventListener = (e) => {
      try {
        // Events without a payload carry detail null in the DOM; handlers get undefined as typed.
        (handler as Fn)((e as CustomEvent).detail ?? undefined);
      } catch (err) {
        console.error(`Convot: a "${String(name)}" handler threw:`, err);
      }
    };
    map.set(handler as Fn, listener);
    widget.addEventListener(domEventName(name as ConvotEventName), listener);
  };

  const off = (name: unknown, handler?: unknown) => {
    if (!EVENT_NAMES.includes(name as ConvotEventName)) return warn(`unknown event ${show(name)}; known events: ${EVENT_NAMES.join(', ')}.`);
    const map = listeners.get(name as string);
    if (!map) return;
    const dom = domEventName(name as ConvotEventName);
    if (handler === undefined) {
      for (const l of map.values()) widget.removeEventListener(dom, l);
      map.clear();
      return;
    }
    const l = map.get(handler as Fn);
    if (l) widget.removeEventListener(dom, l);
    map.delete(handler as Fn);
  };

  const runTable = (verb: string, table: Table, key: unknown, args: unknown[]) => {
    const fn = typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
    if (!fn) return warn(`unknown "${verb}" key ${show(key)}; known keys: ${Object.keys(table).join(', ')}.`);
    fn(widget, ...args);
  };

  const methods = {
    open: () => widget.openChat(),
    close: () => widget.closeChat(),
    identify: (user: unknown) => widget.identify(user as never),
    setMessageText: (text: unknown) => widget.setMessageText(text as string),
    sendMessage: (message: unknown) => widget.sendMessage(message as string),
    openScheduling: (options?: unknown) => widget.openScheduling(options as never),
    identityToken: () => widget.identityToken(),
  };

  const run = (command: unknown): void => {
    if (!Array.isArray(command)) return warn(`push() expects an array like ["do", "chat:open"], got ${show(command)}.`);
    const [verb, key, ...args] = command as unknown[];
    switch (verb) {
      case 'do':
        return runTable('do', DO, key, args);
      case 'set':
        return runTable('set', SET, key, args);
      case 'config':
        return runTable('config', CONFIG, key, args);
      case 'on':
        return on(key, args[0]);
      case 'off':
        return off(key, args[0]);
      case '__call': {
        const [, name, callArgs, resolve] = command as QueuedCall;
        const m = methods[name as keyof typeof methods] as ((...a: unknown[]) => unknown) | undefined;
        const result = m?.(...(callArgs ?? []));
        if (resolve) void Promise.resolve(result).then(resolve, () => resolve(null));
        return;
      }
      default:
        return warn(`unknown verb ${show(verb)}; expected "do", "set", "config", "on" or "off".`);
    }
  };

  const safe =
    <A extends unknown[], R>(fn: (...a: A) => R, fallback: R) =>
    (...a: A): R => {
      try {
        return fn(...a);
      } catch (e) {
        console.error('Convot:', e);
        return fallback;
      }
    };

  const api: ConvotGlobal = {
    push: safe(run, undefined),
    open: safe(methods.open, undefined),
    close: safe(methods.close, undefined),
    identify: safe(methods.identify, undefined),
    setMessageText: safe(methods.setMessageText, undefined),
    sendMessage: safe(methods.sendMessage, undefined),
    openScheduling: safe(methods.openScheduling, undefined),
    identityToken: () => widget.identityToken().catch(() => null),
    get: safe((key: string, field?: string): never => {
      if (!Object.hasOwn(GET, key)) {
        warn(`unknown get key ${show(key)}; known keys: ${Object.keys(GET).join(', ')}.`);
        return undefined as never;
      }
      const value = GET[key as keyof GetKeys](widget);
      if (key === 'session:data' && field !== undefined) return (value as Record<string, unknown>)[field] as never;
      return value as never;
    }, undefined as never) as ConvotGlobal['get'],
    is: safe((key: IsKey): boolean => {
      if (!Object.hasOwn(IS, key)) {
        warn(`unknown is key ${show(key)}; known keys: ${Object.keys(IS).join(', ')}.`);
        return false;
      }
      return IS[key](widget);
    }, false),
    on: safe(on, undefined) as ConvotGlobal['on'],
    off: safe(off, undefined) as ConvotGlobal['off'],
    ready: () => true,
  };

  const queued = Array.isArray(target._q) ? target._q.splice(0) : [];
  Object.assign(target, api);
  target._q = [];
  for (const command of queued) api.push(command as never);
  return target as unknown as ConvotGlobal;
}
