/**
 * REST calls the inbox makes to /api/v1/agent on its own origin, through the route table and
 * the fetch wrapper the widget uses. The session cookie is HttpOnly and SameSite=Strict, so the
 * browser attaches it and script never handles a credential.
 */
import { agentApi, type AnyRoute, type ConversationFilter, type RouteResponse } from '../protocol/routes.js';
import { callRoute, type CallOptions } from '../client/transport.js';

export { ApiError } from '../client/transport.js';
export type { History } from '../protocol/routes.js';

const call = <R extends AnyRoute>(route: R, opts: CallOptions<R> = {}): Promise<RouteResponse<R>> =>
  callRoute(location.origin, route, { ...opts, credentials: 'same-origin' });

const byId = (id: string) => ({ params: { id } });

export const inboxApi = {
  /** `agent` is null when nobody is signed in. */
  me: () => call(agentApi.me),
  login: (email: string, password: string) => call(agentApi.login, { body: { email, password } }),
  logout: () => call(agentApi.logout),
  /** A page of conversations, newest activity first; `before` continues after that conversation. */
  conversations: (before?: string, filter: ConversationFilter = {}) =>
    call(agentApi.conversations, { query: { before, limit: 50, ...filter } }),
  /** The apps this agent works on (the list's per-app filter). */
  apps: () => call(agentApi.apps),
  /** Messages after `after` (all when 0) plus the visitor's whole timeline. */
  history: (id: string, after = 0) => call(agentApi.history, { ...byId(id), query: { after } }),
  /** Idempotent per client_id, so a retry after a lost response cannot post twice. */
  send: (id: string, clientId: string, body: string) => call(agentApi.reply, { ...byId(id), body: { client_id: clientId, body } }),
  /** An article of the conversation's app, as a card (idempotent per client_id). */
  sendArticle: (id: string, clientId: string, locale: string, slug: string) => call(agentApi.sendArticle, { ...byId(id), body: { client_id: clientId, locale, slug } }),
  /** A meeting type of the conversation's app, as a card the visitor books from. */
  offerBooking: (id: string, clientId: string, meetingTypeId: number) => call(agentApi.offerBooking, { ...byId(id), body: { client_id: clientId, meeting_type_id: meetingTypeId } }),
  markRead: (id: string, seq: number) => call(agentApi.read, { ...byId(id), body: { seq } }),
  close: (id: string) => call(agentApi.close, byId(id)),
  reopen: (id: string) => call(agentApi.reopen, byId(id)),
  /** The remembered Available/Away choice; available means reachable while an inbox is open. */
  setAway: (away: boolean) => call(agentApi.presence, { body: { away } }),
};
