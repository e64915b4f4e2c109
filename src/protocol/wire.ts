/**
 * Wire types shared by the widget, the inbox and the server: REST bodies and WebSocket frames.
 * Parsers for inbound data live beside them so both sides agree on one definition.
 */
import { ERRORS, type ErrorBody, type ErrorCode } from './errors.js';
import type { MdDoc } from '../markdown/tree.js';
import type { AttachmentCard, AttachmentLimits } from './attachments.js';
import { ValidationError, bool, checkText, clientId, int, obj, str } from './validate.js';
import { parsePageContext, type PageContext, type VisitorContext } from './visitor-context.js';
import { FLOW_ID, MAX_QUICK_REPLIES, MAX_QUICK_REPLY_LENGTH, type BotCard, type ChatFlowPublic, type FlowAnswer, type QuickReplyCard } from './chat-flows.js';

export const MAX_MESSAGE_LENGTH = 5000;

/** A typist sends `typing: true` at most this often while typing (the server limits it too). */
export const TYPING_REFRESH_MS = 2000;
/** A receiver forgets a typist it has not heard from for this long (a lost stop frame). */
export const TYPING_TTL_MS = 6000;
/** The longest draft preview a visitor's typing frame carries to the app's agents. */
export const TYPING_PREVIEW_MAX = 200;

/** `bot`: a chat flow's bot (its name in `agent_name`, its step in a `bot` card). */
export type Author = 'visitor' | 'agent' | 'system' | 'bot';

export interface WireMessage {
  conversation_id: string;
  seq: number;
  client_id: string | null;
  author: Author;
  /** Display name of the agent for agent messages; null otherwise. */
  agent_name: string | null;
  body: string;
  /** ISO 8601 timestamp set by the server at commit. */
  created_at: string;
  /** Rich content (absent on plain messages): an agent's article or booking card, or a file either side sent; `body` is its plain-text fallback. */
  card?: MessageCard;
  /** The agent's `avatar_url` (https) for agent messages, when the config gives one. */
  agent_avatar_url?: string;
  /**
   * `body` parsed by the server into the chat's Markdown subset (markdown/chat-tree.ts), present
   * only when the body uses Markdown syntax. `body` stays the source of truth (search, email).
   */
  md?: MdDoc;
}

/** An article of the app's help center, sent into the chat: it opens in the widget's Help tab. */
export interface ArticleCard {
  type: 'article';
  locale: string;
  slug: string;
  title: string;
  description: string | null;
}

/** A meeting type offered in the chat: the visitor picks a time right in the card. */
export interface BookingCard {
  type: 'booking';
  meeting_type_id: number;
  name: string;
  duration_minutes: number;
}

export type MessageCard = ArticleCard | BookingCard | AttachmentCard | BotCard | QuickReplyCard;

/** POST /api/v1/apps/:appId/sessions response. */
export interface SessionResponse {
  session_id: string;
  /** Secret bearer token: kept by the widget, sent in a header or the first frame only. */
  token: string;
  resumed: boolean;
}

export type WidgetTab = 'chat' | 'help' | 'book';

/** `apps[].appearance` in the server config: the widget's defaults, overridable by the page. */
export interface Appearance {
  theme_color?: string;
  position?: 'right' | 'left';
  tabs?: WidgetTab[];
  team_name?: string;
  welcome_text?: string;
  launcher_label?: string;
}

/** GET /api/v1/apps/:appId/config response: the app's public settings. */
export interface AppPublicConfig {
  app_id: string;
  name: string;
  available: boolean;
  appearance: Appearance;
  /**
   * The app's help center: `url` is the absolute home of its public help site, `articles` the
   * number of published articles (all locales). Null when it has none.
   */
  help: { url: string; articles: number } | null;
  /** `apps[].status_url`: the team's system status page, or null. */
  status_url: string | null;
  /** Booking: how many meeting types the app offers (null without any: no Book tab). */
  scheduling: { meeting_types: number } | null;
  /** `apps[].attachments`: what the widget may upload (the server checks again). Absent from older servers. */
  attachments?: AttachmentLimits;
  /** `apps[].chat_flows`: which greeting and bot each page gets (absent or empty: no flows). */
  chat_flows?: ChatFlowPublic[];
}

/** Validates an appearance object (server config); the error names the field. */
export function parseAppearance(data: unknown, where = 'appearance'): Appearance {
  const o = obj(data, where);
  const out: Appearance = {};
  if (o.theme_color !== undefined) {
    const c = str(o, 'theme_color', { max: 7 });
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(c)) throw new ValidationError(`${where}.theme_color`, `${where}.theme_color must be a hex colour like "#2563eb", got ${JSON.stringify(c)}`);
    out.theme_color = c;
  }
  if (o.position !== undefined) {
    if (o.position !== 'right' && o.position !== 'left') throw new ValidationError(`${where}.position`, `${where}.position must be "right" or "left", got ${JSON.stringify(o.position)}`);
    out.position = o.position;
  }
  if (o.tabs !== undefined) {
    const tabs = o.tabs;
    if (!Array.isArray(tabs) || tabs.some((t) => t !== 'chat' && t !== 'help' && t !== 'book')) {
      throw new ValidationError(`${where}.tabs`, `${where}.tabs must be an array of "chat", "help" and "book", got ${JSON.stringify(tabs)}`);
    }
    out.tabs = [...new Set(tabs as WidgetTab[])];
  }
  for (const key of ['team_name', 'welcome_text', 'launcher_label'] as const) {
    if (o[key] !== undefined) out[key] = str(o, key, { max: key === 'welcome_text' ? 500 : 60 });
  }
  return out;
}

/**
 * A conversation is open until an agent closes it. A visitor has at most one open conversation;
 * their next message after a close starts a new one.
 */
export type ConversationStatus = 'open' | 'closed';

// ---- visitor socket ----------------------------------------------------------------------

export type VisitorClientFrame =
  /**
   * `token`: the session to resume; without it the server starts a new session (a new visitor,
   * counted like a session POST) and `ready` carries its token. `page`: where the visitor is (see
   * visitor-context.ts); dropped when malformed, so it never costs the chat.
   */
  | { type: 'auth'; token?: string; last_seq: number; page?: PageContext }
  /** `flow`: the chat flow the page showed (a new conversation starts in it); `reply`: a bot step's quick replies. */
  | ({ type: 'message'; client_id: string; body: string } & Partial<FlowAnswer>)
  | { type: 'read'; seq: number }
  /** A single-page app changed route (or the page otherwise changed what it reports). */
  | { type: 'page'; page: PageContext }
  /** The visitor is typing (`text`: the draft, at most TYPING_PREVIEW_MAX, for the app's agents) or stopped. */
  | { type: 'typing'; typing: boolean; text?: string }
  | { type: 'ping' };

export type VisitorServerFrame =
  | {
      type: 'ready';
      session_id: string;
      /** The visitor's open conversation, else their latest closed one, else null. */
      conversation_id: string | null;
      /** Status of `conversation_id` (null without a conversation). */
      conversation_status: ConversationStatus | null;
      /** Messages after the client's last_seq, in seq order. */
      messages: WireMessage[];
      /** Highest agent-message seq the visitor has read. */
      read_seq: number;
      /** Highest seq the team has read (the visitor's messages up to it show "Seen"); absent from older servers. */
      seen_seq?: number;
      available: boolean;
      /** What the server knows about this visitor (from identify and set calls). */
      visitor: VisitorProfile;
      /** The new session's token, when `auth` came without one: the client keeps it for the next page. */
      token?: string;
    }
  | { type: 'ack'; client_id: string; message: WireMessage }
  | { type: 'message'; message: WireMessage }
  | { type: 'availability'; available: boolean }
  /** The visitor read up to this seq (in any tab). */
  | { type: 'read'; read_seq: number }
  /**
   * The socket's conversation changed status, or the socket now follows another conversation
   * (the one the visitor's message started after a close, one an agent reopened, or one the
   * visitor picked from their threads). For another conversation, its messages follow from seq 1
   * (seq counts per conversation); those up to `history_seq` are its history, not news.
   */
  | { type: 'conversation'; conversation_id: string; status: ConversationStatus; history_seq?: number }
  /** The team read the conversation up to this seq. */
  | { type: 'seen'; seq: number }
  /** An agent is typing in the visitor's conversation, or stopped (never stored; expires after TYPING_TTL_MS). */
  | { type: 'typing'; typing: boolean; name: string | null; avatar_url: string | null }
  | { type: 'pong' }
  | ({ type: 'error'; client_id?: string; retry_after?: number } & ErrorBody);

// ---- agent socket ------------------------------------------------------------------------

export interface ConversationSummary {
  id: string;
  app_id: string;
  status: ConversationStatus;
  /** When an agent closed it; null while open. */
  closed_at: string | null;
  visitor: VisitorProfile;
  last_seq: number;
  /** Highest seq any agent has read; messages after it from the visitor are unread. */
  agent_read_seq: number;
  /** Highest seq the visitor has read: agent replies up to it show "Seen". */
  visitor_read_seq: number;
  unread_count: number;
  last_message: WireMessage | null;
  last_message_at: string | null;
  created_at: string;
  /** Where the visitor is, as their widget last reported it; null before any report. */
  context?: VisitorContext | null;
  /** The chat flow it started in (`apps[].chat_flows[].id`), its tags and the agent it was routed to (from the bot's quick replies). */
  flow_id?: string | null;
  tags?: string[];
  assignee?: { email: string; name: string } | null;
  /** The bot still waits for the visitor's answer (it hands over on the last step or when an agent replies). */
  bot_active?: boolean;
}

/**
 * A summary in an agent `message` frame. The visitor's profile (up to the stored caps of
 * custom and session data) is sent the first time a socket hears of the conversation and
 * after it changes; otherwise it is left out and the inbox keeps the one it has.
 */
export type ConversationUpdate = Omit<ConversationSummary, 'visitor'> & { visitor?: VisitorProfile };

export interface VisitorProfile {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  avatar_url: string | null;
  external_id: string | null;
  verified: boolean;
  /**
   * Which identifier the site verified (user_hash or identity token): only that one is vouched
   * for; the other fields are what the visitor or page said. Null while unverified.
   */
  verified_by?: 'external_id' | 'email' | null;
  custom_data: Record<string, unknown>;
  session_data: Record<string, unknown>;
  segments: string[];
}

export interface AgentProfile {
  id: string;
  email: string;
  name: string;
  /** The agent's choice: true = Available, false = Away (always `!away`; kept for older inboxes). */
  online: boolean;
  /**
   * Chosen in the inbox and remembered. An agent is available to visitors while an inbox of
   * theirs is open and they are not away.
   */
  away: boolean;
  /** The app ids this agent works on (`agents[].apps`); null for every app. */
  apps: string[] | null;
}

export type AgentClientFrame =
  | { type: 'message'; conversation_id: string; client_id: string; body: string }
  | { type: 'read'; conversation_id: string; seq: number }
  /** `online: false` means Away (remembered), `true` means Available. */
  | { type: 'presence'; online: boolean }
  /** The agent is typing a reply in this conversation, or stopped. */
  | { type: 'typing'; conversation_id: string; typing: boolean }
  | { type: 'ping' };

export type AgentServerFrame =
  /** `agents_online`: agents available now (inbox open, not away) who share an app with this one. */
  | { type: 'ready'; agent: AgentProfile; agents_online: number }
  | { type: 'ack'; client_id: string; message: WireMessage }
  | { type: 'message'; conversation: ConversationUpdate; message: WireMessage }
  | { type: 'conversation'; conversation: ConversationSummary }
  | { type: 'presence'; agents_online: number; agent: AgentProfile }
  /** The visitor of this conversation is typing (`text`: their draft, when the widget sent one) or stopped. */
  | { type: 'typing'; conversation_id: string; typing: boolean; text?: string }
  | { type: 'pong' }
  /** `client_id`: of the frame this error answers, when it had one. */
  | ({ type: 'error'; client_id?: string } & ErrorBody);

// ---- parsers -----------------------------------------------------------------------------

export class ProtocolError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  constructor(code: ErrorCode, message: string = ERRORS[code].message, field?: string) {
    // An expected refusal, not a bug, so no stack trace: capturing one walks the async chain
    // behind the throw, and a socket flooded with refused frames paid seconds for it.
    // (`stackTraceLimit` is V8's; elsewhere setting it does nothing.)
    const E = Error as { stackTraceLimit?: number };
    const limit = E.stackTraceLimit;
    E.stackTraceLimit = 0;
    super(message);
    E.stackTraceLimit = limit;
    this.code = code;
    if (field !== undefined) this.field = field;
    this.name = 'ProtocolError';
  }
  toBody(): ErrorBody {
    return this.field ? { code: this.code, message: this.message, field: this.field } : { code: this.code, message: this.message };
  }
}

/** Parses a text frame into a JSON object or throws a ProtocolError. */
export function parseFrameText(text: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ProtocolError('CONVOT_ERR_INVALID_JSON', 'The frame is not valid JSON.');
  }
  return wrap(() => obj(data, 'frame'));
}

/** Runs a validator and turns its ValidationError into a CONVOT_ERR_BAD_REQUEST naming the field. */
export function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError) throw new ProtocolError('CONVOT_ERR_BAD_REQUEST', e.message, e.field);
    throw e;
  }
}

export function messageBody(o: Record<string, unknown>): string {
  return str(o, 'body', { min: 1, max: MAX_MESSAGE_LENGTH, trim: true });
}

/** A message's optional `flow` and `reply` (see FlowAnswer); the server checks them against the flow. */
export function parseFlowAnswer(data: Record<string, unknown>): Partial<FlowAnswer> {
  if (data.flow === undefined || data.flow === null) return {};
  const flow = str(data, 'flow', { min: 1, max: 64 });
  if (!FLOW_ID.test(flow)) throw new ValidationError('flow', `flow must be a chat flow id, got ${JSON.stringify(flow)}`);
  if (data.reply === undefined || data.reply === null) return { flow };
  const r = obj(data.reply, 'reply');
  const values = r.values;
  if (!Array.isArray(values) || !values.length || values.length > MAX_QUICK_REPLIES || values.some((v) => typeof v !== 'string' || !v || v.length > MAX_QUICK_REPLY_LENGTH)) {
    throw new ValidationError('reply.values', `reply.values must be 1 to ${MAX_QUICK_REPLIES} quick-reply labels, got ${JSON.stringify(values)}`);
  }
  return { flow, reply: { step: str(r, 'step', { min: 1, max: 64 }), values: [...new Set(values as string[])] } };
}

export function parseVisitorFrame(data: Record<string, unknown>): VisitorClientFrame {
  return wrap((): VisitorClientFrame => {
    switch (data.type) {
      case 'auth': {
        const frame: VisitorClientFrame = { type: 'auth', last_seq: int(data, 'last_seq', { min: 0, optional: true }) };
        if (data.token !== undefined) frame.token = str(data, 'token', { min: 10, max: 200 });
        if (data.page !== undefined) {
          try {
            frame.page = parsePageContext(data.page);
          } catch {
            // A strange page address must not keep the visitor from chatting.
          }
        }
        return frame;
      }
      case 'page':
        return { type: 'page', page: parsePageContext(data.page) };
      case 'message':
        return { type: 'message', client_id: clientId(data), body: messageBody(data), ...parseFlowAnswer(data) };
      case 'read':
        return { type: 'read', seq: int(data, 'seq', { min: 0 }) };
      case 'typing': {
        const typing = bool(data, 'typing');
        // A longer draft is cut, not refused: the preview is a hint, the message is what counts.
        const text = typing && data.text !== undefined ? str(data, 'text', { max: MAX_MESSAGE_LENGTH }).slice(0, TYPING_PREVIEW_MAX) : undefined;
        return text ? { type: 'typing', typing, text } : { type: 'typing', typing };
      }
      case 'ping':
        return { type: 'ping' };
      default:
        throw new ProtocolError('CONVOT_ERR_UNKNOWN_FRAME', `Unknown frame type ${JSON.stringify(data.type ?? null)}; expected auth, message, read, typing, page or ping.`, 'type');
    }
  });
}

export function parseAgentFrame(data: Record<string, unknown>): AgentClientFrame {
  return wrap((): AgentClientFrame => {
    switch (data.type) {
      case 'message':
        return { type: 'message', conversation_id: str(data, 'conversation_id', { min: 1, max: 64 }), client_id: clientId(data), body: messageBody(data) };
      case 'read':
        return { type: 'read', conversation_id: str(data, 'conversation_id', { min: 1, max: 64 }), seq: int(data, 'seq', { min: 0 }) };
      case 'presence':
        return { type: 'presence', online: bool(data, 'online') };
      case 'typing':
        return { type: 'typing', conversation_id: str(data, 'conversation_id', { min: 1, max: 64 }), typing: bool(data, 'typing') };
      case 'ping':
        return { type: 'ping' };
      default:
        throw new ProtocolError('CONVOT_ERR_UNKNOWN_FRAME', `Unknown frame type ${JSON.stringify(data.type ?? null)}; expected message, read, presence, typing or ping.`, 'type');
    }
  });
}

// ---- visitor profile and timeline ---------------------------------------------------------

/** PUT /api/v1/apps/:appId/visitor: fields the page knows about the visitor. All optional. */
export interface VisitorUpdate {
  email?: string;
  phone?: string;
  name?: string;
  avatar_url?: string;
  company?: string;
  external_id?: string;
  user_hash?: string;
  custom_data?: Record<string, unknown>;
  /** Merged into the stored session data. */
  session_data?: Record<string, unknown>;
  /** Replaces the stored segments. */
  segments?: string[];
}

/** POST /api/v1/apps/:appId/events: a named event on the visitor's timeline. */
export interface VisitorEvent {
  name: string;
  data: Record<string, unknown>;
}

export interface TimelineEvent extends VisitorEvent {
  created_at: string;
}

const PROFILE_FIELDS = ['email', 'phone', 'name', 'avatar_url', 'company', 'external_id', 'user_hash'] as const;
const MAX_JSON = 16 * 1024;
/** Nesting of custom_data, session_data and event data: `{"a":{"b":…}}` is depth 2. */
export const MAX_JSON_DEPTH = 6;

/** Checks every key and string of a JSON value (text rules) and its nesting depth. */
function checkJson(v: unknown, field: string, depth: number): void {
  if (typeof v === 'string') {
    checkText(v, field);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  if (depth > MAX_JSON_DEPTH) throw new ValidationError(field, `${field} must nest at most ${MAX_JSON_DEPTH} levels deep`);
  for (const [k, x] of Object.entries(v)) {
    checkText(k, field);
    checkJson(x, field, depth + 1);
  }
}

function jsonObject(o: Record<string, unknown>, field: string): Record<string, unknown> {
  const v = obj(o[field], field);
  checkJson(v, field, 1);
  if (JSON.stringify(v).length > MAX_JSON) throw new ValidationError(field, `${field} must serialize to at most ${MAX_JSON} bytes`);
  return v;
}

export function parseVisitorUpdate(data: unknown): VisitorUpdate {
  return wrap(() => {
    const o = obj(data);
    const out: VisitorUpdate = {};
    for (const f of PROFILE_FIELDS) if (o[f] !== undefined && o[f] !== null) out[f] = str(o, f, { max: f === 'avatar_url' ? 2048 : 320, trim: true });
    if (out.avatar_url && !/^https?:\/\//i.test(out.avatar_url)) throw new ValidationError('avatar_url', 'avatar_url must be an http(s) URL');
    if (o.custom_data !== undefined) out.custom_data = jsonObject(o, 'custom_data');
    if (o.session_data !== undefined) out.session_data = jsonObject(o, 'session_data');
    if (o.segments !== undefined) {
      const seg = o.segments;
      if (!Array.isArray(seg) || seg.some((x) => typeof x !== 'string' || x.length > 100) || seg.length > 100) {
        throw new ValidationError('segments', 'segments must be an array of at most 100 strings');
      }
      for (const x of seg as string[]) checkText(x, 'segments');
      out.segments = seg as string[];
    }
    return out;
  });
}

export function parseVisitorEvent(data: unknown): VisitorEvent {
  return wrap(() => {
    const o = obj(data);
    return { name: str(o, 'name', { min: 1, max: 100, trim: true }), data: o.data === undefined || o.data === null ? {} : jsonObject(o, 'data') };
  });
}
