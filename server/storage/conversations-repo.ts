/**
 * The conversations aggregate: conversations (status, seq counters, read marks) and their
 * messages. Agent-facing reads and changes take the agent's app scope and treat another app's
 * conversation as absent.
 */
import { chatMarkdown } from '../../src/markdown/chat.js';
import { docText } from '../../src/markdown/parse.js';
import { THREAD_PREVIEW_MAX, type VisitorThread } from '../../src/protocol/threads.js';
import type { Author, ConversationStatus, ConversationSummary, MessageCard, VisitorContext, VisitorProfile, WireMessage } from '../../src/protocol/index.js';
import { newPublicId } from '../identity/secrets.js';
import type { NotifyTarget } from '../realtime/fanout.js';
import type { AppScope } from '../tenancy.js';
import { isUniqueViolation, iso, type Db, type Queryable } from './db.js';
import type { VisitorSessionRow } from './visitors-repo.js';
import { GroupCommit, type Merge } from './group-commit.js';

/** A conversation's routing facts: whose it is, which app, where it stands. */
export interface ConversationState {
  id: string;
  public_id: string;
  visitor_id: string;
  app_id: string;
  status: ConversationStatus;
  last_seq: number;
  visitor_read_seq: number;
  /** Highest seq the team has read: the visitor's messages up to it show "Seen". */
  agent_read_seq: number;
}

/** What an agent's change to a conversation came to. */
export type ConversationChange =
  | { kind: 'changed'; id: string }
  /** Already in the asked-for state: nothing to announce. */
  | { kind: 'unchanged'; id: string }
  /** No such conversation among the agent's apps. */
  | { kind: 'not_found' }
  /** Reopen only: the visitor has this other open conversation. */
  | { kind: 'conflict'; open_id: string };

/** A stored message and where it routes; `notified` when its statement announced it already. */
export interface Stored {
  message: WireMessage;
  created: boolean;
  conversationId: string;
  visitorId: string;
  appId: string;
  notified: boolean;
}

export type AgentSend =
  | ({ kind: 'stored' } & Stored)
  | { kind: 'not_found' }
  | { kind: 'closed' };

interface MessageRow {
  conversation_public_id: string;
  seq: number;
  client_id: string | null;
  author: Author;
  agent_name: string | null;
  agent_avatar_url?: string | null;
  body: string;
  created_at: Date | string;
  card: MessageCard | null;
}

function toWire(r: MessageRow): WireMessage {
  const message: WireMessage = {
    conversation_id: r.conversation_public_id,
    seq: Number(r.seq),
    client_id: r.client_id,
    author: r.author,
    // The bot names itself in its card (it has no agents row).
    agent_name: r.author === 'bot' && r.card?.type === 'bot' ? r.card.name : r.agent_name,
    body: r.body,
    created_at: iso(r.created_at)!,
  };
  if (r.card) message.card = r.card;
  if (r.agent_avatar_url) message.agent_avatar_url = r.agent_avatar_url;
  // Parsed per read rather than stored: the body stays the one source of truth, and a parse is
  // cheap next to the read (only bodies with Markdown syntax are parsed at all).
  const md = r.card ? undefined : chatMarkdown(r.body);
  if (md) message.md = md;
  return message;
}

/** The most messages one conversation returns at once (history, catch-up). */
export const MESSAGES_CAP = 10_000;

/** A conversation id visible to the agent scope in the given parameter (NULL: every app). */
const scoped = (param: number, alias = 'c') => `($${param}::text[] IS NULL OR ${alias}.app_id = ANY($${param}::text[]))`;

/**
 * A visitor's current conversation (the open one, else the latest closed one), as `columns`;
 * the visitor id is the SQL `visitor`. The order names the table's columns, not `columns`' aliases.
 */
export const currentConversationOf = (visitor: string, columns = 'id') => `SELECT ${columns} FROM conversations WHERE visitor_id = ${visitor}
  ORDER BY conversations.status = 'open' DESC, conversations.created_at DESC, conversations.id DESC LIMIT 1`;
const CURRENT_CONVERSATION = currentConversationOf('$1');

/** ConversationState's columns. */
export const STATE_COLUMNS = 'id::text AS id, public_id, visitor_id::text AS visitor_id, app_id, status, last_seq, visitor_read_seq, agent_read_seq';
const STATE_SELECT = `SELECT ${STATE_COLUMNS} FROM conversations`;

const MESSAGE_SELECT = `
  SELECT c.public_id AS conversation_public_id, m.seq, m.client_id, m.author, a.name AS agent_name, a.avatar_url AS agent_avatar_url, m.body, m.created_at, m.card
  FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN agents a ON a.id = m.agent_id`;

export class ConversationsRepo {
  /** Message appends from concurrent senders share a commit (see group-commit.ts). */
  private readonly appends: GroupCommit;

  constructor(private readonly db: Db) {
    this.appends = new GroupCommit(db);
  }

  /** The visitor's current conversation: the open one, else the latest closed one (its history stays shown). */
  async current(visitorId: string): Promise<ConversationState | null> {
    const rows = await this.db.query<ConversationState>(`${STATE_SELECT} WHERE id = (${CURRENT_CONVERSATION})`, [visitorId]);
    return rows[0] ?? null;
  }

  /**
   * Stores a visitor message in the visitor's open conversation (starting one when there is none,
   * e.g. after a close). Idempotent on client_id: a retry returns the stored message and
   * `created: false`. The usual case (an open conversation, a new client id) is one statement
   * that bumps the seq, inserts, returns the row and, given a target, announces the commit; the
   * rest (first message, a retry, a race) takes the locking transaction.
   */
  async addVisitorMessage(session: VisitorSessionRow, clientId: string, body: string, target?: NotifyTarget, card: MessageCard | null = null): Promise<Stored> {
    const fast = await this.appendFast(
      `c.visitor_id = $5 AND c.status = 'open'`,
      [session.visitor_id],
      'visitor',
      null,
      clientId,
      body,
      target,
      card,
    );
    if (fast) return fast;
    return this.db.transaction(async (q) => {
      const id = await this.lockOpenConversation(q, session);
      return { ...(await this.append(q, id, 'visitor', null, clientId, body, card)), conversationId: id, visitorId: session.visitor_id, appId: session.app_id, notified: false };
    });
  }

  /**
   * One statement: bump the open conversation's last_seq, insert the message with it, return the
   * row (and pg_notify, delivered at commit). The row lock of the UPDATE keeps seq gap-free; a
   * closed conversation or a stored client id matches no row (null: the caller's slow path); two
   * racing sends of one client id meet in the unique index (DuplicateRace, retried).
   */
  private async appendFast(
    where: string,
    whereParams: unknown[],
    author: Author,
    agentId: string | null,
    clientId: string,
    body: string,
    target: NotifyTarget | undefined,
    card: MessageCard | null = null,
  ): Promise<Stored | null> {
    // An agent who replies has read everything, and takes over from a waiting bot.
    const agentRead = author === 'agent' ? ', agent_read_seq = c.last_seq + 1, bot_step = NULL' : '';
    const notify = target
      ? `, n AS (SELECT pg_notify($1, json_build_object('k', 'message', 'c', conv.id::text, 's', conv.last_seq, 'v', conv.visitor_id::text, 'a', conv.app_id, 'i', $2::text)::text) AS x FROM conv)`
      : `, n AS (SELECT $1::text AS a, $2::text AS b)`;
    let rows: (MessageRow & { id: string; visitor_id: string; app_id: string })[];
    try {
      rows = await this.appends.query(
        `WITH conv AS (
           UPDATE conversations c SET last_seq = c.last_seq + 1, last_message_at = now()${agentRead}
           WHERE ${where} AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.client_id = $3)
           RETURNING c.id, c.public_id, c.last_seq, c.visitor_id, c.app_id
         ), ins AS (
           INSERT INTO messages (conversation_id, seq, client_id, author, agent_id, body, card)
           SELECT id, last_seq, $3, '${author}', $4::bigint, $${whereParams.length + 5}, $${whereParams.length + 6}::jsonb FROM conv
           RETURNING conversation_id, seq, client_id, author, body, created_at, card
         )${notify}
         SELECT conv.id::text AS id, conv.visitor_id::text AS visitor_id, conv.app_id, conv.public_id AS conversation_public_id,
           ins.seq, ins.client_id, ins.author, (SELECT a.name FROM agents a WHERE a.id = $4::bigint) AS agent_name,
           (SELECT a.avatar_url FROM agents a WHERE a.id = $4::bigint) AS agent_avatar_url, ins.body, ins.created_at, ins.card
         FROM ins JOIN conv ON conv.id = ins.conversation_id CROSS JOIN n`,
        [target?.channel ?? null, target?.instance ?? null, clientId, agentId, ...whereParams, body, card === null ? null : JSON.stringify(card)],
        author === 'visitor' ? (target ? VISITOR_APPENDS_NOTIFIED : VISITOR_APPENDS) : undefined,
      );
    } catch (e) {
      if (isUniqueViolation(e)) throw new DuplicateRace();
      throw e;
    }
    const row = rows[0];
    if (!row) return null;
    return { message: toWire(row), created: true, conversationId: row.id, visitorId: row.visitor_id, appId: row.app_id, notified: !!target };
  }

  /**
   * Locks the visitor's open conversation, creating it when there is none. FOR UPDATE alone
   * locks nothing when no row exists, so simultaneous first sends rely on the unique index of
   * open conversations: a losing INSERT waits for the winner's commit and does nothing, and the
   * next SELECT (a fresh snapshot under READ COMMITTED) finds and locks the winner's row.
   */
  private async lockOpenConversation(q: Queryable, session: VisitorSessionRow): Promise<string> {
    // A second round is needed only if the conversation we lost to was closed in between.
    for (let round = 0; round < 3; round++) {
      const [open] = await q.query<{ id: string }>(`SELECT id::text AS id FROM conversations WHERE visitor_id = $1 AND status = 'open' FOR UPDATE`, [
        session.visitor_id,
      ]);
      if (open) return open.id;
      const [created] = await q.query<{ id: string }>(
        `INSERT INTO conversations (public_id, app_id, visitor_id) VALUES ($1, $2, $3)
         ON CONFLICT (visitor_id) WHERE status = 'open' DO NOTHING RETURNING id::text AS id`,
        [newPublicId('cnv'), session.app_id, session.visitor_id],
      );
      if (created) return created.id;
    }
    throw new DuplicateRace();
  }

  /**
   * A visitor message in a chat flow, in one transaction with what the bot does about it: the
   * open conversation (created if needed), `plan` decides from its flow state what is stored
   * before the visitor's message (the bot's first step, which the widget showed unstored), the
   * visitor's card, what follows (the next step or the hand-over) and the new flow state. A
   * retry of a stored client id returns it and does nothing else. Announcing is the caller's.
   */
  async addFlowMessage(session: VisitorSessionRow, clientId: string, body: string, plan: (conv: FlowState) => FlowPlan): Promise<{ stored: Stored[]; visitor: Stored }> {
    return this.db.transaction(async (q) => {
      const id = await this.lockOpenConversation(q, session);
      const where = { conversationId: id, visitorId: session.visitor_id, appId: session.app_id, notified: false };
      const existing = await this.storedMessage(q, id, clientId);
      if (existing) {
        const visitor = { message: existing, created: false, ...where };
        return { stored: [visitor], visitor };
      }
      const [state] = await q.query<FlowState>('SELECT flow_id, bot_step, last_seq FROM conversations WHERE id = $1', [id]);
      const p = plan(state!);
      const out: Stored[] = [];
      const bot = async (m: FlowPlan['before'][number], n: number) =>
        out.push({ ...(await this.append(q, id, 'bot', null, `bot:${clientId}:${n}`, m.body, m.card)), ...where });
      let n = 0;
      for (const m of p.before) await bot(m, n++);
      const visitor = { ...(await this.append(q, id, 'visitor', null, clientId, body, p.card)), ...where };
      out.push(visitor);
      for (const m of p.after) await bot(m, n++);
      await q.query(
        `UPDATE conversations SET flow_id = COALESCE(flow_id, $2), bot_step = $3,
           tags = ARRAY(SELECT DISTINCT t FROM unnest(tags || $4::text[]) t ORDER BY t),
           assignee_id = COALESCE((SELECT a.id FROM agents a WHERE a.email = $5), assignee_id)
         WHERE id = $1`,
        [id, p.flowId, p.botStep, p.tags, p.assignee],
      );
      return { stored: out, visitor };
    });
  }

  /** Stores an agent reply in a conversation of the agent's apps that is open (one statement usually). */
  async addAgentMessage(conversationPublicId: string, agentId: string, scope: AppScope, clientId: string, body: string, target?: NotifyTarget, card: MessageCard | null = null): Promise<AgentSend> {
    const fast = await this.appendFast(`c.public_id = $5 AND ${scoped(6)} AND c.status = 'open'`, [conversationPublicId, scope], 'agent', agentId, clientId, body, target, card);
    if (fast) return { kind: 'stored', ...fast };
    return this.db.transaction(async (q): Promise<AgentSend> => {
      const [conv] = await q.query<{ id: string; status: ConversationStatus; visitor_id: string; app_id: string }>(
        `SELECT c.id::text AS id, c.status, c.visitor_id::text AS visitor_id, c.app_id FROM conversations c WHERE c.public_id = $1 AND ${scoped(2)} FOR UPDATE`,
        [conversationPublicId, scope],
      );
      if (!conv) return { kind: 'not_found' };
      const where = { conversationId: conv.id, visitorId: conv.visitor_id, appId: conv.app_id, notified: false };
      const existing = await this.storedMessage(q, conv.id, clientId);
      // A retry of a reply stored before the close still gets its ack.
      if (existing) return { kind: 'stored', message: existing, created: false, ...where };
      if (conv.status !== 'open') return { kind: 'closed' };
      const result = await this.append(q, conv.id, 'agent', agentId, clientId, body, card);
      // An agent who replies has read everything up to their reply.
      await q.query('UPDATE conversations SET agent_read_seq = GREATEST(agent_read_seq, $2), bot_step = NULL WHERE id = $1', [conv.id, result.message.seq]);
      return { kind: 'stored', ...result, ...where };
    });
  }

  /** Closes a conversation of the agent's apps; the visitor's next message starts a new one. */
  async close(conversationPublicId: string, scope: AppScope): Promise<ConversationChange> {
    const [closed] = await this.db.query<{ id: string }>(
      `UPDATE conversations c SET status = 'closed', closed_at = now()
       WHERE c.public_id = $1 AND ${scoped(2)} AND c.status = 'open' RETURNING id::text AS id`,
      [conversationPublicId, scope],
    );
    if (closed) return { kind: 'changed', id: closed.id };
    return this.unchangedOrMissing(conversationPublicId, scope);
  }

  /**
   * Reopens a closed conversation of the agent's apps. Refused (`conflict`) while the visitor has
   * another open conversation: the unique index decides, so a racing first message cannot
   * slip a second open conversation in.
   */
  async reopen(conversationPublicId: string, scope: AppScope): Promise<ConversationChange> {
    try {
      const [reopened] = await this.db.query<{ id: string }>(
        `UPDATE conversations c SET status = 'open', closed_at = NULL
         WHERE c.public_id = $1 AND ${scoped(2)} AND c.status = 'closed' RETURNING id::text AS id`,
        [conversationPublicId, scope],
      );
      if (reopened) return { kind: 'changed', id: reopened.id };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const [open] = await this.db.query<{ public_id: string }>(
        `SELECT o.public_id FROM conversations o JOIN conversations c ON c.visitor_id = o.visitor_id
         WHERE c.public_id = $1 AND o.status = 'open'`,
        [conversationPublicId],
      );
      // The other one may have closed since; the agent can simply try again.
      return { kind: 'conflict', open_id: open?.public_id ?? '' };
    }
    return this.unchangedOrMissing(conversationPublicId, scope);
  }

  private async unchangedOrMissing(conversationPublicId: string, scope: AppScope): Promise<ConversationChange> {
    const id = await this.idForAgent(conversationPublicId, scope);
    return id ? { kind: 'unchanged', id } : { kind: 'not_found' };
  }

  private async storedMessage(q: Queryable, conversationId: string, clientId: string): Promise<WireMessage | null> {
    const rows = await q.query<MessageRow>(`${MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.client_id = $2`, [conversationId, clientId]);
    return rows[0] ? toWire(rows[0]) : null;
  }

  /** Appends inside a transaction that holds the conversation row lock, so seq is gap-free. */
  private async append(q: Queryable, conversationId: string, author: Author, agentId: string | null, clientId: string, body: string, card: MessageCard | null = null) {
    const existing = await this.storedMessage(q, conversationId, clientId);
    if (existing) return { message: existing, created: false };
    const [{ last_seq: seq } = { last_seq: 0 }] = await q.query<{ last_seq: number }>(
      'UPDATE conversations SET last_seq = last_seq + 1, last_message_at = now() WHERE id = $1 RETURNING last_seq',
      [conversationId],
    );
    try {
      await q.query('INSERT INTO messages (conversation_id, seq, client_id, author, agent_id, body, card) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)', [
        conversationId,
        seq,
        clientId,
        author,
        agentId,
        body,
        card === null ? null : JSON.stringify(card),
      ]);
    } catch (e) {
      if (isUniqueViolation(e)) throw new DuplicateRace();
      throw e;
    }
    const [row] = await q.query<MessageRow>(`${MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.seq = $2`, [conversationId, seq]);
    return { message: toWire(row!), created: true };
  }

  /**
   * Messages after a seq, oldest first. Callers rely on getting ALL of them (a socket's lastSeq
   * moves to the last one), so the cap is only a guard against a runaway conversation.
   */
  async messagesAfter(conversationId: string, afterSeq: number, limit = MESSAGES_CAP): Promise<WireMessage[]> {
    const rows = await this.db.query<MessageRow>(`${MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3`, [
      conversationId,
      afterSeq,
      limit,
    ]);
    return rows.map(toWire);
  }

  /** Marks the visitor's current conversation (the one their widget shows) read up to seq. */
  /** Moves the visitor's read mark forward; the conversation's id only when it moved (else null: nothing to announce). */
  async markVisitorRead(visitorId: string, seq: number): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE conversations SET visitor_read_seq = LEAST($2, last_seq)
       WHERE id = (${CURRENT_CONVERSATION}) AND visitor_read_seq < LEAST($2, last_seq) RETURNING id::text AS id`,
      [visitorId, seq],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Moves the agents' read mark forward. Null when the agent cannot see the conversation;
   * `changed` false when the mark did not move (nothing to announce).
   */
  async markAgentRead(conversationPublicId: string, scope: AppScope, seq: number): Promise<{ id: string; changed: boolean } | null> {
    const rows = await this.db.query<{ id: string; changed: boolean }>(
      `WITH target AS (SELECT c.id FROM conversations c WHERE c.public_id = $1 AND ${scoped(3)}),
       moved AS (UPDATE conversations c SET agent_read_seq = LEAST($2, c.last_seq) FROM target t
                 WHERE c.id = t.id AND c.agent_read_seq < LEAST($2, c.last_seq) RETURNING c.id)
       SELECT t.id::text AS id, EXISTS (SELECT 1 FROM moved) AS changed FROM target t`,
      [conversationPublicId, seq, scope],
    );
    return rows[0] ?? null;
  }

  /** The internal id behind a public id, whatever the app (the hub's catch-up). */
  async idByPublicId(publicId: string): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>('SELECT id::text AS id FROM conversations WHERE public_id = $1', [publicId]);
    return rows[0]?.id ?? null;
  }

  /** The internal id of a conversation an agent of `scope` may see; null otherwise (a 404). */
  async idForAgent(publicId: string, scope: AppScope): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>(`SELECT c.id::text AS id FROM conversations c WHERE c.public_id = $1 AND ${scoped(2)}`, [publicId, scope]);
    return rows[0]?.id ?? null;
  }

  /**
   * Where an agent's typing goes: the conversation (open, among the agent's apps) and the
   * agent's public face (name, avatar), in one read.
   */
  async typingTarget(publicId: string, scope: AppScope, agentId: string): Promise<(ConversationState & { agent_name: string; agent_avatar_url: string | null }) | null> {
    const rows = await this.db.query<ConversationState & { agent_name: string; agent_avatar_url: string | null }>(
      `SELECT c.id::text AS id, c.public_id, c.visitor_id::text AS visitor_id, c.app_id, c.status, c.last_seq, c.visitor_read_seq, c.agent_read_seq,
         a.name AS agent_name, a.avatar_url AS agent_avatar_url
       FROM conversations c JOIN agents a ON a.id = $3::bigint
       WHERE c.public_id = $1 AND ${scoped(2)}`,
      [publicId, scope, agentId],
    );
    return rows[0] ?? null;
  }

  /** The visitor (internal id) a conversation belongs to. */
  async visitorOf(publicId: string): Promise<string | null> {
    const rows = await this.db.query<{ visitor_id: string }>('SELECT visitor_id::text AS visitor_id FROM conversations WHERE public_id = $1', [publicId]);
    return rows[0]?.visitor_id ?? null;
  }

  async state(conversationId: string): Promise<ConversationState | null> {
    const rows = await this.db.query<ConversationState>(`${STATE_SELECT} WHERE id = $1`, [conversationId]);
    return rows[0] ?? null;
  }

  // ---- the visitor's threads ----------------------------------------------------------------

  /**
   * A visitor's conversations, newest activity first (the inbox's order), `limit` of them after
   * the conversation `before`; `has_more` when there are older ones.
   */
  async threadsOf(visitorId: string, before: string | undefined, limit: number): Promise<{ threads: VisitorThread[]; has_more: boolean }> {
    const activity = 'COALESCE(c.last_message_at, c.created_at)';
    const rows = await this.db.query<{ public_id: string; status: ConversationStatus; created_at: Date | string; unread: number; author: Author | null; body: string | null; card: MessageCard | null; message_at: Date | string | null }>(
      `SELECT c.public_id, c.status, c.created_at,
         (SELECT count(*)::int FROM messages u WHERE u.conversation_id = c.id AND u.author <> 'visitor' AND u.seq > c.visitor_read_seq) AS unread,
         m.author, m.body, m.card, m.created_at AS message_at
       FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
       WHERE c.visitor_id = $1
         AND ($2::text IS NULL OR (${activity}, c.id) < (SELECT COALESCE(b.last_message_at, b.created_at), b.id FROM conversations b WHERE b.public_id = $2 AND b.visitor_id = $1))
       ORDER BY ${activity} DESC, c.id DESC LIMIT $3`,
      [visitorId, before ?? null, limit + 1],
    );
    const threads = rows.slice(0, limit).map((r): VisitorThread => ({
      conversation_id: r.public_id,
      status: r.status,
      last_message: r.author === null ? null : { author: r.author, body: previewText(r.body ?? '', r.card), created_at: iso(r.message_at)! },
      unread: Number(r.unread),
      created_at: iso(r.created_at)!,
    }));
    return { threads, has_more: rows.length > limit };
  }

  /**
   * Makes a conversation of the visitor's the open one: a closed one is reopened after their open
   * one (if any) is closed, in one transaction, so "one open conversation per visitor" holds.
   * `changed` lists what moved, in order (the close first), to announce; null when it is not theirs.
   */
  async selectForVisitor(visitorId: string, publicId: string): Promise<{ id: string; status: ConversationStatus; changed: string[] } | null> {
    const [target] = await this.db.query<{ id: string; status: ConversationStatus }>('SELECT id::text AS id, status FROM conversations WHERE public_id = $1 AND visitor_id = $2', [publicId, visitorId]);
    if (!target) return null;
    if (target.status === 'open') return { id: target.id, status: 'open', changed: [] };
    const attempt = () =>
      this.db.transaction(async (q) => {
        const closed = await q.query<{ id: string }>(
          `UPDATE conversations SET status = 'closed', closed_at = now() WHERE visitor_id = $1 AND status = 'open' AND id <> $2 RETURNING id::text AS id`,
          [visitorId, target.id],
        );
        const reopened = await q.query<{ id: string }>(`UPDATE conversations SET status = 'open', closed_at = NULL WHERE id = $1 AND status = 'closed' RETURNING id::text AS id`, [target.id]);
        return [...closed.map((r) => r.id), ...reopened.map((r) => r.id)];
      });
    let changed: string[];
    try {
      changed = await attempt();
    } catch (e) {
      // A first message started a conversation between the two statements: close that one too.
      if (!isUniqueViolation(e)) throw e;
      changed = await attempt();
    }
    return { id: target.id, status: 'open', changed };
  }

  // ---- the inbox's list -------------------------------------------------------------------

  /**
   * Conversation summaries by latest activity, newest first. `before` (a conversation's public
   * id) pages to the ones after it in that order.
   */
  async summaries(where: SummaryWhere = {}): Promise<ConversationSummary[]> {
    const params: unknown[] = [];
    const filters: string[] = [];
    const param = (v: unknown) => (params.push(v), `$${params.length}`);
    if (where.apps) filters.push(`c.app_id = ANY(${param(where.apps)}::text[])`);
    if (where.app !== undefined) filters.push(`c.app_id = ${param(where.app)}`);
    if (where.status !== undefined) filters.push(`c.status = ${param(where.status)}`);
    if (where.unread) filters.push(UNREAD);
    if (where.words?.length) {
      // Every word (the last one also as a prefix, for search as you type) in one message, or in
      // the visitor's name and email. The message side is a semi-join on the expression index.
      const tq = param(tsQuery(where.words));
      filters.push(`(v.search @@ to_tsquery('pg_catalog.simple'::regconfig, ${tq})
        OR c.id IN (SELECT m.conversation_id FROM messages m WHERE ${MESSAGE_TSVECTOR} @@ to_tsquery('pg_catalog.english'::regconfig, ${tq})))`);
    }
    // Activity order with a tiebreaker, so pages never skip or repeat a row.
    const activity = 'COALESCE(c.last_message_at, c.created_at)';
    if (where.id !== undefined) {
      params.push(where.id);
      filters.push(`c.id = $${params.length}`);
    }
    if (where.before !== undefined) {
      params.push(where.before);
      filters.push(`(${activity}, c.id) < (SELECT COALESCE(b.last_message_at, b.created_at), b.id FROM conversations b WHERE b.public_id = $${params.length})`);
    }
    params.push(where.limit ?? 200);
    const rows = await this.db.query<SummaryRow>(
      `SELECT c.id::text AS internal_id, c.public_id, c.app_id, c.status, c.closed_at, c.last_seq, c.agent_read_seq, c.visitor_read_seq, c.last_message_at, c.created_at,
         c.flow_id, c.tags, c.bot_step, asg.email AS assignee_email, asg.name AS assignee_name,
         (SELECT s.context || jsonb_build_object('updated_at', s.context_at) FROM visitor_sessions s
          WHERE s.visitor_id = c.visitor_id AND s.context IS NOT NULL ORDER BY s.context_at DESC LIMIT 1) AS context,
         v.public_id AS visitor_public_id, v.name, v.email, v.phone, v.company, v.avatar_url, v.external_id, v.verified, v.verified_by, v.custom_data, v.session_data, v.segments,
         (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.author = 'visitor' AND m.seq > c.agent_read_seq) AS unread_count
       FROM conversations c JOIN visitors v ON v.id = c.visitor_id LEFT JOIN agents asg ON asg.id = c.assignee_id
       ${filters.length ? `WHERE ${filters.join(' AND ')}` : ''}
       ORDER BY ${activity} DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
    const lastById = new Map<string, WireMessage>();
    if (rows.length) {
      const last = await this.db.query<MessageRow & { internal_id: string }>(
        `${MESSAGE_SELECT.replace('SELECT', 'SELECT c.id::text AS internal_id,')} WHERE (m.conversation_id, m.seq) IN
           (SELECT id, last_seq FROM conversations WHERE id = ANY($1::bigint[]))`,
        [rows.map((r) => r.internal_id)],
      );
      for (const m of last) lastById.set(m.internal_id, toWire(m));
    }
    return rows.map((r) => ({
      id: r.public_id,
      app_id: r.app_id,
      status: r.status,
      closed_at: iso(r.closed_at),
      visitor: {
        id: r.visitor_public_id,
        name: r.name,
        email: r.email,
        phone: r.phone,
        company: r.company,
        avatar_url: r.avatar_url,
        external_id: r.external_id,
        verified: r.verified,
        verified_by: r.verified_by,
        custom_data: r.custom_data ?? {},
        session_data: r.session_data ?? {},
        segments: r.segments ?? [],
      } satisfies VisitorProfile,
      last_seq: Number(r.last_seq),
      agent_read_seq: Number(r.agent_read_seq),
      visitor_read_seq: Number(r.visitor_read_seq),
      unread_count: Number(r.unread_count),
      last_message: lastById.get(r.internal_id) ?? null,
      last_message_at: iso(r.last_message_at),
      created_at: iso(r.created_at)!,
      context: toContext(r.context),
      flow_id: r.flow_id,
      tags: r.tags ?? [],
      assignee: r.assignee_email ? { email: r.assignee_email, name: r.assignee_name ?? r.assignee_email } : null,
      bot_active: r.bot_step !== null,
    }));
  }

  async summary(conversationId: string): Promise<ConversationSummary | null> {
    return (await this.summaries({ id: conversationId, limit: 1 }))[0] ?? null;
  }
}

/** A message as one line of plain text (Markdown reduced to its words; a card's body is its title), cut for a thread preview. */
function previewText(body: string, card: MessageCard | null): string {
  const md = card ? undefined : chatMarkdown(body);
  const text = (md ? docText(md) : body).replace(/\s+/g, ' ').trim();
  return text.length > THREAD_PREVIEW_MAX ? `${text.slice(0, THREAD_PREVIEW_MAX - 1)}…` : text;
}

/** Which conversations the inbox list shows (all filters together). */
export interface SummaryWhere {
  id?: string;
  before?: string;
  limit?: number;
  /** The agent's apps (null or absent: every app). */
  apps?: AppScope;
  /** One app (within `apps`). */
  app?: string;
  status?: ConversationStatus;
  /** Only conversations with visitor messages no agent has read. */
  unread?: boolean;
  /** Search words: letters and digits only (`searchWords`), so nothing else reaches to_tsquery. */
  words?: string[];
}

/** The message index's expression (migration 13); a query must repeat it exactly to use it. */
const MESSAGE_TSVECTOR = `to_tsvector('pg_catalog.english'::regconfig, m.body)`;

const UNREAD = `EXISTS (SELECT 1 FROM messages u WHERE u.conversation_id = c.id AND u.author = 'visitor' AND u.seq > c.agent_read_seq)`;

/** Words used from a search (the rest are ignored), and their longest useful length. */
export const MAX_SEARCH_WORDS = 8;

/** The words of a search: letters and digits only ("ada@example.com" → ada, example, com). */
export const searchWords = (q: string): string[] =>
  (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_SEARCH_WORDS).map((w) => w.slice(0, 64));

/** `refund & order:*`: every word, the last one also as a prefix once it has two letters. */
const tsQuery = (words: string[]): string => words.map((w, i) => (i === words.length - 1 && w.length >= 2 ? `${w}:*` : w)).join(' & ');

function toContext(c: Record<string, unknown> | null): VisitorContext | null {
  if (!c) return null;
  const s = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : null);
  const device = s('device');
  return {
    url: s('url'),
    referrer: s('referrer'),
    language: s('language'),
    time_zone: s('time_zone'),
    browser: s('browser'),
    os: s('os'),
    device: device === 'desktop' || device === 'mobile' || device === 'tablet' ? device : null,
    updated_at: iso(new Date(s('updated_at') ?? 0))!,
  };
}

interface SummaryRow {
  context: Record<string, unknown> | null;
  flow_id: string | null;
  tags: string[] | null;
  bot_step: string | null;
  assignee_email: string | null;
  assignee_name: string | null;
  internal_id: string;
  public_id: string;
  app_id: string;
  status: ConversationStatus;
  closed_at: Date | null;
  last_seq: number;
  agent_read_seq: number;
  visitor_read_seq: number;
  last_message_at: Date | null;
  created_at: Date;
  visitor_public_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  avatar_url: string | null;
  external_id: string | null;
  verified: boolean;
  verified_by: 'external_id' | 'email' | null;
  custom_data: Record<string, unknown>;
  session_data: Record<string, unknown>;
  segments: string[];
  unread_count: number;
}

/**
 * Visitor appends that share a commit, merged into one statement: each (visitor, client id) goes
 * to that visitor's open conversation unless it holds the client id already; seqs follow the
 * queue order within a conversation. An item with no row (no open conversation, a stored client
 * id) takes the slow path as a single append would. The members' params are appendFast's
 * visitor params: [channel, instance, client id, agent id (null), visitor id, body, card].
 */
function visitorAppends(notify: boolean): Merge {
  return {
    key: notify ? 'visitor-appends:notify' : 'visitor-appends',
    build: (members) => ({
      sql: `WITH input AS (
          SELECT * FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[]) WITH ORDINALITY AS i(client_id, visitor_id, body, card, k)
        ), numbered AS (
          SELECT i.client_id, i.body, i.card, c.id AS cid,
            row_number() OVER (PARTITION BY c.id ORDER BY i.k) AS n, count(*) OVER (PARTITION BY c.id) AS cnt
          FROM input i JOIN conversations c ON c.visitor_id = i.visitor_id AND c.status = 'open'
          WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.client_id = i.client_id)
        ), conv AS (
          UPDATE conversations c SET last_seq = c.last_seq + x.cnt, last_message_at = now()
          FROM (SELECT DISTINCT cid, cnt FROM numbered) x WHERE c.id = x.cid AND c.status = 'open'
          RETURNING c.id, c.public_id, c.last_seq, c.visitor_id, c.app_id, x.cnt
        ), ins AS (
          INSERT INTO messages (conversation_id, seq, client_id, author, body, card)
          SELECT nb.cid, conv.last_seq - conv.cnt + nb.n, nb.client_id, 'visitor', nb.body, nb.card::jsonb FROM numbered nb JOIN conv ON conv.id = nb.cid
          RETURNING conversation_id, seq, client_id, author, body, created_at, card
        ), n AS (
          SELECT ${notify ? `pg_notify($1, json_build_object('k', 'message', 'c', conv.id::text, 's', ins.seq, 'v', conv.visitor_id::text, 'a', conv.app_id, 'i', $2::text)::text)` : '$1::text, $2::text'} AS x
          FROM ins JOIN conv ON conv.id = ins.conversation_id
        )
        SELECT conv.id::text AS id, conv.visitor_id::text AS visitor_id, conv.app_id, conv.public_id AS conversation_public_id,
          ins.seq, ins.client_id, ins.author, NULL::text AS agent_name, NULL::text AS agent_avatar_url, ins.body, ins.created_at, ins.card
        FROM ins JOIN conv ON conv.id = ins.conversation_id CROSS JOIN (SELECT count(x) FROM n) notified`,
      params: [members[0]![0], members[0]![1], members.map((m) => m[2]), members.map((m) => m[4]), members.map((m) => m[5]), members.map((m) => m[6])],
    }),
    split: (rows, members) => {
      const byKey = new Map((rows as { visitor_id: string; client_id: string }[]).map((r) => [`${r.visitor_id} ${r.client_id}`, r]));
      return members.map((m) => {
        const row = byKey.get(`${String(m[4])} ${String(m[2])}`);
        return row ? [row] : [];
      });
    },
  };
}
const VISITOR_APPENDS = visitorAppends(false);
const VISITOR_APPENDS_NOTIFIED = visitorAppends(true);

/** A conversation's place in its chat flow, as the plan of a flow message sees it. */
export interface FlowState {
  flow_id: string | null;
  bot_step: string | null;
  /** 0: the conversation was just created. */
  last_seq: number;
}

/** What a flow message stores (see addFlowMessage). */
export interface FlowPlan {
  /** The flow a new conversation starts in (kept once set). */
  flowId: string | null;
  before: { body: string; card: MessageCard }[];
  /** The visitor message's card (a quick-reply answer), or null. */
  card: MessageCard | null;
  after: { body: string; card: MessageCard }[];
  /** The step now waiting for the visitor; null: no bot (handed over). */
  botStep: string | null;
  tags: string[];
  /** An agent's email to route to, or null to keep the assignee. */
  assignee: string | null;
}

/** Two concurrent sends with one client id: the loser retries and finds the winner's row. */
export class DuplicateRace extends Error {}
