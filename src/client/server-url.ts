/**
 * The Convot server this code was loaded from: the built files live in `<server>/dist/`, so the
 * server is one folder up from this module. Bundler users pass a `server` attribute instead.
 */
export function moduleServer(): string {
  return new URL('../', import.meta.url).href;
}
