/**
 * Markdown in chat messages, parsed on the server only (marked's lexer, through parse.ts): the
 * widget ships no parser, since the chat's first open has no room for one in its budget. A
 * message gets a tree only when its body has Markdown syntax, so plain messages cost nothing
 * on the wire and render as text (with links made clickable) as before.
 */
import { chatSubset } from './chat-tree.js';
import { parseMarkdown } from './parse.js';
import type { MdDoc } from './tree.js';

/**
 * Syntax worth parsing for: emphasis and code marks, links, autolinks, list or fence starts.
 * A false positive costs a parse whose tree is dropped below.
 */
const SYNTAX = /[*_`~]|\]\(|<https?:|^\s{0,3}(?:[-+*]|\d{1,9}[.)])\s|^\s{0,3}(?:```|~~~)/m;

/** The chat tree of a message body, or undefined when plain text shows it the same. */
export function chatMarkdown(body: string): MdDoc | undefined {
  if (!SYNTAX.test(body)) return undefined;
  let doc: MdDoc;
  try {
    doc = chatSubset(parseMarkdown(body));
  } catch {
    return undefined; // whatever the parser chokes on (a stack overflow on absurd nesting) shows as text
  }
  // Only paragraphs of plain text: nothing to render that plain text does not show.
  const plain = doc.every((b) => b.t === 'p' && b.c.every((n) => n.t === 'text'));
  return plain ? undefined : doc;
}
