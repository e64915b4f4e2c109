import { ConvotArticleCard } from '../elements/chat-extras/convot-article-card.js';
import { ConvotEmailAsk } from '../elements/chat-extras/convot-email-ask.js';
import { defineOnce } from './define-once.js';

// What the chat shows only sometimes (an article card, the nobody-online email ask): one chunk,
// loaded the first time either is needed, so the chat's first open does not carry them.
defineOnce('convot-article-card', ConvotArticleCard);
defineOnce('convot-email-ask', ConvotEmailAsk);

declare global {
  interface HTMLElementTagNameMap {
    'convot-article-card': ConvotArticleCard;
    'convot-email-ask': ConvotEmailAsk;
  }
}
