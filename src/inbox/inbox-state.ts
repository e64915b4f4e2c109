/**
 * Pure merge rules for inbox data arriving from REST and the socket in any order. Everything
 * returns new arrays so Lit sees the change.
 */
import type { ConversationSummary, WireMessage } from '../protocol/wire.js';
import { byActivity } from './format.js';

/** A reply shown before the server has stored it; the client_id matches it to the stored row. */
export interface PendingReply {
  client_id: string;
  conversation_id: string;
  body: string;
  created_at: string;
  status: 'sending' | 'failed';
  error?: string;
}

/**
 * Puts a summary into the list, keeping it ordered by activity. A summary older than the one
 * held (lower last_seq: a REST response that raced a socket frame) does not replace it.
 */
export function upsertSummary(list: ConversationSummary[], next: ConversationSummary): ConversationSummary[] {
  const old = list.find((c) => c.id === next.id);
  if (old && old.last_seq > next.last_seq) return list;
  return [...list.filter((c) => c.id !== next.id), next].sort(byActivity);
}

/**
 * Merges a fetched page into the list: fetched rows replace held ones unless a socket frame has
 * already made the held row newer. With `keepRest`, rows the page did not cover (older pages
 * already loaded) stay; without it the page is the whole list.
 */
export function mergeSummaries(list: ConversationSummary[], fresh: ConversationSummary[], keepRest = false): ConversationSummary[] {
  const held = new Map(list.map((c) => [c.id, c]));
  const merged = fresh.map((c) => {
    const h = held.get(c.id);
    return h && h.last_seq > c.last_seq ? h : c;
  });
  const covered = new Set(fresh.map((c) => c.id));
  const rest = keepRest ? list.filter((c) => !covered.has(c.id)) : [];
  return [...merged, ...rest].sort(byActivity);
}

/** Adds messages by seq, dropping duplicates (history and live frames overlap after reconnects). */
export function mergeMessages(list: WireMessage[], incoming: WireMessage[]): WireMessage[] {
  if (!incoming.length) return list;
  const bySeq = new Map(list.map((m) => [m.seq, m]));
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** A client id the server accepts (8–64 of [A-Za-z0-9_-]). */
export function newClientId(): string {
  // randomUUID exists only in secure contexts; an inbox on plain http over a LAN still works.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
