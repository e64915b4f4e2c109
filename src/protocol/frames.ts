/**
 * Checks for the frames a client receives. A frame whose type is unknown, or whose fields are
 * not what the type promises, is dropped (returns null) rather than corrupting the client's
 * state: a newer server may send frames an older client does not know.
 */
import type { AgentServerFrame, VisitorServerFrame } from './wire.js';

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'array?' | 'message' | 'messages' | 'string|null' | 'string?' | 'number?';
type Spec = Record<string, Kind>;
type O = Record<string, unknown>;

const isObject = (v: unknown): v is O => typeof v === 'object' && v !== null && !Array.isArray(v);

const MESSAGE: Spec = { conversation_id: 'string', seq: 'number', author: 'string', body: 'string', created_at: 'string', agent_avatar_url: 'string?', md: 'array?' };

function fits(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'array':
      return Array.isArray(v);
    case 'array?':
      return v === undefined || Array.isArray(v);
    case 'object':
      return isObject(v);
    case 'message':
      return matches(v, MESSAGE);
    case 'messages':
      return Array.isArray(v) && v.every((m) => matches(m, MESSAGE));
    case 'string|null':
      return v === null || typeof v === 'string';
    case 'string?':
      return v === undefined || typeof v === 'string';
    case 'number?':
      return v === undefined || typeof v === 'number';
    default:
      return typeof v === kind;
  }
}

function matches(v: unknown, spec: Spec): v is O {
  return isObject(v) && Object.entries(spec).every(([key, kind]) => fits(v[key], kind));
}

const ERROR: Spec = { code: 'string', message: 'string' };

const VISITOR: Record<VisitorServerFrame['type'], Spec> = {
  ready: { session_id: 'string', conversation_id: 'string|null', messages: 'messages', read_seq: 'number', seen_seq: 'number?', available: 'boolean', visitor: 'object', token: 'string?' },
  ack: { client_id: 'string', message: 'message' },
  message: { message: 'message' },
  availability: { available: 'boolean' },
  read: { read_seq: 'number' },
  conversation: { conversation_id: 'string', status: 'string', history_seq: 'number?' },
  seen: { seq: 'number' },
  typing: { typing: 'boolean', name: 'string|null', avatar_url: 'string|null' },
  pong: {},
  error: { ...ERROR, client_id: 'string?', retry_after: 'number?' },
};

const SUMMARY: Kind = 'object';
const AGENT: Record<AgentServerFrame['type'], Spec> = {
  ready: { agent: 'object', agents_online: 'number' },
  ack: { client_id: 'string', message: 'message' },
  message: { conversation: SUMMARY, message: 'message' },
  conversation: { conversation: SUMMARY },
  presence: { agents_online: 'number', agent: 'object' },
  typing: { conversation_id: 'string', typing: 'boolean', text: 'string?' },
  pong: {},
  error: { ...ERROR, client_id: 'string?' },
};

function check<F>(table: Record<string, Spec>, data: unknown): F | null {
  if (!isObject(data) || typeof data.type !== 'string' || !Object.hasOwn(table, data.type)) return null;
  return matches(data, table[data.type]!) ? (data as F) : null;
}

/** A frame from the visitor socket, or null when it is not one this client understands. */
export const checkVisitorFrame = (data: unknown): VisitorServerFrame | null => check<VisitorServerFrame>(VISITOR, data);

/** A frame from the agent socket, or null when it is not one this client understands. */
export const checkAgentFrame = (data: unknown): AgentServerFrame | null => check<AgentServerFrame>(AGENT, data);
