/**
 * Alerts for an agent when a visitor writes in a conversation they are not looking at (or while
 * the inbox tab is hidden): the widget's Web Audio chime unless muted (the choice persists), and
 * a desktop notification once the agent has allowed them. Permission is asked only from the
 * "Enable notifications" button's click, never on load.
 */
import { playChime } from '../client/sound.js';
import type { ConversationSummary, WireMessage } from '../protocol/wire.js';
import { visitorName } from './format.js';

const MUTED_KEY = 'convot-inbox:muted';

export type NotificationState = 'unsupported' | 'default' | 'granted' | 'denied';

export function notificationState(): NotificationState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export function loadMuted(): boolean {
  try {
    return localStorage.getItem(MUTED_KEY) === '1';
  } catch {
    return false;
  }
}

export function saveMuted(muted: boolean): void {
  try {
    if (muted) localStorage.setItem(MUTED_KEY, '1');
    else localStorage.removeItem(MUTED_KEY);
  } catch {
    // Storage blocked: the choice lasts until the page closes.
  }
}

/** Asks for permission (call from a click only); resolves with the answer. */
export async function askNotifications(): Promise<NotificationState> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return notificationState();
  }
}

/** Chime and notify for a visitor's message; `open` brings the conversation up when the notification is clicked. */
export function alertAgent(c: ConversationSummary, m: WireMessage, muted: boolean, open: (id: string) => void): void {
  if (!muted) playChime();
  if (notificationState() !== 'granted') return;
  try {
    const n = new Notification(m.seq === 1 ? `New conversation: ${visitorName(c.visitor)}` : visitorName(c.visitor), {
      body: m.body.slice(0, 200),
      // One notification per conversation: a second message replaces the first.
      tag: `convot-${c.id}`,
    });
    n.onclick = () => {
      window.focus();
      open(c.id);
      n.close();
    };
  } catch {
    // Some browsers (Android Chrome) allow notifications only from a service worker.
  }
}
