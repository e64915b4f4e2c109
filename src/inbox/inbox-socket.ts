/**
 * The agent WebSocket: the same reconnecting socket as the widget's (backoff with jitter, ping,
 * retry when the network returns, every received frame checked), with the inbox's status words.
 * The app decides what a `ready` means (refetch what may have been missed while down).
 */
import { ReconnectingSocket } from '../client/socket.js';
import { checkAgentFrame } from '../protocol/frames.js';
import { AGENT_SOCKET_PATH } from '../protocol/routes.js';
import type { AgentClientFrame, AgentServerFrame } from '../protocol/wire.js';

export type SocketStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SocketHandlers {
  frame(frame: AgentServerFrame): void;
  status(status: SocketStatus): void;
  /** The socket closed without ever opening; the session may have expired (upgrade got 401). */
  rejected(): void;
}

export class InboxSocket {
  private readonly socket: ReconnectingSocket<AgentServerFrame, AgentClientFrame>;
  private everOpened = false;

  constructor(
    private readonly handlers: SocketHandlers,
    url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${AGENT_SOCKET_PATH}`,
  ) {
    this.socket = new ReconnectingSocket<AgentServerFrame, AgentClientFrame>({
      prepare: async () => {
        handlers.status(this.everOpened ? 'reconnecting' : 'connecting');
        return url;
      },
      parse: checkAgentFrame,
      opened: () => {
        this.everOpened = true;
        handlers.status('open');
      },
      frame: (frame) => {
        if (frame.type === 'ready') this.socket.confirmed();
        handlers.frame(frame);
      },
      closed: (_code, opened) => {
        handlers.status('reconnecting');
        if (!opened) handlers.rejected(); // may sign the agent out, which stops the socket
      },
      ping: { type: 'ping' },
    });
  }

  get open(): boolean {
    return this.socket.open;
  }

  start(): void {
    this.everOpened = false;
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
    this.handlers.status('closed');
  }

  /** Sends a frame if the socket is open; returns false otherwise so the caller can use REST. */
  send(frame: AgentClientFrame): boolean {
    return this.socket.send(frame);
  }
}
