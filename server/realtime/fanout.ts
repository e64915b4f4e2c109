/**
 * Fan-out between server instances. Events carry ids only; each instance loads the rows it
 * needs from the database. This interface is the seam where a broker other than PostgreSQL
 * LISTEN/NOTIFY could plug in at larger scale.
 */
import type { Db } from '../storage/db.js';

export type FanoutEvent =
  /** A message was committed: conversation (internal id) and its seq. */
  | { k: 'message'; c: string; s: number }
  /** Conversation metadata changed: read marks, status (close/reopen), the visitor's profile. */
  | { k: 'conversation'; c: string }
  /** An agent's availability may have changed: Away switched, an inbox opened or closed. */
  | { k: 'presence'; a: string }
  /** An agent session ended (sign-out): its sockets close, on every instance. */
  | { k: 'signout'; h: string };

export interface Fanout {
  publish(event: FanoutEvent): Promise<void>;
  /** `onCatchUp` runs after a lost subscription is restored; events may have been missed. */
  start(onEvent: (event: FanoutEvent) => void, onCatchUp: () => void): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = 'convot_events';

export function dbFanout(db: Db): Fanout {
  let stop: (() => Promise<void>) | undefined;
  return {
    publish: (event) => db.notify(CHANNEL, JSON.stringify(event)),
    async start(onEvent, onCatchUp) {
      stop = await db.listen(
        CHANNEL,
        (payload) => {
          try {
            onEvent(JSON.parse(payload) as FanoutEvent);
          } catch {
            // A payload we cannot read is dropped; the next catch-up repairs what it carried.
          }
        },
        onCatchUp,
      );
    },
    async close() {
      await stop?.();
    },
  };
}
