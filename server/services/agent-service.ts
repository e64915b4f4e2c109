/**
 * What the inbox's API and socket do, with their rules: sign-in (a timing-safe password check,
 * a random session token stored hashed), who is signed in, paging the conversation list, a
 * conversation's history, and an inbox socket's presence and `ready` frame. Everything an
 * agent reads or changes is limited to their apps (other apps' ids answer 404).
 */
import type { AgentProfile, AgentServerFrame, BookingCard, CloseCode, ConversationPageQuery, ConversationSummary, History, OfferBookingBody, SendArticleBody, SendBody } from '../../src/protocol/index.js';
import type { HelpSite } from '../help/site-urls.js';
import type { AppRow } from '../storage/apps-repo.js';
import type { HelpService } from './help-service.js';
import { fail } from '../errors.js';
import { hashToken, verifyPassword } from '../identity/secrets.js';
import type { Log } from '../log.js';
import type { RateLimiter } from '../rate-limit.js';
import type { AgentPeer, Hub } from '../realtime/hub.js';
import type { Repositories } from '../storage/repositories.js';
import { searchWords } from '../storage/conversations-repo.js';
import { inScope } from '../tenancy.js';
import type { Chat, SendResult } from './chat.js';

/** How long a sign-in lasts. */
export const SESSION_DAYS = 14;

/** A well-formed hash no password matches: unknown emails cost the same scrypt as known ones. */
const DUMMY_PASSWORD_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const NOT_FOUND = 'No conversation has this id.';

/** A new sign-in: the profile, and the session token for the cookie with its lifetime. */
export interface SignIn {
  agent: AgentProfile;
  token: string;
  maxAgeSeconds: number;
}

/** An inbox socket as the service sees it. */
export interface AgentSocket {
  send(frame: AgentServerFrame): void;
  isOpen(): boolean;
  close(code: CloseCode, reason: string): void;
}

export interface AgentServiceDeps {
  repos: Pick<Repositories, 'agents' | 'visitors' | 'conversations' | 'apps' | 'meetingTypes'>;
  chat: Chat;
  help: HelpService;
  hub: Hub;
  limiter: RateLimiter;
  /** This process's id in agent_presence. */
  instanceId: string;
  log: Log;
}

/** How long an inbox socket's sign-in counts as checked. */
const SESSION_RECHECK_MS = 5_000;

export class AgentService {
  private readonly checked = new Map<string, number>();

  constructor(private readonly deps: AgentServiceDeps) {}

  /** Bytes a socket may have queued unsent before it is cut off (`limits.send_buffer_bytes`). */
  get sendBufferLimit(): number {
    return this.deps.limiter.caps.send_buffer_bytes;
  }

  private get repos() {
    return this.deps.repos;
  }

  /** Sign-in attempts are counted per client IP, valid or not. */
  async countSignIn(ip: string): Promise<void> {
    this.deps.limiter.hit('login', ip);
  }

  async login({ email, password }: { email: string; password: string }): Promise<SignIn> {
    // Failed sign-ins lock the account whatever the address: rotating addresses gains nothing.
    const account = email.toLowerCase();
    this.deps.limiter.check('login_account', account);
    const agent = await this.repos.agents.findByEmail(email);
    // Verify even for unknown emails so timing does not reveal which addresses exist.
    const ok = await verifyPassword(password, agent?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!agent || !ok || agent.disabled) {
      try {
        this.deps.limiter.hit('login_account', account);
      } catch {
        // Over the limit: this attempt still answers as a wrong password; the next one is refused.
      }
      fail('CONVOT_ERR_BAD_CREDENTIALS');
    }
    const token = await this.repos.agents.createSession(agent.id, SESSION_DAYS * 24);
    const { password_hash: _hash, disabled: _disabled, ...profile } = agent;
    return { agent: profile, token, maxAgeSeconds: SESSION_DAYS * 86400 };
  }

  /** Ends the session (if any); its sockets close on every instance. */
  async logout(token: string | undefined): Promise<void> {
    if (token) await this.deps.chat.signOut(token);
  }

  /** Who is signed in: `agent` is null when nobody is (a question, not an error). */
  async me(token: string | undefined): Promise<{ agent: AgentProfile | null; agents_online: number }> {
    const agent = token ? await this.repos.agents.findBySession(token) : null;
    return { agent, agents_online: agent ? await this.repos.agents.countAvailable(agent.apps) : 0 };
  }

  /** The signed-in agent of a session token; 401 without one. */
  async authenticate(token: string | undefined): Promise<AgentProfile> {
    const agent = token ? await this.repos.agents.findBySession(token) : null;
    if (!agent) fail('CONVOT_ERR_AGENT_AUTH_REQUIRED');
    return agent;
  }

  /**
   * Newest activity first, a page at a time. One extra row tells whether there is more; a
   * `before` the agent cannot see is a 404, not an empty page.
   */
  async conversations(agent: AgentProfile, { before, limit, q, status, unread, app }: ConversationPageQuery): Promise<{ conversations: ConversationSummary[]; has_more: boolean }> {
    const { conversations } = this.repos;
    if (before !== undefined && !(await conversations.idForAgent(before, agent.apps))) fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND, 'before');
    // Another app is as absent as an unknown one.
    if (app !== undefined && !(inScope(agent.apps, app) && (await this.repos.apps.find(app)))) fail('CONVOT_ERR_NOT_FOUND', `No app ${app} among yours.`, 'app');
    const words = q === undefined ? undefined : searchWords(q);
    // A search of no words (only punctuation) finds nothing rather than everything.
    if (words && !words.length) return { conversations: [], has_more: false };
    const page = await conversations.summaries({ before, limit: limit + 1, apps: agent.apps, app, status, unread, words });
    return { conversations: page.slice(0, limit), has_more: page.length > limit };
  }

  /** Messages after `after` (all when 0) plus the visitor's timeline. */
  async history(agent: AgentProfile, conversationId: string, after: number): Promise<History> {
    const { conversations, visitors } = this.repos;
    const internal = await conversations.idForAgent(conversationId, agent.apps);
    const summary = internal ? await conversations.summary(internal) : null;
    if (!internal || !summary) fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND);
    const visitorId = (await conversations.visitorOf(conversationId))!;
    return { conversation: summary, messages: await conversations.messagesAfter(internal, after), events: await visitors.events(visitorId) };
  }

  reply(agent: AgentProfile, conversationId: string, message: SendBody): Promise<SendResult> {
    return this.deps.chat.sendAgentMessage(conversationId, agent, message.client_id, message.body);
  }

  /** Offers a meeting type of the conversation's app as a card (404 naming the id when the app has no such type). */
  async offerBooking(agent: AgentProfile, conversationId: string, body: OfferBookingBody): Promise<SendResult> {
    const { chat, repos } = this.deps;
    const appId = await chat.appOfConversation(conversationId, agent);
    const type = await repos.meetingTypes.find(appId, body.meeting_type_id);
    if (!type) fail('CONVOT_ERR_NOT_FOUND', `This app has no meeting type ${body.meeting_type_id}.`, 'meeting_type_id');
    const card: BookingCard = { type: 'booking', meeting_type_id: type.id, name: type.name, duration_minutes: type.duration_minutes };
    return chat.sendAgentMessage(conversationId, agent, body.client_id, `${type.name} (${type.duration_minutes} min): pick a time to book.`, card);
  }

  /** Sends a published article of the conversation's app as a card; `siteOf` gives the app's help site (links). */
  async sendArticle(agent: AgentProfile, conversationId: string, body: SendArticleBody, siteOf: (app: AppRow) => HelpSite): Promise<SendResult> {
    const { chat, help, repos } = this.deps;
    const app = await repos.apps.find(await chat.appOfConversation(conversationId, agent));
    if (!app) fail('CONVOT_ERR_NOT_FOUND', 'No conversation has this id.', 'conversation_id');
    const { card, text } = await help.card(app, body.locale, body.slug, siteOf(app));
    return chat.sendAgentMessage(conversationId, agent, body.client_id, text, card);
  }

  /** Typing frames have their own limit per sign-in, on top of `frame` (the inbox throttles them too). */
  typing(agent: AgentProfile, token: string, conversationId: string, typing: boolean): Promise<void> {
    this.deps.limiter.hit('typing', hashToken(token));
    return this.deps.chat.agentTyping(conversationId, agent, typing);
  }

  markRead(agent: AgentProfile, conversationId: string, seq: number): Promise<void> {
    return this.deps.chat.markAgentRead(conversationId, agent, seq);
  }

  /** Closes a conversation: the visitor's next message starts a new one. */
  close(agent: AgentProfile, conversationId: string): Promise<ConversationSummary> {
    return this.deps.chat.closeConversation(conversationId, agent);
  }

  /** Reopens a closed conversation; 409 CONVOT_ERR_OPEN_CONVERSATION_EXISTS if the visitor has another open one. */
  reopen(agent: AgentProfile, conversationId: string): Promise<ConversationSummary> {
    return this.deps.chat.reopenConversation(conversationId, agent);
  }

  /** The remembered Available/Away switch. */
  async setAway(agent: AgentProfile, away: boolean): Promise<{ online: boolean; away: boolean }> {
    await this.deps.chat.setAgentAway(agent.id, away);
    return { online: !away, away };
  }

  /**
   * Every inbox frame: counted against the `frame` limit of its sign-in, and refused once the
   * sign-in is gone (signed out, password changed, agent removed from the config). The check
   * is cached for a few seconds so a busy inbox costs no query per frame; sign-outs close
   * sockets at once anyway.
   */
  async checkFrame(token: string): Promise<void> {
    const hash = hashToken(token);
    this.deps.limiter.hit('frame', hash);
    const t = Date.now();
    if ((this.checked.get(hash) ?? 0) > t) return;
    if (!(await this.repos.agents.findBySession(token))) fail('CONVOT_ERR_AGENT_AUTH_REQUIRED');
    if (this.checked.size > 10_000) this.checked.clear();
    this.checked.set(hash, t + SESSION_RECHECK_MS);
  }

  /** An inbox socket: at most `limits.socket_session` per sign-in and `limits.socket_ip` per address. */
  admitSocket(token: string, ip: string): () => void {
    const releaseSession = this.deps.limiter.openSocket('socket_session', hashToken(token));
    try {
      const releaseIp = this.deps.limiter.openSocket('socket_ip', ip);
      return () => {
        releaseSession();
        releaseIp();
      };
    } catch (e) {
      releaseSession();
      throw e;
    }
  }

  /** The socket's `presence` frame: online false means Away. */
  setOnline(agent: AgentProfile, online: boolean): Promise<void> {
    return this.deps.chat.setAgentOnline(agent.id, online);
  }

  /**
   * An inbox socket opened with the session `token`. An open inbox is what makes an agent who
   * is not away reachable, so it counts until the socket closes. The `ready` frame is built in
   * the socket's own queue in the hub, so no event slips between it and live delivery. Returns
   * what to call when the socket closes.
   */
  connect(agent: AgentProfile, token: string, socket: AgentSocket): () => void {
    const { chat, hub, instanceId, log } = this.deps;
    const { agents, conversations } = this.repos;
    const peer: AgentPeer = {
      agentId: agent.id,
      apps: agent.apps,
      sessionHash: hashToken(token),
      lastSeq: new Map(),
      send: (f) => socket.send(f),
      close: (code, reason) => socket.close(code, reason),
    };
    const counted = chat.agentConnection(instanceId, agent.id, 1);
    const { detach } = hub.addAgent(peer, async () => {
      await counted;
      const fresh = (await agents.findById(agent.id)) ?? agent;
      // Conversations already listed start from their current seq; history is fetched on open.
      for (const c of await conversations.summaries({ apps: agent.apps })) peer.lastSeq.set(c.id, c.last_seq);
      socket.send({ type: 'ready', agent: fresh, agents_online: await agents.countAvailable(agent.apps) });
    });
    return () => {
      detach();
      void counted.then(() => chat.agentConnection(instanceId, agent.id, -1)).catch((e: unknown) => log.error(e));
    };
  }
}
