/**
 * The inbox API under /api/v1/agent: sign-in (an HttpOnly, SameSite=Strict cookie holding a
 * random token whose hash is stored), conversations, replies, read marks, close/reopen,
 * presence, and the agent socket. Everything but sign-in requires a signed-in agent, who sees
 * only conversations of their apps (Chat and Repo apply that; other apps' ids answer 404).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import {
  ProtocolError,
  bool,
  clientId,
  int,
  messageBody,
  obj,
  parseAgentFrame,
  parseFrameText,
  str,
  wrap,
  type AgentProfile,
  type AgentServerFrame,
} from '../../src/protocol/index.js';
import type { Chat } from '../chat.js';
import { fail } from '../errors.js';
import { isOriginAllowed } from '../origins.js';
import { hashToken, verifyPassword } from '../identity/secrets.js';
import type { AgentPeer, Hub } from '../realtime/hub.js';
import { FRAME_LIMIT } from '../limits.js';
import type { RateLimiter } from '../rate-limit.js';
import type { Repo } from '../storage/repo.js';

export const AGENT_COOKIE = 'convot_agent';
const SESSION_DAYS = 14;
const PAGE_SIZE = 50;

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentProfile;
  }
}

interface Deps {
  repo: Repo;
  chat: Chat;
  hub: Hub;
  limiter: RateLimiter;
  /** This process's id in agent_presence. */
  instanceId: string;
}

function readCookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, value: string, maxAge: number): void {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  reply.header('Set-Cookie', `${AGENT_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`);
}

export async function agentRoutes(app: FastifyInstance, { repo, chat, hub, limiter, instanceId }: Deps): Promise<void> {
  // The inbox is same-origin only. Besides the SameSite=Strict cookie, refuse any request (and
  // socket upgrade) that a browser marks as coming from another origin: defence in depth.
  app.addHook('onRequest', async (req) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !isOriginAllowed(origin, [], req)) {
      fail('CONVOT_ERR_ORIGIN_NOT_ALLOWED', 'The inbox API answers only pages of this server.');
    }
  });

  const requireAgent = async (req: FastifyRequest): Promise<void> => {
    const token = readCookie(req, AGENT_COOKIE);
    const agent = token ? await repo.findAgentBySession(token) : null;
    if (!agent) fail('CONVOT_ERR_AGENT_AUTH_REQUIRED');
    req.agent = agent;
  };

  app.post('/login', async (req, reply) => {
    limiter.hit('login', req.ip);
    const { email, password } = wrap(() => {
      const o = obj(req.body);
      return { email: str(o, 'email', { min: 1, max: 254, trim: true }), password: str(o, 'password', { min: 1, max: 1000 }) };
    });
    const agent = await repo.findAgentByEmail(email);
    // Verify even for unknown emails so timing does not reveal which addresses exist.
    const ok = await verifyPassword(password, agent?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    if (!agent || !ok) fail('CONVOT_ERR_BAD_CREDENTIALS');
    const token = await repo.createAgentSession(agent.id, SESSION_DAYS * 24);
    setSessionCookie(req, reply, token, SESSION_DAYS * 86400);
    const { password_hash: _hash, ...profile } = agent;
    return { agent: profile satisfies AgentProfile };
  });

  app.post('/logout', async (req, reply) => {
    const token = readCookie(req, AGENT_COOKIE);
    if (token) await chat.signOut(token);
    setSessionCookie(req, reply, '', 0);
    return { ok: true };
  });

  /** Who is signed in: `agent` is null when nobody is (a question, not an error). */
  app.get('/me', async (req) => {
    const token = readCookie(req, AGENT_COOKIE);
    const agent = token ? await repo.findAgentBySession(token) : null;
    return { agent, agents_online: agent ? await repo.agentsAvailable(agent.apps) : 0 };
  });

  /** Newest activity first, a page at a time: `?before=<conversation id>&limit=N` (1–200, default 50). */
  app.get('/conversations', { preHandler: requireAgent }, async (req) => {
    const { before, limit } = wrap(() => {
      const q = req.query as Record<string, string | undefined>;
      return {
        before: q.before === undefined ? undefined : str({ before: q.before }, 'before', { min: 1, max: 64 }),
        limit: q.limit === undefined ? PAGE_SIZE : int({ limit: Number(q.limit) }, 'limit', { min: 1 }),
      };
    });
    if (limit > 200) fail('CONVOT_ERR_BAD_REQUEST', 'limit must be at most 200', 'limit');
    const apps = req.agent!.apps;
    if (before !== undefined && !(await repo.conversationIdForAgent(before, apps))) fail('CONVOT_ERR_NOT_FOUND', 'No conversation has this id.', 'before');
    const page = await repo.conversationSummaries({ before, limit: limit + 1, apps });
    return { conversations: page.slice(0, limit), has_more: page.length > limit };
  });

  app.get('/conversations/:id/messages', { preHandler: requireAgent }, async (req) => {
    const { id } = req.params as { id: string };
    const internal = await repo.conversationIdForAgent(id, req.agent!.apps);
    if (!internal) fail('CONVOT_ERR_NOT_FOUND', 'No conversation has this id.');
    const after = wrap(() => {
      const q = req.query as Record<string, string | undefined>;
      return q.after === undefined ? 0 : int({ after: Number(q.after) }, 'after', { min: 0 });
    });
    const visitorId = (await repo.visitorOfConversationPublicId(id))!;
    return {
      conversation: await repo.conversationSummary(internal),
      messages: await repo.messagesAfter(internal, after),
      events: await repo.visitorEvents(visitorId),
    };
  });

  app.post('/conversations/:id/messages', { preHandler: requireAgent }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { cid, body } = wrap(() => {
      const o = obj(req.body);
      return { cid: clientId(o), body: messageBody(o) };
    });
    const result = await chat.sendAgentMessage(id, req.agent!, cid, body);
    reply.code(result.created ? 201 : 200);
    return { message: result.message };
  });

  app.post('/conversations/:id/read', { preHandler: requireAgent }, async (req) => {
    const { id } = req.params as { id: string };
    const seq = wrap(() => int(obj(req.body), 'seq', { min: 0 }));
    await chat.markAgentRead(id, req.agent!, seq);
    return { ok: true };
  });

  /** Closes a conversation: the visitor's next message starts a new one. */
  app.post('/conversations/:id/close', { preHandler: requireAgent }, async (req) => {
    const { id } = req.params as { id: string };
    return { conversation: await chat.closeConversation(id, req.agent!) };
  });

  /** Reopens a closed conversation; 409 CONVOT_ERR_OPEN_CONVERSATION_EXISTS if the visitor has another open one. */
  app.post('/conversations/:id/reopen', { preHandler: requireAgent }, async (req) => {
    const { id } = req.params as { id: string };
    return { conversation: await chat.reopenConversation(id, req.agent!) };
  });

  /** The Available/Away switch: `{away}`, or the older `{online}` where false means Away. */
  app.put('/presence', { preHandler: requireAgent }, async (req) => {
    const away = wrap(() => {
      const o = obj(req.body);
      return o.away !== undefined ? bool(o, 'away') : !bool(o, 'online');
    });
    await chat.setAgentAway(req.agent!.id, away);
    return { online: !away, away };
  });

  app.get('/ws', { websocket: true, preValidation: requireAgent }, (socket: WebSocket, req) => {
    const agent = req.agent!;
    let chain: Promise<void> = Promise.resolve();
    let detach: (() => void) | undefined;
    const send = (frame: AgentServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    const peer: AgentPeer = {
      agentId: agent.id,
      apps: agent.apps,
      sessionHash: hashToken(readCookie(req, AGENT_COOKIE)!),
      lastSeq: new Map(),
      send,
      close: (code, reason) => socket.close(code, reason),
    };
    // An open inbox is what makes an agent who is not away reachable; count it until the socket closes.
    const counted = chat.agentConnection(instanceId, agent.id, 1);
    void hub.run(async () => {
      await counted;
      const fresh = (await repo.agentById(agent.id)) ?? agent;
      for (const c of await repo.conversationSummaries({ apps: agent.apps })) peer.lastSeq.set(c.id, c.last_seq);
      send({ type: 'ready', agent: fresh, agents_online: await repo.agentsAvailable(agent.apps) });
      if (socket.readyState === socket.OPEN) detach = hub.addAgent(peer);
    });

    socket.on('message', (raw: Buffer) => {
      chain = chain.then(async () => {
        try {
          if (raw.length > FRAME_LIMIT) throw new ProtocolError('CONVOT_ERR_PAYLOAD_TOO_LARGE', `Frames must be at most ${FRAME_LIMIT} bytes, got ${raw.length}.`);
          const frame = parseAgentFrame(parseFrameText(raw.toString('utf8')));
          switch (frame.type) {
            case 'message': {
              const result = await chat.sendAgentMessage(frame.conversation_id, agent, frame.client_id, frame.body);
              send({ type: 'ack', client_id: frame.client_id, message: result.message });
              return;
            }
            case 'read':
              await chat.markAgentRead(frame.conversation_id, agent, frame.seq);
              return;
            case 'presence':
              await chat.setAgentOnline(agent.id, frame.online);
              return;
            case 'ping':
              send({ type: 'pong' });
              return;
          }
        } catch (e) {
          if (e instanceof ProtocolError) send({ type: 'error', ...e.toBody() });
          else {
            req.log.error(e);
            send({ type: 'error', code: 'CONVOT_ERR_INTERNAL', message: 'Internal server error.' });
          }
        }
      });
    });
    socket.on('close', () => {
      detach?.();
      void counted.then(() => chat.agentConnection(instanceId, agent.id, -1)).catch((e: unknown) => req.log.error(e));
    });
  });
}
