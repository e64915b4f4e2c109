/**
 * How services announce what they committed: this instance's sockets hear it at once (a
 * message from the row the write returned, no read), other instances through the fan-out (ids
 * only, read there once per instance).
 */
import type { Fanout, FanoutEvent, NotifyTarget, TypingEvent } from './fanout.js';
import type { CommittedMessage, Hub } from './hub.js';

export class Announcer {
  constructor(
    private readonly fanout: Fanout,
    private readonly hub: Hub,
  ) {}

  /** Where a write may announce itself in its own statement; undefined when it cannot. */
  get target(): NotifyTarget | undefined {
    return this.fanout.target;
  }

  /** A committed message. `notified`: the write's own statement already told other instances. */
  async message(m: CommittedMessage, notified: boolean): Promise<void> {
    this.hub.deliverMessage(m);
    if (!notified) await this.fanout.publish({ k: 'message', c: m.conversationId, s: m.message.seq, v: m.visitorId, a: m.appId });
  }

  /** Typing: delivered here at once, and published for the other instances (nothing is stored). */
  async typing(event: TypingEvent): Promise<void> {
    this.hub.deliverTyping(event);
    await this.fanout.publish(event);
  }

  /** Any other event: delivered here and published for the other instances. */
  async event(event: Exclude<FanoutEvent, { k: 'message' | 'typing' }>): Promise<void> {
    void this.hub.handle(event);
    await this.fanout.publish(event);
  }
}
