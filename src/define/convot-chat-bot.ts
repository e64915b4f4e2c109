import { ConvotQuickReplies } from '../elements/chat-bot/convot-quick-replies.js';
import { defineOnce } from './define-once.js';

// A chat flow bot's quick replies: a chunk of its own, loaded only on pages whose flow has a bot.
defineOnce('convot-quick-replies', ConvotQuickReplies);

declare global {
  interface HTMLElementTagNameMap {
    'convot-quick-replies': ConvotQuickReplies;
  }
}
