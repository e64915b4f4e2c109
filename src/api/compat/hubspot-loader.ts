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
  const url = new URL('../dist/compat-hubspot-api.js', me!.src);
  url.searchParams.set('app_id', app);
  s.src = url.href;
  if (me!.nonce) s.nonce = me!.nonce;
  s.onerror = () => console.warn(`Convot: could not load ${s.src}; is the Convot server reachable?`);
  (d.head || d.documentElement).appendChild(s);
})(document);
