/**
 * The Convot command language, derived from one interface per verb: `Convot.push` accepts
 * exactly these tuples, and the global methods are typed from the same names.
 */
import type { ConvotEventMap, ConvotEventName } from '../client/events.js';
import type { RuntimeStatus } from '../runtime/runtime.js';

export interface UserIdentity {
  email?: string;
  external_id?: string;
  name?: string;
  company?: string;
  phone?: string;
  avatar_url?: string;
  user_hash?: string;
  custom_data?: Record<string, unknown>;
}

export interface DoCommands {
  'chat:open': [];
  'chat:close': [];
  'chat:toggle': [];
  'chat:show': [];
  'chat:hide': [];
  'message:send': [message: { content: string } | string];
  'message:read': [];
  'message:show': [message: { type: 'text'; content: string }];
  'session:reset': [] | [reload: boolean];
  'helpdesk:search': [];
  'helpdesk:query': [query: string];
  'helpdesk:article:open': [article: { locale: string; slug: string }];
  'scheduling:open': [] | [options: { meeting_type_id: number }];
  'thread:select': [conversationId: string];
  'threads:open': [];
}

export interface SetCommands {
  'user:email': [email: string];
  'user:phone': [phone: string];
  'user:nickname': [name: string];
  'user:avatar': [url: string];
  'user:company': [company: string];
  'session:data': [data: Record<string, unknown>];
  'session:segments': [segments: string[]];
  'session:event': [event: { name: string; data?: Record<string, unknown> }];
  'message:text': [text: string];
}

export interface ConfigCommands {
  'hide:on:mobile': [hide: boolean];
  'position:reverse': [reverse: boolean];
  locale: [locale: string];
  'sound:mute': [mute: boolean];
  'color:theme': [color: string];
  'color:mode': [mode: 'light' | 'dark'];
  'container:index': [zIndex: number];
}

export type ConvotHandler<K extends ConvotEventName> = (payload: ConvotEventMap[K]) => void;

type Tuples<Verb extends string, M> = { [K in keyof M]: M[K] extends infer A ? (A extends unknown[] ? [Verb, K, ...A] : never) : never }[keyof M];

export type ConvotCommand =
  | Tuples<'do', DoCommands>
  | Tuples<'set', SetCommands>
  | Tuples<'config', ConfigCommands>
  | { [K in ConvotEventName]: ['on', K, ConvotHandler<K>] }[ConvotEventName]
  | { [K in ConvotEventName]: ['off', K, ConvotHandler<K>] | ['off', K] }[ConvotEventName];

export interface GetKeys {
  'chat:unread:count': number;
  'message:text': string;
  'session:identifier': string | null;
  'session:data': Record<string, unknown>;
  'user:email': string | null;
  'user:phone': string | null;
  'user:nickname': string | null;
  'user:avatar': string | null;
  'user:company': string | null;
}

export type IsKey = 'chat:opened' | 'chat:closed' | 'chat:visible' | 'chat:hidden' | 'session:ongoing' | 'website:available';

/** `window.Convot` as documented. */
export interface ConvotGlobal {
  app_id?: string;
  /** This overload lets `push(["on", name, function (payload) {…}])` infer the payload type. */
  push<K extends ConvotEventName>(command: ['on', K, ConvotHandler<K>]): void;
  push(command: ConvotCommand): void;
  open(): void;
  close(): void;
  identify(user: UserIdentity): void;
  setMessageText(text: string): void;
  sendMessage(message: string | { content: string }): void;
  openScheduling(options?: { meeting_type_id: number }): void;
  identityToken(): Promise<string | null>;
  /**
   * Loads the widget (after `settings.load_immediately: false`, or after `remove()`); at most
   * once a second. `widget_open` opens the panel.
   */
  load(options?: { widget_open?: boolean }): void;
  /**
   * Re-evaluates where the widget goes on this page (a single-page app changed route) and
   * re-renders; at most once a second. `open_to_new_thread` opens the chat.
   */
  refresh(options?: { open_to_new_thread?: boolean }): void;
  /** Takes the widget off the page and closes its connection until `load()`. */
  remove(): void;
  /** Forgets what the widget stored in this browser; `reset_widget` also starts a fresh widget. */
  clear(options?: { reset_widget?: boolean }): void;
  /** Whether the widget is on the page, and its connection state. */
  status(): RuntimeStatus;
  get(key: 'session:data', field: string): unknown;
  get<K extends keyof GetKeys>(key: K): GetKeys[K];
  is(key: IsKey): boolean;
  on<K extends ConvotEventName>(name: K, handler: ConvotHandler<K>): void;
  off<K extends ConvotEventName>(name: K, handler?: ConvotHandler<K>): void;
  ready(): boolean;
}
