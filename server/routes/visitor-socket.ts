/**
 * One widget socket. The first frame must be `auth`; until then nothing else is accepted, and
 * a socket that sends none within AUTH_TIMEOUT_MS is closed. After that each frame is parsed
 * and handed to one VisitorService method.
 */
import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import { CloseCode, ProtocolError, parseVisitorFrame, type VisitorClientFrame, type VisitorServerFrame } from '../../src/protocol/index.js';
import type { Log } from '../log.js';
import { RateLimited } from '../rate-limit.js';
import { isDbUnavailable, UNAVAILABLE_RETRY_SECONDS } from '../unavailable.js';
import type { AppRow } from '../storage/apps-repo.js';
import type { VisitorCaller, VisitorService } from '../services/visitor-service.js';
import { readFrames, sender } from './socket-frames.js';

/** How long a socket may stay open without authenticating. */
export const AUTH_TIMEOUT_MS = 10_000;

/**
 * An idle socket should cost little, but @fastify/websocket keeps the upgrade's Fastify request
 * and reply (the Node request with its headers, a response object, their listeners) alive as
 * long as the socket: through the response it attaches to the TCP socket and the error listener
 * it adds. Nothing uses them after the upgrade, so both links are cut; the error listener is
 * replaced (a ws socket without one throws), logging as the plugin's did.
 */
export function forgetUpgrade(socket: WebSocket, req: FastifyRequest, log: Log): void {
  const tcp = req.raw.socket as Socket & { _httpMessage?: ServerResponse | null };
  tcp._httpMessage?.detachSocket(tcp);
  socket.removeAllListeners('error');
  socket.on('error', (err) => {
    log.error(err);
    socket.terminate();
  });
}

export function visitorSocket(socket: WebSocket, app: AppRow, visitors: VisitorService, log: Log, ip: string, userAgent = ''): void {
  const send = sender<VisitorServerFrame>(socket, visitors.sendBufferLimit);
  // Open sockets per address and per session are capped; a refused socket is told why and closed.
  const releases: (() => void)[] = [];
  const overCap = (e: unknown, reason = 'too many sockets'): void => {
    if (!(e instanceof RateLimited)) throw e;
    send({ type: 'error', ...e.toBody(), retry_after: e.retryAfter });
    socket.close(CloseCode.TooManySockets, reason);
  };
  try {
    releases.push(visitors.admitSocket(ip));
  } catch (e) {
    overCap(e);
  }
  let caller: VisitorCaller | null = null;
  let detach: (() => void) | undefined;
  /**
   * Messages keep their order. When a message frame is refused for a reason that passes (the
   * database away, a rate limit), the frames behind it on this socket, sent before the client
   * heard of the refusal, must not be stored ahead of it. So the socket refuses every later
   * message the same way (from memory, nothing tried) until the client resends one it was
   * refused: its outbox resends oldest first, and from there on frames are tried again in order.
   * An internal error (a bug, maybe with that one message) holds nothing back: one message the
   * server cannot store must not stop every later one.
   */
  let stalled: { error: ProtocolError; refused: Set<string> } | null = null;
  const passing = (e: unknown): ProtocolError | null => (e instanceof RateLimited ? e : isDbUnavailable(e) ? new ProtocolError('CONVOT_ERR_UNAVAILABLE') : null);
  let closed = false;
  // Forgotten once cleared: an idle socket keeps no timer object.
  let authTimer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => caller || socket.close(CloseCode.AuthTimeout, 'auth timeout'), AUTH_TIMEOUT_MS);
  const stopAuthTimer = () => {
    clearTimeout(authTimer);
    authTimer = undefined;
  };
  const refuseAuth = () => {
    send({ type: 'error', code: 'CONVOT_ERR_UNAUTHORIZED', message: 'The session token is not valid for this app.' });
    socket.close(CloseCode.Unauthorized, 'unauthorized');
  };

  const authenticate = async (frame: Extract<VisitorClientFrame, { type: 'auth' }>): Promise<void> => {
    const peer = { send, isOpen: () => socket.readyState === socket.OPEN, close: (code: CloseCode, reason: string) => socket.close(code, reason) };
    let opened: Awaited<ReturnType<VisitorService['openSocket']>>;
    try {
      opened = await visitors.openSocket(app, frame, { ip, userAgent }, peer, (found) => void releases.push(visitors.admitSession(found)));
    } catch (e) {
      // The database away: the widget is told and reconnects with backoff (not after the auth timeout).
      if (isDbUnavailable(e)) {
        send({ type: 'error', ...new ProtocolError('CONVOT_ERR_UNAVAILABLE').toBody(), retry_after: UNAVAILABLE_RETRY_SECONDS });
        return socket.close(CloseCode.TryAgainLater, 'unavailable');
      }
      // Without a token the socket starts a session: counted like a session POST (`limits.session`).
      return overCap(e, frame.token === undefined ? 'too many sessions' : 'too many sockets');
    }
    if (!opened) return refuseAuth();
    stopAuthTimer();
    caller = opened.caller;
    // Where the visitor is, for the inbox: after ready, so it never delays the chat, and a
    // failure to store it costs nothing but the panel's line. Compared with the report read at
    // the open: a reload of the same page writes nothing now. A new session stored it already.
    if (!opened.fresh) visitors.reportPage(caller, frame.page ?? {}, userAgent, opened.context).catch((e: unknown) => log.warn({ err: e }, 'convot: visitor context not stored'));
    if (closed) opened.detach();
    else detach = opened.detach;
  };

  readFrames<VisitorServerFrame>(socket, {
    textOnly: true,
    log,
    send,
    // The client id lets the widget match an error to the message it sent.
    errorFrame: (e, data) => ({
      type: 'error',
      ...e.toBody(),
      ...(typeof data?.client_id === 'string' ? { client_id: data.client_id } : {}),
      ...(e instanceof RateLimited ? { retry_after: e.retryAfter } : e.code === 'CONVOT_ERR_UNAVAILABLE' ? { retry_after: UNAVAILABLE_RETRY_SECONDS } : {}),
    }),
    async onFrame(data) {
      let frame: VisitorClientFrame;
      try {
        frame = parseVisitorFrame(data);
      } catch (e) {
        // A malformed token is as unknown as a wrong one: the widget must drop it (4401).
        if (!caller && data.type === 'auth' && e instanceof ProtocolError && e.field === 'token') return refuseAuth();
        throw e;
      }
      if (!caller) {
        if (frame.type !== 'auth') throw new ProtocolError('CONVOT_ERR_UNAUTHORIZED', 'The first frame must be {"type":"auth"} (with the session\'s "token", or without one to start a session).');
        return authenticate(frame);
      }
      visitors.countFrame(caller);
      switch (frame.type) {
        case 'auth':
          throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', 'This socket is already authenticated.', 'type');
        case 'message': {
          if (stalled && !stalled.refused.has(frame.client_id)) {
            stalled.refused.add(frame.client_id);
            throw stalled.error;
          }
          stalled = null;
          try {
            const { message } = await visitors.send(caller, frame, ip);
            send({ type: 'ack', client_id: frame.client_id, message });
          } catch (e) {
            const error = passing(e);
            if (error) stalled = { error, refused: new Set([frame.client_id]) };
            throw e;
          }
          return;
        }
        case 'read':
          return visitors.markRead(caller, frame.seq);
        case 'page':
          return visitors.reportPage(caller, frame.page);
        case 'typing':
          return visitors.typing(caller, frame.typing, frame.text);
        case 'ping':
          return send({ type: 'pong' });
      }
    },
  });
  socket.on('close', () => {
    closed = true;
    for (const release of releases) release();
    stopAuthTimer();
    detach?.();
  });
}
