import './convot-chat-panel.js';
import { ConvotInline } from '../elements/convot-inline/convot-inline.js';
import { defineOnce } from './define-once.js';

defineOnce('convot-inline', ConvotInline);

declare global {
  interface HTMLElementTagNameMap {
    'convot-inline': ConvotInline;
  }
}
