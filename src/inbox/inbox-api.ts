/**
 * REST calls the inbox makes to /api/v1/agent on its own origin. The session cookie is HttpOnly
 * and SameSite=Strict, so the browser attaches it and script never handles a credential.
 */
import { ApiError as ClientApiError } from '../client/transport.js';
import type { ErrorBody } from '../protocol/errors.js';
import type { AgentProfile, ConversationSummary, TimelineEvent, WireMessage } from '../protocol/wire.js';

const BASE = '/api/v1/agent';
/** A request that hangs this long fails, so a reply does not stay "Sending…" forever. */
const TIMEOUT_MS = 20_000;

/** A failed call: the server's error body, or a synthesized one when the network failed. */
export class ApiError extends ClientApiError {
  /** The session cookie is missing or expired: the inbox shows the sign-in form. */
  get signedOut(): boolean {
    return this.status === 401 && this.code !== 'CONVOT_ERR_BAD_CREDENTIALS';
  }
}

export interface History {
  conversation: ConversationSummary;
  messages: WireMessage[];
  events: TimelineEvent[];
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check your connection and try again.');
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data ?? {}) as Partial<ErrorBody>;
    throw new ApiError(res.status, err.code ?? 'HTTP_' + res.status, err.message ?? `The server answered ${res.status}.`);
  }
  return data as T;
}

export const inboxApi = {
  /** `agent` is null when nobody is signed in. */
  me: () => call<{ agent: AgentProfile | null; agents_online: number }>('GET', '/me'),
  login: (email: string, password: string) => call<{ agent: AgentProfile }>('POST', '/login', { email, password }),
  logout: () => call<{ ok: true }>('POST', '/logout'),
  /** A page of conversations, newest activity first; `before` continues after that conversation. */
  conversations: (before?: string) =>
    call<{ conversations: ConversationSummary[]; has_more: boolean }>('GET', `/conversations${before ? `?before=${encodeURIComponent(before)}` : ''}`),
  /** Messages after `after` (all when 0) plus the visitor's whole timeline. */
  history: (id: string, after = 0) =>
    call<History>('GET', `/conversations/${encodeURIComponent(id)}/messages${after > 0 ? `?after=${after}` : ''}`),
  /** Idempotent per client_id, so a retry after a lost response cannot post twice. */
  send: (id: string, clientId: string, body: string) =>
    call<{ message: WireMessage }>('POST', `/conversations/${encodeURIComponent(id)}/messages`, { client_id: clientId, body }),
  markRead: (id: string, seq: number) => call<{ ok: true }>('POST', `/conversations/${encodeURIComponent(id)}/read`, { seq }),
  setPresence: (online: boolean) => call<{ online: boolean }>('PUT', '/presence', { online }),
};
