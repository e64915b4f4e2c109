/**
 * The visitors aggregate: visitors, their sessions (bearer tokens stored as hashes), verified
 * contacts they are bound to, and their timeline events.
 */
import type { TimelineEvent, VisitorEvent, VisitorProfile, VisitorUpdate } from '../../src/protocol/index.js';
import { hashToken, newPublicId, newToken } from '../identity/secrets.js';
import { fail } from '../errors.js';
import { VISITOR_DATA_LIMIT } from '../limits.js';
import { appAvailableSql } from './agents-repo.js';
import { currentConversationOf, STATE_COLUMNS, type ConversationState } from './conversations-repo.js';
import { iso, type Db } from './db.js';
import { GroupCommit, type Merge } from './group-commit.js';

export interface VisitorSessionRow {
  session_id: string;
  visitor_id: string;
  visitor_public_id: string;
  app_id: string;
}

/** The verified identity bound to a visitor (all null while unverified). */
export interface VisitorIdentity {
  verified: boolean;
  verified_by: 'external_id' | 'email' | null;
  identity_key: string | null;
  external_id: string | null;
  email: string | null;
}

/** What a visitor socket needs to open, read in one statement (`openSocket`). */
export interface SocketOpen {
  session: VisitorSessionRow;
  profile: VisitorProfile;
  /** The page report stored for this session (null: none yet). */
  context: Record<string, string | null> | null;
  /** The visitor's current conversation, if any. */
  conversation: ConversationState | null;
  /** Whether the app has an agent available. */
  available: boolean;
}

/** VisitorProfile's columns of `visitors v`. */
const PROFILE_COLUMNS = 'v.public_id AS id, v.name, v.email, v.phone, v.company, v.avatar_url, v.external_id, v.verified, v.verified_by, v.custom_data, v.session_data, v.segments';

type OpenRow = VisitorSessionRow & VisitorProfile & { key: string; context: SocketOpen['context']; available: boolean; conversation: ConversationState | null };

/**
 * Socket opens of returning visitors (openSocket), any number in one statement. A member's
 * params are one-element arrays: token hash, app id; rows come back keyed by token hash.
 */
const OPENS: Merge = {
  key: 'socket-opens',
  build: (members) => ({
    sql: `SELECT i.token_hash AS key, s.public_id AS session_id, s.visitor_id::text AS visitor_id, v.public_id AS visitor_public_id, s.app_id, s.context,
        ${PROFILE_COLUMNS}, ${appAvailableSql('s.app_id')} AS available,
        (SELECT to_jsonb(c) FROM (${currentConversationOf('s.visitor_id', STATE_COLUMNS)}) c) AS conversation
      FROM unnest($1::text[], $2::text[]) AS i(token_hash, app_id)
      JOIN visitor_sessions s ON s.token_hash = i.token_hash AND s.app_id = i.app_id
      JOIN visitors v ON v.id = s.visitor_id`,
    params: [0, 1].map((k) => members.flatMap((m) => m[k] as unknown[])),
  }),
  split: (rows, members) => {
    const byKey = new Map((rows as OpenRow[]).map((r) => [r.key, r]));
    return members.map((m) => {
      const row = byKey.get((m[0] as string[])[0]!);
      return row ? [row] : [];
    });
  },
};

type NewVisitorRow = VisitorSessionRow & VisitorProfile & { available: boolean };

/**
 * New visitors with their sessions (createSession), any number in one statement. A member's
 * params are one-element arrays: visitor id, app id, token hash, session id, page report (JSON or null).
 */
const NEW_VISITORS: Merge = {
  key: 'new-visitors',
  build: (members) => ({
    sql: `WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS i(visitor, app_id, token_hash, session, context)
      ), v AS (
        INSERT INTO visitors (public_id, app_id) SELECT visitor, app_id FROM input RETURNING *
      ), s AS (
        INSERT INTO visitor_sessions (token_hash, public_id, visitor_id, app_id, context, context_at)
        SELECT i.token_hash, i.session, v.id, i.app_id, i.context::jsonb, CASE WHEN i.context IS NULL THEN NULL ELSE now() END
        FROM input i JOIN v ON v.public_id = i.visitor
        RETURNING public_id, visitor_id
      )
      SELECT s.public_id AS session_id, s.visitor_id::text AS visitor_id, v.app_id, v.public_id AS visitor_public_id,
        ${PROFILE_COLUMNS}, ${appAvailableSql('v.app_id')} AS available
      FROM s JOIN v ON v.id = s.visitor_id`,
    params: [0, 1, 2, 3, 4].map((k) => members.flatMap((m) => m[k] as unknown[])),
  }),
  split: (rows, members) => {
    const bySession = new Map((rows as NewVisitorRow[]).map((r) => [r.session_id, r]));
    return members.map((m) => {
      const row = bySession.get((m[3] as string[])[0]!);
      return row ? [row] : [];
    });
  },
};

/** Sessions marked seen per statement when the marks are written. */
const SEEN_PER_FLUSH = 5_000;

/** `column` merged with the jsonb parameter `$n`; a top-level null in the update removes its key. */
const merged = (column: string, n: number): string =>
  `((${column} || $${n}::jsonb) - ARRAY(SELECT e.key FROM jsonb_each($${n}::jsonb) e WHERE e.value = 'null'::jsonb))`;

export class VisitorsRepo {
  /** New sessions from concurrent page views share a commit (see group-commit.ts). */
  private readonly creates: GroupCommit;
  /** Socket opens' reads, merged like the creates (no transaction: one statement per group). */
  private readonly opens: GroupCommit;

  constructor(private readonly db: Db) {
    this.creates = new GroupCommit(db);
    this.opens = new GroupCommit(db);
  }

  /**
   * Sessions used since the last flush (their `last_seen_at`), and those whose widget reported
   * an unchanged page (their `context_at`). Nothing reads these on a request path, so they are
   * written in bulk on the heartbeat rather than by a statement per request or socket.
   */
  private seen = new Set<string>();
  private contextSeen = new Set<string>();

  // ---- sessions --------------------------------------------------------------------------

  /**
   * A new anonymous visitor and its first session, in one statement, with what a socket's
   * `ready` needs (a new visitor has no conversation and an empty profile). `context`: the page
   * report when a socket's `auth` starts the session. Every page view of a new visitor pays for
   * it, so concurrent ones share the statement and its commit (NEW_VISITORS). Safe to run again
   * after a group's rollback (nothing of it stayed).
   */
  async createSession(appId: string, context: Record<string, string | null> | null = null): Promise<SocketOpen & { token: string }> {
    const token = newToken();
    const params = [[newPublicId('vis')], [appId], [hashToken(token)], [newPublicId('ses')], [context && JSON.stringify(context)]];
    const [r] = await this.creates.query<NewVisitorRow>(NEW_VISITORS.build([params]).sql, params, NEW_VISITORS);
    const { session_id, visitor_id, visitor_public_id, app_id, available, ...profile } = r!;
    this.seen.add(session_id);
    return { token, session: { session_id, visitor_id, visitor_public_id, app_id }, profile, context, conversation: null, available };
  }

  /** A new session for an existing visitor (a verified person on another device). */
  async createSessionFor(appId: string, visitorId: string): Promise<{ session: VisitorSessionRow; token: string }> {
    const token = newToken();
    const sessionId = newPublicId('ses');
    const [v] = await this.db.query<{ public_id: string }>(
      `WITH s AS (INSERT INTO visitor_sessions (token_hash, public_id, visitor_id, app_id) VALUES ($1, $2, $3, $4))
       SELECT public_id FROM visitors WHERE id = $3`,
      [hashToken(token), sessionId, visitorId, appId],
    );
    return { token, session: { session_id: sessionId, visitor_id: visitorId, visitor_public_id: v!.public_id, app_id: appId } };
  }

  /** The first visitor verified as this contact in the app (whose history a new device continues), or null. */
  async contactVisitor(appId: string, identityKey: string): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT v.id::text AS id FROM visitors v JOIN contacts c ON c.id = v.contact_id
       WHERE c.app_id = $1 AND c.identity_key = $2 AND v.verified ORDER BY v.id LIMIT 1`,
      [appId, identityKey],
    );
    return rows[0]?.id ?? null;
  }

  /** The session of a token within one app (another app's token is unknown here). */
  async findSession(appId: string, token: string): Promise<VisitorSessionRow | null> {
    const rows = await this.db.query<VisitorSessionRow>(
      `SELECT s.public_id AS session_id, s.visitor_id::text AS visitor_id, v.public_id AS visitor_public_id, s.app_id
       FROM visitor_sessions s JOIN visitors v ON v.id = s.visitor_id WHERE s.token_hash = $1 AND s.app_id = $2`,
      [hashToken(token), appId],
    );
    if (rows[0]) this.seen.add(rows[0].session_id);
    return rows[0] ?? null;
  }

  /**
   * A visitor socket's open in one statement: the session of a token within one app (null when
   * unknown), the visitor's profile, the stored page report, the current conversation with its
   * read marks, and the app's availability. Opens that arrive together (or while one is being
   * read) share one statement (OPENS: a page-view burst of returning visitors costs one round
   * trip per group, not per socket); a group of reads alone takes no transaction.
   */
  async openSocket(appId: string, token: string): Promise<SocketOpen | null> {
    const params = [[hashToken(token)], [appId]];
    const [r] = await this.opens.query<OpenRow>(OPENS.build([params]).sql, params, OPENS);
    if (!r) return null;
    this.seen.add(r.session_id);
    const { key: _, session_id, visitor_id, visitor_public_id, app_id, context, available, conversation, ...profile } = r;
    return { session: { session_id, visitor_id, visitor_public_id, app_id }, profile, context, conversation, available };
  }

  /** A session's widget reported the page already stored: its `context_at` moves on the next flush. */
  contextUnchanged(sessionId: string): void {
    this.contextSeen.add(sessionId);
  }

  /** Writes the seen marks gathered since the last flush (on the heartbeat and at shutdown). */
  async flushSeen(): Promise<void> {
    const seen = [...this.seen];
    const contextSeen = [...this.contextSeen];
    this.seen = new Set();
    this.contextSeen = new Set();
    for (let i = 0; i < seen.length; i += SEEN_PER_FLUSH) {
      await this.db.query('UPDATE visitor_sessions SET last_seen_at = now() WHERE public_id = ANY($1::text[])', [seen.slice(i, i + SEEN_PER_FLUSH)]);
    }
    for (let i = 0; i < contextSeen.length; i += SEEN_PER_FLUSH) {
      await this.db.query('UPDATE visitor_sessions SET context_at = now() WHERE public_id = ANY($1::text[]) AND context IS NOT NULL', [contextSeen.slice(i, i + SEEN_PER_FLUSH)]);
    }
  }

  // ---- profile and identity --------------------------------------------------------------

  /**
   * Applies a profile update: given fields replace, custom_data and session_data merge (a null
   * value removes its key), segments replace. The merged data must stay within
   * VISITOR_DATA_LIMIT; the check is part of the write, so racing updates cannot pass it.
   */
  async update(visitorId: string, u: VisitorUpdate): Promise<void> {
    const rows = await this.db.query(
      `UPDATE visitors SET
         email = COALESCE($2, email), phone = COALESCE($3, phone), name = COALESCE($4, name),
         avatar_url = COALESCE($5, avatar_url), company = COALESCE($6, company), external_id = COALESCE($7, external_id),
         custom_data = CASE WHEN $8::jsonb IS NULL THEN custom_data ELSE ${merged('custom_data', 8)} END,
         session_data = CASE WHEN $9::jsonb IS NULL THEN session_data ELSE ${merged('session_data', 9)} END,
         segments = COALESCE($10::jsonb, segments),
         updated_at = now()
       WHERE id = $1
         AND ($8::jsonb IS NULL OR (octet_length(${merged('custom_data', 8)}::text) <= $11
              AND (SELECT count(*) FROM jsonb_object_keys(${merged('custom_data', 8)})) <= $12))
         AND ($9::jsonb IS NULL OR (octet_length(${merged('session_data', 9)}::text) <= $11
              AND (SELECT count(*) FROM jsonb_object_keys(${merged('session_data', 9)})) <= $12))
       RETURNING id`,
      [
        visitorId,
        u.email ?? null,
        u.phone ?? null,
        u.name ?? null,
        u.avatar_url ?? null,
        u.company ?? null,
        u.external_id ?? null,
        u.custom_data ? JSON.stringify(u.custom_data) : null,
        u.session_data ? JSON.stringify(u.session_data) : null,
        u.segments ? JSON.stringify(u.segments) : null,
        VISITOR_DATA_LIMIT.bytes,
        VISITOR_DATA_LIMIT.keys,
      ],
    );
    if (!rows.length) fail('CONVOT_ERR_VISITOR_DATA_FULL', `custom_data and session_data may each hold at most ${VISITOR_DATA_LIMIT.keys} keys and ${VISITOR_DATA_LIMIT.bytes} bytes in total; nothing was stored.`);
  }

  async profile(visitorId: string): Promise<VisitorProfile | null> {
    const rows = await this.db.query<VisitorProfile>(
      `SELECT ${PROFILE_COLUMNS} FROM visitors v WHERE id = $1`,
      [visitorId],
    );
    return rows[0] ?? null;
  }

  /** The verified identity bound to a visitor, if any. */
  async identity(visitorId: string): Promise<VisitorIdentity> {
    const rows = await this.db.query<VisitorIdentity>(
      `SELECT v.verified, v.verified_by, c.identity_key, c.external_id, c.email FROM visitors v LEFT JOIN contacts c ON c.id = v.contact_id WHERE v.id = $1`,
      [visitorId],
    );
    return rows[0] ?? { verified: false, verified_by: null, identity_key: null, external_id: null, email: null };
  }

  /**
   * Binds a visitor to the verified contact with this identity key (creating the contact),
   * recording which identifier was verified. `ids` holds only verified identifiers.
   */
  async linkVerifiedContact(visitorId: string, appId: string, identityKey: string, ids: { external_id?: string; email?: string }, verifiedBy: 'external_id' | 'email'): Promise<void> {
    await this.db.transaction(async (q) => {
      const [contact] = await q.query<{ id: string }>(
        `INSERT INTO contacts (app_id, identity_key, external_id, email) VALUES ($1, $2, $3, $4)
         ON CONFLICT (app_id, identity_key) DO UPDATE SET email = COALESCE(EXCLUDED.email, contacts.email), external_id = COALESCE(EXCLUDED.external_id, contacts.external_id)
         RETURNING id::text AS id`,
        [appId, identityKey, ids.external_id ?? null, ids.email ?? null],
      );
      await q.query('UPDATE visitors SET contact_id = $2, verified = true, verified_by = $3, updated_at = now() WHERE id = $1', [visitorId, contact!.id, verifiedBy]);
    });
  }

  /**
   * Records an identity token's jti; false when it was used before (a replay). Expired uses are
   * forgotten on the way: a replayed expired token fails its exp check anyway.
   */
  async useIdentityToken(appId: string, jti: string, expiresAtSeconds: number): Promise<boolean> {
    await this.db.query('DELETE FROM identity_token_uses WHERE expires_at < now() - interval \'1 hour\'');
    const rows = await this.db.query(
      `INSERT INTO identity_token_uses (app_id, jti, expires_at) VALUES ($1, $2, to_timestamp($3)) ON CONFLICT DO NOTHING RETURNING jti`,
      [appId, jti, expiresAtSeconds],
    );
    return rows.length > 0;
  }

  // ---- where the visitor is ---------------------------------------------------------------

  /**
   * Stores what a session's widget reported: `replace` (a socket's auth: a fresh page load, whose
   * missing referrer clears the old one) or merged into what is stored (a route change). True
   * when the stored value changed (something to announce; nulls alone are no news).
   */
  async setContext(sessionId: string, context: Record<string, string | null>, replace: boolean): Promise<boolean> {
    const rows = await this.db.query<{ changed: boolean }>(
      `WITH old AS (SELECT token_hash, context FROM visitor_sessions WHERE public_id = $1 FOR UPDATE)
       UPDATE visitor_sessions s SET context = ${replace ? '$2::jsonb' : `COALESCE(old.context, '{}'::jsonb) || $2::jsonb`}, context_at = now()
       FROM old WHERE s.token_hash = old.token_hash
       RETURNING jsonb_strip_nulls(COALESCE(old.context, '{}'::jsonb)) IS DISTINCT FROM jsonb_strip_nulls(s.context) AS changed`,
      [sessionId, JSON.stringify(context)],
    );
    return rows[0]?.changed ?? false;
  }

  // ---- timeline --------------------------------------------------------------------------

  async addEvent(visitorId: string, e: VisitorEvent): Promise<void> {
    await this.db.query('INSERT INTO visitor_events (visitor_id, name, data) VALUES ($1, $2, $3)', [visitorId, e.name, JSON.stringify(e.data)]);
  }

  /** The newest `limit` events, oldest first. */
  async events(visitorId: string, limit = 200): Promise<TimelineEvent[]> {
    const rows = await this.db.query<{ name: string; data: Record<string, unknown>; created_at: Date }>(
      'SELECT name, data, created_at FROM (SELECT * FROM visitor_events WHERE visitor_id = $1 ORDER BY id DESC LIMIT $2) e ORDER BY id',
      [visitorId, limit],
    );
    return rows.map((r) => ({ name: r.name, data: r.data, created_at: iso(r.created_at)! }));
  }
}
