/**
 * The agents aggregate: agents (applied from the config file), their sign-in sessions, and
 * their presence (the remembered Away choice and the inbox sockets each instance counts).
 */
import type { AgentProfile } from '../../src/protocol/index.js';
import { hashToken, newToken } from '../identity/secrets.js';
import type { AppScope } from '../tenancy.js';
import type { Db } from './db.js';

export interface AgentRow extends AgentProfile {
  password_hash: string;
}

/** How long an instance's report of open agent sockets counts without a heartbeat. */
export const PRESENCE_TTL_SECONDS = 60;

const AGENT_COLUMNS = 'a.id::text AS id, a.email, a.name, NOT a.away AS online, a.away, a.apps';

/** An agent visitors can reach: not away, with an inbox open on an instance that reported lately. */
const AGENT_AVAILABLE = `NOT a.away AND NOT a.disabled AND EXISTS (
  SELECT 1 FROM agent_presence p WHERE p.agent_id = a.id AND p.sockets > 0 AND p.seen_at > now() - interval '${PRESENCE_TTL_SECONDS} seconds')`;

/** Whether the app in the SQL expression `app` has an agent available (one source for every statement that asks). */
export const appAvailableSql = (app: string) => `EXISTS (SELECT 1 FROM agents a WHERE ${AGENT_AVAILABLE} AND (a.apps IS NULL OR ${app} = ANY(a.apps)))`;

export class AgentsRepo {
  constructor(private readonly db: Db) {}

  // ---- agents ----------------------------------------------------------------------------

  /** Inserts the agent or updates name, password hash and apps (enabling it again); returns the agent id. */
  async upsert(email: string, name: string, passwordHash: string, apps: AppScope = null, avatarUrl: string | null = null): Promise<string> {
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO agents (email, name, password_hash, apps, avatar_url) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, password_hash = EXCLUDED.password_hash, apps = EXCLUDED.apps, avatar_url = EXCLUDED.avatar_url, disabled = false
       RETURNING id::text AS id`,
      [email.toLowerCase(), name, passwordHash, apps, avatarUrl],
    );
    return rows[0]!.id;
  }

  /** An agent by email, disabled or not (the config applies to both). */
  async findByEmail(email: string): Promise<(AgentRow & { disabled: boolean }) | null> {
    const rows = await this.db.query<AgentRow & { disabled: boolean }>(`SELECT ${AGENT_COLUMNS}, a.password_hash, a.disabled FROM agents a WHERE a.email = $1`, [
      email.toLowerCase(),
    ]);
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<AgentProfile | null> {
    const rows = await this.db.query<AgentProfile>(`SELECT ${AGENT_COLUMNS} FROM agents a WHERE a.id = $1 AND NOT a.disabled`, [id]);
    return rows[0] ?? null;
  }

  /**
   * Disables every agent whose email is not in `keep` (removed from the config file) and
   * deletes their sessions. Returns the deleted sessions' hashes, so open sockets can close.
   */
  async disableOthers(keep: string[]): Promise<string[]> {
    const rows = await this.db.query<{ token_hash: string }>(
      `WITH gone AS (UPDATE agents SET disabled = true WHERE NOT disabled AND NOT (email = ANY($1::text[])) RETURNING id)
       DELETE FROM agent_sessions s WHERE s.agent_id IN (SELECT id FROM agents WHERE disabled OR id IN (SELECT id FROM gone)) RETURNING s.token_hash`,
      [keep.map((e) => e.toLowerCase())],
    );
    return rows.map((r) => r.token_hash);
  }

  /** Deletes every session of an agent (a changed password); returns their hashes. */
  async deleteSessionsOf(agentId: string): Promise<string[]> {
    const rows = await this.db.query<{ token_hash: string }>('DELETE FROM agent_sessions WHERE agent_id = $1 RETURNING token_hash', [agentId]);
    return rows.map((r) => r.token_hash);
  }

  /** The apps an agent works on (null: every app). */
  async scope(agentId: string): Promise<AppScope> {
    const rows = await this.db.query<{ apps: string[] | null }>('SELECT apps FROM agents WHERE id = $1', [agentId]);
    return rows[0]?.apps ?? null;
  }

  /** The agent's remembered choice: Away, or Available while an inbox is open. */
  async setAway(agentId: string, away: boolean): Promise<void> {
    await this.db.query('UPDATE agents SET away = $2 WHERE id = $1', [agentId, away]);
  }

  // ---- sign-in sessions ------------------------------------------------------------------

  /** A new session token (only its hash is stored). */
  async createSession(agentId: string, ttlHours = 24 * 14): Promise<string> {
    const token = newToken();
    await this.db.query(`INSERT INTO agent_sessions (token_hash, agent_id, expires_at) VALUES ($1, $2, now() + ($3 || ' hours')::interval)`, [
      hashToken(token),
      agentId,
      String(ttlHours),
    ]);
    return token;
  }

  async findBySession(token: string): Promise<AgentProfile | null> {
    const rows = await this.db.query<AgentProfile>(
      `SELECT ${AGENT_COLUMNS} FROM agent_sessions s JOIN agents a ON a.id = s.agent_id
       WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT a.disabled`,
      [hashToken(token)],
    );
    return rows[0] ?? null;
  }

  async deleteSession(token: string): Promise<void> {
    await this.db.query('DELETE FROM agent_sessions WHERE token_hash = $1', [hashToken(token)]);
  }

  // ---- presence --------------------------------------------------------------------------

  /**
   * Agents a visitor can reach right now who share an app with `scope`: not away AND with an
   * inbox open (a socket on some instance that has reported within PRESENCE_TTL_SECONDS).
   * Closing the inbox, or an instance dying, makes an agent unreachable without a toggle.
   */
  async countAvailable(scope: AppScope): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM agents a WHERE ${AGENT_AVAILABLE} AND (a.apps IS NULL OR $1::text[] IS NULL OR a.apps && $1::text[])`,
      [scope],
    );
    return rows[0]!.n;
  }

  /**
   * An agent (null when unknown or disabled) and the available agents within `scope`, read
   * together: a presence frame never pairs an agent's state with a count from before or after it.
   */
  async withCount(agentId: string, scope: AppScope): Promise<{ agent: AgentProfile; agents_online: number } | null> {
    const rows = await this.db.query<AgentProfile & { agents_online: number }>(
      `SELECT ${AGENT_COLUMNS}, (SELECT count(*)::int FROM agents a WHERE ${AGENT_AVAILABLE} AND (a.apps IS NULL OR $2::text[] IS NULL OR a.apps && $2::text[])) AS agents_online
       FROM agents a WHERE a.id = $1 AND NOT a.disabled`,
      [agentId, scope],
    );
    if (!rows[0]) return null;
    const { agents_online, ...agent } = rows[0];
    return { agent, agents_online };
  }

  /** `website:available` of one app: an agent of that app can be reached. */
  async appAvailable(appId: string): Promise<boolean> {
    const rows = await this.db.query<{ ok: boolean }>(`SELECT ${appAvailableSql('$1')} AS ok`, [appId]);
    return rows[0]!.ok;
  }

  /** Every app with an agent who can be reached, in one statement (availability broadcasts). */
  async availableApps(): Promise<Set<string>> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT ap.id FROM apps ap WHERE EXISTS (SELECT 1 FROM agents a WHERE ${AGENT_AVAILABLE} AND (a.apps IS NULL OR ap.id = ANY(a.apps)))`,
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Counts an agent socket opened (+1) or closed (-1) on this instance. */
  async socketDelta(instanceId: string, agentId: string, delta: 1 | -1): Promise<void> {
    await this.db.query(
      `INSERT INTO agent_presence (instance_id, agent_id, sockets) VALUES ($1, $2, GREATEST($3, 0))
       ON CONFLICT (instance_id, agent_id) DO UPDATE SET sockets = GREATEST(agent_presence.sockets + $3, 0), seen_at = now()`,
      [instanceId, agentId, delta],
    );
  }

  /** This instance is alive: keeps its agents' presence fresh. */
  async heartbeat(instanceId: string): Promise<void> {
    await this.db.query('UPDATE agent_presence SET seen_at = now() WHERE instance_id = $1', [instanceId]);
  }

  /** This instance is going away: its sockets no longer count. Returns the agents affected. */
  async dropInstance(instanceId: string): Promise<string[]> {
    const rows = await this.db.query<{ agent_id: string }>('DELETE FROM agent_presence WHERE instance_id = $1 RETURNING agent_id::text AS agent_id', [instanceId]);
    return rows.map((r) => r.agent_id);
  }
}
