/**
 * This instance's open sockets, and delivery to them. A message committed here is delivered
 * from the row the write returned; one committed elsewhere arrives as ids over the fan-out and
 * is read once for all of this instance's sockets. A socket remembers the last seq it was sent
 * per conversation, so deliveries are in order and without duplicates; the database is read for
 * one socket only to fill a real gap (its last seq behind). Each socket's updates run in turn
 * (its own queue), so setting up one socket never waits behind another's delivery. Agent
 * sockets get only conversations of their apps; visitor sockets hear availability of their app.
 */
import { CloseCode, type AgentServerFrame, type ConversationStatus, type ConversationSummary, type VisitorProfile, type VisitorServerFrame, type WireMessage } from '../../src/protocol/index.js';
import type { Log } from '../log.js';
import type { AgentsRepo } from '../storage/agents-repo.js';
import type { ConversationState } from '../storage/conversations-repo.js';
import type { Repositories } from '../storage/repositories.js';
import { inScope, scopeKey, scopesOverlap, type AppScope } from '../tenancy.js';
import type { FanoutEvent, TypingEvent } from './fanout.js';
import { SummaryCache } from './summary-cache.js';

export interface Peer<F> {
  send(frame: F): void;
}

export interface VisitorPeer extends Peer<VisitorServerFrame> {
  visitorId: string;
  /** Closes the socket (its app was removed). */
  close(code: CloseCode, reason: string): void;
  appId: string;
  /** Internal id of the conversation this socket shows, once it has one. */
  conversationId: string | null;
  /** That conversation's status as this socket was last told. */
  status: ConversationStatus | null;
  lastSeq: number;
  /** The team's read mark this socket was last told ("Seen"). */
  seenSeq?: number;
  /** The visitor's own read mark this socket was last told (read in another tab). */
  readSeq?: number;
  /** The app's availability this socket was last told (in `ready` or since). */
  available?: boolean;
}

export interface AgentPeer extends Peer<AgentServerFrame> {
  agentId: string;
  /** The apps whose conversations this socket receives (null: every app). */
  apps: AppScope;
  /** Hash of the sign-in session the socket was opened with. */
  sessionHash: string;
  /** Closes the socket (sign-out). */
  close(code: CloseCode, reason: string): void;
  /** Last seq delivered per conversation (public id). */
  lastSeq: Map<string, number>;
}

/** A message as its write returned it, with where it goes. */
export interface CommittedMessage {
  /** Internal conversation id. */
  conversationId: string;
  visitorId: string;
  appId: string;
  message: WireMessage;
}

/** A visitor socket's open under way: whether an event that could concern it went by since its read. */
export interface OpenWatch {
  /** True when this instance delivered something to this visitor or app since the watch began. */
  missed(visitorId: string, appId: string): boolean;
  /** Stops watching (idempotent). */
  end(): void;
}

/** Conversations per inbox socket whose sent profile is remembered. */
const PROFILES_PER_SOCKET = 5_000;

export class Hub {
  private readonly visitors = new Map<string, Set<VisitorPeer>>();
  private readonly agents = new Set<AgentPeer>();
  /** Rounds of fan-out events from other instances, catch-up and availability checks, in turn. */
  private queue: Promise<void> = Promise.resolve();
  /** Per socket: its pending work, so its frames go out in order and one event never races another. */
  private readonly work = new WeakMap<object, Promise<void>>();
  private readonly summaries: SummaryCache;
  /**
   * Per inbox socket: the visitor profile it was last sent for each conversation. A profile
   * can be tens of KB (custom and session data up to their caps), so message frames carry it
   * only when the socket has not seen this one yet.
   */
  private readonly profilesSent = new WeakMap<AgentPeer, Map<string, VisitorProfile>>();

  constructor(
    private readonly repos: Pick<Repositories, 'conversations' | 'agents'>,
    private readonly log: Log,
  ) {
    this.summaries = new SummaryCache((id) => this.repos.conversations.summary(id));
  }

  /**
   * A visitor socket's open reads its session and state before it joins (one statement, before
   * its visitor id is known). An event delivered between that read and the join would pass the
   * socket by, so while any open is under way the hub notes whom each event reached (visitor
   * ids, app ids, or everyone); the open asks at its join and, if it missed one, reads again in
   * its turn. Nothing is noted while no socket is opening.
   */
  watchOpen(): OpenWatch {
    const mark = ++this.clock;
    this.opening.add(mark);
    let ended = false;
    return {
      missed: (visitorId, appId) => (this.touched.get(visitorId) ?? 0) > mark || (this.touched.get(`app:${appId}`) ?? 0) > mark || this.touchedAll > mark,
      end: () => {
        if (ended) return;
        ended = true;
        this.opening.delete(mark);
        this.forgetTouches();
      },
    };
  }

  /** Orders open marks and touches. */
  private clock = 0;
  /** Marks of the opens under way, oldest first. */
  private readonly opening = new Set<number>();
  /** Visitor ids and `app:` ids an event went to while an open was under way, oldest touch first. */
  private readonly touched = new Map<string, number>();
  private touchedAll = 0;

  private touch(key: string): void {
    if (!this.opening.size) return;
    this.touched.delete(key);
    this.touched.set(key, ++this.clock);
  }

  /** Forgets touches that no open under way can have missed. */
  private forgetTouches(): void {
    const oldest = this.opening.values().next().value;
    if (oldest === undefined) return this.touched.clear();
    for (const [key, at] of this.touched) {
      if (at > oldest) break;
      this.touched.delete(key);
    }
  }

  /**
   * Starts live delivery to a visitor socket. `ready` (reading its history and sending the
   * ready frame) runs first in the socket's own queue; events that arrive meanwhile wait behind
   * it and are then sent or skipped by seq, so nothing slips between history and live delivery.
   */
  addVisitor(peer: VisitorPeer, ready: () => Promise<void> = async () => undefined): { detach: () => void; ready: Promise<void> } {
    let set = this.visitors.get(peer.visitorId);
    if (!set) this.visitors.set(peer.visitorId, (set = new Set()));
    set.add(peer);
    const detach = () => {
      set.delete(peer);
      if (!set.size && this.visitors.get(peer.visitorId) === set) this.visitors.delete(peer.visitorId);
    };
    return { detach, ready: this.turn(peer, ready) };
  }

  /** Starts live delivery to an inbox socket; like addVisitor, `ready` runs first in its queue. */
  addAgent(peer: AgentPeer, ready: () => Promise<void> = async () => undefined): { detach: () => void; ready: Promise<void> } {
    this.agents.add(peer);
    return { detach: () => this.agents.delete(peer), ready: this.turn(peer, ready) };
  }

  /** Runs fn after the socket's pending work; a failure is logged and does not stop its queue. */
  private turn(peer: object, fn: () => Promise<void> | void): Promise<void> {
    const next = (this.work.get(peer) ?? Promise.resolve()).then(fn);
    const settled = next.catch((e: unknown) => this.log.error(e, 'convot: delivery failed'));
    this.work.set(peer, settled);
    return next;
  }

  /** Runs fn in the hub's queue (after the rounds under way). */
  run(fn: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(fn).catch((e: unknown) => this.log.error(e, 'convot: hub task failed'));
    return this.queue;
  }

  /** Whether the app had an agent available when this instance last looked. */
  isAvailable(appId: string): boolean {
    return this.availableApps.has(appId);
  }

  /**
   * A socket's `ready` read the app's availability from the database. When that differs from
   * what this instance last looked at, the hub is behind (a presence event not delivered yet):
   * its next look tells the app's sockets whatever it finds, even if it finds no change from
   * its old view, so a socket that was told a newer value than the hub knew is corrected too.
   */
  readAvailability(appId: string, available: boolean): void {
    if (available !== this.availableApps.has(appId)) this.disputed.add(appId);
  }

  /** Apps whose sockets may have been told a value the hub has not seen (readAvailability). */
  private readonly disputed = new Set<string>();

  /**
   * A message committed by this instance (or read once for all sockets, from another's event):
   * each socket that should see it gets it from memory, in turn; a socket behind is filled from
   * the database first. Agent frames carry the summary kept in memory (no read per message).
   */
  deliverMessage(m: CommittedMessage): void {
    if (this.closed) return;
    this.touch(m.visitorId);
    for (const peer of this.visitors.get(m.visitorId) ?? []) void this.turn(peer, () => this.visitorMessage(peer, m));
    let summary: Promise<ConversationSummary | null> | undefined;
    for (const peer of this.agents) {
      if (!inScope(peer.apps, m.appId)) continue;
      summary ??= this.summaries.advance(m.conversationId, m.message);
      const s = summary;
      void this.turn(peer, async () => {
        const current = await s;
        if (current) await this.agentMessage(peer, m, current);
      });
    }
  }

  private async visitorMessage(peer: VisitorPeer, m: CommittedMessage): Promise<void> {
    const { message } = m;
    if (peer.conversationId !== m.conversationId) {
      // The visitor's message started a new conversation (seq 1): move there from memory.
      if (message.seq === 1) {
        peer.conversationId = m.conversationId;
        peer.status = 'open';
        peer.lastSeq = 0;
        peer.send({ type: 'conversation', conversation_id: message.conversation_id, status: 'open' });
        this.sendVisitor(peer, message);
        peer.readSeq = 0;
        peer.send({ type: 'read', read_seq: 0 });
        return;
      }
      // A reopened conversation, or a socket that missed its start: the database has the rest.
      const conv = await this.repos.conversations.state(m.conversationId);
      if (conv) await this.updateVisitorNow(peer, conv, { read: false, move: conv.status === 'open' });
      return;
    }
    if (message.seq <= peer.lastSeq) return;
    if (peer.status !== 'open') {
      // Only open conversations take messages: it was reopened.
      peer.status = 'open';
      peer.send({ type: 'conversation', conversation_id: message.conversation_id, status: 'open' });
    }
    if (message.seq === peer.lastSeq + 1) this.sendVisitor(peer, message);
    else await this.sendVisitorMessages(peer, m.conversationId);
  }

  /**
   * Typing, from this instance or another: an agent's goes to the visitor's sockets showing that
   * conversation (name and avatar, never the agent's id), a visitor's to the inboxes of the
   * conversation's app (with the draft preview). In each socket's turn, so it never overtakes a
   * message sent before it.
   */
  deliverTyping(e: TypingEvent): void {
    if (this.closed) return;
    const typing = e.t === 1;
    if (e.w === 'agent') {
      this.touch(e.v);
      for (const peer of this.visitors.get(e.v) ?? []) {
        if (peer.conversationId !== e.c) continue;
        void this.turn(peer, () => peer.send({ type: 'typing', typing, name: e.n ?? null, avatar_url: e.u ?? null }));
      }
      return;
    }
    for (const peer of this.agents) {
      if (!inScope(peer.apps, e.a)) continue;
      void this.turn(peer, () => peer.send({ type: 'typing', conversation_id: e.p, typing, ...(typing && e.x ? { text: e.x } : {}) }));
    }
  }

  private sendVisitor(peer: VisitorPeer, message: WireMessage): void {
    peer.send({ type: 'message', message });
    peer.lastSeq = message.seq;
  }

  private async agentMessage(peer: AgentPeer, m: CommittedMessage, summary: ConversationSummary): Promise<void> {
    // A conversation new to the socket starts at this message; history is fetched on open.
    const after = peer.lastSeq.get(summary.id) ?? m.message.seq - 1;
    if (m.message.seq <= after) return;
    if (m.message.seq === after + 1) {
      this.sendAgentMessage(peer, summary, m.message);
      return;
    }
    await this.sendAgentMessages(peer, m.conversationId, summary, after);
  }

  private closed = false;

  /** Stops taking events and waits for deliveries under way (before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  /** Events waiting for the next delivery round, coalesced by what they are about. */
  private readonly pending = new Map<string, FanoutEvent>();
  private roundScheduled = false;

  /**
   * Queues an event. Events that arrive while a round runs are coalesced (one per conversation,
   * agent or session) and delivered together in the next round, so a burst costs one database
   * pass per conversation rather than one per message; sockets still get every message once
   * and in order (they track their last seq per conversation).
   */
  handle(event: FanoutEvent): Promise<void> {
    if (this.closed) return this.queue;
    // Typing carries all it needs and reads nothing: delivered at once, never coalesced.
    if (event.k === 'typing') {
      this.deliverTyping(event);
      return this.queue;
    }
    const key = event.k === 'presence' ? `p:${event.a}` : event.k === 'signout' ? `s:${event.h}` : event.k === 'app-removed' ? `r:${event.a}` : `${event.k}:${event.c}`;
    const held = this.pending.get(key);
    // For messages keep the lowest seq: one read from there covers the whole burst.
    this.pending.set(key, held?.k === 'message' && event.k === 'message' ? { ...event, s: Math.min(held.s, event.s) } : event);
    if (!this.roundScheduled) {
      this.roundScheduled = true;
      this.queue = this.queue
        .then(async () => {
          this.roundScheduled = false;
          const round = [...this.pending.values()];
          this.pending.clear();
          // One event per conversation/agent/session here; agent sockets keep their state per
          // conversation and visitor sockets take their updates in turn, so deliveries can run
          // side by side.
          await Promise.all(round.map((e) => this.deliver(e).catch((err: unknown) => this.log.error(err, 'convot: delivery failed'))));
        })
        .catch((e: unknown) => this.log.error(e, 'convot: delivery failed'));
    }
    return this.queue;
  }

  /** After a lost fan-out subscription: bring every socket up to date from the database. */
  catchUp(): Promise<void> {
    this.queue = this.queue
      .then(async () => {
        this.touchedAll = ++this.clock;
        for (const set of this.visitors.values()) {
          for (const peer of set) {
            const current = await this.repos.conversations.current(peer.visitorId);
            // The conversation it shows may have closed while we were deaf.
            if (peer.conversationId && peer.conversationId !== current?.id) {
              const shown = await this.repos.conversations.state(peer.conversationId);
              if (shown) await this.updateVisitor(peer, shown, { read: false, move: false });
            }
            if (current) await this.updateVisitor(peer, current, { read: true, move: true });
          }
        }
        this.touchedAll = ++this.clock;
        // Inboxes with the same apps share one read of their newest conversations.
        const groups = new Map<string, AgentPeer[]>();
        for (const peer of this.agents) groups.set(scopeKey(peer.apps), [...(groups.get(scopeKey(peer.apps)) ?? []), peer]);
        for (const peers of groups.values()) {
          for (const summary of await this.repos.conversations.summaries({ apps: peers[0]!.apps })) {
            const internal = await this.repos.conversations.idByPublicId(summary.id);
            for (const peer of peers) {
              await this.turn(peer, async () => {
                // Conversations that started while we were deaf are sent from their first message.
                if (internal) await this.sendAgentMessages(peer, internal, summary, 0);
                this.sendAgentSummary(peer, summary);
              });
            }
          }
        }
        this.broadcastAvailability(await this.repos.agents.availableApps());
      })
      .catch((e: unknown) => this.log.error(e, 'convot: catch-up failed'));
    return this.queue;
  }

  private async deliver(event: FanoutEvent): Promise<void> {
    switch (event.k) {
      case 'message': {
        // Another instance committed it: one read for every socket here (none when nobody here cares;
        // a socket of this visitor still opening reads its state again).
        this.touch(event.v);
        const wanted = this.visitors.has(event.v) || [...this.agents].some((peer) => inScope(peer.apps, event.a));
        if (!wanted) return;
        for (const message of await this.repos.conversations.messagesAfter(event.c, event.s - 1)) {
          this.deliverMessage({ conversationId: event.c, visitorId: event.v, appId: event.a, message });
        }
        return;
      }
      case 'conversation': {
        // Read marks, status (close/reopen) and visitor profile changes.
        const conv = await this.repos.conversations.state(event.c);
        if (!conv) return;
        this.touch(conv.visitor_id);
        for (const peer of this.visitors.get(conv.visitor_id) ?? []) await this.updateVisitor(peer, conv, { read: true, move: conv.status === 'open' });
        const peers = [...this.agents].filter((peer) => inScope(peer.apps, conv.app_id));
        if (!peers.length) return;
        const summary = await this.summaries.refresh(event.c);
        if (!summary) return;
        for (const peer of peers) void this.turn(peer, () => this.sendAgentSummary(peer, summary));
        return;
      }
      case 'signout': {
        for (const peer of [...this.agents]) if (peer.sessionHash === event.h) peer.close(CloseCode.SignedOut, 'signed out');
        return;
      }
      case 'app-removed': {
        // The widget drops its token on 4401 and asks for a new session, which the app refuses.
        this.touch(`app:${event.a}`);
        for (const set of [...this.visitors.values()]) for (const peer of [...set]) if (peer.appId === event.a) peer.close(CloseCode.Unauthorized, 'app removed');
        return;
      }
      case 'presence': {
        const [agent, available] = await Promise.all([this.repos.agents.findById(event.a), this.repos.agents.availableApps()]);
        this.broadcastAvailability(available);
        if (!agent) return;
        // Each inbox counts the available agents who share an app with it; equal scopes share a
        // count, read with the agent's state in one statement (so the two agree).
        const counts = new Map<string, ReturnType<AgentsRepo['withCount']>>();
        for (const peer of this.agents) {
          if (!scopesOverlap(peer.apps, agent.apps)) continue;
          const key = scopeKey(peer.apps);
          if (!counts.has(key)) counts.set(key, this.repos.agents.withCount(event.a, peer.apps));
          const read = counts.get(key)!;
          // In the socket's turn, so a new inbox hears it after its ready frame.
          void this.turn(peer, async () => {
            const now = await read;
            if (now) peer.send({ type: 'presence', ...now });
          });
        }
        return;
      }
    }
  }

  /**
   * Re-reads availability and tells visitors if it changed without an event (an instance's
   * presence expired). Called on every heartbeat.
   */
  checkAvailability(): Promise<void> {
    return this.run(async () => {
      this.broadcastAvailability(await this.repos.agents.availableApps());
    });
  }

  /** Apps this instance last told visitors were available; sockets get their app's value in `ready`. */
  private availableApps = new Set<string>();

  /** Reads the starting availability, so visitors hear only about changes. */
  async init(): Promise<void> {
    this.availableApps = await this.repos.agents.availableApps();
  }

  /** Tells each app's visitors when its availability changed (presence events fire for many non-changes). */
  private broadcastAvailability(available: Set<string>): void {
    const changed = new Set([...available].filter((id) => !this.availableApps.has(id)));
    for (const id of this.availableApps) if (!available.has(id)) changed.add(id);
    for (const id of this.disputed) changed.add(id);
    this.disputed.clear();
    this.availableApps = available;
    if (!changed.size) return;
    for (const id of changed) this.touch(`app:${id}`);
    for (const set of this.visitors.values()) {
      for (const peer of set) {
        if (!changed.has(peer.appId)) continue;
        void this.turn(peer, () => {
          // A socket whose `ready` was read after the change already has it.
          const now = available.has(peer.appId);
          if (peer.available === now) return;
          peer.available = now;
          peer.send({ type: 'availability', available: now });
        });
      }
    }
  }

  /** Sends an agent socket the conversation's messages it has not seen (after its last seq). */
  private async sendAgentMessages(peer: AgentPeer, internalId: string, summary: ConversationSummary, fallbackAfter: number): Promise<void> {
    const after = peer.lastSeq.get(summary.id) ?? fallbackAfter;
    const messages = await this.repos.conversations.messagesAfter(internalId, after);
    if (!messages.length) return;
    // Messages committed after the summary was read: send them with a summary that covers them.
    if (messages.at(-1)!.seq > summary.last_seq) summary = (await this.repos.conversations.summary(internalId)) ?? summary;
    for (const message of messages) this.sendAgentMessage(peer, summary, message);
  }

  /** A message frame, with the visitor's profile only when this socket has not seen it. */
  private sendAgentMessage(peer: AgentPeer, summary: ConversationSummary, message: WireMessage): void {
    if (this.profileSeen(peer, summary)) {
      const { visitor: _, ...rest } = summary;
      peer.send({ type: 'message', conversation: rest, message });
    } else {
      peer.send({ type: 'message', conversation: summary, message });
    }
    peer.lastSeq.set(summary.id, message.seq);
  }

  /** A summary frame always carries the profile; remember that this socket has it. */
  private sendAgentSummary(peer: AgentPeer, summary: ConversationSummary): void {
    this.profileSeen(peer, summary);
    peer.send({ type: 'conversation', conversation: summary });
  }

  /** Whether the socket already has this profile (by identity: the cache keeps unchanged ones); records it. */
  private profileSeen(peer: AgentPeer, summary: ConversationSummary): boolean {
    let sent = this.profilesSent.get(peer);
    if (!sent) this.profilesSent.set(peer, (sent = new Map()));
    if (sent.get(summary.id) === summary.visitor) return true;
    sent.delete(summary.id);
    sent.set(summary.id, summary.visitor);
    // Oldest first out; a forgotten conversation only means its next frame carries the profile.
    if (sent.size > PROFILES_PER_SOCKET) sent.delete(sent.keys().next().value!);
    return false;
  }

  /**
   * Brings a visitor socket up to date with one conversation of its visitor. A socket shows one
   * conversation and moves only when told to (`move`): to the visitor's open conversation (the
   * one their message started after a close, or one an agent reopened), or on catch-up to
   * their current one. It then gets that conversation's messages from seq 1.
   */
  private updateVisitor(peer: VisitorPeer, conv: ConversationState, opts: { read: boolean; move: boolean }): Promise<void> {
    return this.turn(peer, () => this.updateVisitorNow(peer, conv, opts));
  }

  /** updateVisitor's work, for callers already in the socket's turn. */
  private async updateVisitorNow(peer: VisitorPeer, conv: ConversationState, opts: { read: boolean; move: boolean }): Promise<void> {
    {
      const moved = peer.conversationId !== conv.id;
      if (moved) {
        if (!opts.move) return;
        peer.conversationId = conv.id;
        peer.lastSeq = 0;
      }
      if (moved || peer.status !== conv.status) {
        peer.status = conv.status;
        peer.send({ type: 'conversation', conversation_id: conv.public_id, status: conv.status, ...(moved ? { history_seq: conv.last_seq } : {}) });
      }
      if (conv.last_seq > peer.lastSeq) await this.sendVisitorMessages(peer, conv.id);
      // The visitor's other tabs learn the read mark, so every badge agrees (only when it moved:
      // other news about the conversation must not repeat it).
      const read = Number(conv.visitor_read_seq);
      if (moved || (opts.read && peer.readSeq !== read)) {
        peer.readSeq = read;
        peer.send({ type: 'read', read_seq: read });
      }
      // The team's read mark: the visitor's messages up to it show "Seen".
      const seen = Number(conv.agent_read_seq);
      if (moved || peer.seenSeq !== seen) {
        peer.seenSeq = seen;
        peer.send({ type: 'seen', seq: seen });
      }
    }
  }

  /** Sends a visitor socket every message of its conversation it has not seen yet. */
  private async sendVisitorMessages(peer: VisitorPeer, conversationId: string): Promise<void> {
    const messages: WireMessage[] = await this.repos.conversations.messagesAfter(conversationId, peer.lastSeq);
    for (const message of messages) {
      peer.send({ type: 'message', message });
      peer.lastSeq = message.seq;
    }
  }
}
