/**
 * Every REST route, defined once: method, path, how its query and body are parsed, and the type
 * of its response. The server registers its handlers from these definitions; the widget and the
 * inbox call through them, so a path, a method or a body shape cannot drift between the sides.
 *
 * The parsers sit in their own tables (`visitorParsers`, `agentParsers`) beside the routes, typed
 * from them, so a browser bundle that imports only the routes carries no validation code: the
 * server is what parses requests.
 */
import { ProtocolError, messageBody, parseVisitorEvent, parseVisitorUpdate, wrap, type AgentProfile, type AppPublicConfig, type ConversationStatus, type ConversationSummary, type SessionResponse, type TimelineEvent, type VisitorEvent, type VisitorUpdate, type WireMessage } from './wire.js';
import { bool, clientId, int, obj, str } from './validate.js';
import { ATTACHMENT_NAME_MAX, type UploadQuery } from './attachments.js';
import type { MdDoc } from '../markdown/tree.js';
import { parseArticleInput, parseHelpSearchQuery, parsePreviewBody, type AgentArticle, type Article, type ArticleInput, type HelpSearchQuery, type HelpSearchResponse } from './help.js';
import { parseBookingRequest, parseSlotsQuery, type Booking, type BookingRequest, type MeetingType, type SlotsQuery, type SlotsResponse } from './scheduling.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type Query = Record<string, string | undefined>;

/** `/a/:appId/b/:id` → `{ appId: string; id: string }`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;

export interface Route<P extends string = string, Q = undefined, B = undefined, R = unknown> {
  readonly method: HttpMethod;
  /** The full path, with `:name` parameters. */
  readonly path: P;
  /** Phantom fields: the query, body and response types. Never set. */
  readonly query?: Q;
  readonly body?: B;
  readonly response?: R;
}

/** Any route (query, body and response are covariant, so `unknown` accepts them all). */
export type AnyRoute = Route<string, unknown, unknown, unknown>;

export type RouteQuery<T> = T extends Route<string, infer Q, unknown, unknown> ? Q : never;
export type RouteBody<T> = T extends Route<string, unknown, infer B, unknown> ? B : never;
export type RouteResponse<T> = T extends Route<string, unknown, unknown, infer R> ? R : never;
export type RouteParams<T> = T extends Route<infer P, unknown, unknown, unknown> ? PathParams<P> : never;

const route = <R, B = undefined, Q = undefined>() =>
  <P extends string>(method: HttpMethod, path: P): Route<P, Q, B, R> => ({ method, path });

/** How a route's query and body are parsed (each throws a ProtocolError naming the bad field). */
export interface RouteParsers<Q = unknown, B = unknown> {
  query?: (q: Query) => Q;
  body?: (data: unknown) => B;
}

/** The parsers a route needs: required exactly where it has a query or body type. */
type ParsersOf<R> = (RouteQuery<R> extends undefined ? unknown : { query: (q: Query) => RouteQuery<R> }) &
  (RouteBody<R> extends undefined ? unknown : { body: (data: unknown) => RouteBody<R> });
type Needs<R> = RouteQuery<R> extends undefined ? (RouteBody<R> extends undefined ? false : true) : true;
/** One entry per route that takes a query or a body; a missing one fails to compile. */
export type ParsersFor<T extends Record<string, AnyRoute>> = { [K in keyof T as Needs<T[K]> extends true ? K : never]: ParsersOf<T[K]> };

/** Fills a route's `:params` (URI-encoded) and appends the defined query parameters. */
export function routeUrl(path: string, params: Record<string, string> = {}, query: Record<string, string | number | undefined> = {}): string {
  const filled = path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`routeUrl: missing parameter ${name} for ${path}`);
    return encodeURIComponent(v);
  });
  const qs = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return qs ? `${filled}?${qs}` : filled;
}

// ---- parsers for query strings and small bodies -------------------------------------------

/** A non-negative integer query parameter (absent: 0). */
const queryInt = (q: Query, name: string, fallback: number, min = 0): number =>
  wrap(() => (q[name] === undefined ? fallback : int({ [name]: q[name] === '' ? NaN : Number(q[name]) }, name, { min })));

export interface SendBody {
  client_id: string;
  body: string;
}
const parseSend = (data: unknown): SendBody =>
  wrap(() => {
    const o = obj(data);
    return { client_id: clientId(o), body: messageBody(o) };
  });

/** An article sent into a conversation as a card. */
export interface SendArticleBody {
  client_id: string;
  locale: string;
  slug: string;
}

/** A meeting type offered in a conversation as a booking card. */
export interface OfferBookingBody {
  client_id: string;
  meeting_type_id: number;
}

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** The inbox list's search and filters (each optional; together they all apply). */
export interface ConversationFilter {
  /** Searched in messages (stemmed), visitor names and emails. */
  q?: string;
  status?: ConversationStatus;
  /** Only conversations with visitor messages no agent has read. */
  unread?: boolean;
  /** One app of the agent's. */
  app?: string;
}

export interface ConversationPageQuery extends ConversationFilter {
  before?: string;
  limit: number;
}

export const MAX_SEARCH_LENGTH = 200;

const parsePageQuery = (q: Query): ConversationPageQuery => {
  const limit = queryInt(q, 'limit', DEFAULT_PAGE_SIZE, 1);
  if (limit > MAX_PAGE_SIZE) throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', `limit must be at most ${MAX_PAGE_SIZE}`, 'limit');
  const text = (name: string, max: number) => (q[name] === undefined ? undefined : wrap(() => str({ [name]: q[name] }, name, { min: 1, max })));
  const out: ConversationPageQuery = { before: text('before', 64), limit };
  const search = q.q === undefined ? '' : wrap(() => str({ q: q.q }, 'q', { max: MAX_SEARCH_LENGTH, trim: true }));
  if (search) out.q = search;
  if (q.status !== undefined) {
    if (q.status !== 'open' && q.status !== 'closed') throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', `status must be open or closed, got ${JSON.stringify(q.status.slice(0, 20))}`, 'status');
    out.status = q.status;
  }
  if (q.unread !== undefined) {
    if (q.unread !== 'true' && q.unread !== 'false') throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', `unread must be true or false, got ${JSON.stringify(q.unread.slice(0, 20))}`, 'unread');
    if (q.unread === 'true') out.unread = true;
  }
  const app = text('app', 64);
  if (app !== undefined) {
    if (!/^[A-Za-z0-9_-]+$/.test(app)) throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', 'app must be an app id (letters, digits, _ and -)', 'app');
    out.app = app;
  }
  return out;
};

const afterQuery = (q: Query): { after: number } => ({ after: queryInt(q, 'after', 0) });

/** `?client_id=…&name=…` of an upload: the name is cut to ATTACHMENT_NAME_MAX (keeping its extension) and stripped of path and control characters. */
const parseUploadQuery = (q: Query): UploadQuery =>
  wrap(() => {
    const client_id = clientId({ client_id: q.client_id });
    // eslint-disable-next-line no-control-regex
    let name = str({ name: q.name }, 'name', { min: 1, max: 1000 }).replace(/[\u0000-\u001f\u007f"\\/]/g, '_').trim() || 'file';
    if (name.length > ATTACHMENT_NAME_MAX) {
      const dot = name.lastIndexOf('.');
      const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
      name = name.slice(0, ATTACHMENT_NAME_MAX - ext.length) + ext;
    }
    return { client_id, name };
  });

// ---- the widget's API ----------------------------------------------------------------------

const APP = '/api/v1/apps/:appId';

/** Every visitor route and the visitor socket live under this path (CORS preflights answer for all of it). */
export const VISITOR_API_PREFIX = APP;

/** What a visitor's widget shows: their current conversation (the open one, else the latest closed one). */
export interface VisitorHistory {
  conversation_id: string | null;
  /** Status of `conversation_id` (null without a conversation). */
  conversation_status: ConversationStatus | null;
  messages: WireMessage[];
}

export interface IdentifyResponse {
  verified: boolean;
  /** Set when the server started a fresh session (a different person): switch to it. */
  session: SessionResponse | null;
  /** Why a given user_hash was not used (identify went ahead unverified). */
  warning?: string;
}

export const visitorApi = {
  /** The app's public settings. Needs no preflight, so its refusal (origin, unknown app) is readable. */
  config: route<AppPublicConfig>()('GET', `${APP}/config`),
  /** Resumes the session of an `Authorization: Bearer` token, or starts a new anonymous one. */
  session: route<SessionResponse>()('POST', `${APP}/sessions`),
  history: route<VisitorHistory, undefined, { after: number }>()('GET', `${APP}/messages`),
  send: route<{ message: WireMessage }, SendBody>()('POST', `${APP}/messages`),
  /** `set user:*`, session data and segments. */
  update: route<{ ok: true }, VisitorUpdate>()('PUT', `${APP}/visitor`),
  /** A response with `session` means: switch to this new session (a different person). */
  identify: route<IdentifyResponse, VisitorUpdate>()('POST', `${APP}/identify`),
  /** The `?convot_identity=` hand-off. */
  identifyToken: route<IdentifyResponse, { token: string }>()('POST', `${APP}/identify/token`),
  /** `Convot.identityToken()`: a short-lived token for a verified visitor, else null. */
  identityToken: route<{ token: string | null }>()('POST', `${APP}/identity-token`),
  event: route<{ ok: true }, VisitorEvent>()('POST', `${APP}/events`),
  /** The visitor ends their open conversation (`refresh({ open_to_new_thread })`): the next message starts a new one. */
  closeConversation: route<{ closed: boolean }>()('POST', `${APP}/conversation/close`),
  /** Help tab: published articles of a locale matching `q` (all of them, by category, when q is empty). Needs no session. */
  helpSearch: route<HelpSearchResponse, undefined, HelpSearchQuery>()('GET', `${APP}/help/articles`),
  /** One published article, parsed; 404 CONVOT_ERR_NOT_FOUND when unknown or unpublished. Needs no session. */
  helpArticle: route<{ article: Article }>()('GET', `${APP}/help/articles/:locale/:slug`),
  /** Book tab: the app's meeting types. Needs no session. */
  meetingTypes: route<{ meeting_types: MeetingType[] }>()('GET', `${APP}/scheduling/meeting-types`),
  /** Free slots of a meeting type, grouped by date in `tz`; 404 for an unknown type. Needs no session. */
  slots: route<SlotsResponse, undefined, SlotsQuery>()('GET', `${APP}/scheduling/meeting-types/:id/slots`),
  /**
   * Uploads a file (the raw body, its type the Content-Type) and posts it as a message (201; a
   * retry of the client_id returns the stored one, 200). 413 CONVOT_ERR_ATTACHMENT_TOO_LARGE and
   * 415 CONVOT_ERR_ATTACHMENT_TYPE name the app's limits.
   */
  upload: route<{ message: WireMessage }, undefined, UploadQuery>()('POST', `${APP}/attachments`),
  /** The file of an attachment in the visitor's conversations (else 404); bearer token. The body is the file, not JSON. */
  attachment: route<never>()('GET', `${APP}/attachments/:id`),
  /** Books an offered slot (201); 409 CONVOT_ERR_SLOT_TAKEN when someone was quicker: refetch the slots. */
  book: route<{ booking: Booking }, BookingRequest>()('POST', `${APP}/scheduling/bookings`),
} as const;

export const visitorParsers: ParsersFor<typeof visitorApi> = {
  history: { query: afterQuery },
  send: { body: parseSend },
  upload: { query: parseUploadQuery },
  update: { body: parseVisitorUpdate },
  identify: { body: parseVisitorUpdate },
  identifyToken: { body: (data) => wrap(() => ({ token: str(obj(data), 'token', { min: 1, max: 4096 }) })) },
  event: { body: parseVisitorEvent },
  helpSearch: { query: parseHelpSearchQuery },
  slots: { query: parseSlotsQuery },
  book: { body: parseBookingRequest },
};

/** The visitor socket (first frame `{"type":"auth", …}`). */
export const VISITOR_SOCKET_PATH = `${APP}/ws`;

// ---- the inbox's API -----------------------------------------------------------------------

const AGENT = '/api/v1/agent';

export interface History {
  conversation: ConversationSummary;
  messages: WireMessage[];
  events: TimelineEvent[];
}

export const agentApi = {
  login: route<{ agent: AgentProfile }, { email: string; password: string }>()('POST', `${AGENT}/login`),
  logout: route<{ ok: true }>()('POST', `${AGENT}/logout`),
  /** Who is signed in: `agent` is null when nobody is (a question, not an error). */
  me: route<{ agent: AgentProfile | null; agents_online: number }>()('GET', `${AGENT}/me`),
  /** Newest activity first, a page at a time; `q`, `status`, `unread` and `app` filter. */
  conversations: route<{ conversations: ConversationSummary[]; has_more: boolean }, undefined, ConversationPageQuery>()('GET', `${AGENT}/conversations`),
  /** Messages after `after` (all when 0) plus the visitor's timeline. */
  history: route<History, undefined, { after: number }>()('GET', `${AGENT}/conversations/:id/messages`),
  /** Idempotent per client_id, so a retry after a lost response cannot post twice. */
  reply: route<{ message: WireMessage }, SendBody>()('POST', `${AGENT}/conversations/:id/messages`),
  /** Sends a published article of the conversation's app as a card (idempotent per client_id, like reply). */
  sendArticle: route<{ message: WireMessage }, SendArticleBody>()('POST', `${AGENT}/conversations/:id/articles`),
  /** Offers a meeting type of the conversation's app as a card the visitor books from (idempotent per client_id). */
  offerBooking: route<{ message: WireMessage }, OfferBookingBody>()('POST', `${AGENT}/conversations/:id/booking-offers`),
  /** An agent's file into a conversation of their apps (like the visitor's `upload`). */
  upload: route<{ message: WireMessage }, undefined, UploadQuery>()('POST', `${AGENT}/conversations/:id/attachments`),
  /** The file of an attachment of the agent's apps (else 404). The body is the file, not JSON. */
  attachment: route<never>()('GET', `${AGENT}/attachments/:id`),
  read: route<{ ok: true }, { seq: number }>()('POST', `${AGENT}/conversations/:id/read`),
  close: route<{ conversation: ConversationSummary }>()('POST', `${AGENT}/conversations/:id/close`),
  reopen: route<{ conversation: ConversationSummary }>()('POST', `${AGENT}/conversations/:id/reopen`),
  /** The remembered Available/Away choice: `{away}`, or the older `{online}` where false means Away. */
  presence: route<{ online: boolean; away: boolean }, { away: boolean }>()('PUT', `${AGENT}/presence`),
  /** The apps this agent works on (for the article editor's app picker). */
  apps: route<{ apps: { id: string; name: string }[] }>()('GET', `${AGENT}/apps`),
  /** Every article of an app the agent works on: all locales, published or not. */
  articles: route<{ articles: AgentArticle[] }>()('GET', `${AGENT}/apps/:appId/articles`),
  /** Creates or replaces an article (a config-declared one is taken over by the inbox). */
  saveArticle: route<{ article: AgentArticle }, ArticleInput>()('PUT', `${AGENT}/apps/:appId/articles/:locale/:slug`),
  deleteArticle: route<{ ok: true }>()('DELETE', `${AGENT}/apps/:appId/articles/:locale/:slug`),
  /** The editor's live preview: the server parses, so the inbox needs no Markdown parser. */
  previewArticle: route<{ doc: MdDoc }, { body: string }>()('POST', `${AGENT}/articles/preview`),
} as const;

export const agentParsers: ParsersFor<typeof agentApi> = {
  login: {
    body: (data) =>
      wrap(() => {
        const o = obj(data);
        return { email: str(o, 'email', { min: 1, max: 254, trim: true }), password: str(o, 'password', { min: 1, max: 1000 }) };
      }),
  },
  conversations: { query: parsePageQuery },
  history: { query: afterQuery },
  reply: { body: parseSend },
  upload: { query: parseUploadQuery },
  offerBooking: {
    body: (data) =>
      wrap(() => {
        const o = obj(data);
        return { client_id: clientId(o), meeting_type_id: int(o, 'meeting_type_id', { min: 1 }) };
      }),
  },
  sendArticle: {
    body: (data) =>
      wrap(() => {
        const o = obj(data);
        return { client_id: clientId(o), locale: str(o, 'locale', { min: 2, max: 3, trim: true }), slug: str(o, 'slug', { min: 1, max: 100, trim: true }) };
      }),
  },
  read: { body: (data) => wrap(() => ({ seq: int(obj(data), 'seq', { min: 0 }) })) },
  presence: {
    body: (data) =>
      wrap(() => {
        const o = obj(data);
        return { away: o.away !== undefined ? bool(o, 'away') : !bool(o, 'online') };
      }),
  },
  saveArticle: { body: parseArticleInput },
  previewArticle: { body: parsePreviewBody },
};

export const AGENT_SOCKET_PATH = `${AGENT}/ws`;

// ---- socket close codes --------------------------------------------------------------------

/**
 * WebSocket close codes both sides use; 4000–4999 are ours. The server's refusals all share
 * 4401 because the client's answer is the same (drop the token: start a new session, or sign
 * in again); the close reason says which one it was.
 */
export const CloseCode = {
  /** A deliberate close (page leaving, client stopping, server shutting down). */
  Normal: 1000,
  /** The token is unknown or expired, or the sign-in ended: start a new session / sign in again. */
  Unauthorized: 4401,
  /** A visitor socket sent no auth frame within 10 s of opening (reason `auth timeout`). */
  AuthTimeout: 4401,
  /** The agent's sign-in session ended (signed out on any instance; reason `signed out`). */
  SignedOut: 4401,
  /**
   * Too many open sockets for this session or address (`limits.socket_session`, `socket_ip`;
   * reason `too many sockets`), or too many new sessions from the address for an `auth` without
   * a token (`limits.session`; reason `too many sessions`): retry later.
   */
  TooManySockets: 4429,
  /** The server could not authenticate the socket now (its database away; reason `unavailable`): retry with backoff. */
  TryAgainLater: 1013,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
