/**
 * The inbox API (`agentApi` in src/protocol/routes.ts) and the agent socket. Same-origin only;
 * everything but sign-in requires a signed-in agent (the cookie). Handlers parse, call one
 * AgentService method and return; the rules live there.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import { AGENT_SOCKET_PATH, ATTACHMENT_HARD_CAP_BYTES, agentApi, type AgentProfile } from '../../src/protocol/index.js';
import { fail } from '../errors.js';
import { isOriginAllowed } from '../origins.js';
import type { AgentService } from '../services/agent-service.js';
import type { AttachmentService } from '../services/attachment-service.js';
import type { HelpService } from '../services/help-service.js';
import { helpSiteOf } from '../help/site-urls.js';
import type { SchedulingService } from '../services/scheduling-service.js';
import { readSessionCookie, setSessionCookie } from './agent-cookie.js';
import { agentSocket } from './agent-socket.js';
import { sendFile, uploadedBytes, uploadParser } from './attachments.js';
import { handle, type Guard } from './contract.js';
import { schedulingAgentRoutes } from './scheduling.js';

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentProfile;
    /** Frees the inbox socket's place under its caps. */
    releaseSocket?: () => void;
  }
}

export async function agentRoutes(
  app: FastifyInstance,
  { agents, help, scheduling, attachments }: { agents: AgentService; help: HelpService; scheduling?: SchedulingService; attachments: AttachmentService },
): Promise<void> {
  // The inbox is same-origin only. Besides the SameSite=Strict cookie, refuse any request (and
  // socket upgrade) that a browser marks as coming from another origin: defence in depth.
  app.addHook('onRequest', async (req) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !isOriginAllowed(origin, [], req)) {
      fail('CONVOT_ERR_ORIGIN_NOT_ALLOWED', 'The inbox API answers only pages of this server.');
    }
  });

  const signedIn: Guard<AgentProfile> = (req) => agents.authenticate(readSessionCookie(req));

  handle(app, agentApi.login, (req) => agents.countSignIn(req.ip))(async ({ body, req, reply }) => {
    const { agent, token, maxAgeSeconds } = await agents.login(body);
    setSessionCookie(req, reply, token, maxAgeSeconds);
    return { agent };
  });

  handle(app, agentApi.logout, null)(async ({ req, reply }) => {
    await agents.logout(readSessionCookie(req));
    setSessionCookie(req, reply, '', 0);
    return { ok: true };
  });

  handle(app, agentApi.me, null)(({ req }) => agents.me(readSessionCookie(req)));

  handle(app, agentApi.conversations, signedIn)(({ caller, query }) => agents.conversations(caller, query));

  handle(app, agentApi.history, signedIn)(({ caller, params, query }) => agents.history(caller, params.id, query.after));

  handle(app, agentApi.reply, signedIn)(async ({ caller, params, body, reply }) => {
    const { message, created } = await agents.reply(caller, params.id, body);
    reply.code(created ? 201 : 200);
    return { message };
  });

  // Streamed up to the hard cap here; the conversation's app's own limit is checked once it is known.
  uploadParser(app, () => ATTACHMENT_HARD_CAP_BYTES, signedIn);
  handle(app, agentApi.upload, signedIn)(async ({ caller, params, query, req, reply }) => {
    const { message, created } = await attachments.uploadAsAgent(caller, params.id, { ...query, type: req.headers['content-type'], data: uploadedBytes(req) });
    reply.code(created ? 201 : 200);
    return { message };
  });
  app.get(agentApi.attachment.path, async (req, reply) => {
    const agent = await signedIn(req);
    return sendFile(reply, await attachments.forAgent(agent, (req.params as { id: string }).id), req);
  });

  handle(app, agentApi.offerBooking, signedIn)(async ({ caller, params, body, reply }) => {
    const { message, created } = await agents.offerBooking(caller, params.id, body);
    reply.code(created ? 201 : 200);
    return { message };
  });

  handle(app, agentApi.sendArticle, signedIn)(async ({ caller, params, body, req, reply }) => {
    const { message, created } = await agents.sendArticle(caller, params.id, body, (appRow) => helpSiteOf(appRow, req.protocol, req.host, true));
    reply.code(created ? 201 : 200);
    return { message };
  });

  handle(app, agentApi.read, signedIn)(async ({ caller, params, body }) => {
    await agents.markRead(caller, params.id, body.seq);
    return { ok: true };
  });

  handle(app, agentApi.close, signedIn)(async ({ caller, params }) => ({ conversation: await agents.close(caller, params.id) }));

  handle(app, agentApi.reopen, signedIn)(async ({ caller, params }) => ({ conversation: await agents.reopen(caller, params.id) }));

  handle(app, agentApi.presence, signedIn)(({ caller, body }) => agents.setAway(caller, body.away));

  handle(app, agentApi.apps, signedIn)(async ({ caller }) => ({ apps: await help.apps(caller) }));

  handle(app, agentApi.articles, signedIn)(async ({ caller, params }) => ({ articles: await help.list(caller, params.appId) }));

  handle(app, agentApi.saveArticle, signedIn)(async ({ caller, params, body, reply }) => {
    const { article, created } = await help.save(caller, params.appId, params.locale, params.slug, body);
    reply.code(created ? 201 : 200);
    return { article };
  });

  handle(app, agentApi.deleteArticle, signedIn)(async ({ caller, params }) => {
    await help.delete(caller, params.appId, params.locale, params.slug);
    return { ok: true };
  });

  handle(app, agentApi.previewArticle, signedIn)(async ({ body }) => ({ doc: help.preview(body.body) }));

  if (scheduling) schedulingAgentRoutes(app, { scheduling, signedIn });

  // Signed in before the upgrade, so a refusal is a readable 401 rather than a closed socket.
  // Open inbox sockets are capped per sign-in and address: over the cap, the upgrade is a 429.
  const requireAgent = async (req: FastifyRequest): Promise<void> => {
    req.agent = await signedIn(req);
    const release = agents.admitSocket(readSessionCookie(req)!, req.ip);
    req.releaseSocket = release;
    // If the upgrade fails after this point the handler never runs: the connection's end frees the slot (release is idempotent).
    req.raw.socket.once('close', release);
  };
  app.get(AGENT_SOCKET_PATH, { websocket: true, preValidation: requireAgent }, (socket: WebSocket, req) => {
    socket.on('close', req.releaseSocket!);
    agentSocket(socket, req.agent!, readSessionCookie(req)!, agents, req.log);
  });
}
