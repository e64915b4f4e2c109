/**
 * Fan-out between server instances. Events carry ids only; each instance loads the rows it
 * needs from the database, once per instance. Every event names the instance that published it
 * (`i`), so the publisher, which delivered from memory already, skips its own. This interface
 * is the seam where a broker other than PostgreSQL LISTEN/NOTIFY could plug in at larger scale.
 */
import type { Db } from '../storage/db.js';

export type FanoutEvent = (
  /** A message was committed: conversation (internal id), its seq, the visitor and app it routes to. */
  | { k: 'message'; c: string; s: number; v: string; a: string }
  /** Conversation metadata changed: read marks, status (close/reopen), the visitor's profile. */
  | { k: 'conversation'; c: string }
  /** An agent's availability may have changed: Away switched, an inbox opened or closed. */
  | { k: 'presence'; a: string }
  /** An agent session ended (sign-out): its sockets close, on every instance. */
  | { k: 'signout'; h: string }
  /** An app left the config: its visitors' sockets close, on every instance. */
  | { k: 'app-removed'; a: string }
  | TypingEvent
) & { /** The publishing instance. */ i?: string };

/**
 * Someone is typing (`t` 1) or stopped (0) in a conversation: delivered as it comes, never
 * stored, never read back. Small by construction (NOTIFY payloads stop at 8000 bytes): ids, the
 * agent's name (≤ 200 characters) and avatar URL (≤ 2048, ASCII), or the visitor's draft preview
 * (≤ TYPING_PREVIEW_MAX characters): under 4 KB even with every character JSON-escaped.
 */
export interface TypingEvent {
  k: 'typing';
  /** Conversation: internal and public id. */
  c: string;
  p: string;
  /** The conversation's visitor and app. */
  v: string;
  a: string;
  /** Who types: the visitor or an agent. */
  w: 'visitor' | 'agent';
  t: 0 | 1;
  /** An agent's public name and avatar. */
  n?: string;
  u?: string | null;
  /** The visitor's draft preview, for the app's agents. */
  x?: string;
}

/** Where a statement can announce its own commit (pg_notify inside the statement: no extra round trip). */
export interface NotifyTarget {
  channel: string;
  instance: string;
}

export interface Fanout {
  publish(event: FanoutEvent): Promise<void>;
  /** `onCatchUp` runs after a lost subscription is restored; events may have been missed. */
  start(onEvent: (event: FanoutEvent) => void, onCatchUp: () => void): Promise<void>;
  close(): Promise<void>;
  /** Set when statements may notify in the same round trip (the database's own LISTEN/NOTIFY). */
  readonly target?: NotifyTarget;
}

export const FANOUT_CHANNEL = 'convot_events';

export function dbFanout(db: Db, instance: string): Fanout {
  let stop: (() => Promise<void>) | undefined;
  return {
    target: { channel: FANOUT_CHANNEL, instance },
    publish: (event) => db.notify(FANOUT_CHANNEL, JSON.stringify({ ...event, i: instance })),
    async start(onEvent, onCatchUp) {
      stop = await db.listen(
        FANOUT_CHANNEL,
        (payload) => {
          let event: FanoutEvent;
          try {
            event = JSON.parse(payload) as FanoutEvent;
          } catch {
            // A payload we cannot read is dropped; the next catch-up repairs what it carried.
            return;
          }
          // This instance delivered its own events from memory when it committed them.
          if (event.i !== instance) onEvent(event);
        },
        onCatchUp,
      );
    },
    async close() {
      await stop?.();
    },
  };
}
