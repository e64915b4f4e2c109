/**
 * Messages the visitor wrote that the server has not acknowledged yet. Kept in storage, so a
 * reload, a crash or a dropped connection loses nothing; resent until acked (the server
 * dedupes by client id).
 */
import type { KeyValue } from './storage.js';

export interface OutboxItem {
  client_id: string;
  body: string;
  created_at: string;
  /** lastSeq when written: where the message sits in the list until it is stored. */
  after_seq: number;
}

export class Outbox {
  private items: OutboxItem[];
  constructor(private readonly storage: KeyValue) {
    const saved = storage.get<OutboxItem[]>('outbox');
    this.items = Array.isArray(saved) ? saved.filter((i) => typeof i?.client_id === 'string' && typeof i.body === 'string') : [];
  }
  list(): readonly OutboxItem[] {
    return this.items;
  }
  add(item: OutboxItem): void {
    this.items = [...this.items, item];
    this.save();
  }
  remove(clientId: string): void {
    const next = this.items.filter((i) => i.client_id !== clientId);
    if (next.length === this.items.length) return;
    this.items = next;
    this.save();
  }
  clear(): void {
    this.items = [];
    this.storage.remove('outbox');
  }
  private save(): void {
    if (this.items.length) this.storage.set('outbox', this.items);
    else this.storage.remove('outbox');
  }
}
