/** HTTP and WebSocket plumbing for one app on one Convot server. */
import type { ErrorBody } from '../protocol/errors.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class Api {
  readonly base: string;
  constructor(
    server: string,
    readonly appId: string,
  ) {
    this.base = new URL(`api/v1/apps/${encodeURIComponent(appId)}/`, server.endsWith('/') ? server : `${server}/`).href;
  }

  /** ws(s):// URL of the visitor socket. The token goes in the first frame, never here. */
  get socketUrl(): string {
    return new URL('ws', this.base).href.replace(/^http/, 'ws');
  }

  async request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, token?: string | null): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', (e as Error).message || 'network error');
    }
    const data = (await res.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
    if (!res.ok) throw new ApiError(res.status, data?.code ?? 'HTTP', data?.message ?? `HTTP ${res.status}`);
    return data as T;
  }
}

/** Reconnect delay: exponential from 500 ms to 30 s, with jitter so a restart is not a stampede. */
export const backoff = (attempt: number): number => Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)) * (0.75 + Math.random() * 0.5);
