/**
 * What the widget's API and socket do, with their rules: sessions per app, which profile fields
 * a plain update may change, rate limits, and the socket's `ready` frame. Routes parse and call
 * one method here; storing and announcing go through Chat, identity through Identity.
 */
import { publicFlows } from '../chat-flows/config.js';
import type { AppPublicConfig, CloseCode, FlowAnswer, MessageCard, PageContext, SessionResponse, VisitorEvent, VisitorHistory, VisitorServerFrame, VisitorThread, VisitorUpdate } from '../../src/protocol/index.js';
import { fail } from '../errors.js';
import { mintIdentityToken } from '../identity/identity-token.js';
import { parseUserAgent } from '../user-agent.js';
import type { LimitName, RateLimiter } from '../rate-limit.js';
import type { Hub, VisitorPeer } from '../realtime/hub.js';
import { attachmentLimitsOf, type AppRow } from '../storage/apps-repo.js';
import type { Repositories } from '../storage/repositories.js';
import type { SocketOpen, VisitorSessionRow } from '../storage/visitors-repo.js';
import type { Chat, SendResult } from './chat.js';
import type { IdentifyResult, Identity } from './identity.js';

/** A visitor as every operation sees them: the app they talk to and their session in it. */
export interface VisitorCaller {
  app: AppRow;
  session: VisitorSessionRow;
}

/** A socket as the service sees it: where frames go, and whether it is still open. */
export interface VisitorSocket {
  send(frame: VisitorServerFrame): void;
  isOpen(): boolean;
  close(code: CloseCode, reason: string): void;
}

export interface VisitorServiceDeps {
  repos: Pick<Repositories, 'apps' | 'agents' | 'visitors' | 'conversations' | 'meetingTypes'>;
  chat: Chat;
  identity: Identity;
  hub: Hub;
  limiter: RateLimiter;
}

/** A page load's report: what the widget says, with browser and device from the socket's User-Agent. */
const pageLoadContext = (page: PageContext, userAgent: string): Record<string, string | null> => ({ url: null, referrer: null, language: null, time_zone: null, ...parseUserAgent(userAgent), ...page });

/** Two page reports say the same (nulls are no news: a stored null and a missing key agree). */
function sameContext(stored: Record<string, string | null> | null, next: Record<string, string | null>): boolean {
  const a = Object.entries(stored ?? {}).filter(([, v]) => v !== null);
  const b = Object.entries(next).filter(([, v]) => v !== null);
  return a.length === b.length && a.every(([k, v]) => next[k] === v);
}

export class VisitorService {
  constructor(private readonly deps: VisitorServiceDeps) {}

  /** Bytes a socket may have queued unsent before it is cut off (`limits.send_buffer_bytes`). */
  get sendBufferLimit(): number {
    return this.deps.limiter.caps.send_buffer_bytes;
  }

  private get repos() {
    return this.deps.repos;
  }

  /** The app a request names; an unknown id is refused before anything else. */
  async app(appId: string): Promise<AppRow> {
    const found = await this.repos.apps.find(appId);
    if (!found) fail('CONVOT_ERR_UNKNOWN_APP', `No app has the id ${JSON.stringify(appId)}.`);
    return found;
  }

  /** The app's public settings, but for its help center (`help`, `status_url`: HelpService). */
  async config(app: AppRow): Promise<Omit<AppPublicConfig, 'help' | 'status_url'>> {
    const [available, meetingTypes] = await Promise.all([this.repos.agents.appAvailable(app.id), this.repos.meetingTypes.count(app.id)]);
    return { app_id: app.id, name: app.name, available, appearance: app.appearance ?? {}, scheduling: meetingTypes ? { meeting_types: meetingTypes } : null, attachments: attachmentLimitsOf(app), chat_flows: publicFlows(app.chat_flows ?? []) };
  }

  /** Resumes the session of `token` in this app, or starts a new anonymous one (counted per IP). */
  async startSession(app: AppRow, token: string | undefined, ip: string): Promise<SessionResponse> {
    const existing = token ? await this.repos.visitors.findSession(app.id, token) : null;
    if (existing && token) return { session_id: existing.session_id, token, resumed: true };
    const created = await this.newVisitor(app, null, ip);
    return { session_id: created.session.session_id, token: created.token, resumed: false };
  }

  /** A new anonymous visitor and session (a session POST, or a socket's auth without a token), counted per IP. */
  private newVisitor(app: AppRow, context: Record<string, string | null> | null, ip: string) {
    this.deps.limiter.hit('session', ip);
    return this.repos.visitors.createSession(app.id, context);
  }

  /** The caller of a token, or null when the token is unknown in this app. */
  async find(app: AppRow, token: string | undefined): Promise<VisitorCaller | null> {
    const session = token ? await this.repos.visitors.findSession(app.id, token) : null;
    return session ? { app, session } : null;
  }

  /** The caller of a token (else 401), counted against `limit` when the operation has one. */
  async authenticate(app: AppRow, token: string | undefined, limit?: LimitName): Promise<VisitorCaller> {
    const caller = await this.find(app, token);
    if (!caller) fail('CONVOT_ERR_UNAUTHORIZED');
    if (limit) this.deps.limiter.hit(limit, caller.session.session_id);
    return caller;
  }

  /** The messages of the visitor's current conversation after `after`. */
  async history({ session }: VisitorCaller, after: number): Promise<VisitorHistory> {
    const conv = await this.repos.conversations.current(session.visitor_id);
    return {
      conversation_id: conv?.public_id ?? null,
      conversation_status: conv?.status ?? null,
      messages: conv ? await this.repos.conversations.messagesAfter(conv.id, after) : [],
    };
  }

  /**
   * A visitor message, over REST or the socket (one rate limit for both), also counted per
   * client IP (new sessions gain nothing), with new conversations limited per IP too.
   */
  async send({ app, session }: VisitorCaller, message: { client_id: string; body: string; card?: MessageCard } & Partial<FlowAnswer>, ip: string): Promise<SendResult & { conversationId: string }> {
    const { limiter } = this.deps;
    limiter.hit('message', session.session_id);
    limiter.hit('message_ip', ip);
    try {
      limiter.check('conversation_ip', ip);
    } catch (e) {
      // At the limit: only a message that would start a conversation is refused (one query, only then).
      const current = await this.repos.conversations.current(session.visitor_id);
      if (!current || current.status !== 'open') throw e;
    }
    const flows = app.chat_flows ?? [];
    // Only a message in a flow of this app takes the flow path (a transaction); the rest is one statement.
    const inFlow = message.flow !== undefined && flows.some((f) => f.id === message.flow);
    const result = inFlow
      ? await this.deps.chat.sendFlowMessage(session, message.client_id, message.body, message, flows)
      : await this.deps.chat.sendVisitorMessage(session, message.client_id, message.body, message.card ?? null);
    if (result.created && ('started' in result ? result.started : result.message.seq === 1)) {
      try {
        limiter.hit('conversation_ip', ip);
      } catch {
        // This one is stored; the next new conversation from this address is refused.
      }
    }
    return result;
  }

  /** An open visitor socket: at most `limits.socket_ip` per address (before auth). */
  admitSocket(ip: string): () => void {
    return this.deps.limiter.openSocket('socket_ip', ip);
  }

  /** An authenticated visitor socket: at most `limits.socket_session` per session. */
  admitSession({ session }: VisitorCaller): () => void {
    return this.deps.limiter.openSocket('socket_session', session.session_id);
  }

  /**
   * `set user:*`, session data and segments. Who the visitor is changes only through identify:
   * a plain update cannot set external_id or user_hash, change a verified visitor's email, or
   * set an email at all where the app requires verification.
   */
  async update({ app, session }: VisitorCaller, update: VisitorUpdate): Promise<void> {
    for (const field of ['external_id', 'user_hash'] as const) {
      if (update[field] !== undefined) fail('CONVOT_ERR_BAD_REQUEST', `${field} is set with identify (POST identify), not here.`, field);
    }
    if (update.email !== undefined) {
      const current = await this.repos.visitors.identity(session.visitor_id);
      if (current.verified && update.email.toLowerCase() !== current.email?.toLowerCase()) {
        fail('CONVOT_ERR_IDENTITY_CONFLICT', 'This visitor is verified; change their email with a verified identify.', 'email');
      }
      if (!current.verified && app.require_verification) {
        fail('CONVOT_ERR_VERIFICATION_REQUIRED', `App ${app.id} requires verification: set the email with identify and a user_hash.`, 'email');
      }
    }
    await this.deps.chat.updateVisitor(session, update);
  }

  identify({ app, session }: VisitorCaller, input: VisitorUpdate): Promise<IdentifyResult> {
    return this.deps.identity.identify(app, session, input);
  }

  /** The `?convot_identity=` hand-off: a signed identity token identifies the visitor. */
  identifyWithToken({ app, session }: VisitorCaller, token: string): Promise<IdentifyResult> {
    return this.deps.identity.identifyWithToken(app, session, token);
  }

  /** Closes the visitor's open conversation, if any, so their next message starts a new one. */
  async closeConversation({ app, session }: VisitorCaller): Promise<{ closed: boolean }> {
    const current = await this.repos.conversations.current(session.visitor_id);
    if (!current || current.status !== 'open') return { closed: false };
    await this.deps.chat.closeForVisitor(current.public_id, app.id);
    return { closed: true };
  }

  /** The visitor's conversations in this app (their earlier threads), newest activity first. */
  threads({ session }: VisitorCaller, query: { before?: string; limit: number }): Promise<{ threads: VisitorThread[]; has_more: boolean }> {
    return this.repos.conversations.threadsOf(session.visitor_id, query.before, query.limit);
  }

  /** The visitor picks one of their threads: it becomes their open conversation (see Chat.selectForVisitor). */
  selectThread({ session }: VisitorCaller, conversationId: string): Promise<{ conversation_id: string; status: 'open' }> {
    return this.deps.chat.selectForVisitor(session, conversationId);
  }

  /** `Convot.identityToken()`: a short-lived token for a verified visitor, else null. */
  async identityToken({ app, session }: VisitorCaller): Promise<{ token: string | null }> {
    const claims = await this.deps.identity.verifiedClaims(session);
    return { token: claims && app.identity_secret ? await mintIdentityToken(app.identity_secret, claims) : null };
  }

  /** `set session:event`: a named event on the visitor's timeline, shown to agents. */
  addEvent({ session }: VisitorCaller, event: VisitorEvent): Promise<void> {
    // `convot:` names are the server's own timeline events (bookings): a page cannot forge them.
    if (event.name.startsWith('convot:')) fail('CONVOT_ERR_BAD_REQUEST', 'Event names starting with "convot:" are reserved for the server.', 'name');
    return this.deps.chat.addVisitorEvent(session, event);
  }

  /**
   * Where the visitor is. With `userAgent` (the socket's auth: a page load) the report replaces
   * the stored one, browser and device derived from the socket's User-Agent; without it (a route
   * change) it is merged into it.
   */
  reportPage({ session }: VisitorCaller, page: PageContext, userAgent?: string, stored?: SocketOpen['context']): Promise<void> {
    if (userAgent === undefined) return this.deps.chat.setVisitorContext(session, { ...page }, false);
    const context = pageLoadContext(page, userAgent);
    // A reload of the page already stored (`stored`: read when the socket opened) writes nothing now.
    if (stored !== undefined && sameContext(stored, context)) {
      this.repos.visitors.contextUnchanged(session.session_id);
      return Promise.resolve();
    }
    return this.deps.chat.setVisitorContext(session, context, true);
  }

  /** Every frame after auth (read and ping too) counts against the session's `frame` limit. */
  countFrame({ session }: VisitorCaller): void {
    this.deps.limiter.hit('frame', session.session_id);
  }

  /** Typing frames have their own limit on top of `frame` (the widget throttles them too). */
  typing({ session }: VisitorCaller, typing: boolean, text?: string): Promise<void> {
    this.deps.limiter.hit('typing', session.session_id);
    return this.deps.chat.visitorTyping(session, typing, text);
  }

  markRead({ session }: VisitorCaller, seq: number): Promise<void> {
    return this.deps.chat.markVisitorRead(session, seq);
  }

  /**
   * Authenticates a visitor socket, sends its `ready` frame and starts live delivery. One
   * statement reads the session of `auth.token` with all `ready` needs (profile, current
   * conversation with its read marks, availability, the stored page report); the history
   * after `last_seq` is read only when the client is behind. Without a token (a new visitor)
   * one statement creates the visitor and session with the page report instead, counted per
   * address like a session POST, and `ready` carries the new token. Null for an unknown token;
   * `admit` runs once the caller is known and throws to refuse the socket (its cap). The
   * socket then joins the hub and sends `ready` in its own queue, so no other socket's delivery
   * holds it up; an event the hub delivered to this visitor between the read and the join
   * makes it read again there, so nothing slips between the read and live delivery.
   */
  async openSocket(
    app: AppRow,
    auth: { token?: string; last_seq: number; page?: PageContext },
    client: { ip: string; userAgent: string },
    socket: VisitorSocket,
    admit: (caller: VisitorCaller) => void,
  ): Promise<{ caller: VisitorCaller; context: SocketOpen['context']; fresh: boolean; detach: () => void } | null> {
    const { hub } = this.deps;
    const lastSeq = auth.last_seq;
    const watch = hub.watchOpen();
    try {
      const created = auth.token === undefined ? await this.newVisitor(app, pageLoadContext(auth.page ?? {}, client.userAgent), client.ip) : null;
      const token = created?.token ?? auth.token!;
      const opened = created ?? (await this.repos.visitors.openSocket(app.id, token));
      if (!opened) return null;
      const fresh = created !== null;
      const { session } = opened;
      const caller = { app, session };
      admit(caller);
      const peer: VisitorPeer = { visitorId: session.visitor_id, appId: app.id, conversationId: null, status: null, lastSeq, send: (f) => socket.send(f), close: (code, reason) => socket.close(code, reason) };
      let missed = false;
      const { detach, ready } = hub.addVisitor(peer, async () => {
        const { conversation: conv, available, profile } = (missed && (await this.repos.visitors.openSocket(app.id, token))) || opened;
        // A last_seq beyond the conversation's end belongs to another conversation: resend all.
        const after = conv && lastSeq <= conv.last_seq ? lastSeq : 0;
        const messages = conv && conv.last_seq > after ? await this.repos.conversations.messagesAfter(conv.id, after) : [];
        peer.conversationId = conv?.id ?? null;
        peer.status = conv?.status ?? null;
        peer.lastSeq = messages.at(-1)?.seq ?? after;
        peer.seenSeq = Number(conv?.agent_read_seq ?? 0);
        peer.readSeq = Number(conv?.visitor_read_seq ?? 0);
        peer.available = available;
        hub.readAvailability(app.id, available);
        socket.send({
          type: 'ready',
          session_id: session.session_id,
          conversation_id: conv?.public_id ?? null,
          conversation_status: conv?.status ?? null,
          messages,
          read_seq: conv?.visitor_read_seq ?? 0,
          seen_seq: Number(conv?.agent_read_seq ?? 0),
          available,
          visitor: profile,
          ...(fresh ? { token } : {}),
        });
      });
      // Asked at the join, before the turn above runs: from here on the hub delivers to the socket.
      missed = watch.missed(session.visitor_id, app.id);
      watch.end();
      await ready.catch(() => undefined);
      if (!socket.isOpen()) detach();
      return { caller, context: opened.context, fresh, detach };
    } finally {
      watch.end();
    }
  }
}
