import { html, type TemplateResult } from 'lit';
import { linkify } from '../../client/linkify.js';

/** Message text with its links as anchors (opened in a new tab, no referrer or opener). */
export function messageText(body: string): (string | TemplateResult)[] {
  return linkify(body).map((p) => ('href' in p ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer nofollow">${p.text}</a>` : p.text));
}
