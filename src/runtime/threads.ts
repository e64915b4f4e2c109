/**
 * The visitor's earlier threads (`Convot.threads()`, `selectThread`, the panel's "Earlier
 * conversations"): listing their conversations and making one current. Its own chunk: pages
 * and visitors who never ask do not load it. Selecting needs nothing here beyond the request:
 * the server closes the open conversation, reopens the chosen one, and the socket's
 * `conversation` frame and messages switch the view (ChatClient's conversation switch).
 */
import type { ChatClient } from '../client/chat-client.js';
import { MAX_THREADS_PAGE, visitorThreadsApi, type VisitorThread } from '../protocol/threads.js';
import { describe, isPlainObject, warn } from './describe.js';

export interface ThreadsPage {
  threads: VisitorThread[];
  has_more: boolean;
}

/** A page of the visitor's threads, newest activity first; null (with a warning) when bad options or a failed request. */
export async function listThreads(client: ChatClient, options?: unknown): Promise<ThreadsPage | null> {
  const o = options === undefined ? {} : options;
  const before = isPlainObject(o) ? o.before : null;
  const limit = isPlainObject(o) ? (o.limit ?? 20) : null;
  if ((before !== undefined && (typeof before !== 'string' || !before)) || !Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_THREADS_PAGE) {
    warn(`threads() expects nothing or { before?: "cnv_…", limit?: 1 to ${MAX_THREADS_PAGE} }, got ${describe(options)}.`);
    return null;
  }
  try {
    return await client.callAsVisitor(visitorThreadsApi.threads, { query: { before: before as string | undefined, limit: limit as number } });
  } catch {
    warn('could not list the conversations.');
    return null;
  }
}

/**
 * Makes one of the visitor's conversations current (a closed one reopens, their open one
 * closes); fires `thread:selected`. False (with a warning naming the value) when it could not.
 */
export async function selectThread(client: ChatClient, conversationId: unknown): Promise<boolean> {
  if (typeof conversationId !== 'string' || !conversationId) {
    warn(`thread:select expects a conversation id like "cnv_…", got ${describe(conversationId)}.`);
    return false;
  }
  const { conversationId: shown, conversationStatus } = client.state;
  // The open one closes because the visitor chose another: not "closed by the team".
  if (shown && shown !== conversationId && conversationStatus === 'open') client.ownClose = shown;
  try {
    await client.callAsVisitor(visitorThreadsApi.selectThread, { params: { appId: client.options.appId, id: conversationId } });
  } catch (e) {
    warn(`could not select conversation ${JSON.stringify(conversationId)} (${(e as { code?: string }).code ?? 'error'}).`);
    return false;
  }
  client.store.set({ threads: false });
  client.events.emit('thread:selected', { conversation: { conversationId } });
  return true;
}
