/**
 * Type test for the public API: compiled by `npx tsc --noEmit -p tsconfig.json`, never run (the
 * browser runner's glob is `*.test.ts`). Correct calls from the API document must compile; each
 * `@ts-expect-error` line must be an error, or tsc reports the directive as unused.
 */
import type { ConvotGlobal } from '../../src/api/commands.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import '../../src/define/convot-widget.js'; // the HTMLElementTagNameMap and event map entries

declare const Convot: ConvotGlobal;

export function documentedCalls(): void {
  Convot.open();
  Convot.close();
  Convot.openScheduling();
  Convot.openScheduling({ meeting_type_id: 3 });
  Convot.identify({
    email: 'jane@example.com',
    external_id: 'user_123',
    name: 'Jane Doe',
    company: 'Acme Inc',
    phone: '+1234567890',
    avatar_url: 'https://example.com/jane.png',
    user_hash: 'SERVER_GENERATED_HMAC',
    custom_data: { plan: 'pro', shopify_store: 'acme.myshopify.com' },
  });
  const token: Promise<string | null> = Convot.identityToken();
  void token;
  Convot.setMessageText("I'm having trouble with my order #1234");
  Convot.sendMessage('Please help with my billing question');
  Convot.sendMessage({ content: 'Sent immediately' });

  Convot.push(['do', 'chat:open']);
  Convot.push(['do', 'chat:close']);
  Convot.push(['do', 'chat:toggle']);
  Convot.push(['do', 'chat:show']);
  Convot.push(['do', 'chat:hide']);
  Convot.push(['do', 'message:send', { content: 'Hello' }]);
  Convot.push(['do', 'message:read']);
  Convot.push(['do', 'session:reset']);
  Convot.push(['do', 'session:reset', true]);
  Convot.push(['do', 'helpdesk:search']);
  Convot.push(['do', 'helpdesk:query', 'billing']);
  Convot.push(['do', 'helpdesk:article:open', { locale: 'en', slug: 'my-article' }]);
  Convot.push(['do', 'scheduling:open']);
  Convot.push(['do', 'scheduling:open', { meeting_type_id: 3 }]);
  Convot.push(['do', 'message:show', { type: 'text', content: 'Hello visitor!' }]);

  Convot.push(['set', 'user:email', 'jane@example.com']);
  Convot.push(['set', 'user:phone', '+1234567890']);
  Convot.push(['set', 'user:nickname', 'Jane Doe']);
  Convot.push(['set', 'user:avatar', 'https://example.com/avatar.png']);
  Convot.push(['set', 'user:company', 'Acme Inc']);
  Convot.push(['set', 'session:data', { plan: 'pro', store: 'acme.myshopify.com' }]);
  Convot.push(['set', 'session:segments', ['paying', 'enterprise']]);
  Convot.push(['set', 'session:event', { name: 'upgraded_plan', data: { plan: 'pro' } }]);
  Convot.push(['set', 'message:text', 'Pre-filled text']);

  Convot.push(['config', 'hide:on:mobile', true]);
  Convot.push(['config', 'position:reverse', true]);
  Convot.push(['config', 'locale', 'fr']);
  Convot.push(['config', 'sound:mute', true]);
  Convot.push(['config', 'color:theme', '#2563EB']);
  Convot.push(['config', 'color:mode', 'dark']);
  Convot.push(['config', 'container:index', 9999]);

  // push(["on", name, handler]) types the handler's payload from the event name.
  Convot.push(['on', 'session:loaded', function (payload) { const id: string = payload.session_id; void id; }]);
  Convot.push(['on', 'chat:opened', function () {}]);
  Convot.push(['on', 'chat:visibility', (visible) => void (visible satisfies boolean)]);
  Convot.push(['on', 'message:received', (p) => void (p.unread_count satisfies number)]);
  Convot.push(['on', 'user:email:changed', (email) => void email.toLowerCase()]);
  // The method form is typed from the event name.
  Convot.on('session:loaded', (payload) => void (payload.session_id satisfies string));
  Convot.on('website:availability:changed', (available) => void (available satisfies boolean));
  Convot.on('message:received', (p) => void (p.unread_count satisfies number));
  // With an annotated handler the push form type-checks the pairing.
  Convot.push(['on', 'website:availability:changed', (available: boolean) => void available]);
  const myHandler = function () {};
  Convot.push(['on', 'chat:opened', myHandler]);
  Convot.push(['off', 'chat:opened', myHandler]);
  Convot.push(['off', 'chat:opened']);

  const unread: number = Convot.get('chat:unread:count');
  const text: string = Convot.get('message:text');
  const session: string | null = Convot.get('session:identifier');
  const data: Record<string, unknown> = Convot.get('session:data');
  const plan: unknown = Convot.get('session:data', 'plan');
  const email: string | null = Convot.get('user:email');
  void [unread, text, session, data, plan, email, Convot.get('user:phone'), Convot.get('user:nickname'), Convot.get('user:avatar'), Convot.get('user:company')];

  const opened: boolean = Convot.is('chat:opened');
  void [opened, Convot.is('chat:closed'), Convot.is('chat:visible'), Convot.is('chat:hidden'), Convot.is('session:ongoing'), Convot.is('website:available')];
  const ready: boolean = Convot.ready();
  void ready;
}

export function misuse(): void {
  // @ts-expect-error unknown verb
  Convot.push(['nope', 'chat:open']);
  // @ts-expect-error unknown do key
  Convot.push(['do', 'chat:explode']);
  // @ts-expect-error set user:email takes a string
  Convot.push(['set', 'user:email', 42]);
  // @ts-expect-error config keys are not set keys
  Convot.push(['set', 'locale', 'fr']);
  // @ts-expect-error color:mode is "light" or "dark"
  Convot.push(['config', 'color:mode', 'blue']);
  // @ts-expect-error message:send needs a string or { content }
  Convot.push(['do', 'message:send', { text: 'Hello' }]);
  // @ts-expect-error push takes an array
  Convot.push('chat:open');
  // @ts-expect-error unknown event
  Convot.push(['on', 'chat:exploded', () => {}]);
  // @ts-expect-error unread_count is a number (today this line errors for the implicit any above)
  Convot.push(['on', 'message:received', (p) => p.unread_count.toUpperCase()]);
  // @ts-expect-error a handler for another event's payload
  Convot.push(['on', 'message:received', (email: string) => void email]);
  // @ts-expect-error unknown event in the method form too
  Convot.on('chat:exploded', () => {});
  // @ts-expect-error unread_count is a number
  Convot.on('message:received', (p) => p.unread_count.toUpperCase());
  // @ts-expect-error unknown get key
  Convot.get('chat:nope');
  // @ts-expect-error unknown is key
  Convot.is('chat:nope');
  // @ts-expect-error sendMessage rejects other objects
  Convot.sendMessage(new Event('click'));
  // @ts-expect-error identify fields are strings
  Convot.identify({ email: 42 });
  // @ts-expect-error get returns a number for the unread count
  const wrong: string = Convot.get('chat:unread:count');
  void wrong;
}

export function element(): void {
  const el = document.createElement('convot-widget');
  const typed: ConvotWidget = el;
  void typed;
  el.appId = 'app_demo';
  el.openChat();
  el.sendMessage({ content: 'Hello' });
  el.addEventListener('convot-message-received', (e) => {
    const count: number = e.detail.unread_count;
    void count;
    // @ts-expect-error the detail is { unread_count: number }, not any
    const asString: string = e.detail.unread_count;
    void asString;
    // @ts-expect-error no such field
    void e.detail.nope;
  });
  el.addEventListener('convot-session-loaded', (e) => void (e.detail.session_id satisfies string));
  el.addEventListener('convot-chat-visibility', (e) => void (e.detail satisfies boolean));
  // @ts-expect-error sendMessage takes a string or { content }
  el.sendMessage(42);
  // @ts-expect-error position is "right", "left" or ""
  el.position = 'top';
}
