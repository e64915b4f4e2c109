/**
 * The chat's Markdown subset: bold, italic, strikethrough, inline code, code blocks, lists,
 * links and line breaks. Anything else a tree may hold (headings, images, tables, quotes, rules)
 * becomes plain text, and nesting deeper than MAX_DEPTH is flattened to its text, so a hostile
 * message cannot request an image or build a tree that takes long to render. The server applies
 * it after parsing; the widget and the inbox apply it again before rendering (the tree crossed
 * the wire). Nothing here parses Markdown, so the widget's chunk that imports it stays small.
 */
import { safeHref, type MdBlock, type MdDoc, type MdInline } from './tree.js';

/** Levels of nested lists or inline marks kept; deeper content is kept as its text. */
export const MAX_DEPTH = 6;

const inlineText = (nodes: readonly MdInline[]): string =>
  nodes.map((n) => (n.t === 'text' || n.t === 'code' ? n.v : n.t === 'image' ? n.alt : n.t === 'br' ? '\n' : 'c' in n && Array.isArray(n.c) ? inlineText(n.c) : '')).join('');

const blockText = (blocks: readonly MdBlock[]): string =>
  blocks
    .map((b) =>
      b.t === 'p' || b.t === 'h' ? inlineText(b.c) : b.t === 'pre' ? b.v : b.t === 'quote' ? blockText(b.c) : b.t === 'list' ? b.items.map(blockText).join('\n') : b.t === 'table' ? [b.head, ...b.rows].map((r) => r.map(inlineText).join(' ')).join('\n') : '',
    )
    .join('\n');

function inline(nodes: readonly MdInline[], depth: number): MdInline[] {
  if (!Array.isArray(nodes)) return [];
  const out: MdInline[] = [];
  const text = (v: string) => {
    const last = out.at(-1);
    if (last?.t === 'text') last.v += v;
    else if (v) out.push({ t: 'text', v });
  };
  for (const n of nodes) {
    switch (n?.t) {
      case 'text':
        text(String(n.v));
        break;
      case 'code':
        out.push({ t: 'code', v: String(n.v) });
        break;
      case 'br':
        out.push({ t: 'br' });
        break;
      case 'strong':
      case 'em':
      case 'del':
        if (depth >= MAX_DEPTH) text(inlineText(n.c));
        else out.push({ t: n.t, c: inline(n.c, depth + 1) });
        break;
      case 'link': {
        const href = typeof n.href === 'string' ? safeHref(n.href) : null;
        if (!href || depth >= MAX_DEPTH) text(inlineText(n.c));
        else out.push({ t: 'link', href, c: inline(n.c, depth + 1) });
        break;
      }
      case 'image':
        text(String(n.alt)); // never fetched: a chat message requests nothing
        break;
      default:
        break; // a node type this side does not know
    }
  }
  return out;
}

function blocks(list: readonly MdBlock[], depth: number): MdBlock[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((b): MdBlock[] => {
    switch (b?.t) {
      case 'p':
        return [{ t: 'p', c: inline(b.c, depth) }];
      case 'pre':
        return [{ t: 'pre', lang: null, v: String(b.v) }];
      case 'list':
        if (depth >= MAX_DEPTH || !Array.isArray(b.items)) return [{ t: 'p', c: [{ t: 'text', v: blockText([b]) }] }];
        return [{ t: 'list', ordered: !!b.ordered, ...(b.ordered && typeof b.start === 'number' ? { start: b.start } : {}), items: b.items.map((item: MdBlock[]) => blocks(item, depth + 1)) }];
      case 'h':
      case 'quote':
      case 'table':
        return [{ t: 'p', c: [{ t: 'text', v: blockText([b]) }] }];
      default:
        return [];
    }
  });
}

/** The chat subset of a tree (see above); never throws on a malformed tree. */
export function chatSubset(doc: MdDoc): MdDoc {
  return blocks(doc, 0);
}
