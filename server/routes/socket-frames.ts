/**
 * The frame loop both sockets share: frames are handled one at a time in arrival order, size
 * and JSON are checked before a handler sees them, a handler's ProtocolError becomes the
 * socket's error frame, and anything else is logged and reported as CONVOT_ERR_INTERNAL (or
 * CONVOT_ERR_UNAVAILABLE while the database is away). Every error frame names the client_id
 * of the frame it answers.
 */
import type { WebSocket } from '@fastify/websocket';
import { ProtocolError, parseFrameText } from '../../src/protocol/index.js';
import { FRAME_LIMIT } from '../limits.js';
import type { Log } from '../log.js';
import { isDbUnavailable } from '../unavailable.js';


export interface FrameLoop<F> {
  /** Refuse binary frames (the visitor socket); the agent socket reads them as text. */
  textOnly: boolean;
  /** Handles one frame, already read as a JSON object. */
  onFrame(data: Record<string, unknown>): Promise<void>;
  /** The error frame for a refused frame; `data` is the frame when it was readable JSON. */
  errorFrame(error: ProtocolError, data: Record<string, unknown> | undefined): F;
  send: (frame: F) => void;
  log: Log;
}

export function readFrames<F>(socket: WebSocket, loop: FrameLoop<F>): void {
  let chain: Promise<void> = Promise.resolve();
  // Attached synchronously so the first frame is never lost.
  socket.on('message', (raw: Buffer, isBinary: boolean) => {
    chain = chain.then(async () => {
      let data: Record<string, unknown> | undefined;
      try {
        if (loop.textOnly && isBinary) throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', 'Frames must be JSON text.', 'frame');
        if (raw.length > FRAME_LIMIT) throw new ProtocolError('CONVOT_ERR_PAYLOAD_TOO_LARGE', `Frames must be at most ${FRAME_LIMIT} bytes, got ${raw.length}.`);
        data = parseFrameText(raw.toString('utf8'));
        await loop.onFrame(data);
      } catch (e) {
        if (e instanceof ProtocolError) return loop.send(loop.errorFrame(e, data));
        // Internal errors answer the frame too (its client_id), so the client can retry it.
        if (isDbUnavailable(e)) return loop.send(loop.errorFrame(new ProtocolError('CONVOT_ERR_UNAVAILABLE'), data));
        const err = e as Error;
        // Message and stack only: a driver's error carries the statement and its parameters.
        loop.log.error({ err: { type: err.name, message: err.message, stack: err.stack } });
        loop.send(loop.errorFrame(new ProtocolError('CONVOT_ERR_INTERNAL'), data));
      }
    });
  });
}

/**
 * Sends a frame while the socket is open (a frame for a closing socket is dropped). A socket
 * with more than `maxBuffered` bytes queued is cut off at once (a close frame would queue behind
 * the backlog): its client reconnects and catches up from its last seq.
 */
export const sender =
  <F>(socket: WebSocket, maxBuffered: number) =>
  (frame: F): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > maxBuffered) return socket.terminate();
    socket.send(JSON.stringify(frame));
  };
