/**
 * `refresh({ open_to_new_thread: true })`: ends the visitor's open conversation (the server
 * keeps one open per visitor), so their next message starts a new one. Its own chunk: only
 * pages that ask for it load it.
 */
import type { ChatClient } from '../client/chat-client.js';
import { visitorApi } from '../protocol/routes.js';

export async function newConversation(client: ChatClient): Promise<void> {
  const { conversationId, conversationStatus } = client.state;
  if (!conversationId || conversationStatus !== 'open') return;
  client.ownClose = conversationId; // not "closed by the team": no conversation:closed
  try {
    await client.callAsVisitor(visitorApi.closeConversation);
  } catch {
    console.warn('Convot: could not start a new conversation; the current one continues.');
  }
}
