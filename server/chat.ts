/**
 * Chat operations shared by REST routes and sockets: store, then announce through the fan-out.
 * Announcing after commit is what lets every instance deliver the same rows.
 */
import type { VisitorEvent, VisitorUpdate, WireMessage } from '../src/protocol/index.js';
import { hashToken } from './identity/secrets.js';
import type { Fanout } from './realtime/fanout.js';
import { DuplicateRace, type Repo, type VisitorSessionRow } from './storage/repo.js';

export interface SendResult {
  message: WireMessage;
  /** False when the client id was already stored (a retry): nothing new was announced. */
  created: boolean;
}

export class Chat {
  constructor(
    readonly repo: Repo,
    private readonly fanout: Fanout,
  ) {}

  async sendVisitorMessage(session: VisitorSessionRow, clientId: string, body: string): Promise<SendResult> {
    const r = await retryOnRace(() => this.repo.addVisitorMessage(session, clientId, body));
    if (r.created) await this.fanout.publish({ k: 'message', c: r.conversationId, s: r.message.seq });
    return r;
  }

  async sendAgentMessage(conversationPublicId: string, agentId: string, clientId: string, body: string): Promise<SendResult | null> {
    const r = await retryOnRace(() => this.repo.addAgentMessage(conversationPublicId, agentId, clientId, body));
    if (r?.created) await this.fanout.publish({ k: 'message', c: r.conversationId, s: r.message.seq });
    return r;
  }

  async markVisitorRead(session: VisitorSessionRow, seq: number): Promise<void> {
    const id = await this.repo.markVisitorRead(session.visitor_id, seq);
    if (id) await this.fanout.publish({ k: 'conversation', c: id });
  }

  async markAgentRead(conversationPublicId: string, seq: number): Promise<boolean> {
    const id = await this.repo.markAgentRead(conversationPublicId, seq);
    if (id) await this.fanout.publish({ k: 'conversation', c: id });
    return id !== null;
  }

  async updateVisitor(session: VisitorSessionRow, update: VisitorUpdate): Promise<void> {
    await this.repo.updateVisitor(session.visitor_id, update);
    await this.announceVisitor(session.visitor_id);
  }

  async addVisitorEvent(session: VisitorSessionRow, event: VisitorEvent): Promise<void> {
    await this.repo.addVisitorEvent(session.visitor_id, event);
    await this.announceVisitor(session.visitor_id);
  }

  /** Agents see visitor changes through the visitor's current conversation, if any. */
  private async announceVisitor(visitorId: string): Promise<void> {
    const conv = await this.repo.currentConversation(visitorId);
    if (conv) await this.fanout.publish({ k: 'conversation', c: conv.id });
  }

  /** Ends an agent's sign-in session; its open sockets close on every instance. */
  async signOut(token: string): Promise<void> {
    await this.repo.deleteAgentSession(token);
    await this.fanout.publish({ k: 'signout', h: hashToken(token) });
  }

  /** An inbox socket opened or closed on this instance: availability may change. */
  async agentConnection(instanceId: string, agentId: string, delta: 1 | -1): Promise<void> {
    await this.repo.agentSocketDelta(instanceId, agentId, delta);
    await this.fanout.publish({ k: 'presence', a: agentId });
  }

  /** This instance stops: its inbox sockets stop counting everywhere. */
  async dropInstance(instanceId: string): Promise<void> {
    for (const agentId of await this.repo.dropInstancePresence(instanceId)) await this.fanout.publish({ k: 'presence', a: agentId });
  }

  async setAgentOnline(agentId: string, online: boolean): Promise<void> {
    await this.repo.setAgentOnline(agentId, online);
    await this.fanout.publish({ k: 'presence', a: agentId });
  }
}

async function retryOnRace<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DuplicateRace) return fn();
    throw e;
  }
}
