/** The apps aggregate: an app's settings as applied from the config file. */
import type { Appearance } from '../../src/protocol/index.js';
import type { Db } from './db.js';

export interface AppRow {
  id: string;
  name: string;
  identity_secret: string | null;
  require_verification: boolean;
  allowed_origins: string[];
  appearance: Appearance;
}

export class AppsRepo {
  constructor(private readonly db: Db) {}

  /** Inserts or updates the app, enabling it again if it was disabled. */
  async upsert(app: Omit<AppRow, 'appearance'> & { appearance?: Appearance }): Promise<void> {
    await this.db.query(
      `INSERT INTO apps (id, name, identity_secret, require_verification, allowed_origins, appearance)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, identity_secret = EXCLUDED.identity_secret,
         require_verification = EXCLUDED.require_verification, allowed_origins = EXCLUDED.allowed_origins,
         appearance = EXCLUDED.appearance, disabled = false, updated_at = now()`,
      [app.id, app.name, app.identity_secret, app.require_verification, JSON.stringify(app.allowed_origins), JSON.stringify(app.appearance ?? {})],
    );
  }

  /** An enabled app: a disabled one is unknown to visitors. */
  async find(id: string): Promise<AppRow | null> {
    const rows = await this.db.query<AppRow>(
      'SELECT id, name, identity_secret, require_verification, allowed_origins, appearance FROM apps WHERE id = $1 AND NOT disabled',
      [id],
    );
    return rows[0] ?? null;
  }

  /** Disables every app whose id is not in `keep` (removed from the config file). */
  /** Disables every app not in `keep`; returns the ids it disabled now. */
  async disableOthers(keep: string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>('UPDATE apps SET disabled = true, updated_at = now() WHERE NOT disabled AND NOT (id = ANY($1::text[])) RETURNING id', [keep]);
    return rows.map((r) => r.id);
  }
}
