import { ConvotChatPanel } from '../elements/convot-chat-panel/convot-chat-panel.js';
import { defineOnce } from './define-once.js';

defineOnce('convot-chat-panel', ConvotChatPanel);

declare global {
  interface HTMLElementTagNameMap {
    'convot-chat-panel': ConvotChatPanel;
  }
}
