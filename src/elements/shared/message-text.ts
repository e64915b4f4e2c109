import { html, type TemplateResult } from 'lit';
import { linkify } from '../../client/linkify.js';

type Rendered = (string | TemplateResult)[];

/** Parsed bodies by text: a long thread re-renders on every keystroke without re-parsing. */
const cache = new Map<string, Rendered>();
const CACHE_SIZE = 1000;

/** Message text with its links as anchors (opened in a new tab, no referrer or opener). */
export function messageText(body: string): Rendered {
  let parts = cache.get(body);
  if (parts) return parts;
  parts = linkify(body).map((p) => ('href' in p ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer nofollow">${p.text}</a>` : p.text));
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!); // oldest first
  cache.set(body, parts);
  return parts;
}
