/**
 * The typing side of "is typing…", for the widget and the inbox alike: while the text changes,
 * `typing: true` goes out at most once per TYPING_REFRESH_MS (the last draft of a burst follows
 * at the end of the interval, so a preview is never stale for long), and `typing: false` once
 * when the field empties, a message is sent, or nothing changed for IDLE_MS. DOM-free.
 */
import { TYPING_REFRESH_MS } from '../protocol/wire.js';

/** No keystroke for this long: the typist stopped (under the receivers' TYPING_TTL_MS). */
export const TYPING_IDLE_MS = 4000;

export class TypingSender {
  private active = false;
  private lastSent = 0;
  private text = '';
  private trailing: ReturnType<typeof setTimeout> | undefined;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** Sends one frame; false when it could not go out (offline): tried again on the next change. */
    private readonly send: (typing: boolean, text: string) => boolean | void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The field now holds `text`. */
  input(text: string): void {
    if (!text.trim()) return this.stop();
    if (text === this.text && this.active) return;
    this.text = text;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), TYPING_IDLE_MS);
    const wait = this.lastSent + TYPING_REFRESH_MS - this.now();
    if (!this.active || wait <= 0) this.flush();
    else this.trailing ??= setTimeout(() => this.flush(), wait);
  }

  /** The typist stopped (sent, cleared, left): one stop frame if a start went out. */
  stop(): void {
    clearTimeout(this.idle);
    clearTimeout(this.trailing);
    this.idle = this.trailing = undefined;
    this.text = '';
    if (!this.active) return;
    this.active = false;
    this.send(false, '');
  }

  private flush(): void {
    clearTimeout(this.trailing);
    this.trailing = undefined;
    this.lastSent = this.now();
    this.active = this.send(true, this.text) !== false;
  }
}
