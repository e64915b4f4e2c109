/** English UI strings: the reference catalog every other locale must match key for key. */
import { plural } from './plural.js';

export const en = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unread: plural('en', { one: '# unread message', other: '# unread messages' }),
  title: 'Chat with us',
  online: 'We are online',
  away: 'We will reply as soon as we can',
  reconnecting: 'Reconnecting…',
  messages: 'Conversation',
  empty: 'Ask us anything. We usually reply within a few minutes.',
  composerLabel: 'Message',
  placeholder: 'Write a message…',
  attachFile: 'Attach a file',
  threads: 'Earlier conversations',
  send: 'Send',
  sending: 'Sending…',
  sent: 'Sent',
  notSent: 'Not sent',
  seen: 'Seen',
  /** {name}: the agent's name (or the team's). */
  typing: '{name} is typing…',
  you: 'You',
  team: 'Team',
  unknownApp: 'This chat is not set up correctly (unknown app id).',
  badOrigin: 'This chat is not enabled on this website.',
  dismiss: 'Dismiss',
  tabChat: 'Chat',
  tabHelp: 'Help',
  tabBook: 'Book',
};

export type Catalog = typeof en;
