/**
 * widget-loader.js: the snippet's script. Tiny on purpose (budget: 3 KB gzip). It turns
 * `window.Convot` into a queue with the documented methods, then loads the widget module from
 * the same server, which replays the queue and swaps in the real API.
 */
import { orderStamp } from '../client/outbox.js';
import { paintLauncherShell } from './launcher-shell.js';

type Stub = Record<string, unknown> & { _q?: unknown[]; __convot?: number };

/** Filled in by the build (rollup.config.mjs): what the launcher needs, and each locale's strings. */
declare const __CONVOT_PRELOAD__: { base: string[]; locales: Record<string, string[]> };

((w: Window & { Convot?: Stub }, d: Document) => {
  const c: Stub = (w.Convot ??= {});
  if (c.__convot) return; // the snippet ran twice: the first copy is in charge
  c.__convot = 1;
  const q: unknown[] = (c._q = Array.isArray(c._q) ? c._q : []);
  const settings = (c.settings && typeof c.settings === 'object' ? c.settings : {}) as Record<string, unknown>;
  const call =
    (name: string) =>
    (...args: unknown[]) =>
      void q.push(['__call', name, args]);
  // A message sent before the widget loaded goes straight into the widget's outbox (one
  // storage key per message, as src/client/outbox.ts reads them), so a reload before the module
  // arrives loses nothing; the queue keeps its place, so the widget sends it once, in call
  // order. Anything invalid is only queued, so the widget can warn about it.
  const keep = (m: unknown): string | null => {
    const text = typeof m === 'string' ? m : typeof (m as { content?: unknown } | null)?.content === 'string' ? (m as { content: string }).content : '';
    const body = text.trim();
    const app = c.app_id;
    // With a cookie banner nothing is written before the visitor's consent: the send is only queued.
    if (!body || body.length > 5000 || typeof app !== 'string' || !app || settings.cookie_banner) return null;
    const id = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    try {
      localStorage.setItem(`convot:${app}:outbox:${id}`, JSON.stringify({ client_id: id, body, created_at: new Date().toISOString(), order: orderStamp() }));
      return id;
    } catch {
      return null;
    }
  };
  /** A send command kept in the outbox becomes `["__persisted", id, message]`: the widget sends it under that id. */
  const kept = (command: unknown): unknown => {
    const id = Array.isArray(command) && command[0] === 'do' && command[1] === 'message:send' ? keep(command[2]) : null;
    return id ? ['__persisted', id, (command as unknown[])[2]] : command;
  };
  // Sends the page queued in `_q` before this script ran are kept too, each in its place.
  q.forEach((command, i) => (q[i] = kept(command)));
  c.push = (command: unknown) => void q.push(kept(command));
  for (const name of ['open', 'close', 'identify', 'setMessageText', 'openScheduling', 'load', 'refresh', 'remove', 'clear']) c[name] = call(name);
  c.sendMessage = (m: unknown) => {
    const id = keep(m);
    q.push(id ? ['__persisted', id, m] : ['__call', 'sendMessage', [m]]);
  };
  c.identityToken = () => new Promise((resolve) => q.push(['__call', 'identityToken', [], resolve]));
  c.on = (name: unknown, fn: unknown) => void q.push(['on', name, fn]);
  c.off = (name: unknown, fn?: unknown) => void q.push(fn === undefined ? ['off', name] : ['off', name, fn]);
  // Until the widget module runs: nothing is open, loaded or known.
  c.get = (key: string) => (key === 'chat:unread:count' ? 0 : key === 'message:text' ? '' : key === 'session:data' ? {} : null);
  c.is = (key: string) => key === 'chat:closed' || key === 'chat:visible';
  c.status = () => ({ loaded: false, connection: 'idle' });
  c.ready = () => false;

  // ?convot_identity= leaves the address bar before any request; the widget verifies it.
  const url = new URL(location.href);
  const link = url.searchParams.get('convot_identity');
  if (link !== null) {
    c._identity = link;
    url.searchParams.delete('convot_identity');
    history.replaceState(history.state, '', url.href);
  }

  const me = (d.currentScript as HTMLScriptElement | null) ?? d.querySelector<HTMLScriptElement>('script[src*="widget-loader.js"]');
  const dist = new URL('dist/', me?.src || location.href);
  // The page's nonce (strict CSP) goes on everything the loader adds.
  const add = (el: HTMLScriptElement | HTMLLinkElement) => {
    if (me?.nonce) el.nonce = me.nonce;
    (d.head || d.documentElement).appendChild(el);
  };
  // Everything the launcher needs is fetched side by side with embed.js, not discovered after it.
  const preload = (file: string) => {
    const l = d.createElement('link');
    l.rel = 'modulepreload';
    l.href = new URL(file, dist).href;
    add(l);
  };
  const P = __CONVOT_PRELOAD__;
  P.base.forEach(preload);
  // Only this page's language: a queued ["config", "locale", …] wins over the browser's.
  let langs = [...(navigator.languages ?? [navigator.language])];
  for (const cmd of q) if (Array.isArray(cmd) && cmd[0] === 'config' && cmd[1] === 'locale' && typeof cmd[2] === 'string') langs = [cmd[2]];
  for (const tag of langs) {
    const lang = String(tag).toLowerCase().split(/[-_]/)[0]!;
    if (lang === 'en' || P.locales[lang]) {
      (P.locales[lang] ?? []).forEach(preload);
      break;
    }
  }
  // The launcher shows now, drawn by this script; the widget takes it over when it arrives.
  const queued = (verb: string, key: string, value?: unknown) => q.some((cmd) => Array.isArray(cmd) && cmd[0] === verb && cmd[1] === key && (value === undefined || cmd[2] === value));
  const shell = () =>
    typeof c.app_id === 'string' &&
    c.app_id &&
    !queued('do', 'chat:hide') &&
    settings.load_immediately !== false &&
    !settings.inline_embed_selector &&
    !queued('config', 'hide:on:mobile', true) &&
    paintLauncherShell(d, { appId: c.app_id, server: new URL('../', dist).href, left: queued('config', 'position:reverse', true), onClick: () => q.push(['do', 'chat:open']) });
  const s = d.createElement('script');
  // The widget's module runs after the stand-in launcher's first frame, so its compile and run
  // (the preloads have fetched it meanwhile) never hold that frame back; a hidden page, which
  // renders no frames, gets it shortly anyway.
  let loading = false;
  const load = () => {
    if (!loading) add(s);
    loading = true;
  };
  const paint = () => {
    if (!shell()) return load();
    requestAnimationFrame(() => setTimeout(load));
    setTimeout(load, 300);
  };
  s.type = 'module';
  // Under `require-trusted-types-for 'script'` a script URL must come from a policy: ours is
  // named "convot" and passes only this server's dist/ files.
  const embed = new URL('embed.js', dist).href;
  const tt = (w as unknown as { trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): { createScriptURL(url: string): string } } }).trustedTypes;
  let src: string = embed;
  try {
    src = tt?.createPolicy('convot', { createScriptURL: (url) => (url.startsWith(dist.href) ? url : '') }).createScriptURL(embed) ?? embed;
  } catch {
    // the page's CSP does not allow a "convot" policy: the plain URL may still be accepted
  }
  s.src = src;
  s.onerror = () => console.warn(`Convot: could not load ${s.src}; is the Convot server reachable?`);
  if (d.body) paint();
  else d.addEventListener('DOMContentLoaded', paint, { once: true });
})(window, document);
