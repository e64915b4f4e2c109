/**
 * Chat operations the visitor and agent services share (REST and sockets alike): store, then
 * announce through the fan-out. Announcing after commit is what lets every instance deliver the
 * same rows. The rules of the conversation lifecycle and of tenancy are applied here (and in
 * the repositories' SQL), never in a route.
 */
import type { ConversationSummary, FlowAnswer, MessageCard, VisitorEvent, VisitorUpdate, WireMessage } from '../../src/protocol/index.js';
import { fail } from '../errors.js';
import { hashToken } from '../identity/secrets.js';
import type { Announcer } from '../realtime/announcer.js';
import { DuplicateRace, type ConversationChange, type Stored } from '../storage/conversations-repo.js';
import type { Repositories } from '../storage/repositories.js';
import type { VisitorSessionRow } from '../storage/visitors-repo.js';
import type { AppScope } from '../tenancy.js';
import type { ChatFlow } from '../chat-flows/config.js';
import { planFlowMessage } from './chat-flows.js';

export interface SendResult {
  message: WireMessage;
  /** False when the client id was already stored (a retry): nothing new was announced. */
  created: boolean;
}

/** A signed-in agent as far as the rules care: who, and which apps they work on. */
export interface AgentActor {
  id: string;
  apps: AppScope;
}

const NOT_FOUND = 'No conversation has this id.';

/**
 * Work that follows a newly stored message (the email module's, when email is on). Runs after
 * the commit and the announcement, before the sender's ack; a hook handles its own errors.
 */
export interface ChatHooks {
  visitorMessage?(stored: Stored): Promise<void>;
  agentMessage?(stored: Stored): Promise<void>;
}

export class Chat {
  constructor(
    private readonly repos: Pick<Repositories, 'conversations' | 'visitors' | 'agents'>,
    private readonly announce: Announcer,
    private readonly hooks: ChatHooks = {},
  ) {}

  async sendVisitorMessage(session: VisitorSessionRow, clientId: string, body: string, card: MessageCard | null = null): Promise<SendResult & { conversationId: string }> {
    const r = await retryOnRace(() => this.repos.conversations.addVisitorMessage(session, clientId, body, this.announce.target, card));
    if (r.created) await this.announce.message({ conversationId: r.conversationId, visitorId: session.visitor_id, appId: session.app_id, message: r.message }, r.notified);
    if (r.created) await this.hooks.visitorMessage?.(r);
    return r;
  }

  /**
   * A visitor message that carries a chat flow (it starts a conversation in it, or answers the
   * bot): stored with what the bot says in one transaction, then each row announced in order.
   */
  async sendFlowMessage(session: VisitorSessionRow, clientId: string, body: string, answer: Partial<FlowAnswer>, flows: readonly ChatFlow[]): Promise<SendResult & { conversationId: string; started: boolean }> {
    let started = false;
    const { stored, visitor } = await retryOnRace(() =>
      this.repos.conversations.addFlowMessage(session, clientId, body, (conv) => {
        started = conv.last_seq === 0;
        return planFlowMessage(flows, answer, conv);
      }),
    );
    for (const r of stored) if (r.created) await this.announce.message({ conversationId: r.conversationId, visitorId: session.visitor_id, appId: session.app_id, message: r.message }, false);
    if (visitor.created) {
      // Tags, routing and the bot's state are in the inbox's summary.
      await this.announce.event({ k: 'conversation', c: visitor.conversationId });
      await this.hooks.visitorMessage?.(visitor);
    }
    return { ...visitor, started: started && visitor.created };
  }

  /**
   * An agent's reply. Conversations outside the agent's apps do not exist for them (404);
   * closed ones refuse replies until reopened. A bare agent id (tools, tests) reads the apps.
   */
  async sendAgentMessage(conversationPublicId: string, agent: AgentActor | string, clientId: string, body: string, card: MessageCard | null = null): Promise<SendResult & { conversationId: string }> {
    const actor = await this.actor(agent);
    const r = await retryOnRace(() => this.repos.conversations.addAgentMessage(conversationPublicId, actor.id, actor.apps, clientId, body, this.announce.target, card));
    if (r.kind === 'not_found') fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND, 'conversation_id');
    if (r.kind === 'closed') fail('CONVOT_ERR_CONVERSATION_CLOSED', undefined, 'conversation_id');
    if (r.created) await this.announce.message({ conversationId: r.conversationId, visitorId: r.visitorId, appId: r.appId, message: r.message }, r.notified);
    if (r.created) await this.hooks.agentMessage?.(r);
    return r;
  }

  /** The app of a conversation the agent may see (404 otherwise). */
  async appOfConversation(conversationPublicId: string, agent: AgentActor): Promise<string> {
    const id = await this.repos.conversations.idForAgent(conversationPublicId, agent.apps);
    const state = id ? await this.repos.conversations.state(id) : null;
    if (!state) fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND, 'conversation_id');
    return state.app_id;
  }

  /**
   * The visitor typing in their open conversation (none open: nobody to tell). One read for
   * where it goes; nothing is written. The draft preview goes only to the app's agents.
   */
  async visitorTyping(session: VisitorSessionRow, typing: boolean, text?: string): Promise<void> {
    const conv = await this.repos.conversations.current(session.visitor_id);
    if (!conv || conv.status !== 'open') return;
    await this.announce.typing({ k: 'typing', c: conv.id, p: conv.public_id, v: conv.visitor_id, a: conv.app_id, w: 'visitor', t: typing ? 1 : 0, ...(typing && text ? { x: text } : {}) });
  }

  /** An agent typing in a conversation of their apps (404 otherwise); closed ones tell nobody. */
  async agentTyping(conversationPublicId: string, agent: AgentActor, typing: boolean): Promise<void> {
    const conv = await this.repos.conversations.typingTarget(conversationPublicId, agent.apps, agent.id);
    if (!conv) fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND, 'conversation_id');
    if (conv.status !== 'open') return;
    await this.announce.typing({ k: 'typing', c: conv.id, p: conv.public_id, v: conv.visitor_id, a: conv.app_id, w: 'agent', t: typing ? 1 : 0, n: conv.agent_name, u: conv.agent_avatar_url });
  }

  async markVisitorRead(session: VisitorSessionRow, seq: number): Promise<void> {
    const id = await this.repos.conversations.markVisitorRead(session.visitor_id, seq);
    if (id) await this.announce.event({ k: 'conversation', c: id });
  }

  async markAgentRead(conversationPublicId: string, agent: AgentActor, seq: number): Promise<void> {
    const marked = await this.repos.conversations.markAgentRead(conversationPublicId, agent.apps, seq);
    if (!marked) fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND, 'conversation_id');
    // Only a mark that moved is news: repeated read frames must not fan out to every inbox.
    if (marked.changed) await this.announce.event({ k: 'conversation', c: marked.id });
  }

  /** Closes a conversation; the visitor's next message starts a new one. Closing twice is a no-op. */
  closeConversation(conversationPublicId: string, agent: AgentActor): Promise<ConversationSummary> {
    return this.applyChange(this.repos.conversations.close(conversationPublicId, agent.apps));
  }

  /** The visitor closes their own conversation (of their app); the inbox and their sockets hear it as any close. */
  closeForVisitor(conversationPublicId: string, appId: string): Promise<ConversationSummary> {
    return this.applyChange(this.repos.conversations.close(conversationPublicId, [appId]));
  }

  /**
   * The visitor makes one of their conversations current (their earlier threads): a closed one
   * reopens, their open one closing first. Announced like the team's close and reopen, so the
   * inbox updates and the visitor's sockets move to it. Another visitor's id is absent (404).
   */
  async selectForVisitor(session: VisitorSessionRow, conversationPublicId: string): Promise<{ conversation_id: string; status: 'open' }> {
    const r = await this.repos.conversations.selectForVisitor(session.visitor_id, conversationPublicId);
    if (!r) fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND, 'conversation_id');
    for (const id of r.changed) await this.announce.event({ k: 'conversation', c: id });
    return { conversation_id: conversationPublicId, status: 'open' };
  }

  /** Reopens a closed conversation unless the visitor has started another one meanwhile (409). */
  reopenConversation(conversationPublicId: string, agent: AgentActor): Promise<ConversationSummary> {
    return this.applyChange(this.repos.conversations.reopen(conversationPublicId, agent.apps));
  }

  private async applyChange(pending: Promise<ConversationChange>): Promise<ConversationSummary> {
    const change = await pending;
    if (change.kind === 'not_found') fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND, 'conversation_id');
    if (change.kind === 'conflict') {
      fail(
        'CONVOT_ERR_OPEN_CONVERSATION_EXISTS',
        change.open_id
          ? `The visitor already has an open conversation (${change.open_id}); close it before reopening this one.`
          : undefined,
        'conversation_id',
      );
    }
    // The hub tells the inbox and moves the visitor's sockets (to a reopened conversation).
    if (change.kind === 'changed') await this.announce.event({ k: 'conversation', c: change.id });
    return (await this.repos.conversations.summary(change.id))!;
  }

  async updateVisitor(session: VisitorSessionRow, update: VisitorUpdate): Promise<void> {
    await this.repos.visitors.update(session.visitor_id, update);
    await this.announceVisitor(session.visitor_id);
  }

  async addVisitorEvent(session: VisitorSessionRow, event: VisitorEvent): Promise<void> {
    await this.repos.visitors.addEvent(session.visitor_id, event);
    await this.announceVisitor(session.visitor_id);
  }

  /** A server-made event on a visitor's timeline (a booking), announced like the visitor's own. */
  async addTimelineEvent(visitorId: string, event: VisitorEvent): Promise<void> {
    await this.repos.visitors.addEvent(visitorId, event);
    await this.announceVisitor(visitorId);
  }

  /** Where the visitor is (their widget's report); agents hear of it only when it changed. */
  async setVisitorContext(session: VisitorSessionRow, context: Record<string, string | null>, replace: boolean): Promise<void> {
    if (await this.repos.visitors.setContext(session.session_id, context, replace)) await this.announceVisitor(session.visitor_id);
  }

  /** Agents see visitor changes through the visitor's current conversation, if any. */
  private async announceVisitor(visitorId: string): Promise<void> {
    const conv = await this.repos.conversations.current(visitorId);
    if (conv) await this.announce.event({ k: 'conversation', c: conv.id });
  }

  /** Ends an agent's sign-in session; its open sockets close on every instance. */
  async signOut(token: string): Promise<void> {
    await this.repos.agents.deleteSession(token);
    await this.announce.event({ k: 'signout', h: hashToken(token) });
  }

  /** An inbox socket opened or closed on this instance: availability may change. */
  async agentConnection(instanceId: string, agentId: string, delta: 1 | -1): Promise<void> {
    await this.repos.agents.socketDelta(instanceId, agentId, delta);
    await this.announce.event({ k: 'presence', a: agentId });
  }

  /** This instance stops: its inbox sockets stop counting everywhere. */
  async dropInstance(instanceId: string): Promise<void> {
    for (const agentId of await this.repos.agents.dropInstance(instanceId)) await this.announce.event({ k: 'presence', a: agentId });
  }

  /** Away is remembered; an agent who is not away is available while an inbox of theirs is open. */
  async setAgentAway(agentId: string, away: boolean): Promise<void> {
    await this.repos.agents.setAway(agentId, away);
    await this.announce.event({ k: 'presence', a: agentId });
  }

  /** The older name of the switch: online false means Away. */
  setAgentOnline(agentId: string, online: boolean): Promise<void> {
    return this.setAgentAway(agentId, !online);
  }

  private async actor(agent: AgentActor | string): Promise<AgentActor> {
    return typeof agent === 'string' ? { id: agent, apps: await this.repos.agents.scope(agent) } : agent;
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
