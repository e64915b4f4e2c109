/** Attachment metadata: which app and visitor a file belongs to (who may fetch it), and what it is. */
import type { AppScope } from '../tenancy.js';
import type { Db } from './db.js';

export interface AttachmentRow {
  id: string;
  app_id: string;
  visitor_id: string;
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
}

export interface UploadTarget {
  conversation_id: string;
  visitor_id: string;
  app_id: string;
}

const COLUMNS = 'id, app_id, visitor_id::text AS visitor_id, name, mime, size, width, height';

export class AttachmentsRepo {
  constructor(private readonly db: Db) {}

  async insert(a: AttachmentRow): Promise<void> {
    await this.db.query('INSERT INTO attachments (id, app_id, visitor_id, name, mime, size, width, height) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      a.id,
      a.app_id,
      a.visitor_id,
      a.name,
      a.mime,
      a.size,
      a.width,
      a.height,
    ]);
  }

  /** Ties a stored file to the conversation its message landed in. */
  async setConversation(id: string, conversationId: string): Promise<void> {
    await this.db.query('UPDATE attachments SET conversation_id = $2 WHERE id = $1', [id, conversationId]);
  }

  /** An attachment of this visitor in this app, else null (another visitor's file does not exist for them). */
  async findForVisitor(id: string, appId: string, visitorId: string): Promise<AttachmentRow | null> {
    const [row] = await this.db.query<AttachmentRow>(`SELECT ${COLUMNS} FROM attachments WHERE id = $1 AND app_id = $2 AND visitor_id = $3`, [id, appId, visitorId]);
    return row ?? null;
  }

  /** An attachment of one of the agent's apps (null scope: every app), else null. */
  async findForAgent(id: string, scope: AppScope): Promise<AttachmentRow | null> {
    const [row] = await this.db.query<AttachmentRow>(`SELECT ${COLUMNS} FROM attachments WHERE id = $1 AND ($2::text[] IS NULL OR app_id = ANY($2::text[]))`, [id, scope]);
    return row ?? null;
  }

  async delete(id: string): Promise<void> {
    await this.db.query('DELETE FROM attachments WHERE id = $1', [id]);
  }

  /** The conversation an agent uploads into (of their apps), with its visitor and app; null when they cannot see it. */
  async agentTarget(conversationPublicId: string, scope: AppScope): Promise<UploadTarget | null> {
    const [row] = await this.db.query<UploadTarget>(
      `SELECT id::text AS conversation_id, visitor_id::text AS visitor_id, app_id FROM conversations
       WHERE public_id = $1 AND ($2::text[] IS NULL OR app_id = ANY($2::text[]))`,
      [conversationPublicId, scope],
    );
    return row ?? null;
  }
}
