import { executeServerCommand } from '@web/test-runner-commands';
import { aTimeout, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { WireMessage } from '../../src/protocol/wire.js';
import type { ConversationSummary } from '../../src/protocol/wire.js';
import '../../src/define/convot-widget.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';

declare global {
  interface Window {
    CONVOT_TEST: { server: string; appId: string; noHelpAppId: string; flowsAppId: string };
  }
}

export const server = () => window.CONVOT_TEST.server;
export const appId = () => window.CONVOT_TEST.appId;

/** A widget on the real test server, with a fresh visitor (storage cleared), session loaded. */
export async function widgetFixture(opts: { keepStorage?: boolean; wait?: boolean } = {}): Promise<ConvotWidget> {
  // Mocha may start this test in the same task that removed the previous test's widget; a
  // runtime lives on until that task ends (so a moved element keeps its state): let it end.
  await aTimeout(0);
  if (!opts.keepStorage) localStorage.clear();
  const el = await fixture<ConvotWidget>(html`<convot-widget app-id=${appId()} server=${server()}></convot-widget>`);
  if (opts.wait !== false) await waitUntil(() => el.client?.state.connection === 'online', 'widget did not connect', { timeout: 8000 });
  return el;
}

export const shadow = (el: Element) => el.shadowRoot!;
export const launcher = (el: ConvotWidget) => shadow(el).querySelector<HTMLButtonElement>('.launcher')!;
export const panel = (el: ConvotWidget) => shadow(el).querySelector('convot-chat-panel');
export const panelPart = <T extends Element = HTMLElement>(el: ConvotWidget, selector: string) => panel(el)?.shadowRoot?.querySelector<T>(selector) ?? null;

/** Opens the widget and waits until the lazily loaded panel has rendered. */
export async function openWidget(el: ConvotWidget): Promise<void> {
  el.openChat();
  await waitUntil(() => panelPart(el, 'textarea'), 'panel did not render', { timeout: 8000 });
}

export async function sendAndAwaitAck(el: ConvotWidget, text: string): Promise<void> {
  const sent = oneEvent(el, 'convot-message-sent');
  el.sendMessage(text);
  await sent;
}

export const agentReply = (conversationId: string, body: string) =>
  executeServerCommand<WireMessage | null, { conversationId: string; body: string }>('convot-agent-reply', { conversationId, body });

export const agentTyping = (conversationId: string, typing: boolean) => executeServerCommand<boolean, { conversationId: string; typing: boolean }>('convot-agent-typing', { conversationId, typing });

export const agentRead = (conversationId: string, seq: number) => executeServerCommand<boolean, { conversationId: string; seq: number }>('convot-agent-read', { conversationId, seq });

export const setAgentOnline = (online: boolean) => executeServerCommand<boolean, { online: boolean }>('convot-agent-presence', { online });

export const conversations = () => executeServerCommand<ConversationSummary[], undefined>('convot-conversations');

export const visitorEvents = (conversationId: string) =>
  executeServerCommand<{ name: string; data: Record<string, unknown> }[] | null, { conversationId: string }>('convot-visitor-events', { conversationId });

/** Collects console.warn/error calls made while fn runs. */
export async function captureConsole(fn: () => unknown | Promise<unknown>): Promise<{ warn: string[]; error: string[] }> {
  const out = { warn: [] as string[], error: [] as string[] };
  const { warn, error } = console;
  console.warn = (...a: unknown[]) => void out.warn.push(a.map(String).join(' '));
  console.error = (...a: unknown[]) => void out.error.push(a.map(String).join(' '));
  try {
    await fn();
  } finally {
    console.warn = warn;
    console.error = error;
  }
  return out;
}

/** Closes a conversation as an agent would from the inbox; resolves with the HTTP status. */
export const agentClose = (conversationId: string) => executeServerCommand<number, { conversationId: string }>('convot-agent-close', { conversationId });
