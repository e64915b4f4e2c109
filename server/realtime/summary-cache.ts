/**
 * The inbox summary of each conversation this instance delivers messages for, kept up to date
 * from the committed rows themselves, so an agent frame costs no read: a conversation is read
 * once (when first seen, or when a `conversation` event says its metadata changed), then each
 * message advances last_seq, last_message and the unread count in memory. Promises chain per
 * conversation, so updates apply in delivery order.
 */
import type { ConversationSummary, VisitorProfile, WireMessage } from '../../src/protocol/index.js';

/** Enough for every conversation active at once; the oldest entry goes first (a re-read later). */
const CAPACITY = 10_000;

export class SummaryCache {
  private readonly entries = new Map<string, Promise<ConversationSummary | null>>();

  constructor(private readonly read: (conversationId: string) => Promise<ConversationSummary | null>) {}

  /** The summary after `message`: read once, then advanced from the row. */
  advance(conversationId: string, message: WireMessage): Promise<ConversationSummary | null> {
    const prev = this.entries.get(conversationId) ?? this.read(conversationId);
    const next = prev.then((s) => (s ? withMessage(s, message) : null));
    this.set(conversationId, next.catch(() => null));
    return next;
  }

  /**
   * Re-reads a conversation whose metadata changed (read marks, status, the visitor's profile).
   * An unchanged profile keeps its object, so the hub can tell by identity that a socket has it.
   */
  refresh(conversationId: string): Promise<ConversationSummary | null> {
    const prev = this.entries.get(conversationId);
    const next = Promise.all([this.read(conversationId), prev]).then(([s, old]) =>
      s && old && sameProfile(s.visitor, old.visitor) ? { ...s, visitor: old.visitor } : s,
    );
    this.set(conversationId, next.catch(() => null));
    return next;
  }

  private set(id: string, value: Promise<ConversationSummary | null>): void {
    this.entries.delete(id);
    this.entries.set(id, value);
    if (this.entries.size > CAPACITY) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** Profiles come from jsonb, whose keys are in a canonical order, so equal ones stringify alike. */
const sameProfile = (a: VisitorProfile, b: VisitorProfile): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** A summary that already covers the message is kept as it is (it was read after the commit). */
function withMessage(s: ConversationSummary, m: WireMessage): ConversationSummary {
  if (m.seq <= s.last_seq) return s;
  const agent = m.author === 'agent';
  return {
    ...s,
    last_seq: m.seq,
    last_message: m,
    last_message_at: m.created_at,
    // An agent who replies has read everything up to their reply (the same rule as the SQL).
    agent_read_seq: agent ? m.seq : s.agent_read_seq,
    unread_count: agent ? 0 : m.author === 'visitor' ? s.unread_count + 1 : s.unread_count,
  };
}
