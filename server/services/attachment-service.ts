/**
 * Files in conversations: checks an upload against its app's limits (size, allowed type, and
 * the bytes themselves for images and PDF), stores it behind the AttachmentStore, and posts it as
 * a message through Chat (idempotent per client_id like any message). Reads check who asks: the
 * file's visitor, or an agent of its app; anyone else gets 404, so ids cannot be probed.
 */
import { THUMBNAIL_TYPES, baseType, formatBytes, type AttachmentCard, type UploadQuery } from '../../src/protocol/index.js';
import { checkContent, imageSize } from '../attachments/sniff.js';
import { fail } from '../errors.js';
import { newPublicId } from '../identity/secrets.js';
import { attachmentLimitsOf, type AppRow } from '../storage/apps-repo.js';
import type { AttachmentStore } from '../storage/attachment-store.js';
import type { AttachmentRow, AttachmentsRepo } from '../storage/attachments-repo.js';
import type { AgentActor, Chat, SendResult } from './chat.js';
import type { VisitorCaller, VisitorService } from './visitor-service.js';

export interface Upload extends UploadQuery {
  /** The request's Content-Type. */
  type: string | undefined;
  data: Uint8Array;
}

export interface Download {
  row: AttachmentRow;
  data: Uint8Array;
}

const NOT_FOUND = 'No attachment has this id.';

export class AttachmentService {
  constructor(
    private readonly deps: {
      attachments: AttachmentsRepo;
      store: AttachmentStore;
      chat: Chat;
      visitors: VisitorService;
      apps: { find(id: string): Promise<AppRow | null> };
    },
  ) {}

  /** The most a request may stream before the app's own limit is known (agents: their conversation's app). */
  limitFor(app: AppRow): number {
    return attachmentLimitsOf(app).max_bytes;
  }

  async uploadAsVisitor(caller: VisitorCaller, up: Upload, ip: string): Promise<SendResult> {
    const row = this.check(caller.app, up, caller.session.visitor_id);
    return this.store(row, up.data, (card) => this.deps.visitors.send(caller, { client_id: up.client_id, body: card.name, card }, ip));
  }

  async uploadAsAgent(agent: AgentActor, conversationPublicId: string, up: Upload): Promise<SendResult> {
    const target = await this.deps.attachments.agentTarget(conversationPublicId, agent.apps);
    if (!target) fail('CONVOT_ERR_NOT_FOUND', 'No conversation has this id.', 'conversation_id');
    const app = await this.deps.apps.find(target.app_id);
    if (!app) fail('CONVOT_ERR_NOT_FOUND', 'No conversation has this id.', 'conversation_id');
    const row = this.check(app, up, target.visitor_id);
    return this.store(row, up.data, (card) => this.deps.chat.sendAgentMessage(conversationPublicId, agent, up.client_id, card.name, card));
  }

  async forVisitor(caller: VisitorCaller, id: string): Promise<Download> {
    return this.read(await this.deps.attachments.findForVisitor(id, caller.app.id, caller.session.visitor_id));
  }

  async forAgent(agent: AgentActor, id: string): Promise<Download> {
    return this.read(await this.deps.attachments.findForAgent(id, agent.apps));
  }

  /** Size, type and content against the app's limits; the row to store. */
  private check(app: AppRow, up: Upload, visitorId: string): AttachmentRow {
    const limits = attachmentLimitsOf(app);
    if (up.data.length > limits.max_bytes) tooLarge(limits.max_bytes);
    if (up.data.length === 0) fail('CONVOT_ERR_BAD_REQUEST', 'The file is empty.', 'body');
    const mime = baseType(up.type);
    if (!limits.types.includes(mime)) {
      fail('CONVOT_ERR_ATTACHMENT_TYPE', `Files of type ${mime || '(none)'} are not allowed here; allowed: ${limits.types.join(', ')}.`, 'content-type');
    }
    const wrong = checkContent(mime, up.data);
    if (wrong) fail('CONVOT_ERR_ATTACHMENT_TYPE', `The file was sent as ${mime}, but ${wrong}.`, 'content-type');
    const size = THUMBNAIL_TYPES.includes(mime) ? imageSize(mime, up.data) : null;
    return { id: newPublicId('att'), app_id: app.id, visitor_id: visitorId, name: up.name, mime, size: up.data.length, width: size?.width ?? null, height: size?.height ?? null };
  }

  /**
   * Stores the bytes and the row, then posts the message. A retry of a stored client id gets the
   * stored message back, and the copy just stored is removed again.
   */
  private async store(row: AttachmentRow, data: Uint8Array, post: (card: AttachmentCard) => Promise<SendResult & { conversationId: string }>): Promise<SendResult> {
    await this.deps.store.put(row.id, data);
    await this.deps.attachments.insert(row);
    const card: AttachmentCard = { type: 'attachment', id: row.id, name: row.name, mime: row.mime, size: row.size };
    if (row.width && row.height) Object.assign(card, { width: row.width, height: row.height });
    let result: SendResult & { conversationId: string };
    try {
      result = await post(card);
    } catch (e) {
      await this.discard(row.id);
      throw e;
    }
    if (result.created) await this.deps.attachments.setConversation(row.id, result.conversationId);
    else await this.discard(row.id);
    return { message: result.message, created: result.created };
  }

  private async discard(id: string): Promise<void> {
    await this.deps.attachments.delete(id);
    await this.deps.store.delete(id);
  }

  private async read(row: AttachmentRow | null): Promise<Download> {
    if (!row) fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND, 'id');
    const data = await this.deps.store.get(row.id);
    if (!data) fail('CONVOT_ERR_NOT_FOUND', NOT_FOUND, 'id');
    return { row, data };
  }
}

export function tooLarge(max: number): never {
  fail('CONVOT_ERR_ATTACHMENT_TOO_LARGE', `The file is larger than ${formatBytes(max)}, the most this chat accepts.`, 'body');
}
