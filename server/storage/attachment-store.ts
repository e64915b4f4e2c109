/**
 * Where attachment bytes live. One interface so a deployment could move them (object storage)
 * without touching the services; the default keeps them in the database (`attachment_blobs`),
 * so any instance serves any file and a backup of the database holds everything.
 */
import type { Db } from './db.js';

export interface AttachmentStore {
  put(id: string, data: Uint8Array): Promise<void>;
  /** The bytes, or null when nothing is stored under the id. */
  get(id: string): Promise<Uint8Array | null>;
  delete(id: string): Promise<void>;
}

export class DbAttachmentStore implements AttachmentStore {
  constructor(private readonly db: Db) {}

  async put(id: string, data: Uint8Array): Promise<void> {
    await this.db.query('INSERT INTO attachment_blobs (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data', [id, data]);
  }

  async get(id: string): Promise<Uint8Array | null> {
    const [row] = await this.db.query<{ data: Uint8Array }>('SELECT data FROM attachment_blobs WHERE id = $1', [id]);
    return row ? row.data : null;
  }

  async delete(id: string): Promise<void> {
    await this.db.query('DELETE FROM attachment_blobs WHERE id = $1', [id]);
  }
}
