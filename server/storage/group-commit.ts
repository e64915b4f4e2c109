/**
 * Group commit: single statements that arrive while a commit is under way wait for it and then
 * share the next transaction, so under load many messages pay for one commit (on PostgreSQL one
 * WAL flush) instead of one each. Alone, a statement runs at once on its own. Order is kept:
 * statements run in the order they were queued.
 *
 * When one statement of a group fails (a duplicate race, a deadlock with another instance's
 * group), the transaction rolls back with it and each statement is run again on its own, so
 * one failure is only its own. The statements must be safe to run again after a rollback (the
 * message append is: it checks its client id).
 */
import type { Db, Statement } from './db.js';

/** The most statements one transaction takes: bounds how long its row locks are held. */
const MAX_GROUP = 256;

interface Waiting extends Statement {
  resolve(rows: unknown[]): void;
  reject(e: unknown): void;
}

export class GroupCommit {
  private readonly queue: Waiting[] = [];
  private running = false;

  constructor(private readonly db: Db) {}

  query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      this.queue.push({ sql, params, resolve: resolve as (rows: unknown[]) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length) {
      const group = this.queue.splice(0, MAX_GROUP);
      if (group.length === 1) {
        const [one] = group as [Waiting];
        await this.db.query(one.sql, one.params).then(one.resolve, one.reject);
        continue;
      }
      try {
        const results = await this.db.batch(group);
        group.forEach((w, i) => w.resolve(results[i]!));
      } catch {
        for (const w of group) await this.db.query(w.sql, w.params).then(w.resolve, w.reject);
      }
    }
    this.running = false;
  }
}
