/**
 * Markdown → `MdDoc` (src/markdown/tree.ts), on the server only: marked's Lexer gives the token
 * tree (GFM: tables, strikethrough, autolinks), and this file keeps what the tree can carry.
 * The policy lives here so every renderer gets a tree that is already safe:
 * - raw HTML (block or inline) becomes literal text, never markup;
 * - links whose resolved href fails `safeHref` become their text; images failing
 *   `safeImageSrc` become their alt text;
 * - relative links resolve against `base` (the article's absolute help-site URL), so they stay
 *   absolute http(s) wherever the tree is rendered;
 * - HTML entities in text become the characters they name (the tree holds text, not HTML).
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { safeHref, safeImageSrc, type MdAlign, type MdBlock, type MdDoc, type MdInline } from './tree.js';

export interface ParseOptions {
  /** Absolute URL relative links and images resolve against; without it they are dropped. */
  base?: string;
  /** Adjusts each resolved link (the help site keeps its `?app=` on its own pages). */
  mapUrl?: (url: URL) => void;
}

/** The entities writers actually type; others stay as written (still only text). */
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«',
  raquo: '»', euro: '€', pound: '£', yen: '¥', cent: '¢', deg: '°', plusmn: '±', times: '×',
  divide: '÷', middot: '·', bull: '•', para: '¶', sect: '§', larr: '←', rarr: '→', uarr: '↑',
  darr: '↓', harr: '↔', check: '✓', shy: '\u00ad', zwj: '\u200d', zwnj: '\u200c',
};

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});/g, (all, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      // NUL, surrogates and beyond Unicode are not characters: U+FFFD, as browsers do.
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    }
    return NAMED[name] ?? all;
  });
}

/** Same text as a browser would show it: NUL and unpaired surrogates out (PostgreSQL and JSON agree). */
// eslint-disable-next-line no-control-regex -- NUL is what this removes
const clean = (s: string): string => s.replace(/\u0000/g, '\ufffd');

/** `Getting started!` → `getting-started`; letters of any script are kept. */
export function slugify(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 80) || 'section';
}

/** The text of inline nodes, for heading ids, alt text and search. */
export function inlineText(nodes: MdInline[]): string {
  return nodes
    .map((n) => (n.t === 'text' || n.t === 'code' ? n.v : n.t === 'image' ? n.alt : n.t === 'br' ? '\n' : inlineText(n.c)))
    .join('');
}

/** Plain text of a whole document (stored for full-text search and snippets). */
export function docText(doc: MdDoc): string {
  const out: string[] = [];
  const walk = (blocks: MdBlock[]) => {
    for (const b of blocks) {
      if (b.t === 'p' || b.t === 'h') out.push(inlineText(b.c));
      else if (b.t === 'pre') out.push(b.v);
      else if (b.t === 'quote') walk(b.c);
      else if (b.t === 'list') for (const item of b.items) walk(item);
      else if (b.t === 'table') for (const row of [b.head, ...b.rows]) out.push(row.map(inlineText).join(' · '));
    }
  };
  walk(doc);
  return out.join('\n');
}

class Converter {
  private readonly ids = new Map<string, number>();

  constructor(private readonly opts: ParseOptions) {}

  private resolve(href: string): URL | null {
    try {
      return new URL(decodeEntities(href.trim()), this.opts.base);
    } catch {
      return null; // relative without a base, or not a URL at all
    }
  }

  private href(raw: string): string | null {
    const url = this.resolve(raw);
    if (!url) return null;
    if ((url.protocol === 'http:' || url.protocol === 'https:') && this.opts.mapUrl) this.opts.mapUrl(url);
    return safeHref(url.href);
  }

  private uniqueId(text: string): string {
    const base = slugify(text);
    const n = this.ids.get(base) ?? 0;
    this.ids.set(base, n + 1);
    return n === 0 ? base : `${base}-${n + 1}`;
  }

  inline(tokens: Token[] | undefined): MdInline[] {
    const out: MdInline[] = [];
    const text = (v: string) => {
      if (!v) return;
      const last = out[out.length - 1];
      if (last?.t === 'text') last.v += v;
      else out.push({ t: 'text', v });
    };
    const add = (n: MdInline) => {
      if (n.t === 'text') text(n.v);
      else out.push(n);
    };
    for (const tok of tokens ?? []) {
      switch (tok.type) {
        case 'text':
        case 'escape': {
          const t = tok as Tokens.Text;
          // A list item's text token carries nested inline tokens.
          if (t.tokens?.length) this.inline(t.tokens).forEach(add);
          else text(clean(decodeEntities(t.text)));
          break;
        }
        case 'html':
          text(clean((tok as Tokens.HTML).raw)); // raw HTML shows as what was typed
          break;
        case 'strong':
        case 'em':
        case 'del':
          out.push({ t: tok.type, c: this.inline((tok as Tokens.Strong).tokens) });
          break;
        case 'codespan':
          out.push({ t: 'code', v: clean((tok as Tokens.Codespan).text) });
          break;
        case 'br':
          out.push({ t: 'br' });
          break;
        case 'link': {
          const l = tok as Tokens.Link;
          const c = this.inline(l.tokens);
          const href = this.href(l.href);
          if (!href) {
            c.forEach(add); // the link's text stays, without the link
            break;
          }
          const node: MdInline = { t: 'link', href, c: c.length ? c : [{ t: 'text', v: href }] };
          if (l.title) node.title = clean(decodeEntities(l.title));
          out.push(node);
          break;
        }
        case 'image': {
          const i = tok as Tokens.Image;
          const alt = clean(decodeEntities(i.text));
          const url = this.resolve(i.href);
          const src = url ? safeImageSrc(url.href) : null;
          if (!src) {
            text(alt);
            break;
          }
          const node: MdInline = { t: 'image', src, alt };
          if (i.title) node.title = clean(decodeEntities(i.title));
          out.push(node);
          break;
        }
        case 'checkbox':
          text((tok as Tokens.Checkbox).checked ? '☑ ' : '☐ ');
          break;
        default:
          // Anything else an extension might produce: its source, as text.
          text(clean(tok.raw ?? ''));
      }
    }
    return out;
  }

  blocks(tokens: Token[]): MdBlock[] {
    const out: MdBlock[] = [];
    for (const tok of tokens) {
      switch (tok.type) {
        case 'space':
        case 'def':
          break;
        case 'paragraph':
          out.push({ t: 'p', c: this.inline((tok as Tokens.Paragraph).tokens) });
          break;
        case 'text': {
          // Tight list items hold text tokens at block level.
          const t = tok as Tokens.Text;
          out.push({ t: 'p', c: t.tokens?.length ? this.inline(t.tokens) : [{ t: 'text', v: clean(decodeEntities(t.text)) }] });
          break;
        }
        case 'heading': {
          const h = tok as Tokens.Heading;
          const c = this.inline(h.tokens);
          out.push({ t: 'h', level: Math.min(6, Math.max(1, h.depth)) as 1 | 2 | 3 | 4 | 5 | 6, id: this.uniqueId(inlineText(c)), c });
          break;
        }
        case 'code': {
          const c = tok as Tokens.Code;
          const lang = c.lang?.trim().split(/\s/)[0] ?? '';
          out.push({ t: 'pre', lang: /^[\w+#.-]{1,30}$/.test(lang) ? lang : null, v: clean(c.text) });
          break;
        }
        case 'blockquote':
          out.push({ t: 'quote', c: this.blocks((tok as Tokens.Blockquote).tokens) });
          break;
        case 'list': {
          const l = tok as Tokens.List;
          const list: MdBlock = { t: 'list', ordered: l.ordered, items: l.items.map((item) => this.blocks(item.tokens)) };
          if (l.ordered && typeof l.start === 'number' && l.start !== 1) list.start = l.start;
          out.push(list);
          break;
        }
        case 'hr':
          out.push({ t: 'hr' });
          break;
        case 'table': {
          const tb = tok as Tokens.Table;
          out.push({
            t: 'table',
            align: tb.align.map((a): MdAlign => a ?? null),
            head: tb.header.map((cell) => this.inline(cell.tokens)),
            rows: tb.rows.map((row) => row.map((cell) => this.inline(cell.tokens))),
          });
          break;
        }
        case 'html':
          // A block of raw HTML is shown as the text that was typed.
          out.push({ t: 'p', c: [{ t: 'text', v: clean((tok as Tokens.HTML).raw.trim()) }] });
          break;
        default:
          if (tok.raw?.trim()) out.push({ t: 'p', c: [{ t: 'text', v: clean(tok.raw.trim()) }] });
      }
    }
    return out;
  }
}

/** Parses an article body. Never throws on content: whatever is typed becomes some tree. */
export function parseMarkdown(markdown: string, opts: ParseOptions = {}): MdDoc {
  const tokens = new Lexer({ gfm: true, breaks: false }).lex(markdown.replace(/\r\n?/g, '\n'));
  return new Converter(opts).blocks(tokens);
}
