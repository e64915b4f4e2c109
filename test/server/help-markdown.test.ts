/**
 * Article Markdown: what the parser keeps (src/markdown/parse.ts) and what the help site's
 * renderer writes (server/help/render-markdown.ts). A hostile corpus goes through both: the tree
 * has no unsafe href or src and raw HTML is text; the HTML has none of it as markup.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { docText, parseMarkdown } from '../../src/markdown/parse.js';
import type { MdBlock, MdDoc, MdInline } from '../../src/markdown/tree.js';
import { renderDoc } from '../../server/help/render-markdown.js';
import { HOSTILE } from './help-fixtures.js';

const BASE = 'https://help.example.com/help/en/article/current';

/** Every inline node of a document, depth first. */
function inlines(doc: MdDoc): MdInline[] {
  const out: MdInline[] = [];
  const walkInline = (ns: MdInline[]) => {
    for (const n of ns) {
      out.push(n);
      if ('c' in n) walkInline(n.c);
    }
  };
  const walk = (bs: MdBlock[]) => {
    for (const b of bs) {
      if (b.t === 'p' || b.t === 'h') walkInline(b.c);
      else if (b.t === 'quote') walk(b.c);
      else if (b.t === 'list') b.items.forEach(walk);
      else if (b.t === 'table') [b.head, ...b.rows].forEach((row) => row.forEach(walkInline));
    }
  };
  walk(doc);
  return out;
}


const MARKUP = /<(script|img|svg|base|meta|form|iframe|style|object|embed|input|button|div|circle)\b/i;
const HANDLER = /<[^>]*\son[a-z]+\s*=/i;
const BAD_URL = /(href|src)="\s*(javascript|vbscript|data):/i;

describe('the parser', () => {
  test('headings get unique slug ids; tables, code, lists and quotes keep their shape', () => {
    const doc = parseMarkdown('# Getting started\n\n## Setup\n\n## Setup\n\n## Café & crème!\n\n| a | b |\n|:-|-:|\n| 1 | `x` |\n\n```sh\nnpm i\n```\n\n3. three\n4. four\n\n> quoted *text*\n\n---\n');
    assert.deepEqual(
      doc.filter((b) => b.t === 'h').map((b) => (b as { id: string }).id),
      ['getting-started', 'setup', 'setup-2', 'cafe-creme'],
    );
    const table = doc.find((b) => b.t === 'table');
    assert.deepEqual(table, { t: 'table', align: ['left', 'right'], head: [[{ t: 'text', v: 'a' }], [{ t: 'text', v: 'b' }]], rows: [[[{ t: 'text', v: '1' }], [{ t: 'code', v: 'x' }]]] });
    assert.deepEqual(doc.find((b) => b.t === 'pre'), { t: 'pre', lang: 'sh', v: 'npm i' });
    assert.deepEqual(doc.find((b) => b.t === 'list'), { t: 'list', ordered: true, start: 3, items: [[{ t: 'p', c: [{ t: 'text', v: 'three' }] }], [{ t: 'p', c: [{ t: 'text', v: 'four' }] }]] });
    assert.deepEqual(doc.find((b) => b.t === 'quote'), { t: 'quote', c: [{ t: 'p', c: [{ t: 'text', v: 'quoted ' }, { t: 'em', c: [{ t: 'text', v: 'text' }] }] }] });
    assert.ok(doc.some((b) => b.t === 'hr'));
  });

  test('relative links resolve against the article URL; the app parameter is kept when asked', () => {
    const doc = parseMarkdown('[a](other-article) [b](/help/fr/article/x) [c](#setup)', {
      base: 'http://127.0.0.1:8787/help/en/article/current?app=app_1',
      mapUrl: (u) => {
        if (u.pathname.startsWith('/help/')) u.searchParams.set('app', 'app_1');
      },
    });
    const links = inlines(doc).filter((n) => n.t === 'link') as { href: string }[];
    assert.deepEqual(
      links.map((l) => l.href),
      ['http://127.0.0.1:8787/help/en/article/other-article?app=app_1', 'http://127.0.0.1:8787/help/fr/article/x?app=app_1', 'http://127.0.0.1:8787/help/en/article/current?app=app_1#setup'],
    );
  });

  test('without a base, relative links become their text', () => {
    assert.deepEqual(parseMarkdown('see [the guide](guide)'), [{ t: 'p', c: [{ t: 'text', v: 'see the guide' }] }]);
  });

  test('entities become the characters they name; raw HTML stays as typed', () => {
    assert.deepEqual(parseMarkdown('Tom &amp; Jerry &copy; &#x41; <b>bold</b>'), [{ t: 'p', c: [{ t: 'text', v: 'Tom & Jerry © A <b>bold</b>' }] }]);
  });

  test('images: https only, else their alt text; docText is the plain text', () => {
    const doc = parseMarkdown('![ok](https://cdn.example/a.png "T") ![no](http://x/a.png)');
    assert.deepEqual(doc, [{ t: 'p', c: [{ t: 'image', src: 'https://cdn.example/a.png', alt: 'ok', title: 'T' }, { t: 'text', v: ' no' }] }]);
    assert.equal(docText(parseMarkdown('# Title\n\nSome **bold** text\n\n- one\n- two')), 'Title\nSome bold text\none\ntwo');
  });
});

describe('hostile content', () => {
  for (const [name, body] of Object.entries(HOSTILE)) {
    test(`${name}: no unsafe link or image in the tree, no markup in the help-site HTML`, () => {
      const doc = parseMarkdown(body, { base: BASE });
      for (const n of inlines(doc)) {
        if (n.t === 'link') assert.match(n.href, /^(https?:\/\/|mailto:|tel:)/, `link ${n.href}`);
        if (n.t === 'image') assert.match(n.src, /^https:\/\//, `image ${n.src}`);
      }
      const html = renderDoc(doc);
      assert.doesNotMatch(html, MARKUP, html);
      // Attribute values are escaped (no raw quote inside), so emptying them leaves only names.
      assert.doesNotMatch(html.replace(/"[^"]*"/g, '""'), HANDLER, html);
      assert.doesNotMatch(html, BAD_URL, html);
      assert.doesNotMatch(html, /href="\/\//, html);
      // Every tag left is one the renderer writes.
      for (const tag of html.match(/<\/?([a-z0-9]+)/gi) ?? []) assert.match(tag, /^<\/?(p|a|img|strong|em|del|code|pre|br|ul|ol|li|blockquote|hr|div|table|thead|tbody|tr|th|td|h[1-6])$/i, `${tag} in ${html}`);
      // Links open in a new tab without an opener or a referrer.
      for (const a of html.match(/<a [^>]*>/g) ?? []) assert.match(a, / target="_blank" rel="noopener noreferrer"/);
    });
  }

  test('raw HTML is kept as the text that was typed', () => {
    const doc = parseMarkdown(HOSTILE['script tag']!);
    assert.deepEqual(doc, [{ t: 'p', c: [{ t: 'text', v: 'Before <script>alert("x")</script> after' }] }]);
    assert.equal(renderDoc(doc), '<p>Before &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; after</p>');
  });

  test('a javascript: link keeps its text, a reference-style https link works', () => {
    assert.deepEqual(parseMarkdown(HOSTILE['javascript link']!), [{ t: 'p', c: [{ t: 'text', v: 'click' }] }]);
    assert.deepEqual(parseMarkdown(HOSTILE['reference-style ok']!), [{ t: 'p', c: [{ t: 'link', href: 'https://ok.example/page', c: [{ t: 'text', v: 'r' }] }] }]);
    assert.deepEqual(parseMarkdown(HOSTILE['mailto and tel']!)[0], {
      t: 'p',
      c: [{ t: 'link', href: 'mailto:help@example.com', c: [{ t: 'text', v: 'mail' }] }, { t: 'text', v: ' ' }, { t: 'link', href: 'tel:+123456', c: [{ t: 'text', v: 'call' }] }],
    });
  });

  test('the renderer re-checks a hand-made tree: unsafe hrefs and srcs are dropped, attributes escaped', () => {
    const doc: MdDoc = [
      {
        t: 'p',
        c: [
          { t: 'link', href: 'javascript:alert(1)', c: [{ t: 'text', v: 'js' }] },
          { t: 'image', src: 'data:image/png;base64,AAAA', alt: 'd"<x>' },
          { t: 'link', href: 'https://ok.example/"><script>', title: '"><b>', c: [{ t: 'text', v: 'ok' }] },
        ],
      },
      { t: 'h', level: 9 as 1, id: '"><script>alert(1)</script>', c: [{ t: 'text', v: 'h' }] },
      { t: 'pre', lang: '"><script>', v: '</code><script>alert(1)</script>' },
      { t: 'table', align: ['left" onclick="x' as 'left'], head: [[{ t: 'text', v: 'a' }]], rows: [] },
    ];
    const html = renderDoc(doc);
    assert.doesNotMatch(html, /<script|javascript:|data:|onclick=|<b>/i, html);
    assert.match(html, /<p>jsd&quot;&lt;x&gt;<a href="https:\/\/ok.example\/%22%3E%3Cscript%3E" title="&quot;&gt;&lt;b&gt;" target="_blank" rel="noopener noreferrer">ok<\/a><\/p>/);
    assert.match(html, /<h6 id="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;">h<\/h6>/);
  });
});
