import type { Booking } from '../protocol/scheduling.js';

/**
 * The one declaration of Convot's events: names as the API document spells them, mapped to
 * their payloads. The element dispatches each as a `convot-<name>` CustomEvent; `Convot.on`
 * takes the document's names.
 */
export interface ConvotEventMap {
  'session:loaded': { session_id: string };
  'chat:opened': undefined;
  'chat:closed': undefined;
  /** true when the launcher became visible, false when hidden. */
  'chat:visibility': boolean;
  'message:sent': { unread_count: number };
  'message:received': { unread_count: number };
  'user:email:changed': string;
  'user:phone:changed': string;
  'user:nickname:changed': string;
  'user:avatar:changed': string;
  'user:company:changed': string;
  'website:availability:changed': boolean;
  'preview:shown': undefined;
  'preview:hidden': undefined;
  /** The visitor booked a meeting (Book tab, `<convot-scheduling>`). */
  'booking:created': Booking;
  /** The visitor's first message started a new conversation. */
  'conversation:started': { conversation: { conversationId: string } };
  /** The team closed the visitor's conversation (not the visitor closing the panel: see widget:closed). */
  'conversation:closed': { conversation: { conversationId: string } };
  /** The visitor (or the page's code) made one of their conversations the current one. */
  'thread:selected': { conversation: { conversationId: string } };
  /** The number of the visitor's conversations with unread team messages changed. */
  'unread:conversations:changed': { unreadCount: number };
  /** The visitor was bound to a verified contact (identify with user_hash, an identity token). */
  'contact:associated': { message: string };
  /** The visitor used the widget: the launcher, the close button, Escape, the consent prompt. */
  'widget:interacted': { message: string };
  /** The widget is on the page and ready (after every load). */
  'widget:loaded': { message: string };
  /** The visitor closed the panel (the launcher, the close button, Escape); `close()` does not fire it. */
  'widget:closed': { message: string };
  /** The visitor answered a chat flow's bot with quick replies (the SDK document's payload shape). */
  'quick-reply:clicked': { name: 'QUICK_REPLIES'; multiSelect: boolean; value: string[] };
}

export type ConvotEventName = keyof ConvotEventMap;

type Kebab<S extends string> = S extends `${infer A}:${infer B}` ? `${A}-${Kebab<B>}` : S;
export type DomEventName<K extends ConvotEventName> = `convot-${Kebab<K>}`;

export const domEventName = <K extends ConvotEventName>(name: K): DomEventName<K> =>
  `convot-${name.replace(/:/g, '-')}` as DomEventName<K>;

export const EVENT_NAMES: readonly ConvotEventName[] = [
  'session:loaded',
  'chat:opened',
  'chat:closed',
  'chat:visibility',
  'message:sent',
  'message:received',
  'user:email:changed',
  'user:phone:changed',
  'user:nickname:changed',
  'user:avatar:changed',
  'user:company:changed',
  'website:availability:changed',
  'preview:shown',
  'preview:hidden',
  'booking:created',
  'conversation:started',
  'conversation:closed',
  'thread:selected',
  'unread:conversations:changed',
  'contact:associated',
  'widget:interacted',
  'widget:loaded',
  'widget:closed',
  'quick-reply:clicked',
];

/** DOM event name → CustomEvent type, merged into HTMLElementEventMap. */
export type ConvotDomEventMap = {
  [K in ConvotEventName as DomEventName<K>]: CustomEvent<ConvotEventMap[K]>;
};

/** A tiny typed emitter for the client core (no DOM needed). */
export class Emitter<M> {
  private readonly handlers = new Map<keyof M, Set<(payload: never) => void>>();
  on<K extends keyof M>(name: K, fn: (payload: M[K]) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(fn as (payload: never) => void);
    return () => set.delete(fn as (payload: never) => void);
  }
  emit<K extends keyof M>(name: K, payload: M[K]): void {
    for (const fn of [...(this.handlers.get(name) ?? [])]) (fn as (p: M[K]) => void)(payload);
  }
}
