/**
 * The page's chat flow and the bot step waiting for the visitor, derived from the widget's
 * state (one rule for the panel, the launcher and the client that sends the answer).
 */
import type { BotStepPublic, ChatFlowPublic } from '../protocol/chat-flows.js';
import type { WidgetState } from './state.js';

/** A bot step the visitor can answer now. `stored`: the bot's message is in the log (else the widget shows it). */
export interface WaitingStep {
  flowId: string;
  botName: string | null;
  step: BotStepPublic;
  stored: boolean;
}

/** The flow of the page at `href`: the first (in config order) whose rule matches. */
export { matchFlow } from '../protocol/chat-flows.js';

/** A visitor's next message starts a conversation (none is open): it starts in the page's flow. */
export const startsConversation = (s: WidgetState): boolean => s.conversationStatus !== 'open';

export function waitingStep(s: WidgetState): WaitingStep | null {
  if (startsConversation(s)) {
    // Shown until the visitor writes; their message (pending) takes its place until the server stores both.
    const f: ChatFlowPublic | null = s.flow;
    if (!f?.first_step || s.messages.some((m) => m.status !== 'sent')) return null;
    return { flowId: f.id, botName: f.bot_name, step: f.first_step, stored: false };
  }
  const last = s.messages.at(-1);
  const card = last?.author === 'bot' ? last.card : undefined;
  if (card?.type !== 'bot' || !card.quick_replies || !card.step_id) return null;
  return { flowId: card.flow_id, botName: card.name, step: { id: card.step_id, message: last!.body, quick_replies: card.quick_replies }, stored: true };
}

/**
 * With chat flows, the floating widget shows only on pages a flow matches, or while the visitor
 * has an open conversation (an active chat never disappears on a route change).
 */
export const hiddenByFlows = (s: WidgetState): boolean => s.chatFlows.length > 0 && !s.flow && s.conversationStatus !== 'open';
