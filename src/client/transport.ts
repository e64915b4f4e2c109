/**
 * HTTP plumbing shared by the widget and the inbox: one fetch wrapper (typed by the route
 * table in src/protocol/routes.ts, with a timeout), one error type, one reconnect backoff.
 */
import { errorCodeFor, type ErrorCode } from '../protocol/errors.js';
import { routeUrl, type AnyRoute, type RouteBody, type RouteParams, type RouteQuery, type RouteResponse } from '../protocol/routes.js';

export class ApiError extends Error {
  constructor(
    /** The HTTP status; 0 when no answer came (network down, timeout). */
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The credential (session token, sign-in cookie) is missing or expired. */
  get signedOut(): boolean {
    return this.status === 401 && this.code !== 'CONVOT_ERR_BAD_CREDENTIALS';
  }

  /** Worth retrying later: no answer, the server failed, or a rate limit. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

/** A request that hangs this long fails, so nothing stays "sending" forever. */
export const REQUEST_TIMEOUT_MS = 20_000;

export interface CallOptions<R extends AnyRoute> {
  params?: RouteParams<R>;
  query?: RouteQuery<R>;
  body?: RouteBody<R>;
  /** `Authorization: Bearer` (the widget's session token). */
  token?: string | null;
  /** `omit` for the widget on other origins; `same-origin` for the inbox's cookie. */
  credentials?: RequestCredentials;
}

/** Calls a route on the server at `base` (an absolute URL or this page's origin). */
export async function callRoute<R extends AnyRoute>(base: string, route: R, opts: CallOptions<R> = {}): Promise<RouteResponse<R>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const url = new URL(routeUrl(route.path, opts.params as Record<string, string> | undefined, opts.query as Record<string, string | number | undefined> | undefined).slice(1), base);
  let res: Response;
  try {
    res = await fetch(url, {
      method: route.method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: opts.credentials ?? 'omit',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    const timedOut = (e as Error).name === 'TimeoutError';
    throw new ApiError(0, timedOut ? 'CONVOT_ERR_TIMEOUT' : 'CONVOT_ERR_NETWORK', timedOut ? 'The server did not answer in time.' : 'Cannot reach the server. Check your connection and try again.');
  }
  const data = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const message = (data as { message?: unknown } | null)?.message;
    throw new ApiError(res.status, errorCodeFor(res.status, data), typeof message === 'string' ? message : `The server answered ${res.status}.`);
  }
  return data as RouteResponse<R>;
}

/** Reconnect delay: exponential from 500 ms to 30 s, with jitter so a restart is not a stampede. */
export const backoff = (attempt: number): number => Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)) * (0.75 + Math.random() * 0.5);
