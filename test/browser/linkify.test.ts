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

describe('linkify on long messages', () => {
  // The old pattern restarted an email match at every position of a long run of word
  // characters: quadratic, about 5 s per keystroke for 60 long messages in the inbox. Linear
  // work on 200,000 characters takes milliseconds; quadratic work would take minutes, so this
  // generous bound cannot flake and still fails for the old code.
  it('stays linear on runs without "@", long trailing punctuation and many links', () => {
    const inputs = ['a'.repeat(200_000), `https://x.io/${'.'.repeat(100_000)}a${'.'.repeat(100_000)}`, 'see www.a.io, '.repeat(15_000), `${'a.'.repeat(100_000)}@`];
    for (const text of inputs) {
      const t0 = performance.now();
      const parts = linkify(text);
      expect(performance.now() - t0, `linkify of ${text.slice(0, 20)}…`).to.be.below(1000);
      expect(parts.map((p) => p.text).join('')).to.equal(text);
    }
  });

  it('still finds emails at the start of a run, not inside one', () => {
    expect(linkify('write to jo.e+x@acme.io now')).to.deep.equal([
      { text: 'write to ' },
      { text: 'jo.e+x@acme.io', href: 'mailto:jo.e+x@acme.io' },
      { text: ' now' },
    ]);
  });
});
