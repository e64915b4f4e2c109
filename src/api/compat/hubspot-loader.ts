/**
 * `/compat/hubspot.js`: the HubSpot Conversations drop-in's script tag (`<script
 * src=".../compat/hubspot.js" data-app-id="app_…">`). Tiny and classic, like widget-loader.js:
 * it loads the drop-in module (which shares the widget's chunks) from the same server, passing
 * the app id and the page's nonce on.
 */
((d: Document) => {
  const me = d.currentScript as HTMLScriptElement | null;
  const app = me?.dataset.appId;
  if (!app) {
    console.warn(`Convot: the HubSpot drop-in's script tag needs a data-app-id attribute (your app id, like "app_demo"), got ${JSON.stringify(app ?? null)}; the widget is not shown.`);
    return;
  }
  const s = d.createElement('script');
  s.type = 'module';
  const dist = new URL('../dist/', me!.src).href;
  const url = new URL('compat-hubspot-api.js', dist);
  url.searchParams.set('app_id', app);
  // Under `require-trusted-types-for 'script'` a script URL must come from a policy: the same
  // "convot" policy as widget-loader.js, passing only this server's dist/ files.
  const tt = (window as unknown as { trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): { createScriptURL(url: string): string } } }).trustedTypes;
  let src: string = url.href;
  try {
    src = tt?.createPolicy('convot', { createScriptURL: (u) => (u.startsWith(dist) ? u : '') }).createScriptURL(url.href) ?? src;
  } catch {
    // the page's CSP does not allow a "convot" policy: the plain URL may still be accepted
  }
  s.src = src;
  if (me!.nonce) s.nonce = me!.nonce;
  s.onerror = () => console.warn(`Convot: could not load ${s.src}; is the Convot server reachable?`);
  (d.head || d.documentElement).appendChild(s);
})(document);
