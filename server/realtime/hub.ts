/**
 * This instance's open sockets, and delivery of fan-out events to them. A socket remembers the
 * last seq it was sent per conversation, so deliveries are in order, without duplicates, and a
 * gap (a missed notification) is filled from the database. Agent sockets get only conversations
 * of their apps; visitor sockets hear availability of their own app.
 */
import { CloseCode, type AgentServerFrame, type ConversationStatus, type ConversationSummary, type VisitorServerFrame, type WireMessage } from '../../src/protocol/index.js';
import type { Log } from '../log.js';
import type { ConversationState } from '../storage/conversations-repo.js';
import type { Repositories } from '../storage/repositories.js';
import { inScope, scopeKey, scopesOverlap, type AppScope } from '../tenancy.js';
import type { FanoutEvent } from './fanout.js';

export interface Peer<F> {
  send(frame: F): void;
}

export interface VisitorPeer extends Peer<VisitorServerFrame> {
  visitorId: string;
  appId: string;
  /** Internal id of the conversation this socket shows, once it has one. */
  conversationId: string | null;
  /** That conversation's status as this socket was last told. */
  status: ConversationStatus | null;
  lastSeq: number;
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

export class Hub {
  private readonly visitors = new Map<string, Set<VisitorPeer>>();
  private readonly agents = new Set<AgentPeer>();
  /** Serializes deliveries so frames reach each socket in commit order. */
  private queue: Promise<void> = Promise.resolve();
  /** Per visitor socket: its pending update, so two events of one round never move it at once. */
  private readonly visitorWork = new WeakMap<VisitorPeer, Promise<void>>();

  constructor(
    private readonly repos: Pick<Repositories, 'conversations' | 'agents'>,
    private readonly log: Log,
  ) {}

  addVisitor(peer: VisitorPeer): () => void {
    let set = this.visitors.get(peer.visitorId);
    if (!set) this.visitors.set(peer.visitorId, (set = new Set()));
    set.add(peer);
    return () => {
      set.delete(peer);
      if (!set.size) this.visitors.delete(peer.visitorId);
    };
  }

  addAgent(peer: AgentPeer): () => void {
    this.agents.add(peer);
    return () => this.agents.delete(peer);
  }

  /**
   * Runs fn in the delivery queue. Sockets build their `ready` frame here, so no event can slip
   * between reading the history and starting live delivery.
   */
  run(fn: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(fn).catch((e: unknown) => this.log.error(e, 'convot: socket setup failed'));
    return this.queue;
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
    const key = event.k === 'presence' ? `p:${event.a}` : event.k === 'signout' ? `s:${event.h}` : `${event.k}:${event.c}`;
    const held = this.pending.get(key);
    // For messages keep the lowest seq: a socket new to the conversation starts there.
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
        // Inboxes with the same apps share one read of their newest conversations.
        const groups = new Map<string, AgentPeer[]>();
        for (const peer of this.agents) groups.set(scopeKey(peer.apps), [...(groups.get(scopeKey(peer.apps)) ?? []), peer]);
        for (const peers of groups.values()) {
          for (const summary of await this.repos.conversations.summaries({ apps: peers[0]!.apps })) {
            const internal = await this.repos.conversations.idByPublicId(summary.id);
            for (const peer of peers) {
              // Conversations that started while we were deaf are sent from their first message.
              if (internal) await this.sendAgentMessages(peer, internal, summary, 0);
              peer.send({ type: 'conversation', conversation: summary });
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
      case 'message':
      case 'conversation': {
        // `conversation` covers read marks, status (close/reopen) and visitor profile changes.
        const conv = await this.repos.conversations.state(event.c);
        if (!conv) return;
        const read = event.k === 'conversation';
        for (const peer of this.visitors.get(conv.visitor_id) ?? []) await this.updateVisitor(peer, conv, { read, move: conv.status === 'open' });
        const peers = [...this.agents].filter((peer) => inScope(peer.apps, conv.app_id));
        if (!peers.length) return;
        const summary = await this.repos.conversations.summary(event.c);
        if (!summary) return;
        // A conversation new to a socket starts at this event; history is fetched on open.
        if (event.k === 'message') for (const peer of peers) await this.sendAgentMessages(peer, event.c, summary, event.s - 1);
        else for (const peer of peers) peer.send({ type: 'conversation', conversation: summary });
        return;
      }
      case 'signout': {
        for (const peer of [...this.agents]) if (peer.sessionHash === event.h) peer.close(CloseCode.SignedOut, 'signed out');
        return;
      }
      case 'presence': {
        const [agent, available] = await Promise.all([this.repos.agents.findById(event.a), this.repos.agents.availableApps()]);
        this.broadcastAvailability(available);
        if (!agent) return;
        // Each inbox counts the available agents who share an app with it; equal scopes share a count.
        const counts = new Map<string, Promise<number>>();
        for (const peer of this.agents) {
          if (!scopesOverlap(peer.apps, agent.apps)) continue;
          const key = scopeKey(peer.apps);
          if (!counts.has(key)) counts.set(key, this.repos.agents.countAvailable(peer.apps));
          peer.send({ type: 'presence', agents_online: await counts.get(key)!, agent });
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
    this.availableApps = available;
    if (!changed.size) return;
    for (const set of this.visitors.values()) {
      for (const peer of set) if (changed.has(peer.appId)) peer.send({ type: 'availability', available: available.has(peer.appId) });
    }
  }

  /** Sends an agent socket the conversation's messages it has not seen (after its last seq). */
  private async sendAgentMessages(peer: AgentPeer, internalId: string, summary: ConversationSummary, fallbackAfter: number): Promise<void> {
    const after = peer.lastSeq.get(summary.id) ?? fallbackAfter;
    const messages = await this.repos.conversations.messagesAfter(internalId, after);
    if (!messages.length) return;
    // Messages committed after the summary was read: send them with a summary that covers them.
    if (messages.at(-1)!.seq > summary.last_seq) summary = (await this.repos.conversations.summary(internalId)) ?? summary;
    for (const message of messages) {
      peer.send({ type: 'message', conversation: summary, message });
      peer.lastSeq.set(summary.id, message.seq);
    }
  }

  /**
   * Brings a visitor socket up to date with one conversation of its visitor. A socket shows one
   * conversation and moves only when told to (`move`): to the visitor's open conversation (the
   * one their message started after a close, or one an agent reopened), or on catch-up to
   * their current one. It then gets that conversation's messages from seq 1.
   */
  private updateVisitor(peer: VisitorPeer, conv: ConversationState, opts: { read: boolean; move: boolean }): Promise<void> {
    const work = (this.visitorWork.get(peer) ?? Promise.resolve()).then(async () => {
      const moved = peer.conversationId !== conv.id;
      if (moved) {
        if (!opts.move) return;
        peer.conversationId = conv.id;
        peer.lastSeq = 0;
      }
      if (moved || peer.status !== conv.status) {
        peer.status = conv.status;
        peer.send({ type: 'conversation', conversation_id: conv.public_id, status: conv.status });
      }
      if (conv.last_seq > peer.lastSeq) await this.sendVisitorMessages(peer, conv.id);
      // The visitor's other tabs learn the read mark, so every badge agrees.
      if (opts.read || moved) peer.send({ type: 'read', read_seq: conv.visitor_read_seq });
    });
    this.visitorWork.set(
      peer,
      work.catch(() => undefined),
    );
    return work;
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
