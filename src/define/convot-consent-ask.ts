import { ConvotConsentAsk } from '../elements/chat-extras/convot-consent-ask.js';
import { defineOnce } from './define-once.js';

// The storage consent prompt: its own chunk, loaded only on pages with a cookie banner.
defineOnce('convot-consent-ask', ConvotConsentAsk);

declare global {
  interface HTMLElementTagNameMap {
    'convot-consent-ask': ConvotConsentAsk;
  }
}
