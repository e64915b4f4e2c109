/**
 * Booking in a real browser against the real scheduling service (meeting types from the test
 * server's config, bookable every day): the Book tab, the documented calls and their twins,
 * the calendar's keyboard, the form prefilled from the identified visitor, a time someone else
 * just took, and <convot-scheduling> on its own.
 */
import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/define/convot-scheduling.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import type { ConvotScheduling } from '../../src/elements/convot-scheduling/convot-scheduling.js';
import type { Booking } from '../../src/protocol/scheduling.js';
import { captureConsole, openWidget, panel, panelPart, sendAndAwaitAck, server, shadow, widgetFixture, appId } from './helpers.js';

const flowOf = (host: Element) => host.shadowRoot!.querySelector('convot-booking-flow');
const q = <T extends Element = HTMLElement>(host: Element, selector: string) => flowOf(host)?.shadowRoot?.querySelector<T>(selector) ?? null;
const all = (host: Element, selector: string) => [...(flowOf(host)?.shadowRoot?.querySelectorAll<HTMLElement>(selector) ?? [])];
const tabs = (el: ConvotWidget) => [...(panel(el)?.shadowRoot?.querySelectorAll<HTMLButtonElement>('[role="tab"]') ?? [])];
const flowFocus = (host: Element) => flowOf(host)?.shadowRoot?.activeElement ?? null;

/** Picks the first day with free times and its first time; returns that slot's start. */
async function pickFirstSlot(host: Element): Promise<string> {
  await waitUntil(() => all(host, '.day.free').length > 0, 'no free days', { timeout: 8000 });
  all(host, '.day.free')[0]!.click();
  await waitUntil(() => all(host, '.slot').length > 0, 'no times');
  const slot = all(host, '.slot')[0]!;
  const label = slot.getAttribute('aria-label')!;
  slot.click();
  await waitUntil(() => q(host, 'form.details'), 'no form');
  return label;
}

async function fill(host: Element, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) {
    const input = q<HTMLInputElement>(host, `[name="${name}"]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }
}

describe('Book tab', () => {
  it('shows as a tab when the app has meeting types; the list of types leads to the calendar', async () => {
    const el = await widgetFixture();
    await waitUntil(() => el.client!.state.scheduling !== undefined);
    expect(el.client!.state.scheduling).to.deep.equal({ meeting_types: 2 });
    await openWidget(el);
    expect(tabs(el).map((t) => t.textContent!.trim())).to.deep.equal(['Chat', 'Help', 'Book']);
    tabs(el)[2]!.click();
    await waitUntil(() => all(el, '.type').length === 2, 'no meeting types');
    expect(all(el, '.type-name').map((n) => n.textContent)).to.deep.equal(['Product demo', 'Quick call']);
    all(el, '.type')[1]!.click();
    await waitUntil(() => q(el, 'table[role="grid"]'), 'no calendar');
    expect(q(el, 'h3')!.textContent).to.include('Quick call');
  });

  it('openScheduling({ meeting_type_id: 3 }) opens the booking flow on that type; a booking reaches the inbox API and fires booking:created', async () => {
    const el = await widgetFixture();
    el.identify({ email: 'ada@example.com', name: 'Ada' });
    el.openScheduling({ meeting_type_id: 3 });
    await waitUntil(() => el.open && q(el, 'table[role="grid"]'), 'the calendar did not open');
    expect(q(el, 'h3')!.textContent).to.include('Product demo');
    const label = await pickFirstSlot(el);
    expect(q(el, '.summary')!.textContent).to.include('Product demo');
    await waitUntil(() => q<HTMLInputElement>(el, '[name="email"]')!.value === 'ada@example.com', 'email not prefilled');
    expect(q<HTMLInputElement>(el, '[name="name"]')!.value).to.equal('Ada');
    await fill(el, { 'q-company': 'Analytical Engines' });
    const created = oneEvent(el, 'convot-booking-created');
    q<HTMLButtonElement>(el, 'form.details button[type="submit"]')!.click();
    const booking = ((await created) as CustomEvent<Booking>).detail;
    expect(booking.meeting_type_id).to.equal(3);
    expect(booking.email).to.equal('ada@example.com');
    expect(booking.status).to.equal('confirmed');
    await waitUntil(() => q(el, '.done'), 'no confirmation');
    const links = all(el, '.done .links a').map((a) => a.getAttribute('href'));
    expect(links).to.deep.equal([booking.ics_url, booking.manage_url]);
    expect(label).to.be.a('string');
    // The confirmation's way back.
    q<HTMLButtonElement>(el, '.done button')!.click();
    await waitUntil(() => el.client!.state.tab === 'chat');
  });

  it('a time someone else just took: one clear message, fresh times without it', async () => {
    const el = await widgetFixture();
    el.openScheduling({ meeting_type_id: 5 });
    await waitUntil(() => q(el, 'table[role="grid"]'));
    await waitUntil(() => all(el, '.day.free').length > 0, 'no free days', { timeout: 8000 });
    all(el, '.day.free')[0]!.click();
    await waitUntil(() => all(el, '.slot').length > 0);
    const day = q(el, '.day[aria-pressed="true"]')!.dataset.date!;
    // The start instant of the first time: read it from the flow's own data.
    const flow = flowOf(el) as unknown as { slots: { value: Map<string, { start: string }[]> } };
    const start = flow.slots.value.get(day)![0]!.start;
    all(el, '.slot')[0]!.click();
    await waitUntil(() => q(el, 'form.details'));
    await fill(el, { name: 'Bo', email: 'bo@example.com' });
    expect(await executeServerCommand('convot-book', { meetingTypeId: 5, start })).to.equal(201);
    q<HTMLButtonElement>(el, 'form.details button[type="submit"]')!.click();
    await waitUntil(() => q(el, '.notice[role="alert"]'), 'no taken message');
    expect(q(el, '.notice[role="alert"]')!.textContent).to.equal('That time was just taken; pick another.');
    await waitUntil(() => q(el, 'table[role="grid"]') && flow.slots.value instanceof Map && !(flow.slots.value.get(day) ?? []).some((s) => s.start === start), 'the taken time is still offered');
  });

  it('the calendar is a keyboard grid: arrows move a day and a week, focus follows, Enter picks', async () => {
    const el = await widgetFixture();
    el.openScheduling({ meeting_type_id: 5 });
    await waitUntil(() => all(el, '.day.free').length > 1, 'no free days', { timeout: 8000 });
    const focusable = all(el, '.day[tabindex="0"]');
    expect(focusable, 'one day takes Tab').to.have.length(1);
    const start = focusable[0]!;
    start.focus();
    const grid = q(el, 'table[role="grid"]')!;
    const key = (k: string) => flowFocus(el)!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));
    const focused = () => (flowFocus(el) as HTMLElement | null)?.dataset.date;
    const first = focused()!;
    key('ArrowRight');
    await waitUntil(() => focused() !== first, 'focus did not move');
    const second = focused()!;
    expect(Date.parse(second) - Date.parse(first)).to.equal(86_400_000);
    key('ArrowLeft');
    await waitUntil(() => focused() === first);
    expect(q(el, '.day[aria-pressed="true"]')!.dataset.date, 'the first free day is picked at once').to.equal(first);
    key('ArrowDown');
    await waitUntil(() => focused() !== first);
    const weekLater = focused()!;
    expect(Date.parse(weekLater) - Date.parse(first)).to.equal(7 * 86_400_000);
    key('Enter');
    await waitUntil(() => q(el, '.day[aria-pressed="true"]')?.dataset.date === weekLater, 'Enter did not pick the day');
    expect(q(el, '#times-title')!.textContent).to.include(String(Number(weekLater.slice(8))));
    expect(grid.getAttribute('role')).to.equal('grid');
    await waitUntil(() => all(el, '.slot').length > 0, 'no times for the picked day');
    expect(all(el, '.slot')[0]!.getAttribute('aria-label')).to.match(/\d/);
  });

  it('a meeting type the team offers in the chat: the visitor picks a time in the card and only gives their details', async () => {
    const el = await widgetFixture();
    await openWidget(el);
    await sendAndAwaitAck(el, 'Can I get a demo?');
    await executeServerCommand('convot-agent-offer-booking', { conversationId: el.client!.state.conversationId!, meetingTypeId: 3 });
    const card = () => panelPart(el, 'convot-booking-card');
    await waitUntil(() => card()?.shadowRoot?.querySelectorAll('li button').length, 'no times in the card', { timeout: 8000 });
    const log = panelPart(el, '.messages')!;
    await waitUntil(() => log.scrollHeight - log.scrollTop - log.clientHeight < 48, 'the card, grown after its times loaded, is not kept in view');
    const times = [...card()!.shadowRoot!.querySelectorAll<HTMLButtonElement>('li button')];
    expect(times.length).to.be.within(1, 6);
    expect(card()!.shadowRoot!.querySelector('.title')!.textContent).to.include('Product demo');
    const picked = times[0]!.getAttribute('aria-label')!;
    times[0]!.click();
    await waitUntil(() => el.client!.state.tab === 'book' && q(el, 'form.details'), 'the card did not lead to the details', { timeout: 8000 });
    expect(q(el, '.summary')!.textContent).to.include('Product demo');
    expect(picked).to.be.a('string');
    // "More times" opens the calendar on that meeting type.
    el.client!.store.set({ tab: 'chat' });
    await waitUntil(() => card());
    card()!.shadowRoot!.querySelector<HTMLButtonElement>('.more')!.click();
    await waitUntil(() => el.client!.state.tab === 'book' && q(el, 'table[role="grid"]'), 'more times did not open the calendar', { timeout: 8000 });
  });

  it('bad calls warn and do nothing; an unknown meeting type warns once and lists the others', async () => {
    const el = await widgetFixture();
    const { warn } = await captureConsole(() => el.openScheduling({ meeting_type_id: 'three' } as unknown as { meeting_type_id: number }));
    expect(warn).to.have.length(1);
    expect(warn[0]).to.include('three');
    expect(el.open).to.equal(false);
    const second = await captureConsole(async () => {
      el.openScheduling({ meeting_type_id: 99 });
      await waitUntil(() => all(el, '.type').length === 2, 'no list for an unknown type');
    });
    expect(q(el, '.notice')!.textContent).to.include('cannot be booked');
    expect(second.warn.filter((w) => w.includes('99'))).to.have.length(1);
  });

  it('an app without meeting types: no Book tab; openScheduling warns once and does nothing', async () => {
    localStorage.clear();
    const el = await fixture<ConvotWidget>(html`<convot-widget app-id=${window.CONVOT_TEST.noHelpAppId} server=${server()}></convot-widget>`);
    await waitUntil(() => el.client?.state.scheduling !== undefined, 'no config', { timeout: 8000 });
    const { warn } = await captureConsole(() => {
      el.openScheduling();
      el.openScheduling({ meeting_type_id: 3 });
    });
    expect(warn).to.have.length(1);
    expect(warn[0]).to.include('no meeting types');
    expect(el.open).to.equal(false);
  });
});

describe('<convot-scheduling>', () => {
  it('runs the booking flow in the page on one meeting type, bound to the widget runtime of its app', async () => {
    const widget = await widgetFixture();
    const el = await fixture<ConvotScheduling>(html`<convot-scheduling app-id=${appId()} server=${server()} meeting-type-id="5"></convot-scheduling>`);
    expect(el.runtime).to.equal(widget.runtime);
    await waitUntil(() => q(el, 'table[role="grid"]'), 'no calendar', { timeout: 8000 });
    expect(q(el, 'h3')!.textContent).to.include('Quick call');
    await pickFirstSlot(el);
    await fill(el, { name: 'Cy', email: 'cy@example.com' });
    const created = oneEvent(el, 'convot-booking-created');
    q<HTMLButtonElement>(el, 'form.details button[type="submit"]')!.click();
    const booking = ((await created) as CustomEvent<Booking>).detail;
    expect(booking.name).to.equal('Cy');
    await waitUntil(() => q(el, '.done'));
    expect(q(el, '.done button')!.textContent).to.include('Book another');
    expect(widget.open, 'the widget stays closed').to.equal(false);
    expect(shadow(el).querySelector('.frame')).to.not.equal(null);
    await aTimeout(0);
  });

  it('a bad meeting-type-id warns naming it and shows every type', async () => {
    const { warn } = await captureConsole(async () => {
      const el = await fixture<ConvotScheduling>(html`<convot-scheduling app-id=${appId()} server=${server()} meeting-type-id="abc"></convot-scheduling>`);
      await waitUntil(() => all(el, '.type').length === 2, 'no list', { timeout: 8000 });
    });
    expect(warn.some((w) => w.includes('"abc"'))).to.equal(true);
  });
});
