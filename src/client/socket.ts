/**
 * The one reconnecting WebSocket the widget and the inbox share: set up (e.g. a session
 * request), open, check every received frame, and reconnect with jittered backoff when the
 * connection drops. A heartbeat finds a silently dead connection within about ten seconds
 * (nothing received for 5 s: ping; for 10 s: drop and reconnect), and the network coming back,
 * the page becoming visible or being restored from the back/forward cache retries at once.
 */
import { CloseCode } from '../protocol/routes.js';
import { backoff } from './transport.js';

export interface SocketHooks<In, Out> {
  /**
   * Runs before every attempt and resolves the URL to open, or null to stop until `start()` is
   * called again (a problem retrying cannot fix). Throwing schedules a retry with backoff.
   */
  prepare(): Promise<string | null>;
  /** Turns received data into a known frame, or null to drop it. */
  parse(data: unknown): In | null;
  /** The socket opened: say who you are (an auth frame), if the protocol wants it. */
  opened?(send: (frame: Out) => void): void;
  frame(frame: In): void;
  /** The socket closed; `opened` is false when it never opened (refused upgrade). */
  closed?(code: number, opened: boolean): void;
  /** A frame the server answers at once and cheaply (a pong): the heartbeat. */
  ping?: Out;
}

/** Quiet this long: send a ping. */
const PING_AFTER_MS = 5_000;
/** Quiet this long (a ping unanswered): the connection is dead. */
const DEAD_AFTER_MS = 10_000;
/** A close code of ours for a connection the heartbeat found dead. */
const HEARTBEAT_CLOSE = 4000;

const WAKE_EVENTS = ['online', 'visibilitychange', 'pageshow'] as const;

export class ReconnectingSocket<In, Out> {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private running = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  /** Bumped by stop/restart so a setup still under way knows it is stale. */
  private generation = 0;
  /** The network came back, the page became visible or was restored: do not wait out backoff. */
  private readonly onWake = () => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    if (this.running && !this.ws) this.reconnectNow();
  };

  constructor(private readonly hooks: SocketHooks<In, Out>) {}

  /** Whether the socket is open right now. */
  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  get started(): boolean {
    return this.running;
  }

  /** Connects (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const type of WAKE_EVENTS) globalThis.addEventListener?.(type, this.onWake);
    this.attempt = 0;
    void this.connect();
  }

  /** Disconnects and clears every timer and listener. */
  stop(): void {
    this.running = false;
    this.generation++;
    for (const type of WAKE_EVENTS) globalThis.removeEventListener?.(type, this.onWake);
    clearTimeout(this.retryTimer);
    this.drop();
  }

  /** Closes the current connection and connects again now (e.g. with a new session). */
  restart(): void {
    if (!this.running) return;
    this.generation++;
    this.drop();
    this.reconnectNow();
  }

  /** The protocol confirmed the connection (a `ready` frame): the next drop starts backoff over. */
  confirmed(): void {
    this.attempt = 0;
  }

  /** Sends a frame when open; returns false otherwise. */
  send(frame: Out): boolean {
    if (!this.open) return false;
    this.ws!.send(JSON.stringify(frame));
    return true;
  }

  private drop(): void {
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    ws?.close(CloseCode.Normal);
  }

  private heartbeat(ws: WebSocket, ping: Out): void {
    const quiet = Date.now() - this.lastHeard;
    if (quiet >= DEAD_AFTER_MS) {
      // No answer to a ping: the path is dead even if the socket does not know it yet.
      ws.onclose?.(new CloseEvent('close', { code: HEARTBEAT_CLOSE }));
      ws.close(HEARTBEAT_CLOSE);
    } else if (quiet >= PING_AFTER_MS) this.send(ping);
  }

  private reconnectNow(): void {
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    void this.connect();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    if (this.running) this.retryTimer = setTimeout(() => void this.connect(), backoff(this.attempt++));
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const generation = ++this.generation;
    let url: string | null;
    try {
      url = await this.hooks.prepare();
    } catch {
      if (generation === this.generation) this.scheduleRetry();
      return;
    }
    if (generation !== this.generation || !this.running) return;
    if (url === null) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.lastHeard = Date.now();
      this.hooks.opened?.((frame) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(frame)));
      clearInterval(this.pingTimer);
      const ping = this.hooks.ping;
      if (ping !== undefined) this.pingTimer = setInterval(() => this.heartbeat(ws, ping), PING_AFTER_MS / 2);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      if (typeof ev.data !== 'string') return;
      let data: unknown;
      try {
        data = JSON.parse(ev.data);
      } catch {
        return;
      }
      const frame = this.hooks.parse(data);
      if (frame !== null) this.hooks.frame(frame);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.pingTimer);
      if (!this.running) return;
      this.hooks.closed?.(ev.code, opened);
      this.scheduleRetry();
    };
  }
}
