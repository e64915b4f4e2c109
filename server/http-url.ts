/** `value` as an absolute http(s) URL, or null when it is not a string that parses as one. */
export function httpUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || !URL.canParse(value)) return null;
  const u = new URL(value);
  return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
}
