/**
 * Bookings. Two confirmed bookings of one host can never overlap: the exclusion constraint
 * `bookings_no_overlap` (migration 10) refuses the second insert or move, whichever instance
 * or transaction attempts it, and this repository reports that refusal as `null` (taken).
 */
import type { AgentBookingsQuery, BookingStatus } from '../../src/protocol/index.js';
import { hashToken, newPublicId } from '../identity/secrets.js';
import type { BusyBooking, HostCalendar } from '../scheduling/slots.js';
import type { AppScope } from '../tenancy.js';
import type { Db, Queryable } from './db.js';

/** An agent who can host a meeting type. */
export interface Host {
  id: string;
  email: string;
  name: string;
}

export interface BookingRow {
  internal_id: string;
  id: string;
  app_id: string;
  meeting_type_id: number;
  meeting_type_name: string;
  host_id: string;
  host_name: string;
  host_email: string;
  visitor_id: string | null;
  start_at: Date;
  end_at: Date;
  buffer_minutes: number;
  timezone: string;
  name: string;
  email: string;
  answers: Record<string, string>;
  location: string | null;
  status: BookingStatus;
  created_at: Date;
  cancelled_at: Date | null;
  sequence: number;
  /** The visitor's current conversation (public id), if any. */
  conversation_id: string | null;
}

export interface NewBooking {
  app_id: string;
  meeting_type_id: number;
  meeting_type_name: string;
  visitor_id: string | null;
  start: number;
  end: number;
  buffer_minutes: number;
  timezone: string;
  name: string;
  email: string;
  answers: Record<string, string>;
  location: string | null;
}

/** PostgreSQL's exclusion_violation: the constraint found an overlapping booking. */
const isExclusionViolation = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23P01';

/**
 * Runs a write of one host's calendar after taking that host's transaction lock. Two writes
 * that conflict on the exclusion constraint would otherwise each wait for the other's
 * transaction, which PostgreSQL can only break by failing one with a deadlock (a 500 for that
 * visitor, seen in a race of 24 bookings); in line, the second simply meets the constraint.
 */
function asHost<T>(db: Db, hostId: string, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (q) => {
    await q.query("SELECT pg_advisory_xact_lock(hashtextextended('convot:booking-host:' || $1::text, 0))", [hostId]);
    return fn(q);
  });
}

const SELECT = `SELECT b.id::text AS internal_id, b.public_id AS id, b.app_id, b.meeting_type_id, b.meeting_type_name,
    b.host_agent_id::text AS host_id, a.name AS host_name, a.email AS host_email, b.visitor_id::text AS visitor_id,
    b.start_at, b.end_at, b.buffer_minutes, b.timezone, b.name, b.email, b.answers, b.location, b.status, b.created_at, b.cancelled_at, b.sequence,
    (SELECT c.public_id FROM conversations c WHERE c.visitor_id = b.visitor_id ORDER BY c.status = 'open' DESC, c.created_at DESC, c.id DESC LIMIT 1) AS conversation_id
  FROM bookings b JOIN agents a ON a.id = b.host_agent_id`;

const MINUTE = 60_000;

export class BookingsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Agents who can host an app's meeting type: enabled, working on the app, and among `emails`
   * when given (in that order), else all of them by id.
   */
  async hosts(appId: string, emails: readonly string[] | null): Promise<Host[]> {
    return this.db.query<Host>(
      `SELECT id::text AS id, email, name FROM agents
       WHERE NOT disabled AND (apps IS NULL OR $1 = ANY(apps)) AND ($2::text[] IS NULL OR email = ANY($2::text[]))
       ORDER BY array_position($2::text[], email), id`,
      [appId, emails],
    );
  }

  /**
   * Each host's confirmed bookings (any app: an agent is one person) that could touch
   * [fromMs, toMs), most recently booked host last, for a fair first choice (round robin).
   */
  async calendars(hosts: readonly Host[], fromMs: number, toMs: number, excludeInternalId?: string): Promise<HostCalendar<Host>[]> {
    if (!hosts.length) return [];
    const ids = hosts.map((h) => h.id);
    const rows = await this.db.query<{ host_id: string; start_at: Date; end_at: Date; buffer_minutes: number }>(
      `SELECT host_agent_id::text AS host_id, start_at, end_at, buffer_minutes FROM bookings
       WHERE status = 'confirmed' AND host_agent_id = ANY($1::bigint[]) AND start_at < $3 AND busy_until > $2 AND ($4::bigint IS NULL OR id <> $4::bigint)`,
      // Widen by a day on each side: a neighbour's buffer can reach into the range.
      [ids, new Date(fromMs - 24 * 60 * MINUTE), new Date(toMs + 24 * 60 * MINUTE), excludeInternalId ?? null],
    );
    const last = await this.db.query<{ host_id: string; at: Date }>(
      `SELECT host_agent_id::text AS host_id, max(created_at) AS at FROM bookings WHERE host_agent_id = ANY($1::bigint[]) GROUP BY host_agent_id`,
      [ids],
    );
    const lastAt = new Map(last.map((r) => [r.host_id, new Date(r.at).getTime()]));
    const byHost = new Map<string, BusyBooking[]>(ids.map((id) => [id, []]));
    for (const r of rows) byHost.get(r.host_id)!.push({ start: new Date(r.start_at).getTime(), end: new Date(r.end_at).getTime(), buffer_minutes: r.buffer_minutes });
    // Stable sort: hosts never booked keep their declared order, ahead of those booked before.
    return [...hosts]
      .sort((a, b) => (lastAt.get(a.id) ?? 0) - (lastAt.get(b.id) ?? 0))
      .map((host) => ({ host, busy: byHost.get(host.id)! }));
  }

  /**
   * Inserts a confirmed booking for the first host in `hostIds` the constraint accepts; null when
   * every one of them is taken at that time. Returns the row and its manage token (the only time
   * the token exists outside a link: only its hash is stored).
   */
  async create(b: NewBooking, hostIds: readonly string[], token: string): Promise<BookingRow | null> {
    for (const hostId of hostIds) {
      try {
        const [row] = await asHost(this.db, hostId, (q) =>
          q.query<{ id: string }>(
          `INSERT INTO bookings (public_id, app_id, meeting_type_id, meeting_type_name, host_agent_id, visitor_id, start_at, end_at,
             buffer_minutes, busy_until, timezone, name, email, answers, location, manage_token_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id::text AS id`,
          [
            newPublicId('bkg'),
            b.app_id,
            b.meeting_type_id,
            b.meeting_type_name,
            hostId,
            b.visitor_id,
            new Date(b.start),
            new Date(b.end),
            b.buffer_minutes,
            new Date(b.end + b.buffer_minutes * MINUTE),
            b.timezone,
            b.name,
            b.email,
            JSON.stringify(b.answers),
            b.location,
            hashToken(token),
          ],
          ),
        );
        return this.byInternalId(row!.id);
      } catch (e) {
        if (!isExclusionViolation(e)) throw e;
      }
    }
    return null;
  }

  /**
   * Moves a confirmed booking to a new time, with the first host in `hostIds` the constraint
   * accepts (its current host first when free). 'taken' when none is; null when the booking is
   * not confirmed (cancelled meanwhile).
   */
  async move(internalId: string, start: number, end: number, bufferMinutes: number, hostIds: readonly string[]): Promise<BookingRow | 'taken' | null> {
    for (const hostId of hostIds) {
      try {
        const rows = await asHost(this.db, hostId, (q) =>
          q.query(
          `UPDATE bookings SET start_at = $2, end_at = $3, busy_until = $4, buffer_minutes = $5, host_agent_id = $6, sequence = sequence + 1
           WHERE id = $1 AND status = 'confirmed' RETURNING id`,
          [internalId, new Date(start), new Date(end), new Date(end + bufferMinutes * MINUTE), bufferMinutes, hostId],
          ),
        );
        if (!rows.length) return null;
        return this.byInternalId(internalId);
      } catch (e) {
        if (!isExclusionViolation(e)) throw e;
      }
    }
    return 'taken';
  }

  /** Cancels a booking; `changed` is false when it already was. Null for an unknown id. */
  async cancel(internalId: string): Promise<{ row: BookingRow; changed: boolean } | null> {
    const changed = await this.db.query(`UPDATE bookings SET status = 'cancelled', cancelled_at = now(), sequence = sequence + 1 WHERE id = $1 AND status = 'confirmed' RETURNING id`, [internalId]);
    const row = await this.byInternalId(internalId);
    return row ? { row, changed: changed.length > 0 } : null;
  }

  async byToken(token: string): Promise<BookingRow | null> {
    const rows = await this.db.query<BookingRow>(`${SELECT} WHERE b.manage_token_hash = $1`, [hashToken(token)]);
    return rows[0] ?? null;
  }

  /** A booking by its public id, if it belongs to an app in scope (else null: another app's booking does not exist). */
  async byPublicId(publicId: string, scope: AppScope): Promise<BookingRow | null> {
    const rows = await this.db.query<BookingRow>(`${SELECT} WHERE b.public_id = $1 AND ($2::text[] IS NULL OR b.app_id = ANY($2::text[]))`, [publicId, scope]);
    return rows[0] ?? null;
  }

  async byInternalId(id: string): Promise<BookingRow | null> {
    const rows = await this.db.query<BookingRow>(`${SELECT} WHERE b.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The enabled apps in scope (the inbox's app picker for new meeting types). */
  async appsInScope(scope: AppScope): Promise<{ id: string; name: string }[]> {
    return this.db.query<{ id: string; name: string }>('SELECT id, name FROM apps WHERE NOT disabled AND ($1::text[] IS NULL OR id = ANY($1::text[])) ORDER BY id', [scope]);
  }

  /** Upcoming (not ended; soonest first) or past (newest first) bookings of the apps in scope. */
  async list(scope: AppScope, q: AgentBookingsQuery, now: number): Promise<BookingRow[]> {
    const upcoming = q.when === 'upcoming';
    return this.db.query<BookingRow>(
      `${SELECT} WHERE ($1::text[] IS NULL OR b.app_id = ANY($1::text[])) AND ($2::text IS NULL OR b.app_id = $2)
         AND ${upcoming ? 'b.end_at > $4' : 'b.end_at <= $4'}
       ORDER BY b.start_at ${upcoming ? 'ASC' : 'DESC'}, b.id LIMIT $3`,
      [scope, q.app_id ?? null, q.limit, new Date(now)],
    );
  }
}
