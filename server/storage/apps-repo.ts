/** The apps aggregate: an app's settings as applied from the config file. */
import { DEFAULT_ATTACHMENT_MAX_BYTES, DEFAULT_ATTACHMENT_TYPES, type Appearance, type AttachmentLimits } from '../../src/protocol/index.js';
import type { Db } from './db.js';
import type { ChatFlow } from '../chat-flows/config.js';

export interface AppRow {
  id: string;
  name: string;
  identity_secret: string | null;
  require_verification: boolean;
  allowed_origins: string[];
  appearance: Appearance;
  /** `apps[].help_host`: the host (and port) that serves this app's public help site, or null. */
  help_host?: string | null;
  /** `apps[].status_url`: the team's system status page, or null. */
  status_url?: string | null;
  /** `apps[].attachments` (NULL in the row: the defaults). */
  attachments?: AttachmentLimits | null;
  /** `apps[].chat_flows` (whole: the widget gets `publicFlows` of it). */
  chat_flows?: ChatFlow[];
}

/** An app's upload limits: its own, else the defaults. */
export const attachmentLimitsOf = (app: AppRow): AttachmentLimits => app.attachments ?? { max_bytes: DEFAULT_ATTACHMENT_MAX_BYTES, types: [...DEFAULT_ATTACHMENT_TYPES] };

const COLUMNS = 'id, name, identity_secret, require_verification, allowed_origins, appearance, help_host, status_url, attachments, chat_flows';

export class AppsRepo {
  constructor(private readonly db: Db) {}

  /** Inserts or updates the app, enabling it again if it was disabled. */
  async upsert(app: Omit<AppRow, 'appearance'> & { appearance?: Appearance }): Promise<void> {
    await this.db.query(
      `INSERT INTO apps (id, name, identity_secret, require_verification, allowed_origins, appearance, help_host, status_url, attachments, chat_flows)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, identity_secret = EXCLUDED.identity_secret,
         require_verification = EXCLUDED.require_verification, allowed_origins = EXCLUDED.allowed_origins,
         appearance = EXCLUDED.appearance, help_host = EXCLUDED.help_host, status_url = EXCLUDED.status_url, attachments = EXCLUDED.attachments, chat_flows = EXCLUDED.chat_flows,
         disabled = false, updated_at = now()`,
      [app.id, app.name, app.identity_secret, app.require_verification, JSON.stringify(app.allowed_origins), JSON.stringify(app.appearance ?? {}), app.help_host ?? null, app.status_url ?? null, app.attachments ? JSON.stringify(app.attachments) : null, JSON.stringify(app.chat_flows ?? [])],
    );
  }

  /** An enabled app: a disabled one is unknown to visitors. */
  async find(id: string): Promise<AppRow | null> {
    const rows = await this.db.query<AppRow>(`SELECT ${COLUMNS} FROM apps WHERE id = $1 AND NOT disabled`, [id]);
    return rows[0] ?? null;
  }

  /** The enabled app whose help site is served on this host (`help.example.com`, `127.0.0.1:8787`). */
  async findByHelpHost(host: string): Promise<AppRow | null> {
    const rows = await this.db.query<AppRow>(`SELECT ${COLUMNS} FROM apps WHERE lower(help_host) = lower($1) AND NOT disabled ORDER BY id LIMIT 1`, [host]);
    return rows[0] ?? null;
  }

  /** Every enabled app, by id. */
  async listEnabled(): Promise<AppRow[]> {
    return this.db.query<AppRow>(`SELECT ${COLUMNS} FROM apps WHERE NOT disabled ORDER BY id`);
  }

  /** Disables every app not in `keep`; returns the ids it disabled now. */
  async disableOthers(keep: string[]): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>('UPDATE apps SET disabled = true, updated_at = now() WHERE NOT disabled AND NOT (id = ANY($1::text[])) RETURNING id', [keep]);
    return rows.map((r) => r.id);
  }
}
