import { ERRORS, ProtocolError, type ErrorCode } from '../src/protocol/index.js';

/** Throws from a service or route: the app's error handler turns it into `{code, message, field?}` (sockets: an error frame). */
export function fail(code: ErrorCode, message?: string, field?: string): never {
  throw new ProtocolError(code, message ?? ERRORS[code].message, field);
}

export const statusOf = (code: ErrorCode): number => ERRORS[code].status;
