/**
 * The agent WebSocket: connects on start, reconnects with capped, jittered backoff when it
 * drops, and pings every 25 s so idle proxies do not cut it. Frames and status go to callbacks;
 * the app decides what a `ready` means (refetch what may have been missed while down).
 */
import type { AgentClientFrame, AgentServerFrame } from '../protocol/wire.js';

export type SocketStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SocketHandlers {
  frame(frame: AgentServerFrame): void;
  status(status: SocketStatus): void;
  /** The socket closed without ever opening; the session may have expired (upgrade got 401). */
  rejected(): void;
}

const PING_MS = 25_000;
const MAX_BACKOFF_MS = 30_000;

export class InboxSocket {
  private ws?: WebSocket;
  private attempt = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private pingTimer?: ReturnType<typeof setInterval>;
  private stopped = true;
  private readonly onOnline = () => {
    // The network is back: retry now rather than waiting out the backoff.
    if (!this.stopped && this.ws === undefined) this.connectNow();
  };

  constructor(
    private readonly handlers: SocketHandlers,
    private readonly url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/agent/ws`,
  ) {}

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    addEventListener('online', this.onOnline);
    this.connectNow();
  }

  stop(): void {
    this.stopped = true;
    removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000);
    this.handlers.status('closed');
  }

  /** Sends a frame if the socket is open; returns false otherwise so the caller can use REST. */
  send(frame: AgentClientFrame): boolean {
    if (!this.open) return false;
    this.ws!.send(JSON.stringify(frame));
    return true;
  }

  private connectNow(): void {
    clearTimeout(this.retryTimer);
    this.handlers.status(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let opened = false;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener('open', () => {
      opened = true;
      this.attempt = 0;
      this.handlers.status('open');
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), PING_MS);
    });
    ws.addEventListener('message', (e: MessageEvent) => {
      if (typeof e.data !== 'string') return;
      let frame: AgentServerFrame;
      try {
        frame = JSON.parse(e.data) as AgentServerFrame;
      } catch {
        return;
      }
      this.handlers.frame(frame);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      clearInterval(this.pingTimer);
      if (this.stopped) return;
      this.handlers.status('reconnecting');
      if (!opened) this.handlers.rejected();
      if (this.stopped) return; // rejected() may have signed the agent out
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
      this.attempt++;
      this.retryTimer = setTimeout(() => this.connectNow(), delay);
    });
  }
}
