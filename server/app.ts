/**
 * Builds the Convot server without listening: tests call `inject` or listen on port 0, the CLI
 * listens on the configured port. The caller owns the database and closes it after the app.
 */
import websocket from '@fastify/websocket';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ERRORS, ProtocolError } from '../src/protocol/index.js';
import { applyConfig, type ConvotConfig } from './config.js';
import { emailModule, type EmailOutbox } from './email/index.js';
import { bookingEmails } from './scheduling/confirmation-email.js';
import type { EmailWorkerOptions, MailTransport } from './email/worker.js';
import { statusOf } from './errors.js';
import { BODY_LIMIT } from './limits.js';
import { RateLimited, RateLimiter } from './rate-limit.js';
import { Announcer } from './realtime/announcer.js';
import { dbFanout } from './realtime/fanout.js';
import { UNAVAILABLE_RETRY_SECONDS, isDbUnavailable } from './unavailable.js';
import { Hub } from './realtime/hub.js';
import { agentRoutes } from './routes/agent.js';
import { schedulingPages } from './routes/scheduling.js';
import { staticRoutes } from './routes/static.js';
import { visitorRoutes } from './routes/visitor.js';
import { AgentService } from './services/agent-service.js';
import { Chat } from './services/chat.js';
import { AttachmentService } from './services/attachment-service.js';
import { DbAttachmentStore, type AttachmentStore } from './storage/attachment-store.js';
import { AttachmentsRepo } from './storage/attachments-repo.js';
import { HelpService } from './services/help-service.js';
import { helpSiteRoutes } from './routes/help-site.js';
import { Identity } from './services/identity.js';
import { SchedulingService, type SchedulingHooks } from './services/scheduling-service.js';
import { VisitorService } from './services/visitor-service.js';
import type { Db } from './storage/db.js';
import { migrate } from './storage/migrations.js';
import { applyMeetingTypes } from './scheduling/config.js';
import { repositories, type Repositories } from './storage/repositories.js';

/** Header, request and keep-alive idle timeout of HTTP connections. */
export const HTTP_TIMEOUT_MS = 10_000;

/**
 * Request logs never show identity tokens: `?convot_identity=` (the documented link hand-off)
 * is a credential for a while, so it is replaced before the URL is logged.
 */
export const redactUrl = (url: string): string => url.replace(/([?&]convot_identity=)[^&#]*/gi, '$1[redacted]');

function withRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger || logger === true || typeof logger !== 'object') return logger === true ? withRedaction({}) : logger;
  return {
    ...logger,
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
      ...((logger as { serializers?: object }).serializers ?? {}),
    },
  };
}

/** How often this process confirms its open inbox sockets (well inside PRESENCE_TTL_SECONDS). */
const PRESENCE_HEARTBEAT_MS = 20_000;

export interface AppOptions {
  db: Db;
  /** Apps and agents to apply at start (idempotent). */
  config?: ConvotConfig;
  /** Package root holding dist/, demo/ and server/pages/. */
  root: string;
  /** Serve the demo pages under /demo/ (`convot serve --demo`). */
  demo?: boolean;
  logger?: FastifyServerOptions['logger'];
  /**
   * Which proxies to believe about the client address (CONVOT_TRUST_PROXY): a hop count or
   * proxy addresses; never `true`, which would take the left-most, client-written entry.
   */
  trustProxy?: number | string[] | false;
  /** Tests pass their own to control limits; default: in-memory fixed windows. */
  rateLimiter?: RateLimiter;
  /** Scheduling's extension points (the confirmation email's `onBookingCreated`). */
  schedulingHooks?: SchedulingHooks;
  /** The clock scheduling reads (tests fix it); default Date.now. */
  now?: () => number;
  /** Tests: the email worker's poll and retry timing, and optionally its transport. */
  email?: EmailWorkerOptions & { transport?: MailTransport };
  /** Where attachment bytes live; default the database (`attachment_blobs`), which every instance reads. */
  attachmentStore?: AttachmentStore;
}

export interface ConvotApp extends FastifyInstance {
  convot: {
    repos: Repositories;
    chat: Chat;
    identity: Identity;
    visitors: VisitorService;
    agents: AgentService;
    help: HelpService;
    scheduling: SchedulingService;
    hub: Hub;
    limiter: RateLimiter;
    /** The email outbox other features enqueue to (email/outbox.ts); `enabled` false without `email` in the config. */
    email: EmailOutbox;
    attachments: AttachmentService;
  };
}

export async function buildApp(opts: AppOptions): Promise<ConvotApp> {
  await migrate(opts.db);
  const repos = repositories(opts.db);
  const configWarnings: string[] = [];
  const { revoked, removedApps } = opts.config ? await applyConfig(repos, opts.config, { warn: (m) => configWarnings.push(m) }) : { revoked: [], removedApps: [] };
  if (opts.config) await applyMeetingTypes(repos.meetingTypes, opts.config.meeting_types ?? []);
  const app = Fastify({
    logger: withRedaction(opts.logger ?? false),
    bodyLimit: BODY_LIMIT,
    // A hop count N trusts the N addresses nearest this server (proxy-addr's meaning of a number).
    trustProxy: typeof opts.trustProxy === 'number' ? ((_addr: string, i: number) => i < (opts.trustProxy as number)) : (opts.trustProxy ?? false),
    // A client gets 10 s to send its headers and its request, and an idle keep-alive connection
    // closes after 10 s: slow or idle connections cannot hold file descriptors. Upgraded
    // sockets are not affected (ws clears the socket timeout).
    requestTimeout: HTTP_TIMEOUT_MS,
    keepAliveTimeout: HTTP_TIMEOUT_MS,
  });
  (app.server as Server).headersTimeout = HTTP_TIMEOUT_MS;
  for (const w of configWarnings) app.log.warn(w);
  // Agent presence is counted per process (a heartbeat keeps it fresh, a crash lets it
  // expire), and fan-out events name the process that published them.
  const instanceId = randomUUID();
  const fanout = dbFanout(opts.db, instanceId);
  const hub = new Hub(repos, app.log);
  await hub.init();
  const email = emailModule({ db: opts.db, config: opts.config?.email ?? null, agents: repos.agents, log: app.log, worker: opts.email, transport: opts.email?.transport });
  const chat = new Chat(repos, new Announcer(fanout, hub), email.hooks);
  const identity = new Identity(repos.visitors, chat);
  const limiter = opts.rateLimiter ?? new RateLimiter(Date.now, opts.config?.limits, opts.config?.caps);
  const visitors = new VisitorService({ repos, chat, identity, hub, limiter });
  const help = new HelpService(repos);
  const attachments = new AttachmentService({ attachments: new AttachmentsRepo(opts.db), store: opts.attachmentStore ?? new DbAttachmentStore(opts.db), chat, visitors, apps: repos.apps });
  const agents = new AgentService({ repos, chat, help, hub, limiter, instanceId, log: app.log });
  const scheduling = new SchedulingService({ repos, chat, limiter, log: app.log, hooks: opts.schedulingHooks ?? bookingEmails(email.outbox, opts.db), now: opts.now });
  await fanout.start(
    (event) => void hub.handle(event),
    () => void hub.catchUp(),
  );
  // Sign-ins the config revoked (removed agents, changed passwords) close on every instance.
  for (const h of revoked) await fanout.publish({ k: 'signout', h });
  // So do the visitor sockets of apps the config no longer has.
  for (const a of removedApps) await fanout.publish({ k: 'app-removed', a });

  app.decorate('convot', { repos, chat, identity, visitors, agents, help, scheduling, hub, limiter, email: email.outbox, attachments });
  email.start();
  const heartbeat = setInterval(() => {
    void repos.agents
      .heartbeat(instanceId)
      .then(() => hub.checkAvailability())
      .catch((e: unknown) => app.log.error(e));
    // Sessions' last-seen marks, written in bulk rather than by a statement per request or socket.
    repos.visitors.flushSeen().catch((e: unknown) => app.log.error(e));
  }, PRESENCE_HEARTBEAT_MS);
  heartbeat.unref();
  app.addHook('onSend', async (_req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    // Inbox URLs name conversations: never leak them to a linked site, never be framed.
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    if (err instanceof RateLimited) reply.header('Retry-After', String(err.retryAfter));
    if (err instanceof ProtocolError) return reply.code(statusOf(err.code)).send(err.toBody());
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return reply.code(413).send({ code: 'CONVOT_ERR_PAYLOAD_TOO_LARGE', message: `The body is larger than ${BODY_LIMIT} bytes.` });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(400).send({ code: 'CONVOT_ERR_BAD_REQUEST', message: 'Send the body as application/json.', field: 'content-type' });
    }
    if (err.code?.startsWith('FST_ERR_CTP_') || err instanceof SyntaxError) {
      return reply.code(400).send({ code: 'CONVOT_ERR_INVALID_JSON', message: `The body is not valid JSON: ${err.message}` });
    }
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ code: 'CONVOT_ERR_BAD_REQUEST', message: err.message });
    }
    if (isDbUnavailable(err)) {
      req.log.warn({ code: err.code, message: err.message }, 'database unavailable');
      reply.header('Retry-After', String(UNAVAILABLE_RETRY_SECONDS));
      return reply.code(503).send({ code: 'CONVOT_ERR_UNAVAILABLE', message: ERRORS.CONVOT_ERR_UNAVAILABLE.message });
    }
    // Message and stack only: a driver's error carries the statement and its parameters (visitor data).
    req.log.error({ err: { type: err.name, code: err.code, message: err.message, stack: err.stack } });
    return reply.code(500).send({ code: 'CONVOT_ERR_INTERNAL', message: 'Internal server error.' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'CONVOT_ERR_NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}.` }));

  // Oversized frames get a CONVOT_ERR_PAYLOAD_TOO_LARGE error frame from the route (which
  // checks FRAME_LIMIT); ws itself only drops the connection beyond this hard cap.
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  // Paths come from the route definitions (src/protocol/routes.ts); each plugin scopes its hooks.
  await app.register(visitorRoutes, { visitors, help, limiter, scheduling, attachments });
  await app.register(agentRoutes, { agents, help, scheduling, attachments });
  await app.register(schedulingPages, { scheduling });
  const helpSite = await helpSiteRoutes(app, { help, repos, limiter });
  await app.register(staticRoutes, { root: opts.root, demo: opts.demo ?? false, helpHome: helpSite.homeForHost });
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    // Sends in flight finish before the database closes; queued ones wait in the table.
    await email.close();
    await chat.dropInstance(instanceId).catch(() => undefined);
    await repos.visitors.flushSeen().catch(() => undefined);
    await fanout.close();
    await hub.close();
  });
  return app as unknown as ConvotApp;
}
