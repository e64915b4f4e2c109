/**
 * The storage seam: one SQL dialect (PostgreSQL's) that runs on embedded PGlite and on a real
 * PostgreSQL server. Everything above this file talks to `Db` only.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn inside one transaction; rolls back when it throws. */
  transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs the statements in order in one transaction and returns each one's rows; the first
   * error rolls all of them back and is thrown (nothing runs after it, so on PostgreSQL they
   * can be named prepared statements, unlike `transaction` callers that may go on after one).
   */
  batch(statements: readonly Statement[]): Promise<unknown[][]>;
  /**
   * Subscribes to a NOTIFY channel. `onReconnect` runs after a dropped LISTEN connection is
   * re-established, so callers can catch up on anything missed.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

/** True for PostgreSQL's unique_violation, whichever driver raised it. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

/** A timestamp as ISO 8601: PGlite and pg return Dates, but a text cast or JSON gives strings. */
export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
