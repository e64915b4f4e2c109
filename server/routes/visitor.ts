/**
 * The widget's API (`visitorApi` in src/protocol/routes.ts) and the visitor socket. Every
 * request first resolves its app and checks the page origin against the app's allowlist
 * (preflights included); authenticated routes resolve the bearer token to one session of that
 * app. Handlers parse, call one VisitorService method and return; the rules live there.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import { VISITOR_API_PREFIX, VISITOR_SOCKET_PATH, visitorApi, visitorThreadsApi } from '../../src/protocol/index.js';
import { fail } from '../errors.js';
import { isOriginAllowed, setCorsHeaders } from '../origins.js';
import { helpSiteOf } from '../help/site-urls.js';
import type { LimitName, RateLimiter } from '../rate-limit.js';
import type { AttachmentService } from '../services/attachment-service.js';
import type { HelpService } from '../services/help-service.js';
import type { SchedulingService } from '../services/scheduling-service.js';
import type { VisitorCaller, VisitorService } from '../services/visitor-service.js';
import type { AppRow } from '../storage/apps-repo.js';
import { sendFile, uploadedBytes, uploadParser } from './attachments.js';
import { handle, type Guard } from './contract.js';
import { schedulingVisitorRoutes } from './scheduling.js';
import { forgetUpgrade, visitorSocket } from './visitor-socket.js';

declare module 'fastify' {
  interface FastifyRequest {
    convotApp?: AppRow;
  }
}

const bearer = (req: FastifyRequest): string | undefined => {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
};

export async function visitorRoutes(
  app: FastifyInstance,
  { visitors, help, limiter, scheduling, attachments }: { visitors: VisitorService; help: HelpService; limiter: RateLimiter; scheduling?: SchedulingService; attachments: AttachmentService },
): Promise<void> {
  // Resolve the app and enforce its origin allowlist before anything else, preflights included.
  app.addHook('onRequest', async (req, reply) => {
    const { appId } = req.params as { appId: string };
    const origin = req.headers.origin;
    // Refusals are readable by the page too (they carry no data), so the widget can say why.
    setCorsHeaders(reply, origin);
    const found = await visitors.app(appId);
    if (!isOriginAllowed(origin, found.allowed_origins, req)) {
      fail('CONVOT_ERR_ORIGIN_NOT_ALLOWED', `The origin ${origin} is not in allowed_origins of app ${appId}.`);
    }
    req.convotApp = found;
    if (req.method === 'OPTIONS') return reply.code(204).send();
  });
  app.options(`${VISITOR_API_PREFIX}/*`, async () => undefined);

  const appOf = (req: FastifyRequest): AppRow => req.convotApp!;
  /** The caller's session (else 401), counted against the operation's rate limit if it has one. */
  const visitor =
    (limit?: LimitName): Guard<VisitorCaller> =>
    (req) =>
      visitors.authenticate(appOf(req), bearer(req), limit);

  /** The app's public help site as this request sees it (scheme honours CONVOT_TRUST_PROXY). */
  const siteOf = (req: FastifyRequest) => helpSiteOf(appOf(req), req.protocol, req.host, true);
  /** Help-center reads need no session: counted per client IP. */
  const helpReader: Guard<undefined> = async (req) => void limiter.hit('help', req.ip);

  handle(app, visitorApi.config, null)(async ({ req }) => ({ ...(await visitors.config(appOf(req))), ...(await help.publicInfo(appOf(req), siteOf(req))) }));

  handle(app, visitorApi.session, null)(async ({ req, reply }) => {
    const session = await visitors.startSession(appOf(req), bearer(req), req.ip);
    if (!session.resumed) reply.code(201);
    return session;
  });

  handle(app, visitorApi.history, visitor())(({ caller, query }) => visitors.history(caller, query.after));

  handle(app, visitorApi.send, visitor())(async ({ caller, body, req, reply }) => {
    const { message, created } = await visitors.send(caller, body, req.ip);
    reply.code(created ? 201 : 200);
    return { message };
  });

  handle(app, visitorApi.update, visitor('identify'))(async ({ caller, body }) => {
    await visitors.update(caller, body);
    return { ok: true };
  });

  handle(app, visitorApi.identify, visitor('identify'))(({ caller, body }) => visitors.identify(caller, body));

  handle(app, visitorApi.identifyToken, visitor('identify'))(({ caller, body }) => visitors.identifyWithToken(caller, body.token));

  handle(app, visitorApi.identityToken, visitor('identify'))(({ caller }) => visitors.identityToken(caller));

  handle(app, visitorApi.closeConversation, visitor('event'))(({ caller }) => visitors.closeConversation(caller));

  // Listing and switching threads are visitor actions like a close: the per-session `event` limit.
  handle(app, visitorThreadsApi.threads, visitor('event'))(({ caller, query }) => visitors.threads(caller, query));

  handle(app, visitorThreadsApi.selectThread, visitor('event'))(({ caller, params }) => visitors.selectThread(caller, params.id));

  handle(app, visitorApi.event, visitor('event'))(async ({ caller, body, reply }) => {
    await visitors.addEvent(caller, body);
    reply.code(201);
    return { ok: true };
  });

  handle(app, visitorApi.helpSearch, helpReader)(({ req, query }) => help.search(appOf(req), query.locale, query.q));

  handle(app, visitorApi.helpArticle, helpReader)(async ({ req, params }) => ({ article: await help.article(appOf(req), params.locale, params.slug, siteOf(req)) }));

  // Files: the body is the file (streamed up to the app's max_bytes), the answer the message.
  uploadParser(app, (req) => attachments.limitFor(appOf(req)), visitor());
  handle(app, visitorApi.upload, visitor())(async ({ caller, query, req, reply }) => {
    const { message, created } = await attachments.uploadAsVisitor(caller, { ...query, type: req.headers['content-type'], data: uploadedBytes(req) }, req.ip);
    reply.code(created ? 201 : 200);
    return { message };
  });
  app.get(visitorApi.attachment.path, async (req, reply) => {
    const caller = await visitors.authenticate(appOf(req), bearer(req));
    return sendFile(reply, await attachments.forVisitor(caller, (req.params as { id: string }).id), req);
  });

  if (scheduling) schedulingVisitorRoutes(app, { scheduling, appOf, visitor });

  app.get(VISITOR_SOCKET_PATH, { websocket: true }, (socket: WebSocket, req) => {
    // The app's logger, not the request's child: a socket keeps nothing of its upgrade request.
    visitorSocket(socket, appOf(req), visitors, app.log, req.ip, req.headers['user-agent']);
    forgetUpgrade(socket, req, app.log);
  });
}
