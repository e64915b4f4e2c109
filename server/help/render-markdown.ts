/**
 * `MdDoc` → HTML for the public help site. Every text and attribute value is escaped, and
 * hrefs and image sources pass the tree's policy again (`safeHref`, `safeImageSrc`): the tree
 * may come from a stored or hand-made value, and this string goes straight into a page.
 */
import { safeHref, safeImageSrc, type MdBlock, type MdDoc, type MdInline } from '../../src/markdown/tree.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and double-quoted attribute values alike. */
export const esc = (s: string): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const attr = (name: string, value: string | undefined): string => (value ? ` ${name}="${esc(value)}"` : '');

export function renderInline(nodes: MdInline[]): string {
  let out = '';
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        out += esc(n.v);
        break;
      case 'strong':
        out += `<strong>${renderInline(n.c)}</strong>`;
        break;
      case 'em':
        out += `<em>${renderInline(n.c)}</em>`;
        break;
      case 'del':
        out += `<del>${renderInline(n.c)}</del>`;
        break;
      case 'code':
        out += `<code>${esc(n.v)}</code>`;
        break;
      case 'br':
        out += '<br>';
        break;
      case 'link': {
        const href = safeHref(n.href);
        out += href ? `<a href="${esc(href)}"${attr('title', n.title)} target="_blank" rel="noopener noreferrer">${renderInline(n.c)}</a>` : renderInline(n.c);
        break;
      }
      case 'image': {
        const src = safeImageSrc(n.src);
        out += src ? `<img src="${esc(src)}" alt="${esc(n.alt)}"${attr('title', n.title)} loading="lazy" referrerpolicy="no-referrer">` : esc(n.alt);
        break;
      }
    }
  }
  return out;
}

const ALIGN = new Set(['left', 'center', 'right']);
const cellAttr = (a: string | null | undefined): string => (a && ALIGN.has(a) ? ` class="align-${a}"` : '');

function renderBlock(b: MdBlock): string {
  switch (b.t) {
    case 'p':
      return `<p>${renderInline(b.c)}</p>`;
    case 'h': {
      const level = Math.min(6, Math.max(1, Math.trunc(Number(b.level)) || 2));
      return `<h${level} id="${esc(b.id)}">${renderInline(b.c)}</h${level}>`;
    }
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul';
      const start = b.ordered && Number.isInteger(b.start) ? ` start="${Number(b.start)}"` : '';
      return `<${tag}${start}>${b.items.map((item) => `<li>${renderDoc(item)}</li>`).join('')}</${tag}>`;
    }
    case 'quote':
      return `<blockquote>${renderDoc(b.c)}</blockquote>`;
    case 'pre':
      return `<pre><code${b.lang ? ` data-lang="${esc(b.lang)}"` : ''}>${esc(b.v)}</code></pre>`;
    case 'hr':
      return '<hr>';
    case 'table': {
      const head = b.head.map((c, i) => `<th${cellAttr(b.align[i])}>${renderInline(c)}</th>`).join('');
      const rows = b.rows.map((r) => `<tr>${r.map((c, i) => `<td${cellAttr(b.align[i])}>${renderInline(c)}</td>`).join('')}</tr>`).join('');
      return `<div class="table"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
    }
    default:
      return ''; // an unknown block (a newer tree): nothing rather than a guess
  }
}

export function renderDoc(doc: MdDoc): string {
  return doc.map(renderBlock).join('\n');
}
