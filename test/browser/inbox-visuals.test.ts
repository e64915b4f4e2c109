/** What the inbox shows of visitor-written data: isolated text, one-address mailto, no remote avatars. */
import { expect, fixture, html } from '@open-wc/testing';
import type { VisitorProfile } from '../../src/protocol/wire.js';
import { avatar, isolate, mailtoHref } from '../../src/inbox/visuals.js';

const visitor = (over: Partial<VisitorProfile>): VisitorProfile => ({
  id: 'vis_abcd',
  name: null,
  email: null,
  phone: null,
  company: null,
  avatar_url: null,
  external_id: null,
  verified: false,
  custom_data: {},
  session_data: {},
  segments: [],
  ...over,
});

describe('inbox visuals', () => {
  it('isolates visitor text so override characters cannot reorder what surrounds it', async () => {
    const spoof = 'Eve \u202Emoc.knab@ecnalab';
    const el = await fixture<HTMLElement>(html`<p>${isolate(spoof)} (verified)</p>`);
    const bdi = el.querySelector('bdi')!;
    expect(bdi.textContent).to.equal(spoof);
    expect(el.lastChild!.textContent).to.equal(' (verified)');
  });

  it('links one address only, each part encoded; anything else is not a link', () => {
    expect(mailtoHref('jo+x@acme.io')).to.equal('mailto:jo%2Bx@acme.io');
    expect(mailtoHref('a@b.com?cc=evil@x.com')).to.equal(null);
    expect(mailtoHref('a@b.com?subject=hi')).to.equal(null);
    expect(mailtoHref('a@b.com, c@d.com')).to.equal(null);
    expect(mailtoHref('not an email')).to.equal(null);
    expect(mailtoHref(null)).to.equal(null);
  });

  it('never loads a visitor-chosen avatar image (no tracking pixels)', async () => {
    const el = await fixture<HTMLElement>(html`<div>${avatar(visitor({ name: 'Jane Doe', avatar_url: 'https://tracker.example/pixel.gif' }))}</div>`);
    expect(el.querySelector('img')).to.equal(null);
    expect(el.textContent!.trim()).to.equal('JD');
  });
});
