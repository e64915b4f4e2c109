import { expect } from '@open-wc/testing';
import { linkify } from '../../src/client/linkify.js';

describe('linkify', () => {
  it('turns http(s) URLs, www. hosts and email addresses into links and leaves the rest as text', () => {
    expect(linkify('See https://example.com/a?b=1, or www.acme.io. Mail help@acme.io!')).to.deep.equal([
      { text: 'See ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: ', or ' },
      { text: 'www.acme.io', href: 'https://www.acme.io' },
      { text: '. Mail ' },
      { text: 'help@acme.io', href: 'mailto:help@acme.io' },
      { text: '!' },
    ]);
  });

  it('never links other schemes', () => {
    const parts = linkify('javascript:alert(1) data:text/html,x file:///etc/passwd');
    expect(parts.some((p) => 'href' in p)).to.equal(false);
    expect(parts.map((p) => p.text).join('')).to.equal('javascript:alert(1) data:text/html,x file:///etc/passwd');
  });

  it('keeps a closing parenthesis that belongs to the URL', () => {
    expect(linkify('(https://en.wikipedia.org/wiki/Lit_(software))')).to.deep.equal([
      { text: '(' },
      { text: 'https://en.wikipedia.org/wiki/Lit_(software)', href: 'https://en.wikipedia.org/wiki/Lit_(software)' },
      { text: ')' },
    ]);
  });

  it('returns the text unchanged when there is nothing to link', () => {
    expect(linkify('plain <b>text</b>')).to.deep.equal([{ text: 'plain <b>text</b>' }]);
    expect(linkify('')).to.deep.equal([]);
  });
});
