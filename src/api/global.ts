/**
 * `window.Convot`: a thin shim over the page's runtime for one app. Every documented call maps
 * to a runtime action (the same ones the elements' methods call) and every event to the
 * runtime's events (which the elements dispatch as `convot-*` DOM CustomEvents), so nothing here
 * is unavailable to someone who only uses the elements. Bad calls warn and never throw.
 */
import { EVENT_NAMES, type ConvotEventName } from '../client/events.js';
import type { ConvotRuntime } from '../runtime/runtime.js';
import type { ConvotGlobal, GetKeys, IsKey } from './commands.js';

type Fn = (...args: unknown[]) => void;
type Table = Record<string, (w: ConvotRuntime, ...args: unknown[]) => unknown>;

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
  'message:send': (w, m) => w.sendMessage(m),
  'message:read': (w) => w.markRead(),
  'message:show': (w, m) => w.showMessage(m),
  'session:reset': (w, reload) => w.resetSession(reload === true),
  'helpdesk:search': (w) => w.openHelp(),
  'helpdesk:query': (w, q) => w.openHelp(q),
  'helpdesk:article:open': (w, a) => w.openArticle(a),
  'scheduling:open': (w, o) => w.openScheduling(o),
  'thread:select': (w, id) => w.selectThread(id),
  'threads:open': (w) => w.openThreads(),
};

const SET: Table = {
  'user:email': (w, v) => w.setUser('email', v),
  'user:phone': (w, v) => w.setUser('phone', v),
  'user:nickname': (w, v) => w.setUser('nickname', v),
  'user:avatar': (w, v) => w.setUser('avatar', v),
  'user:company': (w, v) => w.setUser('company', v),
  'session:data': (w, v) => w.setSessionData(v),
  'session:segments': (w, v) => w.setSessionSegments(v),
  'session:event': (w, v) => w.pushSessionEvent(v),
  'message:text': (w, v) => w.setMessageText(v),
};

const CONFIG: Table = {
  'hide:on:mobile': (w, v) => w.setFlag('hideOnMobile', v, 'hide:on:mobile'),
  'position:reverse': (w, v) => bool('position:reverse', v, (b) => w.setPosition(b ? 'left' : 'right')),
  locale: (w, v) => w.setLocale(v),
  'sound:mute': (w, v) => w.setFlag('soundMuted', v, 'sound:mute'),
  'color:theme': (w, v) => w.setThemeColor(v),
  'color:mode': (w, v) => w.setColorMode(v),
  'container:index': (w, v) => w.setZIndex(v),
};

function bool(key: string, v: unknown, apply: (b: boolean) => void): void {
  if (typeof v !== 'boolean') return warn(`config "${key}" expects true or false, got ${show(v)}; ignored.`);
  apply(v);
}

const GET: { [K in keyof GetKeys]: (w: ConvotRuntime) => GetKeys[K] } = {
  'chat:unread:count': (w) => w.state.unread,
  'message:text': (w) => w.state.composerText,
  'session:identifier': (w) => w.state.sessionId,
  'session:data': (w) => ({ ...w.state.sessionData }),
  'user:email': (w) => w.user.email,
  'user:phone': (w) => w.user.phone,
  'user:nickname': (w) => w.user.nickname,
  'user:avatar': (w) => w.user.avatar,
  'user:company': (w) => w.user.company,
};

const IS: Record<IsKey, (w: ConvotRuntime) => boolean> = {
  'chat:opened': (w) => w.state.open,
  'chat:closed': (w) => !w.state.open,
  'chat:visible': (w) => w.state.launcherVisible,
  'chat:hidden': (w) => !w.state.launcherVisible,
  'session:ongoing': (w) => w.state.sessionId !== null,
  'website:available': (w) => w.state.available,
};

/**
 * The one boolean option of `load`, `refresh` and `clear` (`{ widget_open: true }`): false when
 * absent, null (after a warning naming it) when malformed.
 */
function readOption(options: unknown, key: string, call: string): boolean | null {
  const v = options === undefined ? false : ((options as Record<string, unknown> | null)?.[key] ?? false);
  if (typeof v === 'boolean' && (options === undefined || (typeof options === 'object' && options))) return v;
  warn(`${call}() expects nothing or { ${key}: true }, got ${show(options)}; ignored.`);
  return null;
}

/** Internal queue entries the loader makes for method calls made before this module loaded. */
type QueuedCall = ['__call', string, unknown[], ((v: unknown) => void)?];

export interface LoaderStub {
  app_id?: unknown;
  _q?: unknown[];
  [k: string]: unknown;
}

/**
 * Replaces the loader's queueing stubs on `target` with the real API bound to `runtime` (which
 * it keeps alive), then replays the queue in order (each failure logged, never thrown).
 */
export function installGlobal(target: LoaderStub, runtime: ConvotRuntime): ConvotGlobal {
  runtime.retain(target);
  // Per event: the page's handler → how to unsubscribe it.
  const listeners = new Map<string, Map<Fn, () => void>>();

  const on = (name: unknown, handler: unknown) => {
    if (!EVENT_NAMES.includes(name as ConvotEventName)) return warn(`unknown event ${show(name)}; known events: ${EVENT_NAMES.join(', ')}.`);
    if (typeof handler !== 'function') return warn(`on("${String(name)}") needs a function, got ${show(handler)}.`);
    let map = listeners.get(name as string);
    if (!map) listeners.set(name as string, (map = new Map()));
    if (map.has(handler as Fn)) return;
    const unsubscribe = runtime.events.on(name as ConvotEventName, (payload) => {
      try {
        (handler as Fn)(payload);
      } catch (err) {
        console.error(`Convot: a "${String(name)}" handler threw:`, err);
      }
    });
    map.set(handler as Fn, unsubscribe);
  };

  const off = (name: unknown, handler?: unknown) => {
    if (!EVENT_NAMES.includes(name as ConvotEventName)) return warn(`unknown event ${show(name)}; known events: ${EVENT_NAMES.join(', ')}.`);
    const map = listeners.get(name as string);
    if (!map) return;
    if (handler === undefined) {
      for (const unsubscribe of map.values()) unsubscribe();
      map.clear();
      return;
    }
    map.get(handler as Fn)?.();
    map.delete(handler as Fn);
  };

  const runTable = (verb: string, table: Table, key: unknown, args: unknown[]) => {
    const fn = typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
    if (!fn) return warn(`unknown "${verb}" key ${show(key)}; known keys: ${Object.keys(table).join(', ')}.`);
    fn(runtime, ...args);
  };

  const methods = {
    open: () => runtime.openChat(),
    close: () => runtime.closeChat(),
    identify: (user: unknown) => runtime.identify(user),
    setMessageText: (text: unknown) => runtime.setMessageText(text),
    sendMessage: (message: unknown) => runtime.sendMessage(message),
    openScheduling: (options?: unknown) => runtime.openScheduling(options),
    identityToken: () => runtime.identityToken(),
    load: (options?: unknown) => {
      const open = readOption(options, 'widget_open', 'load');
      if (open !== null && runtime.allow('Convot.load()')) runtime.load({ floating: true, open });
    },
    refresh: (options?: unknown) => {
      const fresh = readOption(options, 'open_to_new_thread', 'refresh');
      if (fresh !== null && runtime.allow('Convot.refresh()')) runtime.refresh({ newConversation: fresh });
    },
    remove: () => runtime.remove(),
    clear: (options?: unknown) => {
      const reset = readOption(options, 'reset_widget', 'clear');
      if (reset !== null) runtime.clear({ resetWidget: reset });
    },
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
      case '__persisted': {
        // A send the stub kept in the outbox (so a reload could not lose it): sent now, in call order.
        const [, id, message] = command as [string, string, unknown];
        if (runtime.client.outbox.has(id)) runtime.sendMessage(message, id);
        return;
      }
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
    identityToken: () => runtime.identityToken().catch(() => null),
    load: safe(methods.load, undefined),
    refresh: safe(methods.refresh, undefined),
    remove: safe(methods.remove, undefined),
    clear: safe(methods.clear, undefined),
    status: safe(() => runtime.status(), { loaded: false, connection: 'idle' as const }),
    get: safe((key: string, field?: string): never => {
      if (!Object.hasOwn(GET, key)) {
        warn(`unknown get key ${show(key)}; known keys: ${Object.keys(GET).join(', ')}.`);
        return undefined as never;
      }
      const value = GET[key as keyof GetKeys](runtime);
      if (key === 'session:data' && field !== undefined) return (value as Record<string, unknown>)[field] as never;
      return value as never;
    }, undefined as never) as ConvotGlobal['get'],
    is: safe((key: IsKey): boolean => {
      if (!Object.hasOwn(IS, key)) {
        warn(`unknown is key ${show(key)}; known keys: ${Object.keys(IS).join(', ')}.`);
        return false;
      }
      return IS[key](runtime);
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
