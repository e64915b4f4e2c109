/**
 * Renders a parsed Markdown tree (`MdDoc`) with Lit templates: text is always text, and links
 * and images pass the tree's policy again (`safeHref`, `safeImageSrc`). The inbox's preview
 * uses it; the widget has its own.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { safeHref, safeImageSrc, type MdBlock, type MdDoc, type MdInline } from '../markdown/tree.js';

type Out = TemplateResult | string | typeof nothing;

function inline(nodes: MdInline[]): Out[] {
  return nodes.map((n): Out => {
    switch (n.t) {
      case 'text':
        return n.v;
      case 'strong':
        return html`<strong>${inline(n.c)}</strong>`;
      case 'em':
        return html`<em>${inline(n.c)}</em>`;
      case 'del':
        return html`<del>${inline(n.c)}</del>`;
      case 'code':
        return html`<code>${n.v}</code>`;
      case 'br':
        return html`<br />`;
      case 'link': {
        const href = safeHref(n.href);
        return href ? html`<a href=${href} title=${n.title ?? nothing} target="_blank" rel="noopener noreferrer nofollow">${inline(n.c)}</a>` : html`${inline(n.c)}`;
      }
      case 'image': {
        const src = safeImageSrc(n.src);
        return src ? html`<img src=${src} alt=${n.alt} title=${n.title ?? nothing} loading="lazy" referrerpolicy="no-referrer" />` : n.alt;
      }
      default:
        return nothing;
    }
  });
}

const align = (a: string | null | undefined) => (a === 'center' || a === 'right' ? a : 'left');

function block(b: MdBlock): Out {
  switch (b.t) {
    case 'p':
      return html`<p>${inline(b.c)}</p>`;
    case 'h':
      // Within the editor the article's headings sit below its title: shown one level down.
      switch (b.level) {
        case 1:
          return html`<h2 id=${b.id}>${inline(b.c)}</h2>`;
        case 2:
          return html`<h3 id=${b.id}>${inline(b.c)}</h3>`;
        case 3:
          return html`<h4 id=${b.id}>${inline(b.c)}</h4>`;
        default:
          return html`<h5 id=${b.id}>${inline(b.c)}</h5>`;
      }
    case 'list':
      return b.ordered
        ? html`<ol start=${b.start ?? nothing}>${b.items.map((i) => html`<li>${mdView(i)}</li>`)}</ol>`
        : html`<ul>${b.items.map((i) => html`<li>${mdView(i)}</li>`)}</ul>`;
    case 'quote':
      return html`<blockquote>${mdView(b.c)}</blockquote>`;
    case 'pre':
      return html`<pre><code>${b.v}</code></pre>`;
    case 'hr':
      return html`<hr />`;
    case 'table':
      return html`<div class="table">
        <table>
          <thead>
            <tr>
              ${b.head.map((c, i) => html`<th class=${align(b.align[i])}>${inline(c)}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${b.rows.map((r) => html`<tr>${r.map((c, i) => html`<td class=${align(b.align[i])}>${inline(c)}</td>`)}</tr>`)}
          </tbody>
        </table>
      </div>`;
    default:
      return nothing;
  }
}

export function mdView(doc: MdDoc): Out[] {
  return doc.map(block);
}
