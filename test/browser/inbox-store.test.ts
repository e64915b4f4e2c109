/**
 * Unit tests for the inbox's DOM-free store: the reducers with plain data, and the controller
 * with a fake API and socket (no server, no elements).
 */
import { expect } from '@open-wc/testing';
import type { AgentProfile, AgentServerFrame, ConversationSummary, WireMessage } from '../../src/protocol/wire.js';
import { ApiError } from '../../src/client/transport.js';
import type { SocketHandlers } from '../../src/inbox/inbox-socket.js';
import type { PendingReply } from '../../src/inbox/inbox-state.js';
import {
  InboxController,
  awayChosen,
  awayFailed,
  entered,
  frameApplied,
  initialInboxState,
  messageStored,
  newestPageLoaded,
  olderPageLoaded,
  readMarkDue,
  readMarked,
  readMarkFailed,
  replyFailed,
  selected,
  signedOut,
  threadFailed,
  threadLoaded,
  type InboxApi,
  type InboxControllerOptions,
  type InboxState,
  type Patch,
} from '../../src/inbox/inbox-store.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const agent = (id = 'agt_me', away = false): AgentProfile => ({ id, email: `${id}@example.test`, name: id === 'agt_me' ? 'Ada' : 'Bob', online: !away, away, apps: null });

const msg = (conversation_id: string, seq: number, opts: Partial<WireMessage> = {}): WireMessage => ({
  conversation_id,
  seq,
  client_id: null,
  author: 'visitor',
  agent_name: null,
  body: `${conversation_id} #${seq}`,
  created_at: at(seq),
  ...opts,
});

/** A conversation whose last message is `last_seq`, sent `last_seq` minutes after T0. */
const conv = (id: string, last_seq: number, opts: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id,
  app_id: 'app_1',
  status: 'open',
  closed_at: null,
  visitor: { id: `vis_${id}`, name: null, email: null, phone: null, company: null, avatar_url: null, external_id: null, verified: false, custom_data: {} } as ConversationSummary['visitor'],
  last_seq,
  agent_read_seq: 0,
  visitor_read_seq: 0,
  unread_count: 0,
  last_message: last_seq ? msg(id, last_seq) : null,
  last_message_at: last_seq ? at(last_seq) : null,
  created_at: at(0),
  ...opts,
});

const pending = (client_id: string, conversation_id: string, status: PendingReply['status'] = 'sending'): PendingReply => ({ client_id, conversation_id, body: 'reply', created_at: at(50), status });

const state = (over: Partial<InboxState> = {}): InboxState => ({ ...initialInboxState(), phase: 'ready', agent: agent(), agentsOnline: 1, listLoaded: true, ...over });

/** Applies a patch as the store would. */
const apply = (s: InboxState, p: Patch): InboxState => ({ ...s, ...p });

const ids = (list: ConversationSummary[]) => list.map((c) => c.id);

describe('inbox reducers: socket frames', () => {
  it('a message for the open conversation is added in seq order, once, and its row moves to the top', () => {
    let s = state({ conversations: [conv('cnv_b', 9), conv('cnv_a', 3)], selectedId: 'cnv_a', messages: [msg('cnv_a', 1), msg('cnv_a', 3)] });
    // seq 2 arrives late (a reconnect's gap fill), then seq 4, then seq 4 again (history overlap).
    for (const seq of [2, 4, 4]) {
      const frame: AgentServerFrame = { type: 'message', conversation: conv('cnv_a', Math.max(seq, 3)), message: msg('cnv_a', seq) };
      s = apply(s, frameApplied(s, frame));
    }
    expect(s.messages.map((m) => m.seq)).to.deep.equal([1, 2, 3, 4]);
    s = apply(s, frameApplied(s, { type: 'message', conversation: conv('cnv_a', 10), message: msg('cnv_a', 10) }));
    expect(s.messages.map((m) => m.seq)).to.deep.equal([1, 2, 3, 4, 10]);
    expect(ids(s.conversations)).to.deep.equal(['cnv_a', 'cnv_b']);
    expect(s.conversations[0]!.last_message?.body).to.equal('cnv_a #10');
  });

  it('a message for another conversation updates only the list and its unread count', () => {
    const s = state({ conversations: [conv('cnv_a', 3)], selectedId: 'cnv_a', messages: [msg('cnv_a', 3)] });
    const p = frameApplied(s, { type: 'message', conversation: conv('cnv_b', 5, { unread_count: 2 }), message: msg('cnv_b', 5) });
    expect(p.messages).to.equal(undefined);
    const next = apply(s, p);
    expect(next.messages).to.equal(s.messages);
    expect(ids(next.conversations)).to.deep.equal(['cnv_b', 'cnv_a']);
    expect(next.conversations[0]!.unread_count).to.equal(2);
    expect(next.conversations.filter((c) => c.unread_count > 0).map((c) => c.id)).to.deep.equal(['cnv_b']);
  });

  it('a message frame without the profile keeps the one held; one with it replaces it', () => {
    const named = conv('cnv_a', 3, { visitor: { ...conv('cnv_a', 3).visitor, name: 'Held' } });
    const s = state({ conversations: [named] });
    const { visitor: _, ...bare } = conv('cnv_a', 4, { unread_count: 1 });
    const next = apply(s, frameApplied(s, { type: 'message', conversation: bare, message: msg('cnv_a', 4) }));
    expect(next.conversations[0]!.visitor.name).to.equal('Held');
    expect(next.conversations[0]!.last_seq).to.equal(4);
    expect(next.conversations[0]!.unread_count).to.equal(1);
    const renamed = conv('cnv_a', 5, { visitor: { ...named.visitor, name: 'New' } });
    expect(apply(next, frameApplied(next, { type: 'message', conversation: renamed, message: msg('cnv_a', 5) })).conversations[0]!.visitor.name).to.equal('New');
  });

  it('a profile-less message for a conversation not held adds no row without a visitor', () => {
    const s = state({ conversations: [conv('cnv_a', 3)], selectedId: 'cnv_a' });
    const { visitor: _, ...bare } = conv('cnv_z', 7);
    const next = apply(s, frameApplied(s, { type: 'message', conversation: bare, message: msg('cnv_z', 7) }));
    expect(ids(next.conversations)).to.deep.equal(['cnv_a']);
  });

  it('an ack settles the matching pending reply, adds the stored message and updates the preview', () => {
    const s = state({
      conversations: [conv('cnv_a', 3)],
      selectedId: 'cnv_a',
      messages: [msg('cnv_a', 3)],
      pending: [pending('c-1', 'cnv_a'), pending('c-2', 'cnv_a', 'failed')],
    });
    const stored = msg('cnv_a', 4, { client_id: 'c-1', author: 'agent', agent_name: 'Ada', body: 'On it' });
    const next = apply(s, frameApplied(s, { type: 'ack', client_id: 'c-1', message: stored }));
    expect(next.pending.map((p) => p.client_id)).to.deep.equal(['c-2']);
    expect(next.messages.map((m) => m.seq)).to.deep.equal([3, 4]);
    expect(next.conversations[0]).to.include({ last_seq: 4, last_message_at: stored.created_at });
    expect(next.conversations[0]!.last_message?.body).to.equal('On it');
  });

  it('stored messages from a fetched thread settle pending replies too, in any conversation', () => {
    const s = state({ conversations: [conv('cnv_a', 3)], selectedId: 'cnv_a', threadLoading: true, pending: [pending('c-1', 'cnv_a'), pending('c-9', 'cnv_b')] });
    const h = { conversation: conv('cnv_a', 4), messages: [msg('cnv_a', 3), msg('cnv_a', 4, { client_id: 'c-1', author: 'agent' })], events: [] };
    const next = apply(s, threadLoaded(s, 'cnv_a', h));
    expect(next.pending.map((p) => p.client_id)).to.deep.equal(['c-9']);
    expect(next.messages.map((m) => m.seq)).to.deep.equal([3, 4]);
    expect(next.threadLoading).to.equal(false);
    // The same stored message as a live frame (an echo) changes nothing more.
    const echo = apply(next, messageStored(next, h.messages[1]!));
    expect(echo.messages.map((m) => m.seq)).to.deep.equal([3, 4]);
    expect(echo.pending).to.equal(next.pending);
  });

  it('a conversation frame with an older last_seq does not replace a newer summary', () => {
    const newer = conv('cnv_a', 7, { unread_count: 3, visitor: { ...conv('cnv_a', 7).visitor, name: 'New name' } });
    const s = state({ conversations: [newer] });
    const stale = conv('cnv_a', 6, { unread_count: 2 });
    expect(apply(s, frameApplied(s, { type: 'conversation', conversation: stale })).conversations[0]).to.equal(newer);
    // The same seq (a profile change) does replace it.
    const renamed = conv('cnv_a', 7, { unread_count: 3, visitor: { ...newer.visitor, name: 'Renamed' } });
    expect(apply(s, frameApplied(s, { type: 'conversation', conversation: renamed })).conversations[0]!.visitor.name).to.equal('Renamed');
  });

  it('closing and reopening arrive as summaries that update the status', () => {
    const s = state({ conversations: [conv('cnv_a', 4), conv('cnv_b', 2)], selectedId: 'cnv_a' });
    const closedAt = at(60);
    const closed = apply(s, frameApplied(s, { type: 'conversation', conversation: conv('cnv_a', 4, { status: 'closed', closed_at: closedAt }) }));
    expect(closed.conversations.find((c) => c.id === 'cnv_a')).to.include({ status: 'closed', closed_at: closedAt });
    expect(closed.conversations.find((c) => c.id === 'cnv_b')!.status).to.equal('open');
    const reopened = apply(closed, frameApplied(closed, { type: 'conversation', conversation: conv('cnv_a', 4) }));
    expect(reopened.conversations.find((c) => c.id === 'cnv_a')).to.include({ status: 'open', closed_at: null });
  });

  it('presence frames update agents_online, and the agent only for this agent', () => {
    const s = state({ agent: agent('agt_me', false), agentsOnline: 2 });
    const other = apply(s, frameApplied(s, { type: 'presence', agents_online: 1, agent: agent('agt_other', true) }));
    expect(other.agentsOnline).to.equal(1);
    expect(other.agent).to.equal(s.agent);
    const mine = apply(other, frameApplied(other, { type: 'presence', agents_online: 0, agent: agent('agt_me', true) }));
    expect(mine.agentsOnline).to.equal(0);
    expect(mine.agent).to.include({ id: 'agt_me', away: true, online: false });
  });

  it('ready replaces the agent and the count and clears a header error; pong and error change nothing', () => {
    const s = state({ headerError: 'Could not load conversations: offline', agentsOnline: null });
    const next = apply(s, frameApplied(s, { type: 'ready', agent: agent('agt_me', true), agents_online: 3 }));
    expect(next).to.include({ headerError: '', agentsOnline: 3 });
    expect(next.agent!.away).to.equal(true);
    expect(frameApplied(s, { type: 'pong' })).to.deep.equal({});
    expect(frameApplied(s, { type: 'error', code: 'CONVOT_ERR_BAD_REQUEST', message: 'bad' })).to.deep.equal({});
  });
});

describe('inbox reducers: pages, selection, read marks', () => {
  it('the newest page keeps older pages already loaded, and their has_more', () => {
    const firstPage = [conv('cnv_1', 10), conv('cnv_2', 9)];
    const olderPage = [conv('cnv_3', 8), conv('cnv_4', 7)];
    let s = state({ listLoaded: false });
    s = apply(s, newestPageLoaded(s, firstPage, true));
    expect(s).to.include({ hasMore: true, listLoaded: true });
    s = apply(s, olderPageLoaded(s, olderPage, false));
    expect(ids(s.conversations)).to.deep.equal(['cnv_1', 'cnv_2', 'cnv_3', 'cnv_4']);
    expect(s.hasMore).to.equal(false);
    // A reconnect refetches the newest page (a new conversation pushed cnv_2 out of it).
    s = apply(s, newestPageLoaded(s, [conv('cnv_5', 11), conv('cnv_1', 10)], true));
    expect(ids(s.conversations)).to.deep.equal(['cnv_5', 'cnv_1', 'cnv_2', 'cnv_3', 'cnv_4']);
    expect(s.hasMore, 'has_more of the newest page does not undo the older page').to.equal(false);
  });

  it('a complete newest page replaces the list; a page answered after sign-out is dropped', () => {
    let s = state({ conversations: [conv('cnv_gone', 1)] });
    s = apply(s, newestPageLoaded(s, [conv('cnv_1', 2)], false));
    expect(ids(s.conversations)).to.deep.equal(['cnv_1']);
    const out = apply(s, signedOut(''));
    expect(newestPageLoaded(out, [conv('cnv_1', 2)], false)).to.deep.equal({});
    expect(apply(out, olderPageLoaded(out, [conv('cnv_0', 1)], false)).conversations).to.deep.equal([]);
  });

  it('a fetched row does not undo a newer socket frame', () => {
    const live = conv('cnv_1', 12, { unread_count: 4 });
    const s = state({ conversations: [live] });
    expect(apply(s, newestPageLoaded(s, [conv('cnv_1', 10, { unread_count: 2 })], false)).conversations[0]).to.equal(live);
  });

  it('selecting a conversation clears the previous thread; a 404 closes it quietly', () => {
    let s = state({ conversations: [conv('cnv_1', 2), conv('cnv_2', 1)], selectedId: 'cnv_2', messages: [msg('cnv_2', 1)], events: [{ name: 'x', data: {}, created_at: at(0) }], threadError: 'boom' });
    expect(selected(s, 'cnv_2')).to.deep.equal({});
    s = apply(s, selected(s, 'cnv_1'));
    expect(s).to.include({ selectedId: 'cnv_1', threadError: '' });
    expect(s.messages).to.deep.equal([]);
    expect(s.events).to.deep.equal([]);
    // An answer for a conversation no longer open is ignored.
    expect(threadLoaded(s, 'cnv_2', { conversation: conv('cnv_2', 1), messages: [msg('cnv_2', 1)], events: [] })).to.deep.equal({});
    const gone = apply(s, threadFailed(s, 'cnv_1', 'Not found', true));
    expect(gone.selectedId).to.equal(null);
    expect(ids(gone.conversations)).to.deep.equal(['cnv_2']);
    expect(apply(s, threadFailed(s, 'cnv_1', 'Server error', false))).to.include({ selectedId: 'cnv_1', threadError: 'Server error' });
  });

  it('a read mark is due once per seq, only when visible and loaded, and a stale snapshot stays read', () => {
    let s = state({ conversations: [conv('cnv_1', 5, { unread_count: 2 })], selectedId: 'cnv_1', messages: [msg('cnv_1', 5)] });
    expect(readMarkDue(s, false)).to.equal(null);
    expect(readMarkDue({ ...s, threadLoading: true }, true)).to.equal(null);
    expect(readMarkDue(s, true)).to.deep.equal({ id: 'cnv_1', seq: 5 });
    s = apply(s, readMarked(s, 'cnv_1', 5));
    expect(s.conversations[0]).to.include({ unread_count: 0, agent_read_seq: 5 });
    expect(readMarkDue(s, true)).to.equal(null);
    // A page fetched before the mark reached the server still says unread: it stays read.
    s = apply(s, newestPageLoaded(s, [conv('cnv_1', 5, { unread_count: 2 })], false));
    expect(s.conversations[0]!.unread_count).to.equal(0);
    expect(readMarkDue(s, true)).to.equal(null);
    // A newer message is unread again and due again.
    s = apply(s, frameApplied(s, { type: 'message', conversation: conv('cnv_1', 6, { unread_count: 1 }), message: msg('cnv_1', 6) }));
    expect(s.conversations[0]!.unread_count).to.equal(1);
    expect(readMarkDue(s, true)).to.deep.equal({ id: 'cnv_1', seq: 6 });
    // A mark that failed to send may be sent again.
    const failed = apply(s, readMarkFailed(apply(s, readMarked(s, 'cnv_1', 6)), 'cnv_1'));
    expect(failed.readSent.has('cnv_1')).to.equal(false);
  });

  it('signing in and out: the session ended notice, nothing of the previous agent kept', () => {
    let s = apply(initialInboxState(), entered(agent(), 2));
    expect(s).to.include({ phase: 'ready', agentsOnline: 2, loginError: '', loginNotice: '' });
    s = { ...s, conversations: [conv('cnv_1', 1)], selectedId: 'cnv_1', pending: [pending('c', 'cnv_1')], readSent: new Map([['cnv_1', 1]]) };
    const out = apply(s, signedOut('Your session has ended.'));
    expect(out).to.include({ phase: 'signed-out', loginNotice: 'Your session has ended.', agent: null, selectedId: null, agentsOnline: null });
    expect(out.conversations).to.deep.equal([]);
    expect(out.pending).to.deep.equal([]);
    expect(out.readSent.size).to.equal(0);
  });

  it('Away is shown at once and undone with an error when the server refuses', () => {
    const s = state({ agent: agent('agt_me', false), headerError: 'old' });
    expect(awayChosen(s, false)).to.deep.equal({});
    const chosen = apply(s, awayChosen(s, true));
    expect(chosen.agent).to.include({ away: true, online: false });
    expect(chosen.headerError).to.equal('');
    const undone = apply(chosen, awayFailed(chosen, true, 'offline'));
    expect(undone.agent).to.include({ away: false, online: true });
    expect(undone.headerError).to.equal('Could not change your status: offline');
  });

  it('a failed reply keeps its text and shows the error without its full stop', () => {
    const p = pending('c-1', 'cnv_1');
    const s = state({ pending: [p] });
    expect(apply(s, replyFailed(s, p, 'Cannot reach the server.')).pending).to.deep.equal([{ ...p, status: 'failed', error: 'Cannot reach the server' }]);
    expect(replyFailed(state(), p, 'x'), 'already stored: nothing to fail').to.deep.equal({});
  });
});

describe('InboxController (fake API and socket)', () => {
  class FakeSocket {
    sent: unknown[] = [];
    open = false;
    started = 0;
    constructor(readonly handlers: SocketHandlers) {}
    start() {
      this.started++;
    }
    stop() {
      this.handlers.status('closed');
    }
    send(frame: unknown) {
      if (this.open) this.sent.push(frame);
      return this.open;
    }
  }

  function setup(overrides: Partial<InboxApi> = {}, options: Partial<InboxControllerOptions> = {}) {
    const calls: string[] = [];
    const history = (id: string, after = 0) => {
      calls.push(`history ${id} ${after}`);
      return Promise.resolve({ conversation: conv(id, 2, { unread_count: 1 }), messages: [msg(id, 1), msg(id, 2)].filter((m) => m.seq > after), events: [] });
    };
    const api = {
      me: () => Promise.resolve({ agent: agent(), agents_online: 1 }),
      login: () => Promise.reject(new Error('unused')),
      logout: () => Promise.resolve({ ok: true as const }),
      conversations: (before?: string) => {
        calls.push(`conversations ${before ?? ''}`);
        return Promise.resolve({ conversations: [conv('cnv_1', 2, { unread_count: 1 })], has_more: false });
      },
      history,
      send: () => Promise.reject(new ApiError(0, 'CONVOT_ERR_NETWORK', 'Cannot reach the server.')),
      markRead: (id: string, seq: number) => {
        calls.push(`read ${id} ${seq}`);
        return Promise.resolve({ ok: true as const });
      },
      setAway: (away: boolean) => Promise.resolve({ away, online: !away }),
      ...overrides,
    } as InboxApi;
    let socket!: FakeSocket;
    const controller = new InboxController({ api, socket: (h) => (socket = new FakeSocket(h)), linkedConversation: () => 'cnv_1', refreshDelayMs: 0, ...options });
    return { controller, calls, socket: () => socket };
  }

  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('a search shows what the server found; live messages update its rows but never add one it did not find', async () => {
    const asked: string[] = [];
    let answer: (v: { conversations: ConversationSummary[]; has_more: boolean }) => void = () => undefined;
    const { controller, socket } = setup({
      conversations: (before?: string, filter = {}) => {
        asked.push(JSON.stringify({ before, ...filter }));
        if (!Object.keys(filter).length) return Promise.resolve({ conversations: [conv('cnv_1', 2), conv('cnv_2', 1)], has_more: false });
        return new Promise((r) => (answer = r));
      },
    });
    controller.connect();
    await settle();
    controller.setFilter({ q: 'refund' });
    // A second filter before the first answer: the first answer is dropped.
    const first = answer;
    controller.setFilter({ q: 'refunds' });
    first({ conversations: [conv('cnv_2', 1)], has_more: false });
    await settle();
    expect(controller.state.found).to.equal(null);
    answer({ conversations: [conv('cnv_1', 2)], has_more: false });
    await settle();
    expect(ids(controller.state.found!)).to.deep.equal(['cnv_1']);
    expect(asked.slice(-2)).to.deep.equal([JSON.stringify({ q: 'refund' }), JSON.stringify({ q: 'refunds' })]);
    // A message in another conversation (even a newer one) does not join the search results...
    socket().handlers.frame({ type: 'message', conversation: conv('cnv_2', 5), message: msg('cnv_2', 5) });
    socket().handlers.frame({ type: 'message', conversation: conv('cnv_7', 1), message: msg('cnv_7', 1) });
    // ...one in a found conversation updates its row.
    socket().handlers.frame({ type: 'message', conversation: conv('cnv_1', 3), message: msg('cnv_1', 3) });
    expect(ids(controller.state.found!)).to.deep.equal(['cnv_1']);
    expect(controller.state.found![0]!.last_seq).to.equal(3);
    expect(ids(controller.state.conversations)).to.deep.equal(['cnv_2', 'cnv_1', 'cnv_7']);
    // Clearing the filter shows the whole list again.
    controller.setFilter({ q: '  ' });
    expect(controller.state.found).to.equal(null);
  });

  it('status and unread filters take in live conversations that match and drop rows that stop matching', async () => {
    const { controller, socket } = setup({
      conversations: (_before?: string, filter: { status?: string } = {}) =>
        Promise.resolve({ conversations: filter.status === 'open' || !filter.status ? [conv('cnv_1', 2)] : [], has_more: false }),
    });
    controller.connect();
    await settle();
    controller.setFilter({ status: 'open' });
    await settle();
    socket().handlers.frame({ type: 'message', conversation: conv('cnv_3', 1), message: msg('cnv_3', 1) });
    socket().handlers.frame({ type: 'message', conversation: conv('cnv_4', 1, { status: 'closed' }), message: msg('cnv_4', 1) });
    expect(ids(controller.state.found!)).to.deep.equal(['cnv_1', 'cnv_3']);
    socket().handlers.frame({ type: 'conversation', conversation: conv('cnv_3', 1, { status: 'closed' }) });
    expect(ids(controller.state.found!)).to.deep.equal(['cnv_1']);
  });

  it("a visitor's answer to the bot alerts only once the bot hands over; other visitor messages alert at once", async () => {
    const wrote: string[] = [];
    const { controller, socket } = setup({}, { visitorWrote: (c, m) => wrote.push(`${c.id} ${m.body}`) });
    controller.connect();
    await settle();
    const frame = (f: AgentServerFrame) => socket().handlers.frame(f);
    const answer = (id: string, seq: number, body: string) =>
      msg(id, seq, { body, card: { type: 'quick_reply', flow_id: 'sales', step_id: 'topic', multi_select: false, values: [body] } });

    frame({ type: 'message', conversation: conv('cnv_1', 3), message: msg('cnv_1', 3, { body: 'typed' }) });
    expect(wrote).to.deep.equal(['cnv_1 typed']);

    // The bot asks its next step: no alert.
    frame({ type: 'message', conversation: conv('cnv_1', 4, { bot_active: true }), message: answer('cnv_1', 4, 'Pricing') });
    frame({ type: 'message', conversation: conv('cnv_1', 5, { bot_active: true }), message: msg('cnv_1', 5, { author: 'bot', body: 'Which plan?' }) });
    frame({ type: 'conversation', conversation: conv('cnv_1', 5, { bot_active: true }) });
    expect(wrote).to.deep.equal(['cnv_1 typed']);

    // The next answer hands over: the alert sounds with the answer.
    frame({ type: 'message', conversation: conv('cnv_1', 6, { bot_active: true }), message: answer('cnv_1', 6, 'Team') });
    expect(wrote).to.deep.equal(['cnv_1 typed']);
    frame({ type: 'conversation', conversation: conv('cnv_1', 7, { bot_active: false }) });
    expect(wrote).to.deep.equal(['cnv_1 typed', 'cnv_1 Team']);
    controller.disconnect();
  });

  it('a held alert for an answer to the bot sounds after a while if no summary says the bot goes on', async () => {
    const wrote: string[] = [];
    const { controller, socket } = setup({}, { visitorWrote: (c, m) => wrote.push(`${c.id} ${m.body}`) });
    controller.connect();
    await settle();
    const card = { type: 'quick_reply' as const, flow_id: 'sales', step_id: 'topic', multi_select: false, values: ['Pricing'] };
    socket().handlers.frame({ type: 'message', conversation: conv('cnv_1', 3, { bot_active: true }), message: msg('cnv_1', 3, { body: 'Pricing', card }) });
    await new Promise((r) => setTimeout(r, 3000));
    expect(wrote).to.deep.equal([]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(wrote).to.deep.equal(['cnv_1 Pricing']);
    controller.disconnect();
  });

  it('a profile-less message for a conversation it does not hold refetches the list, which brings the row', async () => {
    const { controller, calls, socket } = setup();
    controller.connect();
    await settle();
    calls.length = 0;
    const { visitor: _, ...bare } = conv('cnv_9', 1);
    socket().handlers.frame({ type: 'message', conversation: bare, message: msg('cnv_9', 1) });
    const { visitor: __, ...known } = conv('cnv_1', 3);
    socket().handlers.frame({ type: 'message', conversation: known, message: msg('cnv_1', 3) });
    await settle();
    expect(calls).to.deep.equal(['conversations ']);
  });

  it('boots, opens the linked conversation, refetches after ready, and marks read over REST when the socket is down', async () => {
    const { controller, calls, socket } = setup();
    controller.connect();
    await settle();
    const s = controller.state;
    expect(s).to.include({ phase: 'ready', selectedId: 'cnv_1', threadLoading: false, listLoaded: true });
    expect(s.messages.map((m) => m.seq)).to.deep.equal([1, 2]);
    expect(socket().started).to.equal(1);
    controller.markReadIfSeen(false);
    expect(controller.state.conversations[0]!.unread_count).to.equal(1);
    controller.markReadIfSeen(true);
    controller.markReadIfSeen(true);
    expect(controller.state.conversations[0]!.unread_count).to.equal(0);
    expect(calls.filter((c) => c.startsWith('read')), 'one read mark, over REST').to.deep.equal(['read cnv_1 2']);
    calls.length = 0;
    socket().handlers.frame({ type: 'ready', agent: agent(), agents_online: 2 });
    await settle();
    expect(calls).to.deep.equal(['conversations ', 'history cnv_1 2']);
    expect(controller.state.agentsOnline).to.equal(2);
    // With the socket up, the next read mark goes over it instead of REST.
    socket().open = true;
    socket().handlers.frame({ type: 'message', conversation: conv('cnv_1', 3, { unread_count: 1 }), message: msg('cnv_1', 3) });
    controller.markReadIfSeen(true);
    expect(socket().sent).to.deep.equal([{ type: 'read', conversation_id: 'cnv_1', seq: 3 }]);
    expect(calls.filter((c) => c.startsWith('read'))).to.deep.equal([]);
  });

  it('a reply that fails shows as failed and a retry sends the same client_id', async () => {
    const sends: string[] = [];
    let fail = true;
    const { controller } = setup({
      send: (id: string, clientId: string, body: string) => {
        sends.push(clientId);
        return fail ? Promise.reject(new ApiError(503, 'CONVOT_ERR_INTERNAL', 'The server failed.')) : Promise.resolve({ message: msg(id, 3, { client_id: clientId, author: 'agent', body }) });
      },
    });
    controller.connect();
    await settle();
    controller.send('Hello there');
    expect(controller.state.pending.map((p) => p.status)).to.deep.equal(['sending']);
    await settle();
    expect(controller.state.pending.map((p) => [p.status, p.error])).to.deep.equal([['failed', 'The server failed']]);
    fail = false;
    controller.retry(controller.state.pending[0]!.client_id);
    await settle();
    expect(sends).to.have.length(2);
    expect(sends[0]).to.equal(sends[1]);
    expect(controller.state.pending).to.deep.equal([]);
    expect(controller.state.messages.map((m) => m.body)).to.deep.equal(['cnv_1 #1', 'cnv_1 #2', 'Hello there']);
  });

  it('a 401 from any call signs out with a notice and stops the socket', async () => {
    const { controller } = setup({ conversations: () => Promise.reject(new ApiError(401, 'CONVOT_ERR_AGENT_AUTH_REQUIRED', 'Sign in.')) });
    controller.connect();
    await settle();
    expect(controller.state).to.include({ phase: 'signed-out', socketStatus: 'closed', selectedId: null });
    expect(controller.state.loginNotice).to.match(/session has ended/);
  });
});

describe('inbox reducers: typing', () => {
  it("a visitor's typing frame shows with its draft, a stop clears it, and their message ends it too", () => {
    let s = state({ conversations: [conv('cnv_a', 3)], selectedId: 'cnv_a' });
    s = apply(s, frameApplied(s, { type: 'typing', conversation_id: 'cnv_a', typing: true, text: 'Where is' }));
    expect(s.typing.get('cnv_a')).to.equal('Where is');
    s = apply(s, frameApplied(s, { type: 'typing', conversation_id: 'cnv_a', typing: true }));
    expect(s.typing.get('cnv_a')).to.equal('', 'typing without a preview');
    s = apply(s, frameApplied(s, { type: 'typing', conversation_id: 'cnv_a', typing: false }));
    expect(s.typing.has('cnv_a')).to.equal(false);
    s = apply(s, frameApplied(s, { type: 'typing', conversation_id: 'cnv_a', typing: true, text: 'Where is my' }));
    s = apply(s, frameApplied(s, { type: 'message', conversation: conv('cnv_a', 4), message: msg('cnv_a', 4) }));
    expect(s.typing.has('cnv_a')).to.equal(false);
  });

  it('the controller forgets a typist it has not heard from for TYPING_TTL_MS, and throttles the agent\'s own typing', async () => {
    const sent: unknown[] = [];
    const api = { send: (id: string, clientId: string, body: string) => Promise.resolve({ message: msg(id, 4, { client_id: clientId, author: 'agent', body }) }) } as unknown as InboxApi;
    const c = new InboxController({
      api,
      socket: (handlers: SocketHandlers) => ({ start: () => handlers.status('open'), stop: () => undefined, send: (f) => (sent.push(f), true) }),
    });
    c.store.set({ ...state({ conversations: [conv('cnv_a', 3)], selectedId: 'cnv_a' }) });
    c.onFrame({ type: 'typing', conversation_id: 'cnv_a', typing: true, text: 'hi' });
    expect(c.state.typing.get('cnv_a')).to.equal('hi');
    // The agent types a burst: one start frame now, none for the rest of the burst.
    for (const text of ['S', 'Su', 'Sur', 'Sure']) c.typing(text);
    expect(sent).to.deep.equal([{ type: 'typing', conversation_id: 'cnv_a', typing: true }]);
    c.send('Sure');
    expect(sent.at(-1)).to.deep.equal({ type: 'typing', conversation_id: 'cnv_a', typing: false });
    await new Promise((r) => setTimeout(r, 6200));
    expect(c.state.typing.has('cnv_a')).to.equal(false);
  }).timeout(9000);
});
