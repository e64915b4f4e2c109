/**
 * The widget's API, all under /api/v1/apps/:appId: public config, sessions, history, sending,
 * and the realtime socket. Every route checks the page origin against the app's allowlist and
 * every authenticated route resolves the bearer token to exactly one visitor session.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import {
  ProtocolError,
  clientId,
  int,
  messageBody,
  obj,
  str,
  parseFrameText,
  parseVisitorEvent,
  parseVisitorFrame,
  parseVisitorUpdate,
  wrap,
  type AppPublicConfig,
  type SessionResponse,
  type VisitorClientFrame,
  type VisitorServerFrame,
} from '../../src/protocol/index.js';
import type { Chat } from '../chat.js';
import { fail } from '../errors.js';
import { mintIdentityToken } from '../identity/identity-token.js';
import { isOriginAllowed, setCorsHeaders } from '../origins.js';
import type { Identity } from '../identity/identify.js';
import { FRAME_LIMIT } from '../limits.js';
import { RateLimited, type RateLimiter } from '../rate-limit.js';
import type { Hub, VisitorPeer } from '../realtime/hub.js';
import type { AppRow, Repo, VisitorSessionRow } from '../storage/repo.js';

declare module 'fastify' {
  interface FastifyRequest {
    convotApp?: AppRow;
  }
}

interface Deps {
  repo: Repo;
  chat: Chat;
  hub: Hub;
  identity: Identity;
  limiter: RateLimiter;
}

const bearer = (req: FastifyRequest): string | undefined => {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
};

export async function visitorRoutes(app: FastifyInstance, { repo, chat, hub, identity, limiter }: Deps): Promise<void> {
  // Resolve the app and enforce its origin allowlist before anything else, preflights included.
  app.addHook('onRequest', async (req, reply) => {
    const { appId } = req.params as { appId: string };
    const found = await repo.findApp(appId);
    const origin = req.headers.origin;
    // Refusals are readable by the page too (they carry no data), so the widget can say why.
    setCorsHeaders(reply, origin);
    if (!found) fail('CONVOT_ERR_UNKNOWN_APP', `No app has the id ${JSON.stringify(appId)}.`);
    if (!isOriginAllowed(origin, found.allowed_origins, req)) {
      fail('CONVOT_ERR_ORIGIN_NOT_ALLOWED', `The origin ${origin} is not in allowed_origins of app ${appId}.`);
    }
    req.convotApp = found;
    if (req.method === 'OPTIONS') return reply.code(204).send();
  });

  const requireSession = async (req: FastifyRequest): Promise<VisitorSessionRow> => {
    const token = bearer(req);
    const session = token ? await repo.findVisitorSession(req.convotApp!.id, token) : null;
    if (!session) fail('CONVOT_ERR_UNAUTHORIZED');
    return session;
  };

  app.options('/*', async () => undefined);

  app.get('/config', async (req): Promise<AppPublicConfig> => {
    const a = req.convotApp!;
    return { app_id: a.id, name: a.name, available: await repo.appAvailable(a.id), appearance: a.appearance ?? {} };
  });

  /** Resumes the session named by the bearer token, or starts a new anonymous one. */
  app.post('/sessions', async (req, reply): Promise<SessionResponse> => {
    const token = bearer(req);
    const existing = token ? await repo.findVisitorSession(req.convotApp!.id, token) : null;
    if (existing && token) return { session_id: existing.session_id, token, resumed: true };
    limiter.hit('session', req.ip);
    const created = await repo.createVisitorSession(req.convotApp!.id);
    reply.code(201);
    return { session_id: created.session.session_id, token: created.token, resumed: false };
  });

  app.get('/messages', async (req) => {
    const session = await requireSession(req);
    const after = wrap(() => {
      const q = req.query as Record<string, string | undefined>;
      return q.after === undefined ? 0 : int({ after: Number(q.after) }, 'after', { min: 0 });
    });
    const conv = await repo.currentConversation(session.visitor_id);
    return {
      conversation_id: conv?.public_id ?? null,
      conversation_status: conv?.status ?? null,
      messages: conv ? await repo.messagesAfter(conv.id, after) : [],
    };
  });

  app.post('/messages', async (req, reply) => {
    const session = await requireSession(req);
    const { id, body } = wrap(() => {
      const o = obj(req.body);
      return { id: clientId(o), body: messageBody(o) };
    });
    limiter.hit('message', session.session_id);
    const result = await chat.sendVisitorMessage(session, id, body);
    reply.code(result.created ? 201 : 200);
    return { message: result.message };
  });

  /** `set user:*`, session data and segments. Identity changes go through /identify. */
  app.put('/visitor', async (req) => {
    const session = await requireSession(req);
    limiter.hit('identify', session.session_id);
    const update = parseVisitorUpdate(req.body);
    for (const field of ['external_id', 'user_hash'] as const) {
      if (update[field] !== undefined) fail('CONVOT_ERR_BAD_REQUEST', `${field} is set with identify (POST identify), not here.`, field);
    }
    if (update.email !== undefined) {
      const current = await repo.visitorIdentity(session.visitor_id);
      if (current.verified && update.email.toLowerCase() !== current.email?.toLowerCase()) {
        fail('CONVOT_ERR_IDENTITY_CONFLICT', 'This visitor is verified; change their email with a verified identify.', 'email');
      }
      if (!current.verified && req.convotApp!.require_verification) {
        fail('CONVOT_ERR_VERIFICATION_REQUIRED', `App ${req.convotApp!.id} requires verification: set the email with identify and a user_hash.`, 'email');
      }
    }
    await chat.updateVisitor(session, update);
    return { ok: true };
  });

  /** `Convot.identify({...})`. A response with `session` means: switch to this new session. */
  app.post('/identify', async (req) => {
    const session = await requireSession(req);
    limiter.hit('identify', session.session_id);
    return identity.identify(req.convotApp!, session, parseVisitorUpdate(req.body));
  });

  /** The `?convot_identity=` hand-off: a signed identity token identifies the visitor. */
  app.post('/identify/token', async (req) => {
    const session = await requireSession(req);
    limiter.hit('identify', session.session_id);
    const token = wrap(() => str(obj(req.body), 'token', { min: 1, max: 4096 }));
    return identity.identifyWithToken(req.convotApp!, session, token);
  });

  /** `Convot.identityToken()`: a short-lived token for a verified visitor, else null. */
  app.post('/identity-token', async (req) => {
    const session = await requireSession(req);
    limiter.hit('identify', session.session_id);
    const claims = await identity.verifiedClaims(session);
    const secret = req.convotApp!.identity_secret;
    return { token: claims && secret ? await mintIdentityToken(secret, claims) : null };
  });

  /** `set session:event`: a named event on the visitor's timeline, shown to agents. */
  app.post('/events', async (req, reply) => {
    const session = await requireSession(req);
    limiter.hit('event', session.session_id);
    await chat.addVisitorEvent(session, parseVisitorEvent(req.body));
    reply.code(201);
    return { ok: true };
  });

  app.get('/ws', { websocket: true }, (socket: WebSocket, req) => {
    const appId = req.convotApp!.id;
    let session: VisitorSessionRow | null = null;
    let detach: (() => void) | undefined;
    let chain: Promise<void> = Promise.resolve();
    const send = (frame: VisitorServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    const authTimer = setTimeout(() => session || socket.close(4401, 'auth timeout'), 10_000);
    const refuseAuth = () => {
      send({ type: 'error', code: 'CONVOT_ERR_UNAUTHORIZED', message: 'The session token is not valid for this app.' });
      socket.close(4401, 'unauthorized');
    };

    const handle = async (text: string, noteClientId: (id: string) => void): Promise<void> => {
      const data = parseFrameText(text);
      if (typeof data.client_id === 'string') noteClientId(data.client_id);
      let frame: VisitorClientFrame;
      try {
        frame = parseVisitorFrame(data);
      } catch (e) {
        // A malformed token is as unknown as a wrong one: the widget must drop it (4401).
        if (!session && data.type === 'auth' && e instanceof ProtocolError && e.field === 'token') return refuseAuth();
        throw e;
      }
      if (!session) {
        if (frame.type !== 'auth') throw new ProtocolError('CONVOT_ERR_UNAUTHORIZED', 'The first frame must be {"type":"auth","token":"…"}.');
        const found = await repo.findVisitorSession(appId, frame.token);
        if (!found) return refuseAuth();
        session = found;
        clearTimeout(authTimer);
        const peer: VisitorPeer = { visitorId: found.visitor_id, appId, conversationId: null, status: null, lastSeq: frame.last_seq, send };
        await hub.run(async () => {
          const conv = await repo.currentConversation(found.visitor_id);
          // A last_seq beyond the conversation's end belongs to another conversation: resend all.
          const after = conv && frame.last_seq <= conv.last_seq ? frame.last_seq : 0;
          const messages = conv ? await repo.messagesAfter(conv.id, after) : [];
          peer.conversationId = conv?.id ?? null;
          peer.status = conv?.status ?? null;
          peer.lastSeq = messages.at(-1)?.seq ?? after;
          send({
            type: 'ready',
            session_id: found.session_id,
            conversation_id: conv?.public_id ?? null,
            conversation_status: conv?.status ?? null,
            messages,
            read_seq: conv?.visitor_read_seq ?? 0,
            available: await repo.appAvailable(appId),
            visitor: (await repo.visitorProfile(found.visitor_id))!,
          });
          if (socket.readyState === socket.OPEN) detach = hub.addVisitor(peer);
        });
        return;
      }
      switch (frame.type) {
        case 'auth':
          throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', 'This socket is already authenticated.', 'type');
        case 'message': {
          limiter.hit('message', session.session_id);
          const { message } = await chat.sendVisitorMessage(session, frame.client_id, frame.body);
          send({ type: 'ack', client_id: frame.client_id, message });
          return;
        }
        case 'read':
          await chat.markVisitorRead(session, frame.seq);
          return;
        case 'ping':
          send({ type: 'pong' });
          return;
      }
    };

    // Attached synchronously so the first frame is never lost; frames are handled in order.
    socket.on('message', (raw: Buffer, isBinary: boolean) => {
      chain = chain.then(async () => {
        let clientIdOfFrame: string | undefined;
        try {
          if (isBinary) throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', 'Frames must be JSON text.', 'frame');
          if (raw.length > FRAME_LIMIT) throw new ProtocolError('CONVOT_ERR_PAYLOAD_TOO_LARGE', `Frames must be at most ${FRAME_LIMIT} bytes, got ${raw.length}.`);
          await handle(raw.toString('utf8'), (id) => (clientIdOfFrame = id));
        } catch (e) {
          if (e instanceof ProtocolError) {
            send({
              type: 'error',
              ...e.toBody(),
              ...(clientIdOfFrame ? { client_id: clientIdOfFrame } : {}),
              ...(e instanceof RateLimited ? { retry_after: e.retryAfter } : {}),
            });
          }
          else {
            req.log.error(e);
            send({ type: 'error', code: 'CONVOT_ERR_INTERNAL', message: 'Internal server error.' });
          }
        }
      });
    });
    socket.on('close', () => {
      clearTimeout(authTimer);
      detach?.();
    });
  });
}
