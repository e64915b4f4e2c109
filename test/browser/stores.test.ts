/** Unit tests for the DOM-free pieces under the runtime: the store, message merging, storage. */
import { expect } from '@open-wc/testing';
import type { WireMessage } from '../../src/protocol/wire.js';
import { Outbox } from '../../src/client/outbox.js';
import { appStorage } from '../../src/client/storage.js';
import { createStore } from '../../src/client/store.js';
import { countUnread, mergeMessages, type ChatMessage } from '../../src/client/state.js';

const wire = (seq: number, author: 'visitor' | 'agent', client_id: string | null = null): WireMessage => ({
  conversation_id: 'cnv_1',
  seq,
  client_id,
  author,
  agent_name: author === 'agent' ? 'Ada' : null,
  body: `m${seq}`,
  created_at: new Date(2026, 0, 1, 0, 0, seq).toISOString(),
});

describe('createStore', () => {
  it('notifies subscribers with the new and previous snapshot, only on real changes', () => {
    const store = createStore({ a: 1, b: 'x' });
    const seen: [number, number][] = [];
    const off = store.subscribe((s, prev) => seen.push([s.a, prev.a]));
    store.set({ a: 1 });
    store.set({ a: 2 });
    store.set((s) => ({ a: s.a + 1 }));
    off();
    store.set({ a: 10 });
    expect(seen).to.deep.equal([
      [2, 1],
      [3, 2],
    ]);
    expect(Object.isFrozen(store.get())).to.equal(true);
  });
});

describe('message merging', () => {
  it('an ack replaces the pending copy; repeats and out-of-order arrivals keep seq order', () => {
    const pending: ChatMessage = { key: 'c1', clientId: 'c1', seq: null, author: 'visitor', agentName: null, body: 'hi', createdAt: '2026-01-01T00:00:09.000Z', status: 'pending', order: 2.5 };
    let list = mergeMessages([pending], [wire(2, 'agent'), wire(1, 'visitor')]);
    list = mergeMessages(list, [wire(3, 'visitor', 'c1'), wire(2, 'agent')]);
    expect(list.map((m) => [m.key, m.status])).to.deep.equal([
      ['seq:1', 'sent'],
      ['seq:2', 'sent'],
      ['c1', 'sent'],
    ]);
    expect(countUnread(list, 0)).to.equal(1);
    expect(countUnread(list, 2)).to.equal(0);
  });
});

describe('appStorage', () => {
  beforeEach(() => localStorage.clear());

  it('persistent mode writes through to localStorage under the app prefix', () => {
    const s = appStorage('app_x');
    s.set('token', 'abc');
    expect(localStorage.getItem('convot:app_x:token')).to.equal('"abc"');
    expect(appStorage('app_x').get('token')).to.equal('abc');
  });

  it('memory mode touches no browser storage until persist(); clear() forgets only this app', () => {
    localStorage.setItem('convot:app_y:token', '"other app"');
    const s = appStorage('app_x', 'memory');
    s.set('token', 'abc');
    s.set('outbox', [{ client_id: 'c1' }]);
    expect(s.get('token')).to.equal('abc');
    expect(localStorage.length).to.equal(1);
    s.persist();
    expect(s.mode).to.equal('persistent');
    expect(localStorage.getItem('convot:app_x:token')).to.equal('"abc"');
    expect(JSON.parse(localStorage.getItem('convot:app_x:outbox')!)).to.deep.equal([{ client_id: 'c1' }]);
    s.clear();
    expect(s.get('token')).to.equal(null);
    expect(localStorage.getItem('convot:app_x:token')).to.equal(null);
    expect(localStorage.getItem('convot:app_y:token')).to.equal('"other app"');
  });
});

describe('outbox shared by tabs', () => {
  beforeEach(() => localStorage.clear());

  it('tabs add and remove their own entries: nothing one tab writes overwrites another', () => {
    // Two tabs of one browser: two Outbox objects over the same localStorage.
    const tab1 = new Outbox(appStorage('app_x'));
    const tab2 = new Outbox(appStorage('app_x'));
    const item = (id: string, t: number) => ({ client_id: id, body: id, created_at: new Date(2026, 0, 1, 0, 0, t).toISOString(), after_seq: 0 });
    tab1.add(item('a', 1));
    tab2.add(item('b', 2));
    tab1.add(item('c', 3));
    expect(tab1.list().map((i) => i.client_id)).to.deep.equal(['a', 'b', 'c']);
    expect(tab2.list().map((i) => i.client_id)).to.deep.equal(['a', 'b', 'c']);
    tab2.remove('a'); // acked in tab 2
    expect(tab1.list().map((i) => i.client_id)).to.deep.equal(['b', 'c']);
  });

  it('moves the entries of the old single-array format to their own keys', () => {
    localStorage.setItem('convot:app_x:outbox', JSON.stringify([{ client_id: 'old1', body: 'hi', created_at: '2026-01-01T00:00:00.000Z', after_seq: 3 }]));
    const outbox = new Outbox(appStorage('app_x'));
    expect(outbox.list()).to.have.length(1);
    expect(outbox.list()[0]).to.include({ client_id: 'old1', body: 'hi', created_at: '2026-01-01T00:00:00.000Z', after_seq: 3 });
    expect(localStorage.getItem('convot:app_x:outbox')).to.equal(null);
  });
});
