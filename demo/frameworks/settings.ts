/**
 * Where the examples' widget talks to. A site bundling `convot` serves the widget from its own
 * origin, so it names its Convot server in the element's `server` property. Defaults: the
 * server and demo app of `npm start`; `?server=…&app=…` overrides them (the e2e test does).
 */
const params = new URLSearchParams(location.search);
export const server = params.get('server') ?? 'http://127.0.0.1:8787/';
export const appId = params.get('app') ?? 'app_demo';
