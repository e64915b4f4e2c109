/** Entry of /dist/inbox.js: registers the inbox elements (once, if another bundle has not). */
import { InboxBookings } from './bookings-view.js';
import { InboxArticles } from './articles-view.js';
import { InboxConversationList } from './conversation-list.js';
import { InboxConversationView } from './conversation-view.js';
import { ConvotInbox } from './convot-inbox.js';
import { InboxLogin } from './login-form.js';
import { InboxMeetingTypes } from './meeting-types-editor.js';
import { InboxShareMenu } from './share-menu.js';
import { InboxVisitorPanel } from './visitor-panel.js';

const elements: [string, CustomElementConstructor][] = [
  // Children first, so <convot-inbox>'s first render upgrades them immediately.
  ['convot-inbox-login', InboxLogin],
  ['convot-inbox-list', InboxConversationList],
  ['convot-inbox-share', InboxShareMenu],
  ['convot-inbox-thread', InboxConversationView],
  ['convot-inbox-profile', InboxVisitorPanel],
  ['convot-inbox-meeting-types', InboxMeetingTypes],
  ['convot-inbox-bookings', InboxBookings],
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
    'convot-inbox-meeting-types': InboxMeetingTypes;
    'convot-inbox-bookings': InboxBookings;
    'convot-inbox-articles': InboxArticles;
    'convot-inbox-share': InboxShareMenu;
  }
}
