/**
 * Scheduling's HTTP adapters. Three groups, each registered where its guards live:
 * - the widget's routes (`visitorApi.meetingTypes`, `slots`, `book`), inside visitorRoutes so the
 *   app lookup and origin check run first;
 * - the inbox's routes (`schedulingAgentApi`), inside agentRoutes (same-origin, signed in);
 * - the visitor's manage link: `GET /scheduling/manage/:token` (a server-rendered page with
 *   Cancel and Reschedule forms, strict CSP), its form posts, and `GET /scheduling/bookings/:token.ics`.
 * Handlers parse, call one SchedulingService method and return.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { meetingTypeId, schedulingAgentApi, visitorApi, type AgentProfile } from '../../src/protocol/index.js';
import { fail } from '../errors.js';
import type { LimitName } from '../rate-limit.js';
import { renderManagePage, type ManagePageInput } from '../scheduling/manage-page.js';
import { managePath, type Links, type SchedulingService } from '../services/scheduling-service.js';
import type { VisitorCaller } from '../services/visitor-service.js';
import type { AppRow } from '../storage/apps-repo.js';
import { handle, type Guard } from './contract.js';

/** The server's origin as this request reached it (scheme and host honour CONVOT_TRUST_PROXY). */
export const linksOf = (req: FastifyRequest): Links => ({ origin: `${req.protocol}://${req.host}` });

export function schedulingVisitorRoutes(
  app: FastifyInstance,
  { scheduling, appOf, visitor }: { scheduling: SchedulingService; appOf: (req: FastifyRequest) => AppRow; visitor: (limit?: LimitName) => Guard<VisitorCaller> },
): void {
  handle(app, visitorApi.meetingTypes, null)(({ req }) => scheduling.meetingTypes(appOf(req)));

  handle(app, visitorApi.slots, null)(({ req, params, query }) => scheduling.slots(appOf(req), meetingTypeId(params.id), query));

  handle(app, visitorApi.book, visitor('booking'))(async ({ caller, body, req, reply }) => {
    const booking = await scheduling.book(caller, body, req.ip, linksOf(req));
    reply.code(201);
    return { booking };
  });
}

export function schedulingAgentRoutes(app: FastifyInstance, { scheduling, signedIn }: { scheduling: SchedulingService; signedIn: Guard<AgentProfile> }): void {
  handle(app, schedulingAgentApi.bookings, signedIn)(({ caller, query }) => scheduling.listBookings(caller, query));

  handle(app, schedulingAgentApi.cancelBooking, signedIn)(({ caller, params }) => scheduling.cancelByAgent(caller, params.id));

  handle(app, schedulingAgentApi.meetingTypes, signedIn)(({ caller }) => scheduling.meetingTypesForAgent(caller));

  handle(app, schedulingAgentApi.createMeetingType, signedIn)(async ({ caller, params, body, reply }) => {
    const r = await scheduling.createMeetingType(caller, params.appId, body);
    reply.code(201);
    return r;
  });

  handle(app, schedulingAgentApi.updateMeetingType, signedIn)(({ caller, params, body }) => scheduling.updateMeetingType(caller, params.appId, meetingTypeId(params.id), body));

  handle(app, schedulingAgentApi.deleteMeetingType, signedIn)(({ caller, params }) => scheduling.deleteMeetingType(caller, params.appId, meetingTypeId(params.id)));

  // The host's copy of the calendar file (text/calendar: outside the JSON route table).
  app.get('/api/v1/agent/bookings/:id/ics', async (req, reply) => {
    const agent = await signedIn(req);
    const { id } = req.params as { id: string };
    const ics = await scheduling.icsForAgent(agent, id);
    return reply.type('text/calendar; charset=utf-8').header('Content-Disposition', `attachment; filename="booking-${id.replace(/[^A-Za-z0-9_-]/g, '')}.ics"`).header('Cache-Control', 'no-store').send(ics);
  });
}

const NOTICES = new Set(['cancelled', 'rescheduled', 'taken', 'not_offered']);

/** The manage link's page, forms and calendar file. Not under the visitor API: a person opens it from an email or the widget. */
export async function schedulingPages(app: FastifyInstance, { scheduling }: { scheduling: SchedulingService }): Promise<void> {
  // Forms post application/x-www-form-urlencoded; parsed here only (this plugin's scope).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onSend', async (_req, reply) => {
    // A secret link: never cached by shared caches, never sent on as a referrer.
    reply.header('Cache-Control', 'no-store');
    reply.header('Referrer-Policy', 'no-referrer');
  });

  const tokenOf = (req: FastifyRequest): string => (req.params as { token: string }).token;

  const page = async (req: FastifyRequest, reply: FastifyReply, status = 200) => {
    const token = tokenOf(req);
    const m = (req.query as { m?: string }).m;
    const data = await scheduling.managePage(token, linksOf(req));
    const input: ManagePageInput = { ...data, path: managePath(token), notice: m && NOTICES.has(m) ? (m as ManagePageInput['notice']) : null };
    const { html, csp } = renderManagePage(input);
    return reply.code(status).header('Content-Security-Policy', csp).type('text/html; charset=utf-8').send(html);
  };

  const notFound = (reply: FastifyReply) =>
    reply
      .code(404)
      .header('Content-Security-Policy', "default-src 'none'; base-uri 'none'; frame-ancestors 'none'")
      .type('text/html; charset=utf-8')
      .send('<!doctype html><html lang="en"><meta charset="utf-8"><title>Booking not found</title><h1>Booking not found</h1><p>This link is not valid. Check the link in your confirmation.</p></html>');

  /** Pages answer an unknown token with a page rather than JSON. */
  const orNotFound = (fn: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      return await fn(req, reply);
    } catch (e) {
      if ((e as { code?: string }).code === 'CONVOT_ERR_NOT_FOUND') return notFound(reply);
      throw e;
    }
  };

  app.get('/scheduling/manage/:token', orNotFound((req, reply) => page(req, reply)));

  app.post(
    '/scheduling/manage/:token/cancel',
    orNotFound(async (req, reply) => {
      await scheduling.cancelByToken(tokenOf(req), req.ip);
      return reply.redirect(`${managePath(tokenOf(req))}?m=cancelled`, 303);
    }),
  );

  app.post(
    '/scheduling/manage/:token/reschedule',
    orNotFound(async (req, reply) => {
      const start = (req.body as { start?: unknown } | undefined)?.start;
      if (typeof start !== 'string') fail('CONVOT_ERR_BAD_REQUEST', 'Pick a time.', 'start');
      const r = await scheduling.rescheduleByToken(tokenOf(req), start, req.ip);
      return reply.redirect(`${managePath(tokenOf(req))}?m=${r}`, 303);
    }),
  );

  app.get(
    '/scheduling/bookings/:file',
    orNotFound(async (req, reply) => {
      const file = (req.params as { file: string }).file;
      if (!file.endsWith('.ics')) fail('CONVOT_ERR_NOT_FOUND');
      const ics = await scheduling.icsByToken(file.slice(0, -4), linksOf(req));
      return reply.type('text/calendar; charset=utf-8').header('Content-Disposition', 'attachment; filename="booking.ics"').send(ics);
    }),
  );
}
