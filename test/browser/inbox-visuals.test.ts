/** What the inbox shows of visitor-written data: isolated text, one-address mailto, no remote avatars. */
import { expect, fixture, html } from '@open-wc/testing';
import type { ConversationSummary, VisitorProfile } from '../../src/protocol/wire.js';
import { avatar, fieldMark, isolate, mailtoHref, verifiedLabel } from '../../src/inbox/visuals.js';

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

describe('inbox verified badge', () => {
  it('marks exactly the identifier that was verified: a visitor verified by external id who claims an email gets no badge on it', async () => {
    const v = visitor({ name: 'Jane', email: 'claimed@else.example', external_id: 'user_123', verified: true, verified_by: 'external_id' } as Partial<VisitorProfile>);
    const row = (field: 'email' | 'external_id') => html`<dd>${field}${fieldMark(v, field)}</dd>`;
    const el = await fixture<HTMLElement>(html`<dl>${row('email')}${row('external_id')}</dl>`);
    const [email, externalId] = [...el.querySelectorAll('dd')];
    expect(email!.querySelector('.verified'), 'badge beside the claimed email').to.equal(null);
    expect(externalId!.querySelector('.verified')).to.not.equal(null);
    expect(verifiedLabel(v)).to.equal('verified external ID');
    const byEmail = { ...v, verified_by: 'email' } as VisitorProfile;
    expect(verifiedLabel(byEmail)).to.equal('verified email');
  });
});

describe('inbox list: what a chat flow did', () => {
  it('shows a waiting bot, the agent the conversation was routed to ("You" for the signed-in one) and its tags; nothing without a flow', async () => {
    const { InboxConversationList } = await import('../../src/inbox/conversation-list.js');
    if (!customElements.get('convot-inbox-list')) customElements.define('convot-inbox-list', InboxConversationList);
    const summary = (id: string, over: Partial<ConversationSummary>): ConversationSummary => ({
      id,
      app_id: 'app',
      status: 'open',
      closed_at: null,
      visitor: visitor({ id: `vis_${id}`, name: id }),
      last_seq: 1,
      agent_read_seq: 0,
      visitor_read_seq: 0,
      unread_count: 0,
      last_message: null,
      last_message_at: null,
      created_at: new Date().toISOString(),
      ...over,
    });
    const list = await fixture<HTMLElement & { updateComplete: Promise<unknown> }>(html`<convot-inbox-list
      loaded
      agentEmail="me@shop.test"
      .conversations=${[
        summary('a', { bot_active: true, tags: ['pricing', 'lead'], assignee: { email: 'dana@shop.test', name: 'Dana' } }),
        summary('b', { bot_active: false, tags: [], assignee: { email: 'me@shop.test', name: 'Me' } }),
        summary('c', {}),
      ]}
    ></convot-inbox-list>`);
    await list.updateComplete;
    const chips = (id: string) => [...list.shadowRoot!.querySelectorAll(`[data-id="${id}"] .routing .status-chip`)].map((c) => c.textContent!.trim());
    expect(chips('a')).to.deep.equal(['Bot', '→ Dana', 'pricing', 'lead']);
    expect(chips('b')).to.deep.equal(['→ You']);
    expect(list.shadowRoot!.querySelector('[data-id="c"] .routing')).to.equal(null);
  });
});
