/**
 * A parsed Markdown document as plain data: the server parses article bodies once (with a
 * well-kept parser) into this tree, and each side renders it with its own escaping — Lit
 * templates in the widget, escaped HTML on the help site. Nothing here is an HTML string.
 *
 * Invariants the parser guarantees (and renderers re-check, since the tree crosses the wire):
 * - `link.href` is absolute http(s), mailto: or tel:; anything else became plain text.
 * - `image.src` is absolute https; anything else became its alt text.
 * - Raw HTML in the source is kept as literal text, never as markup.
 */
export type MdInline =
  | { t: 'text'; v: string }
  | { t: 'strong' | 'em' | 'del'; c: MdInline[] }
  | { t: 'code'; v: string }
  | { t: 'link'; href: string; title?: string; c: MdInline[] }
  | { t: 'image'; src: string; alt: string; title?: string }
  | { t: 'br' };

export type MdAlign = 'left' | 'center' | 'right' | null;

export type MdBlock =
  | { t: 'p'; c: MdInline[] }
  /** `id` is a slug of the heading text, unique within the document (for in-page anchors). */
  | { t: 'h'; level: 1 | 2 | 3 | 4 | 5 | 6; id: string; c: MdInline[] }
  | { t: 'list'; ordered: boolean; start?: number; items: MdBlock[][] }
  | { t: 'quote'; c: MdBlock[] }
  | { t: 'pre'; lang: string | null; v: string }
  | { t: 'hr' }
  | { t: 'table'; align: MdAlign[]; head: MdInline[][]; rows: MdInline[][][] };

export type MdDoc = MdBlock[];

const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:']);

/** The link policy, one place for both sides: the href to use, or null to drop the link. */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return LINK_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** The image policy: absolute https only (no data:, no http mixed content, no tracking over plain http). */
export function safeImageSrc(src: string): string | null {
  try {
    const url = new URL(src);
    return url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
