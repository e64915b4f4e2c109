/**
 * Side-effect-free entry for bundler users: classes and types, nothing registered.
 * Import `convot/convot.js` (or call `defineOnce`) to register the tags.
 */
export { ConvotWidget } from './elements/convot-widget/convot-widget.js';
export { ConvotInline } from './elements/convot-inline/convot-inline.js';
export { ConvotScheduling } from './elements/convot-scheduling/convot-scheduling.js';
export { ConvotChatPanel } from './elements/convot-chat-panel/convot-chat-panel.js';
export { ConvotRuntime, runtimeFor, type RuntimeStatus, type LoadOptions, type ViewKind } from './runtime/runtime.js';
export { ChatClient, type ChatClientOptions } from './client/chat-client.js';
export type { WidgetState, WidgetSettings, ChatMessage } from './client/state.js';
export { EVENT_NAMES, domEventName, type ConvotEventMap, type ConvotEventName, type ConvotDomEventMap } from './client/events.js';
export type { ConvotGlobal, ConvotCommand, UserIdentity, GetKeys, IsKey } from './api/commands.js';
export { defineOnce } from './define/define-once.js';
export * as protocol from './protocol/index.js';
