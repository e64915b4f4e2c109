/** Small template pieces shared by the inbox views: the verified mark and the visitor avatar. */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { VisitorProfile } from '../protocol/wire.js';
import { initials, isHttpUrl, visitorName } from './format.js';

const checkBadge = svg`<svg viewBox="0 0 20 20" aria-hidden="true" focusable="false"><path fill="currentColor" d="M10 1.5l2.1 1.6 2.6-.2.8 2.5 2.2 1.4-.8 2.5.8 2.5-2.2 1.4-.8 2.5-2.6-.2L10 18.5l-2.1-1.6-2.6.2-.8-2.5-2.2-1.4.8-2.5-.8-2.5 2.2-1.4.8-2.5 2.6.2z"/><path fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" d="M6.6 10.2l2.3 2.3 4.6-4.8"/></svg>`;

/** A check badge with screen-reader text, shown for visitors whose identity the site signed. */
export function verifiedMark(visitor: VisitorProfile): TemplateResult | typeof nothing {
  if (!visitor.verified) return nothing;
  return html`<span class="verified" title="Verified visitor">${checkBadge}<span class="sr-only"> (verified)</span></span>`;
}

// A blocked or broken image (the page CSP allows only same-origin images) falls back to initials.
function hideBrokenImage(e: Event): void {
  (e.target as HTMLImageElement).hidden = true;
}

/** Initials, covered by the avatar image when the visitor has an http(s) avatar_url. */
export function avatar(visitor: VisitorProfile, size: 'small' | 'large' = 'small'): TemplateResult {
  return html`<span class="avatar ${size}" aria-hidden="true"
    ><span>${initials(visitor.name?.trim() || visitor.email?.split('@')[0] || visitorName(visitor))}</span>${isHttpUrl(visitor.avatar_url)
      ? keyed(visitor.avatar_url, html`<img src=${visitor.avatar_url} alt="" referrerpolicy="no-referrer" @error=${hideBrokenImage} />`)
      : nothing}</span
  >`;
}
