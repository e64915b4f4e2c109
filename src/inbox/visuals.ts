/** Small template pieces shared by the inbox views: the verified mark, the avatar, visitor-written text. */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { VisitorProfile } from '../protocol/wire.js';
import { initials, visitorName } from './format.js';

const checkBadge = svg`<svg viewBox="0 0 20 20" aria-hidden="true" focusable="false"><path fill="currentColor" d="M10 1.5l2.1 1.6 2.6-.2.8 2.5 2.2 1.4-.8 2.5.8 2.5-2.2 1.4-.8 2.5-2.6-.2L10 18.5l-2.1-1.6-2.6.2-.8-2.5-2.2-1.4.8-2.5-.8-2.5 2.2-1.4.8-2.5 2.6.2z"/><path fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" d="M6.6 10.2l2.3 2.3 4.6-4.8"/></svg>`;

/** A check badge with screen-reader text, shown for visitors whose identity the site signed. */
export function verifiedMark(visitor: VisitorProfile): TemplateResult | typeof nothing {
  if (!visitor.verified) return nothing;
  const what = verifiedLabel(visitor);
  return html`<span class="verified" title=${what}>${checkBadge}<span class="sr-only"> (${what})</span></span>`;
}

/** What the site vouched for: exactly the identifier it verified, never the others. */
export function verifiedLabel(visitor: VisitorProfile): string {
  if (visitor.verified_by === 'email') return 'verified email';
  if (visitor.verified_by === 'external_id') return 'verified external ID';
  return 'verified';
}

/** The badge beside one field, only when that field is the verified identifier. */
export function fieldMark(visitor: VisitorProfile, field: 'email' | 'external_id'): TemplateResult | typeof nothing {
  if (!visitor.verified || visitor.verified_by !== field) return nothing;
  return html`<span class="verified" title=${verifiedLabel(visitor)}>${checkBadge}<span class="sr-only"> (verified)</span></span>`;
}

/**
 * Initials only. A visitor's avatar_url is an address the visitor chose: loading it from the
 * inbox would tell that server when an agent opened the conversation (a tracking pixel).
 */
export function avatar(visitor: VisitorProfile, size: 'small' | 'large' = 'small'): TemplateResult {
  return html`<span class="avatar ${size}" aria-hidden="true"><span>${initials(visitor.name?.trim() || visitor.email?.split('@')[0] || visitorName(visitor))}</span></span>`;
}

/**
 * Text a visitor wrote (a name, an email, a company), isolated so right-to-left or override
 * characters in it cannot reorder the text around it.
 */
export const isolate = (text: string | null | undefined): TemplateResult => html`<bdi>${text ?? ''}</bdi>`;

/** One address as a mailto: link (each part encoded, so "?cc=" cannot add recipients); else null. */
export function mailtoHref(email: string | null | undefined): string | null {
  const m = email?.trim().match(/^([^\s@,;:<>()"[\]\\]+)@([^\s@,;:<>()"[\]\\?&#/]+)$/);
  return m ? `mailto:${encodeURIComponent(m[1]!)}@${encodeURIComponent(m[2]!)}` : null;
}
