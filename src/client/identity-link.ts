/**
 * The `?convot_identity=TOKEN` hand-off: the token is taken out of the address bar with
 * history.replaceState before the widget sends any request, so it is not kept in history,
 * bookmarks or later Referer headers.
 */
export const IDENTITY_PARAM = 'convot_identity';

export function takeIdentityLinkToken(): string | null {
  if (typeof location === 'undefined' || typeof history === 'undefined') return null;
  try {
    const url = new URL(location.href);
    const token = url.searchParams.get(IDENTITY_PARAM);
    if (token === null) return null;
    url.searchParams.delete(IDENTITY_PARAM);
    history.replaceState(history.state, '', url.href);
    return token || null;
  } catch {
    return null;
  }
}
