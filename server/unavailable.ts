/**
 * Which errors mean the database cannot be reached (connection refused or dropped, the server
 * shutting down or starting): answered 503 with Retry-After, since retrying shortly can work,
 * rather than 500.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATE class 08 (connection exception) and 57P01–57P03 (shutdown, crash, starting up). */
const SQLSTATE = /^(08...|57P0[1-3])$/;

export function isDbUnavailable(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
  // node-postgres names these in the message only; PGlite says it is closed.
  return typeof message === 'string' && /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|PGlite is closed/i.test(message);
}

/** Seconds a client should wait before retrying while the database is away. */
export const UNAVAILABLE_RETRY_SECONDS = 5;
