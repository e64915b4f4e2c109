/**
 * Registers REST routes from their definitions in src/protocol/routes.ts, so a method, a path
 * or a body shape cannot drift from what the widget and the inbox call. The query and body are
 * parsed with the route's parsers (visitorParsers, agentParsers) (a ProtocolError names the field; the app's error
 * handler answers 400), and the handler must return the definition's response type.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { agentApi, agentParsers, schedulingAgentApi, schedulingAgentParsers, visitorApi, visitorParsers, visitorThreadsApi, visitorThreadsParsers, type AnyRoute, type Query, type RouteBody, type RouteParams, type RouteParsers, type RouteQuery, type RouteResponse } from '../../src/protocol/index.js';

/** Each route's parsers, found by the route object the handler is registered with. */
const PARSERS = new Map<AnyRoute, RouteParsers>([
  ...Object.entries(visitorApi).map(([k, r]): [AnyRoute, RouteParsers] => [r, (visitorParsers as Record<string, RouteParsers>)[k] ?? {}]),
  ...Object.entries(visitorThreadsApi).map(([k, r]): [AnyRoute, RouteParsers] => [r, (visitorThreadsParsers as Record<string, RouteParsers>)[k] ?? {}]),
  ...Object.entries(agentApi).map(([k, r]): [AnyRoute, RouteParsers] => [r, (agentParsers as Record<string, RouteParsers>)[k] ?? {}]),
  ...Object.entries(schedulingAgentApi).map(([k, r]): [AnyRoute, RouteParsers] => [r, (schedulingAgentParsers as Record<string, RouteParsers>)[k] ?? {}]),
]);

/**
 * Who is calling and whether they may: runs before the query and body are parsed, so an
 * unauthenticated (or rate-limited) request is refused as such whatever it sent.
 */
export type Guard<C> = (req: FastifyRequest) => Promise<C>;

export interface RouteInput<R extends AnyRoute, C> {
  params: RouteParams<R>;
  query: RouteQuery<R>;
  body: RouteBody<R>;
  /** What the guard returned: the visitor's session, the signed-in agent. */
  caller: C;
  req: FastifyRequest;
  /** For the status code (201 Created) and headers (cookies). */
  reply: FastifyReply;
}

/**
 * `handle(app, route, guard)(handler)`. Two calls so that the route's types are fixed before
 * the handler is checked: in one generic call TypeScript would widen `{ ok: true }` to
 * `{ ok: boolean }` and reject it.
 */
export function handle<R extends AnyRoute, C = undefined>(app: FastifyInstance, route: R, guard: Guard<C> | null) {
  return (handler: (input: RouteInput<R, C>) => Promise<RouteResponse<R>>): void => {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (req, reply) => {
        const caller = (guard ? await guard(req) : undefined) as C;
        const parsers = PARSERS.get(route) ?? {};
        const query = parsers.query?.((req.query ?? {}) as Query) as RouteQuery<R>;
        const body = parsers.body?.(req.body) as RouteBody<R>;
        return handler({ params: req.params as RouteParams<R>, query, body, caller, req, reply });
      },
    });
  };
}
