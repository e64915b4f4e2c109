/**
 * AppsRepo with its reads cached: every widget request and socket open names its app, and apps
 * change only when a config is applied. Any write through this repository (applying a config)
 * empties the cache; a config applied by another instance is seen within CACHE_MS.
 */
import { AppsRepo, type AppRow } from './apps-repo.js';
import type { Db } from './db.js';

const CACHE_MS = 5_000;

export class CachedAppsRepo extends AppsRepo {
  private readonly cache = new Map<string, { row: Promise<AppRow | null>; at: number }>();

  constructor(db: Db) {
    super(db);
    // Writes are whatever else the repository does (reads are find… and list…); each one forgets
    // the cache after it runs.
    for (const name of Object.getOwnPropertyNames(AppsRepo.prototype) as (keyof AppsRepo)[]) {
      if (/^(find|list)/.test(name) || (name as string) === 'constructor') continue;
      const write = (AppsRepo.prototype[name] as (...args: unknown[]) => Promise<unknown>).bind(this);
      Object.defineProperty(this, name, {
        value: async (...args: unknown[]) => {
          try {
            return await write(...args);
          } finally {
            this.cache.clear();
          }
        },
      });
    }
  }

  override find(id: string): Promise<AppRow | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < CACHE_MS) return hit.row;
    const row = super.find(id);
    // Only known apps are kept, so made-up ids cannot grow the cache.
    this.cache.set(id, { row, at: now });
    row.then(
      (r) => r || this.cache.delete(id),
      () => this.cache.delete(id),
    );
    return row;
  }
}
