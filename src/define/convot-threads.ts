import { ConvotThreads } from '../elements/chat-threads/convot-threads.js';
import { defineOnce } from './define-once.js';

// The visitor's earlier conversations: a chunk of its own, loaded the first time they ask for the
// list, so the chat's first open carries only the header button.
defineOnce('convot-threads', ConvotThreads);

declare global {
  interface HTMLElementTagNameMap {
    'convot-threads': ConvotThreads;
  }
}
