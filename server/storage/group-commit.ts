/**
 * Group commit: single statements that arrive while a commit is under way wait for it and then
 * share the next transaction, so under load many messages pay for one commit (on PostgreSQL one
 * WAL flush) instead of one each. Alone, a statement runs at once on its own. Order is kept:
 * statements run in the order they were queued.
 *
 * Statements that say how (`Merge`) are merged: a group's statements with one merge key become
 * a single multi-row statement, so a burst of messages costs one round trip and one plan rather
 * than one per message (node-postgres sends a transaction's statements one after another).
 *
 * When one statement of a group fails (a duplicate race, a deadlock with another instance's
 * group), the transaction rolls back with it and each statement is run again on its own, so
 * one failure is only its own. The statements must be safe to run again after a rollback (the
 * message append is: it checks its client id).
 */
import type { Db, Statement } from './db.js';

/** The most statements one transaction takes: bounds how long its row locks are held. */
const MAX_GROUP = 256;

/** How statements of one kind merge into one. */
export interface Merge {
  /** Statements with the same key are merged. */
  key: string;
  /** One statement for the members' params, in queue order. */
  build(members: unknown[][]): Statement;
  /** The merged statement's rows → each member's rows, in order. */
  split(rows: unknown[], members: unknown[][]): unknown[][];
}

interface Waiting extends Statement {
  merge?: Merge;
  resolve(rows: unknown[]): void;
  reject(e: unknown): void;
}

/** What one transaction runs: a statement of one waiting caller, or a merged one of several. */
interface Unit {
  members: Waiting[];
  merge?: Merge;
}

export class GroupCommit {
  private readonly queue: Waiting[] = [];
  private running = false;

  constructor(private readonly db: Db) {}

  query<T>(sql: string, params: unknown[], merge?: Merge): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      this.queue.push({ sql, params, merge, resolve: resolve as (rows: unknown[]) => void, reject });
      if (this.running) return;
      // Start after this turn of the event loop, so statements of frames that arrived together
      // share the first group too (PGlite runs a query within the call that starts it, so
      // without this nothing would ever wait for it).
      this.running = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const group = this.queue.splice(0, MAX_GROUP);
      const units: Unit[] = [];
      const byKey = new Map<string, Unit>();
      for (const w of group) {
        const unit = w.merge ? byKey.get(w.merge.key) : undefined;
        if (unit) unit.members.push(w);
        else {
          const fresh: Unit = { members: [w], merge: w.merge };
          units.push(fresh);
          if (w.merge) byKey.set(w.merge.key, fresh);
        }
      }
      const statements = units.map((u): Statement => (u.members.length > 1 ? u.merge!.build(u.members.map((m) => m.params)) : u.members[0]!));
      if (group.length === 1) {
        const [one] = group as [Waiting];
        await this.db.query(one.sql, one.params).then(one.resolve, one.reject);
        continue;
      }
      try {
        const results = statements.length === 1 ? [await this.db.query(statements[0]!.sql, statements[0]!.params)] : await this.db.batch(statements);
        units.forEach((u, i) => {
          if (u.members.length === 1) return u.members[0]!.resolve(results[i]!);
          const split = u.merge!.split(results[i]!, u.members.map((m) => m.params));
          u.members.forEach((m, j) => m.resolve(split[j]!));
        });
      } catch {
        for (const w of group) await this.db.query(w.sql, w.params).then(w.resolve, w.reject);
      }
    }
    this.running = false;
  }
}
