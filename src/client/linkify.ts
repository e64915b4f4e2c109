/**
 * Splits message text into plain runs and links, so elements can render URLs as anchors with
 * Lit bindings (never innerHTML). Only http(s) URLs, bare www. hosts and email addresses become
 * links; anything else stays text.
 *
 * Linear in the text's length: an email match may only start where a run of address characters
 * starts (the lookbehind), so a long run without "@" is scanned once, not once per position
 * (which froze the inbox on long messages).
 */
export type TextPart = { text: string } | { text: string; href: string };

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"']+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;
const SENTENCE_END = new Set('.,;:!?)]}');

/** Length of the punctuation that ends `raw` and more likely ends the sentence than the URL. */
function trailingLength(raw: string): number {
  let i = raw.length;
  while (i > 0 && SENTENCE_END.has(raw[i - 1]!)) i--;
  return raw.length - i;
}

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    let raw = m[0];
    const trail = raw.slice(raw.length - trailingLength(raw));
    // Keep a closing parenthesis that belongs to the URL, e.g. wiki links.
    const keep = trail.startsWith(')') && raw.includes('(') ? 1 : 0;
    raw = raw.slice(0, raw.length - trail.length + keep);
    const start = m.index!;
    if (start > last) parts.push({ text: text.slice(last, start) });
    const href = raw.includes('@') && !/^(https?:\/\/|www\.)/i.test(raw) ? `mailto:${raw}` : /^www\./i.test(raw) ? `https://${raw}` : raw;
    parts.push(safeHref(href) ? { text: raw, href } : { text: raw });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

function safeHref(href: string): boolean {
  try {
    const u = new URL(href);
    return u.protocol === 'https:' || u.protocol === 'http:' || u.protocol === 'mailto:';
  } catch {
    return false;
  }
}
