/**
 * widget-loader.js: the snippet's script. Tiny on purpose (budget: 3 KB gzip). It turns
 * `window.Convot` into a queue with the documented methods, then loads the widget module from
 * the same server, which replays the queue and swaps in the real API.
 */
type Stub = Record<string, unknown> & { _q?: unknown[]; __convot?: number };

((w: Window & { Convot?: Stub }, d: Document) => {
  const c: Stub = (w.Convot ??= {});
  if (c.__convot) return; // the snippet ran twice: the first copy is in charge
  c.__convot = 1;
  const q: unknown[] = (c._q = Array.isArray(c._q) ? c._q : []);
  const call =
    (name: string) =>
    (...args: unknown[]) =>
      void q.push(['__call', name, args]);
  c.push = (command: unknown) => void q.push(command);
  for (const name of ['open', 'close', 'identify', 'setMessageText', 'sendMessage', 'openScheduling', 'load', 'remove']) c[name] = call(name);
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
  const s = d.createElement('script');
  s.type = 'module';
  s.src = new URL('dist/embed.js', me?.src || location.href).href;
  s.onerror = () => console.warn(`Convot: could not load ${s.src}; is the Convot server reachable?`);
  (d.head || d.documentElement).appendChild(s);
})(window, document);
