/**
 * Links from the widget to the app's own sites (its help site, its status page) carry the
 * visitor's identity as `?convot_identity=` when the visitor is verified, as the Convot API
 * document promises. Tokens are single-use, so one is minted per click; the new tab is opened
 * synchronously (inside the click's user activation) and pointed at the address once the token
 * is there. Only callers with a URL from the app's own config use this: never for links in
 * content, which may lead anywhere.
 */
import { IDENTITY_PARAM } from './identity-link.js';

/** How long a click waits for a token before opening the link without one. */
const MINT_TIMEOUT_MS = 3000;

export function openWithIdentity(e: MouseEvent, url: string, mint: () => Promise<string | null>): void {
  // Modified clicks (new window, download) keep the browser's own handling, without a token.
  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  const tab = window.open('about:blank', '_blank');
  if (!tab) return;
  tab.opener = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), MINT_TIMEOUT_MS)));
  void Promise.race([mint().catch(() => null), timeout]).then((token) => {
    clearTimeout(timer);
    const target = new URL(url);
    if (token) target.searchParams.set(IDENTITY_PARAM, token);
    tab.location.href = target.href;
  });
}
