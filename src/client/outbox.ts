/**
 * Messages the visitor wrote that the server has not acknowledged yet. Kept in storage, so a
 * reload, a crash or a dropped connection loses nothing; resent until acked (the server
 * dedupes by client id).
 *
 * One key per message (`outbox:<client_id>`), never one shared array: tabs of one browser add
 * and remove their own entries without reading and rewriting each other's, so no tab can
 * overwrite another's pending message, and any tab can flush them all (stored once, by id).
 * The loader's stub writes entries the same way for messages sent before the widget loaded.
 */
import type { AppStorage } from './storage.js';
import type { VisitorClientFrame } from '../protocol/wire.js';

export interface OutboxItem {
  client_id: string;
  body: string;
  created_at: string;
  /** lastSeq when written: where the message sits in the list until it is stored. */
  after_seq: number;
  /** Send order across tabs and reloads: the time in µs, made unique within this page. */
  order?: number;
  /** The chat flow a new conversation starts in, and the bot step this answers (see FlowAnswer). */
  flow?: string;
  reply?: { step: string; values: string[] };
}

let lastStamp = 0;
/** A send-order stamp: milliseconds × 1000, bumped so two sends in one millisecond keep their order. */
export function orderStamp(): number {
  lastStamp = Math.max(lastStamp + 1, Date.now() * 1000);
  return lastStamp;
}

const orderOf = (i: OutboxItem) => i.order ?? Date.parse(i.created_at) * 1000;

export const OUTBOX_PREFIX = 'outbox:';
const AFTER_ALL = 1e12;

const valid = (i: unknown): i is OutboxItem =>
  typeof i === 'object' && i !== null && typeof (i as OutboxItem).client_id === 'string' && typeof (i as OutboxItem).body === 'string' && typeof (i as OutboxItem).created_at === 'string';

export class Outbox {
  constructor(private readonly storage: AppStorage) {
    // Earlier versions kept one array under `outbox`: move its entries to their own keys.
    const legacy = storage.get<unknown[]>('outbox');
    if (Array.isArray(legacy)) {
      for (const item of legacy) if (valid(item)) this.add(item);
      storage.remove('outbox');
    }
  }

  /** Every pending message of this app in this browser, oldest first. */
  list(): OutboxItem[] {
    const items: OutboxItem[] = [];
    for (const key of this.storage.keys(OUTBOX_PREFIX)) {
      const item = this.storage.get<unknown>(key);
      // Written before the widget loaded (no seq known): shown after everything stored.
      if (valid(item)) items.push({ ...item, after_seq: typeof item.after_seq === 'number' ? item.after_seq : AFTER_ALL });
    }
    return items.sort((a, b) => orderOf(a) - orderOf(b) || a.client_id.localeCompare(b.client_id));
  }

  get size(): number {
    return this.storage.keys(OUTBOX_PREFIX).length;
  }

  has(clientId: string): boolean {
    return this.storage.get(OUTBOX_PREFIX + clientId) !== null;
  }

  add(item: OutboxItem): void {
    this.storage.set(OUTBOX_PREFIX + item.client_id, { ...item, order: item.order ?? orderStamp() });
  }

  remove(clientId: string): void {
    this.storage.remove(OUTBOX_PREFIX + clientId);
  }

  clear(): void {
    for (const key of this.storage.keys(OUTBOX_PREFIX)) this.storage.remove(key);
  }
}

/** The socket frame that sends an outbox entry (with its flow and answer, if any). */
export const messageFrame = (i: OutboxItem): VisitorClientFrame => ({
  type: 'message',
  client_id: i.client_id,
  body: i.body,
  ...(i.flow ? { flow: i.flow } : {}),
  ...(i.flow && i.reply ? { reply: i.reply } : {}),
});
