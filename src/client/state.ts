import type { ChatFlowPublic } from '../protocol/chat-flows.js';
import type { MdDoc } from '../markdown/tree.js';
import type { Slot } from '../protocol/scheduling.js';
import type { AppPublicConfig, Appearance, Author, ConversationStatus, MessageCard, WidgetTab, WireMessage } from '../protocol/wire.js';

export type ConnectionState = 'idle' | 'connecting' | 'online' | 'offline';
export type MessageStatus = 'pending' | 'sent' | 'failed';

/** A message as the widget shows it: server messages, the visitor's pending ones, local notes. */
export interface ChatMessage {
  /** Stable render key: the client id when there is one, else `seq:N`, else a local id. */
  key: string;
  clientId: string | null;
  seq: number | null;
  author: Author;
  agentName: string | null;
  body: string;
  createdAt: string;
  status: MessageStatus;
  /** Sort position: the seq for stored messages; lastSeq + 0.5 when a pending or local one was made. */
  order: number;
  /** Shown only in this browser (`message:show`); never sent. */
  local?: boolean;
  /** An article (or other card) the team attached. */
  card?: MessageCard;
  /** The agent's avatar (https), from the config. */
  agentAvatar?: string;
  /** The body as the server parsed it (chat Markdown subset), when it has Markdown syntax. */
  md?: MdDoc;
}

/** An agent typing in the visitor's conversation, as the widget shows it. */
export interface Typist {
  name: string | null;
  avatar: string | null;
}

export interface HelpView {
  query: string;
  article: { locale: string; slug: string } | null;
  focus: number;
}

export interface BookingView {
  meetingTypeId: number | null;
  /** A time picked in a chat card: the flow goes straight to the visitor's details. */
  slot: Slot | null;
  /** Counts `openScheduling` calls, so each one restarts the flow on its meeting type. */
  request: number;
}

export type UserField = 'email' | 'phone' | 'nickname' | 'avatar' | 'company';
export type UserProfile = Record<UserField, string | null>;

/**
 * How the page asked the widget to look and behave (attributes, `config` verbs). Empty values
 * mean "the app's appearance, else the default".
 */
export interface WidgetSettings {
  /** BCP 47 tag of a supported locale, or '' for the browser's language. */
  locale: string;
  position: '' | 'right' | 'left';
  mode: '' | 'light' | 'dark';
  /** A validated hex colour, or ''. */
  themeColor: string;
  zIndex: number | null;
  soundMuted: boolean;
  hideOnMobile: boolean;
  /** Hides the composer's attach button (`hide_attachment_button`, HubSpot's `disableAttachment`); drop and paste go with it. */
  hideAttachmentButton: boolean;
}

/**
 * Storage consent (`cookie_banner`): `none` when the page did not ask for it; `pending` until
 * the visitor answers (nothing is stored and no session exists); then `accepted` or `declined`
 * (memory only, this page view).
 */
export type ConsentState = 'none' | 'pending' | 'accepted' | 'declined';

export const defaultSettings = (): WidgetSettings => ({
  locale: '',
  position: '',
  mode: '',
  themeColor: '',
  zIndex: null,
  soundMuted: false,
  hideOnMobile: false,
  hideAttachmentButton: false,
});

export interface WidgetState {
  /** The floating panel is open. */
  open: boolean;
  /**
   * Some view shows the conversation to the visitor (the open panel, or an inline view), so
   * arriving messages count as read.
   */
  shown: boolean;
  launcherVisible: boolean;
  connection: ConnectionState;
  sessionId: string | null;
  conversationId: string | null;
  /** Open until the team closes it; the visitor's next message then starts a new one. */
  conversationStatus: ConversationStatus | null;
  messages: readonly ChatMessage[];
  /** Highest seq received from the server. */
  lastSeq: number;
  /** Highest seq the visitor has read. */
  readSeq: number;
  /** Agent messages after readSeq. */
  unread: number;
  /** Highest seq the team has read: the visitor's messages up to it show "Seen". */
  seenSeq: number;
  /** An agent typing now (cleared by their message, a stop, or TYPING_TTL_MS of silence). */
  typing: Typist | null;
  /** At least one agent is online. */
  available: boolean;
  composerText: string;
  /** What the page told us about the visitor (identify, `set user:*`). */
  user: UserProfile;
  sessionData: Readonly<Record<string, unknown>>;
  segments: readonly string[];
  /** The app's appearance from the server config (page settings override it). */
  appearance: Appearance;
  /** The app's help site, null without articles; undefined until the app's config arrived. */
  helpCenter: AppPublicConfig['help'] | undefined;
  statusUrl: string | null;
  /** The app's booking (meeting type count), null without; undefined until the config arrived. */
  scheduling: AppPublicConfig['scheduling'] | undefined;
  /** What the app accepts as attachments; undefined until the config arrived (or from an older server). */
  attachments: AppPublicConfig['attachments'];
  /** `apps[].chat_flows` (what the widget may know of them); empty without flows or before the config. */
  chatFlows: readonly ChatFlowPublic[];
  /** The flow this page matched at load or the last `refresh()`; null: none. */
  flow: ChatFlowPublic | null;
  /** What the Book tab starts on: a meeting type the page asked for (`openScheduling`), or the list. */
  booking: BookingView;
  /** The chat tab shows the visitor's earlier conversations (the threads chunk) instead of the log. */
  threads?: boolean;
  /** The panel's tab (views show it when the panel is open). */
  tab: WidgetTab;
  /** What the Help tab shows: a search (`query`) or one article; `focus` counts requests to focus search. */
  help: HelpView;
  /** A problem worth showing in the panel, already in words for the visitor. */
  problem: 'unknown-app' | 'origin' | null;
  settings: Readonly<WidgetSettings>;
  consent: ConsentState;
}

export const initialState = (): WidgetState => ({
  open: false,
  shown: false,
  launcherVisible: true,
  connection: 'idle',
  sessionId: null,
  conversationId: null,
  conversationStatus: null,
  messages: [],
  lastSeq: 0,
  readSeq: 0,
  unread: 0,
  seenSeq: 0,
  typing: null,
  available: false,
  composerText: '',
  user: { email: null, phone: null, nickname: null, avatar: null, company: null },
  sessionData: {},
  segments: [],
  appearance: {},
  helpCenter: undefined,
  statusUrl: null,
  tab: 'chat',
  help: { query: '', article: null, focus: 0 },
  scheduling: undefined,
  attachments: undefined,
  chatFlows: [],
  flow: null,
  booking: { meetingTypeId: null, slot: null, request: 0 },
  problem: null,
  settings: defaultSettings(),
  consent: 'none',
});

export function fromWire(m: WireMessage): ChatMessage {
  return {
    key: m.client_id ?? `seq:${m.seq}`,
    clientId: m.client_id,
    seq: m.seq,
    author: m.author,
    agentName: m.agent_name,
    body: m.body,
    createdAt: m.created_at,
    status: 'sent',
    order: m.seq,
    ...(m.card ? { card: m.card } : {}),
    ...(m.agent_avatar_url ? { agentAvatar: m.agent_avatar_url } : {}),
    ...(m.md ? { md: m.md } : {}),
  };
}

/**
 * Merges server messages into the list: replaces the pending copy of an acknowledged message,
 * ignores ones already present, keeps seq order with pending and local messages after.
 */
export function mergeMessages(list: readonly ChatMessage[], incoming: readonly WireMessage[]): ChatMessage[] {
  const byKey = new Map(list.map((m) => [m.key, m]));
  for (const w of incoming) {
    const m = fromWire(w);
    byKey.set(m.key, m); // an ack replaces the pending copy; a repeat replaces itself
  }
  return sortMessages([...byKey.values()]);
}

export const countUnread = (messages: readonly ChatMessage[], readSeq: number): number =>
  messages.filter((m) => m.author !== 'visitor' && !m.local && m.seq !== null && m.seq > readSeq).length;

export const sortMessages = (list: ChatMessage[]): ChatMessage[] =>
  list.sort((a, b) => a.order - b.order || a.createdAt.localeCompare(b.createdAt));
