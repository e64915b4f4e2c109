/**
 * Renders a Markdown tree (parsed on the server, see markdown/tree.ts) with Lit templates: text
 * is bound as text, never parsed as HTML, so an article can hold nothing that runs, and nothing
 * changes under a Trusted Types policy. The tree crossed the wire, so the link and image
 * policies are applied again here. Alignment is a class, not a style attribute (strict CSP).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { safeHref, safeImageSrc, type MdBlock, type MdDoc, type MdInline } from '../../markdown/tree.js';

type Part = TemplateResult | string | typeof nothing;

/** Links the team or a visitor wrote in a chat message also get `nofollow` (user content). */
type Rel = 'noopener noreferrer' | 'noopener noreferrer nofollow';

export const renderMarkdown = (doc: MdDoc, rel: Rel = 'noopener noreferrer'): Part[] => doc.map((b) => block(b, rel));

function block(b: MdBlock, rel: Rel): Part {
  const inline = (parts: readonly MdInline[]) => inlineParts(parts, rel);
  const blocks = (list: readonly MdBlock[]) => list.map((x) => block(x, rel));
  switch (b.t) {
    case 'p':
      return html`<p>${inline(b.c)}</p>`;
    case 'h':
      // The article title is the panel's heading; the document's headings sit below it.
      return b.level <= 2 ? html`<h4 id=${`h-${b.id}`}>${inline(b.c)}</h4>` : html`<h5 id=${`h-${b.id}`}>${inline(b.c)}</h5>`;
    case 'list': {
      const items = b.items.map((item) => html`<li>${blocks(item)}</li>`);
      return b.ordered ? html`<ol start=${b.start ?? nothing}>${items}</ol>` : html`<ul>${items}</ul>`;
    }
    case 'quote':
      return html`<blockquote>${blocks(b.c)}</blockquote>`;
    case 'pre':
      return html`<pre dir="ltr"><code>${b.v}</code></pre>`;
    case 'hr':
      return html`<hr />`;
    case 'table':
      return html`<div class="table-wrap" tabindex="0">
        <table>
          <thead><tr>${b.head.map((c, i) => html`<th class=${align(b.align[i])}>${inline(c)}</th>`)}</tr></thead>
          <tbody>${b.rows.map((row) => html`<tr>${row.map((c, i) => html`<td class=${align(b.align[i])}>${inline(c)}</td>`)}</tr>`)}</tbody>
        </table>
      </div>`;
    default:
      return nothing; // a block type from a newer server
  }
}

const align = (a: string | null | undefined): string => (a === 'center' || a === 'right' || a === 'left' ? `align-${a}` : '');

function inlineParts(parts: readonly MdInline[], rel: Rel): Part[] {
  const inline = (c: readonly MdInline[]) => inlineParts(c, rel);
  return parts.map((p): Part => {
    switch (p.t) {
      case 'text':
        return p.v;
      case 'strong':
        return html`<strong>${inline(p.c)}</strong>`;
      case 'em':
        return html`<em>${inline(p.c)}</em>`;
      case 'del':
        return html`<del>${inline(p.c)}</del>`;
      case 'code':
        return html`<code>${p.v}</code>`;
      case 'br':
        return html`<br />`;
      case 'link': {
        const href = safeHref(p.href);
        return href ? html`<a href=${href} title=${p.title ?? nothing} target="_blank" rel=${rel}>${inline(p.c)}</a>` : html`${inline(p.c)}`;
      }
      case 'image': {
        const src = safeImageSrc(p.src);
        return src ? html`<img src=${src} alt=${p.alt} title=${p.title ?? nothing} loading="lazy" referrerpolicy="no-referrer" />` : p.alt;
      }
      default:
        return nothing;
    }
  });
}
