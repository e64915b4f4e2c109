/** Entry of /dist/inbox.js: registers the inbox elements (once, if another bundle has not). */
import { InboxArticles } from './articles-view.js';
import { InboxConversationList } from './conversation-list.js';
import { InboxConversationView } from './conversation-view.js';
import { ConvotInbox } from './convot-inbox.js';
import { InboxLogin } from './login-form.js';
import { InboxVisitorPanel } from './visitor-panel.js';

const elements: [string, CustomElementConstructor][] = [
  // Children first, so <convot-inbox>'s first render upgrades them immediately.
  ['convot-inbox-login', InboxLogin],
  ['convot-inbox-list', InboxConversationList],
  ['convot-inbox-thread', InboxConversationView],
  ['convot-inbox-profile', InboxVisitorPanel],
  ['convot-inbox-articles', InboxArticles],
  ['convot-inbox', ConvotInbox],
];

for (const [tag, ctor] of elements) {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}

declare global {
  interface HTMLElementTagNameMap {
    'convot-inbox-login': InboxLogin;
    'convot-inbox-list': InboxConversationList;
    'convot-inbox-thread': InboxConversationView;
    'convot-inbox-profile': InboxVisitorPanel;
  }
}
