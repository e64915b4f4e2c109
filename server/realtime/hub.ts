/**
 * This instance's open sockets, and delivery of fan-out events to them. A socket remembers the
 * last seq it was sent per conversation, so deliveries are in order, without duplicates, and a
 * gap (a missed notification) is filled from the database.
 */
import type { AgentServerFrame, ConversationSummary, VisitorServerFrame, WireMessage } from '../../src/protocol/index.js';
import type { Repo } from '../storage/repo.js';
import type { FanoutEvent } from './fanout.js';

export interface Peer<F> {
  send(frame: F): void;
}

export interface VisitorPeer extends Peer<VisitorServerFrame> {
  visitorId: string;
  /** Internal id of the conversation this socket shows, once it has one. */
  conversationId: string | null;
  lastSeq: number;
}

export interface AgentPeer extends Peer<AgentServerFrame> {
  agentId: string;
  /** Hash of the sign-in session the socket was opened with. */
  sessionHash: string;
  /** Closes the socket (sign-out). */
  close(code: number, reason: string): void;
  /** Last seq delivered per conversation (public id). */
  lastSeq: Map<string, number>;
}

export class Hub {
  private readonly visitors = new Map<string, Set<VisitorPeer>>();
  private readonly agents = new Set<AgentPeer>();
  /** Serializes deliveries so frames reach each socket in commit order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly repo: Repo) {}

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
    this.queue = this.queue.then(fn).catch((e: unknown) => console.error('convot: socket setup failed', e));
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
          // One event per conversation/agent/session here, and their sockets' state is kept per
          // conversation, so the round's deliveries can run side by side.
          await Promise.all(round.map((e) => this.deliver(e).catch((err: unknown) => console.error('convot: delivery failed', err))));
        })
        .catch((e: unknown) => console.error('convot: delivery failed', e));
    }
    return this.queue;
  }

  /** After a lost fan-out subscription: bring every socket up to date from the database. */
  catchUp(): Promise<void> {
    this.queue = this.queue
      .then(async () => {
        for (const set of this.visitors.values()) {
          for (const peer of set) {
            if (peer.conversationId) await this.sendVisitorMessages(peer, peer.conversationId);
            else {
              const conv = await this.repo.currentConversation(peer.visitorId);
              if (conv) await this.sendVisitorMessages(peer, conv.id);
            }
          }
        }
        if (this.agents.size) {
          for (const summary of await this.repo.conversationSummaries()) {
            const internal = await this.repo.conversationIdByPublicId(summary.id);
            for (const peer of this.agents) {
              // Conversations that started while we were deaf are sent from their first message.
              if (internal) await this.sendAgentMessages(peer, internal, summary, 0);
              peer.send({ type: 'conversation', conversation: summary });
            }
          }
        }
        const online = await this.repo.agentsOnline();
        this.broadcastAvailability(online > 0);
      })
      .catch((e: unknown) => console.error('convot: catch-up failed', e));
    return this.queue;
  }

  private async deliver(event: FanoutEvent): Promise<void> {
    switch (event.k) {
      case 'message': {
        const owner = await this.repo.conversationVisitor(event.c);
        if (!owner) return;
        for (const peer of this.visitors.get(owner.visitor_id) ?? []) await this.sendVisitorMessages(peer, event.c);
        if (this.agents.size) {
          const summary = await this.repo.conversationSummary(event.c);
          if (!summary) return;
          // A conversation new to a socket starts at this event; history is fetched on open.
          for (const peer of this.agents) await this.sendAgentMessages(peer, event.c, summary, event.s - 1);
        }
        return;
      }
      case 'conversation': {
        // The visitor's other tabs learn the read mark, so every badge agrees.
        const owner = await this.repo.conversationVisitor(event.c);
        for (const peer of this.visitors.get(owner?.visitor_id ?? '') ?? []) {
          if (peer.conversationId === event.c) peer.send({ type: 'read', read_seq: owner!.visitor_read_seq });
        }
        if (!this.agents.size) return;
        const summary = await this.repo.conversationSummary(event.c);
        if (summary) for (const peer of this.agents) peer.send({ type: 'conversation', conversation: summary });
        return;
      }
      case 'signout': {
        for (const peer of [...this.agents]) if (peer.sessionHash === event.h) peer.close(4401, 'signed out');
        return;
      }
      case 'presence': {
        const [agent, online] = await Promise.all([this.repo.agentById(event.a), this.repo.agentsOnline()]);
        this.broadcastAvailability(online > 0);
        if (agent) for (const peer of this.agents) peer.send({ type: 'presence', agents_online: online, agent });
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
      this.broadcastAvailability((await this.repo.agentsOnline()) > 0);
    });
  }

  /** What this instance last told visitors; sockets get the current value in `ready`. */
  private lastAvailable: boolean | null = null;

  /** Reads the starting availability, so visitors hear only about changes. */
  async init(): Promise<void> {
    this.lastAvailable = (await this.repo.agentsOnline()) > 0;
  }

  /** Tells visitors when availability changed (presence events fire for many non-changes). */
  private broadcastAvailability(available: boolean): void {
    if (available === this.lastAvailable) return;
    this.lastAvailable = available;
    for (const set of this.visitors.values()) for (const peer of set) peer.send({ type: 'availability', available });
  }

  /** Sends an agent socket the conversation's messages it has not seen (after its last seq). */
  private async sendAgentMessages(peer: AgentPeer, internalId: string, summary: ConversationSummary, fallbackAfter: number): Promise<void> {
    const after = peer.lastSeq.get(summary.id) ?? fallbackAfter;
    const messages = await this.repo.messagesAfter(internalId, after);
    if (!messages.length) return;
    // Messages committed after the summary was read: send them with a summary that covers them.
    if (messages.at(-1)!.seq > summary.last_seq) summary = (await this.repo.conversationSummary(internalId)) ?? summary;
    for (const message of messages) {
      peer.send({ type: 'message', conversation: summary, message });
      peer.lastSeq.set(summary.id, message.seq);
    }
  }

  /** Sends a visitor socket every message of the conversation it has not seen yet. */
  private async sendVisitorMessages(peer: VisitorPeer, conversationId: string): Promise<void> {
    if (peer.conversationId !== conversationId) {
      // The visitor's first message created this conversation; the socket now follows it.
      peer.conversationId = conversationId;
      peer.lastSeq = 0;
    }
    const messages: WireMessage[] = await this.repo.messagesAfter(conversationId, peer.lastSeq);
    for (const message of messages) {
      peer.send({ type: 'message', message });
      peer.lastSeq = message.seq;
    }
  }
}
