/**
 * The documented `window.Convot` API, end to end: this page loads the real snippet
 * (`widget-loader.js` from the Convot test server, which loads the built `dist/embed.js`) exactly
 * as a site owner does, then every test makes the calls exactly as the API document writes them.
 *
 * One page, one `window.Convot`: the tests run in order and share the widget. helpers.ts is not
 * imported on purpose: it registers <convot-widget> from the sources, and this file must test the
 * element the snippet registers.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import type { ConvotCommand, ConvotGlobal, GetKeys } from '../../src/api/commands.js';
import type { ConvotEventMap, ConvotEventName } from '../../src/client/events.js';
import type { ConvotWidget } from '../../src/elements/convot-widget/convot-widget.js';
import type { ConversationSummary, WireMessage } from '../../src/protocol/wire.js';

/** The global the snippet installs, named as the document names it. */
declare const Convot: ConvotGlobal;

// ---- helpers --------------------------------------------------------------------------------

/** Every event in the document's event reference, plus user:company:changed (set user:company). */
const EVENTS = [
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
] as const satisfies readonly ConvotEventName[];

/** Everything the page-level recorders (subscribed from the pre-loader queue) saw, in order. */
const log: { name: ConvotEventName; payload: unknown }[] = [];
const recorders = new Map<ConvotEventName, (payload: unknown) => void>(
  EVENTS.map((name) => [name, (payload: unknown) => void log.push({ name, payload })]),
);
const fired = (name: ConvotEventName) => log.filter((e) => e.name === name).map((e) => e.payload);

/** A raw push for calls the types rightly reject (bad verbs, keys and payloads). */
const pushRaw = (command: unknown) => Convot.push(command as ConvotCommand);

/** Resolves with the payload of the next `name` event, subscribed through the API itself. */
function next<K extends ConvotEventName>(name: K, timeout = 8000): Promise<ConvotEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pushRaw(['off', name, handler]);
      reject(new Error(`"${name}" did not fire within ${timeout} ms`));
    }, timeout);
    const handler = (payload: ConvotEventMap[K]) => {
      clearTimeout(timer);
      pushRaw(['off', name, handler]);
      resolve(payload);
    };
    pushRaw(['on', name, handler]);
  });
}

/** console.warn / console.error calls made while fn runs (not forwarded to the real console). */
interface Captured {
  warn: string[];
  error: string[];
  threw: unknown;
}

/** Captures console.warn/error while fn runs; fn gets the live capture to wait on. */
async function captureConsole(fn: (live: Captured) => unknown): Promise<Captured> {
  const out: Captured = { warn: [], error: [], threw: undefined };
  const { warn, error } = console;
  console.warn = (...a: unknown[]) => void out.warn.push(a.map(String).join(' '));
  console.error = (...a: unknown[]) => void out.error.push(a.map(String).join(' '));
  try {
    await fn(out);
  } catch (e) {
    out.threw = e;
  } finally {
    console.warn = warn;
    console.error = error;
  }
  return out;
}

/** Runs fn and asserts it did not throw, logged exactly one warning naming `needle`, and no error. */
async function expectOneWarning(fn: () => unknown, needle: string): Promise<string> {
  const c = await captureConsole(fn);
  expect(c.threw, 'the call threw').to.equal(undefined);
  expect(c.error, 'console.error calls').to.deep.equal([]);
  expect(c.warn, `warnings for ${needle}`).to.have.length(1);
  expect(c.warn[0]).to.contain(needle);
  return c.warn[0]!;
}

const widget = () => document.querySelector('convot-widget') as ConvotWidget;
const inShadow = <T extends Element = HTMLElement>(selector: string) => widget().shadowRoot!.querySelector<T>(selector);
const launcher = () => inShadow<HTMLButtonElement>('.launcher')!;
const root = () => inShadow('.root')!;
const panelRoot = () => inShadow('convot-chat-panel')?.shadowRoot ?? null;
const textarea = () => panelRoot()?.querySelector('textarea') ?? null;
const rendered = async () => {
  await widget().updateComplete;
  const panel = inShadow<HTMLElement & { updateComplete?: Promise<unknown> }>('convot-chat-panel');
  await panel?.updateComplete;
};
const conversationId = () => widget().client!.state.conversationId;

/** Opens the chat through the API and waits for the lazily loaded panel to render. */
async function openPanel(): Promise<void> {
  Convot.open();
  await waitUntil(textarea, 'the chat panel did not render', { timeout: 8000 });
}

const conversations = () => executeServerCommand<ConversationSummary[], undefined>('convot-conversations');
const summary = async (): Promise<ConversationSummary | undefined> => {
  const id = conversationId();
  return id ? (await conversations()).find((c) => c.id === id) : undefined;
};
const agentReply = (body: string) =>
  executeServerCommand<WireMessage | null, { conversationId: string; body: string }>('convot-agent-reply', { conversationId: conversationId()!, body });
const setAgentOnline = (online: boolean) => executeServerCommand<boolean, { online: boolean }>('convot-agent-presence', { online });
const visitorEvents = () =>
  executeServerCommand<{ name: string; data: Record<string, unknown> }[] | null, { conversationId: string }>('convot-visitor-events', { conversationId: conversationId()! });

/** The visitor's current conversation on the server (sends a first message when there is none). */
async function ensureConversation(): Promise<string> {
  if (!conversationId()) {
    const sent = next('message:sent');
    Convot.sendMessage('Starting a conversation');
    await sent;
  }
  return conversationId()!;
}

/** user_hash as a site's server computes it: hex HMAC-SHA256 of external_id with the identity secret. */
async function userHash(externalId: string): Promise<string> {
  const enc = new TextEncoder();
  // The test app's identity_secret (web-test-runner.config.mjs).
  const key = await crypto.subtle.importKey('raw', enc.encode('browser-secret-of-at-least-32-characters'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(externalId)));
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- loading the snippet --------------------------------------------------------------------

let readyTriggerCalls = 0;
let readyInsideTrigger: boolean | undefined;
let readyAtLoaderOnload: boolean | undefined;
let queuedToken: Promise<string | null> | undefined;
/** console.warn / console.error calls from loading the snippet until Convot.ready(). */
const bootWarnings: string[] = [];
const bootErrors: string[] = [];

before(async function () {
  this.timeout(20000);
  localStorage.clear();
  const { server, appId } = window.CONVOT_TEST;

  window.CONVOT_READY_TRIGGER = () => {
    readyTriggerCalls++;
    readyInsideTrigger = Convot.ready();
  };
  // The pre-loader queue, as in the document: subscriptions first, then config and set calls,
  // with two bad calls in the middle that must not stop the ones after them.
  window.Convot = {
    app_id: appId,
    _q: [
      ...EVENTS.map((name) => ['on', name, recorders.get(name)]),
      ['config', 'position:reverse', true],
      ['set', 'user:company', 'Acme Inc'],
      ['nope'],
      ['set', 'message:text', 'draft from the queue'],
      ['do', 'chat:explode'],
      ['do', 'message:send', { content: 'Hello from the queue' }],
    ],
  };

  const { warn, error } = console;
  console.warn = (...a: unknown[]) => void bootWarnings.push(a.map(String).join(' '));
  console.error = (...a: unknown[]) => void bootErrors.push(a.map(String).join(' '));
  try {
    const script = document.createElement('script');
    script.async = true;
    script.src = new URL('/widget-loader.js', server).href; // CONVOT_TEST.server has no trailing slash
    // The loader has run (the stub exists) but the widget module has not loaded yet.
    script.onload = () => {
      readyAtLoaderOnload = Convot.ready();
      Convot.push(['set', 'user:nickname', 'Queued Jane']);
      Convot.setMessageText('draft from onload');
      Convot.sendMessage('Hello from onload');
      Convot.push(['set', 'session:data', { queued: true }]);
      queuedToken = Convot.identityToken();
    };
    document.head.appendChild(script);
    await waitUntil(() => (window.Convot as { ready?: () => boolean } | undefined)?.ready?.() === true, 'Convot.ready() never became true', {
      timeout: 10000,
    });
  } catch (e) {
    throw new Error(`${String(e)}; console while loading: ${JSON.stringify({ bootWarnings, bootErrors })}`);
  } finally {
    console.warn = warn;
    console.error = error;
  }
  await waitUntil(() => Convot.is('session:ongoing') && fired('message:sent').length === 2, 'the session did not load and send the queued messages', {
    timeout: 10000,
  });
});

after(async () => {
  await setAgentOnline(false);
});

// ---- tests ----------------------------------------------------------------------------------

describe('window.Convot (the snippet)', () => {
  describe('ready state and the pre-loader queue', () => {
    it('Convot.ready() is false in the stub and true once the widget has loaded', () => {
      expect(readyAtLoaderOnload).to.equal(false);
      expect(Convot.ready()).to.equal(true);
      expect(document.querySelectorAll('convot-widget')).to.have.length(1);
    });

    it('calls window.CONVOT_READY_TRIGGER exactly once, when the API is usable', () => {
      expect(readyTriggerCalls).to.equal(1);
      expect(readyInsideTrigger).to.equal(true);
    });

    it('replays the queued calls in order: _q first, then calls made before the module loaded', async () => {
      // set user:company came from _q, set user:nickname from the loader's onload: in that order.
      const userEvents = log.filter((e) => e.name === 'user:company:changed' || e.name === 'user:nickname:changed');
      expect(userEvents).to.deep.equal([
        { name: 'user:company:changed', payload: 'Acme Inc' },
        { name: 'user:nickname:changed', payload: 'Queued Jane' },
      ]);
      expect(Convot.get('user:company')).to.equal('Acme Inc');
      expect(Convot.get('user:nickname')).to.equal('Queued Jane');
      // The queued setMessageText ran after the queued set message:text.
      expect(Convot.get('message:text')).to.equal('draft from onload');
      expect(Convot.get('session:data', 'queued')).to.equal(true);
      // Both queued sends reached the server, in queue order.
      const visitorMessages = widget()
        .client!.state.messages.filter((m) => m.author === 'visitor')
        .map((m) => [m.body, m.seq]);
      expect(visitorMessages).to.deep.equal([
        ['Hello from the queue', 1],
        ['Hello from onload', 2],
      ]);
      expect((await summary())?.last_message?.body).to.equal('Hello from onload');
      expect(await queuedToken).to.equal(null);
      // position:reverse from _q was applied.
      expect(launcher().getBoundingClientRect().left).to.be.below(window.innerWidth / 2);
    });

    it('a bad call in the queue logs one warning naming it and does not stop later calls', () => {
      expect(bootWarnings.filter((w) => w.includes('"nope"'))).to.have.length(1);
      expect(bootWarnings.filter((w) => w.includes('chat:explode'))).to.have.length(1);
      expect(bootWarnings, 'no other warnings while booting').to.have.length(2);
      expect(bootErrors).to.deep.equal([]);
      // The calls after them ran (the message after ["do","chat:explode"] was sent above).
      expect(fired('message:sent')).to.have.length(2);
    });

    it('fires session:loaded once with the session id of get("session:identifier")', () => {
      const loaded = fired('session:loaded') as ConvotEventMap['session:loaded'][];
      expect(loaded).to.have.length(1);
      expect(loaded[0]!.session_id).to.be.a('string').and.not.equal('');
      expect(Convot.get('session:identifier')).to.equal(loaded[0]!.session_id);
      expect(Convot.is('session:ongoing')).to.equal(true);
    });
  });

  describe('opening and closing', () => {
    it('Convot.open() and Convot.close()', async () => {
      expect(Convot.is('chat:closed')).to.equal(true);
      const opened = next('chat:opened');
      Convot.open();
      expect(await opened, 'chat:opened has no payload').to.not.exist;
      expect(Convot.is('chat:opened')).to.equal(true);
      expect(Convot.is('chat:closed')).to.equal(false);
      await rendered();
      expect(launcher().getAttribute('aria-expanded')).to.equal('true');
      expect(getComputedStyle(inShadow('.panel-wrap')!).display).to.not.equal('none');

      const closed = next('chat:closed');
      Convot.close();
      expect(await closed, 'chat:closed has no payload').to.not.exist;
      expect(Convot.is('chat:opened')).to.equal(false);
      expect(Convot.is('chat:closed')).to.equal(true);
      await rendered();
      expect(launcher().getAttribute('aria-expanded')).to.equal('false');
      expect(getComputedStyle(inShadow('.panel-wrap')!).display).to.equal('none');
    });

    it('push(["do", "chat:open"]) / ["do", "chat:close"]', async () => {
      const opened = next('chat:opened');
      Convot.push(['do', 'chat:open']);
      await opened;
      expect(Convot.is('chat:opened')).to.equal(true);
      const closed = next('chat:closed');
      Convot.push(['do', 'chat:close']);
      await closed;
      expect(Convot.is('chat:closed')).to.equal(true);
    });

    it('push(["do", "chat:toggle"]) opens when closed and closes when open', async () => {
      const opened = next('chat:opened');
      Convot.push(['do', 'chat:toggle']);
      await opened;
      expect(Convot.is('chat:opened')).to.equal(true);
      const closed = next('chat:closed');
      Convot.push(['do', 'chat:toggle']);
      await closed;
      expect(Convot.is('chat:opened')).to.equal(false);
    });

    it('push(["do", "chat:hide"]) / ["do", "chat:show"] with chat:visibility false / true', async () => {
      expect(Convot.is('chat:visible')).to.equal(true);
      expect(Convot.is('chat:hidden')).to.equal(false);
      const hidden = next('chat:visibility');
      Convot.push(['do', 'chat:hide']);
      expect(await hidden).to.equal(false);
      expect(Convot.is('chat:hidden')).to.equal(true);
      expect(Convot.is('chat:visible')).to.equal(false);
      await rendered();
      expect(launcher().hidden).to.equal(true);
      expect(launcher().getBoundingClientRect().width).to.equal(0);

      const shown = next('chat:visibility');
      Convot.push(['do', 'chat:show']);
      expect(await shown).to.equal(true);
      expect(Convot.is('chat:visible')).to.equal(true);
      expect(Convot.is('chat:hidden')).to.equal(false);
      await rendered();
      expect(launcher().hidden).to.equal(false);
      expect(launcher().getBoundingClientRect().width).to.be.above(0);
    });

    it('hiding the launcher while open also closes the chat', async () => {
      await openPanel();
      const closed = next('chat:closed');
      Convot.push(['do', 'chat:hide']);
      await closed;
      expect(Convot.is('chat:closed')).to.equal(true);
      const shown = next('chat:visibility');
      Convot.push(['do', 'chat:show']);
      expect(await shown).to.equal(true);
    });
  });

  describe('sending and pre-filling messages', () => {
    before(() => openPanel());
    after(() => Convot.close());

    it('Convot.setMessageText(...) fills the compose box without sending', async () => {
      const count = widget().client!.state.messages.length;
      Convot.setMessageText("I'm having trouble with my order #1234");
      expect(Convot.get('message:text')).to.equal("I'm having trouble with my order #1234");
      await waitUntil(() => textarea()!.value === "I'm having trouble with my order #1234", 'the composer does not show the text');
      expect(widget().client!.state.messages).to.have.length(count);
    });

    it('push(["set", "message:text", ...]) fills the compose box', async () => {
      Convot.push(['set', 'message:text', 'Pre-filled text']);
      expect(Convot.get('message:text')).to.equal('Pre-filled text');
      await waitUntil(() => textarea()!.value === 'Pre-filled text', 'the composer does not show the text');
    });

    it('get("message:text") follows what the visitor types', async () => {
      const t = textarea()!;
      t.value = 'typed by the visitor';
      t.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      expect(Convot.get('message:text')).to.equal('typed by the visitor');
    });

    it('Convot.sendMessage("...") reaches the server and fires message:sent { unread_count }', async () => {
      const sent = next('message:sent');
      Convot.sendMessage('Please help with my billing question');
      const payload = await sent;
      expect(payload).to.deep.equal({ unread_count: Convot.get('chat:unread:count') });
      expect((await summary())?.last_message?.body).to.equal('Please help with my billing question');
    });

    it('Convot.sendMessage({ content }) reaches the server', async () => {
      const sent = next('message:sent');
      Convot.sendMessage({ content: 'Sent as an object' });
      expect(await sent).to.have.keys('unread_count');
      expect((await summary())?.last_message?.body).to.equal('Sent as an object');
    });

    it('push(["do", "message:send", { content }]) reaches the server', async () => {
      const sent = next('message:sent');
      Convot.push(['do', 'message:send', { content: 'Sent immediately' }]);
      expect(await sent).to.have.keys('unread_count');
      const last = (await summary())?.last_message;
      expect(last?.body).to.equal('Sent immediately');
      expect(last?.author).to.equal('visitor');
    });

    it('sendMessage(an Event) and sendMessage(an Element) log one console error, send nothing, and do not throw', async () => {
      const count = widget().client!.state.messages.length;
      for (const [bad, named] of [
        [new Event('click'), 'Event'],
        [document.body, '<body>'],
      ] as const) {
        const c = await captureConsole(() => Convot.sendMessage(bad as never));
        expect(c.threw).to.equal(undefined);
        expect(c.warn).to.deep.equal([]);
        expect(c.error).to.have.length(1);
        expect(c.error[0]).to.contain(named);
      }
      expect(widget().client!.state.messages).to.have.length(count);
    });

    it('push(["do", "message:show", { type: "text", content }]) shows a team message without sending it', async () => {
      const before = (await summary())!;
      Convot.push(['do', 'message:show', { type: 'text', content: 'Hello visitor!' }]);
      await waitUntil(
        () => [...(panelRoot()?.querySelectorAll('.msg.agent') ?? [])].some((m) => m.textContent?.includes('Hello visitor!')),
        'the shown message is not in the panel',
      );
      // Frames are handled in order: had message:show sent anything, it would come before this one.
      const sent = next('message:sent');
      Convot.sendMessage('after the local message');
      await sent;
      const after = (await summary())!;
      expect(after.last_seq).to.equal(before.last_seq + 1);
      expect(after.last_message?.body).to.equal('after the local message');
    });

    it('push(["do", "message:read"]) clears the unread count after an agent reply', async () => {
      Convot.close();
      Convot.push(['do', 'message:read']);
      expect(Convot.get('chat:unread:count')).to.equal(0);
      const received = next('message:received');
      await agentReply('An agent answer');
      expect(await received).to.deep.equal({ unread_count: 1 });
      expect(Convot.get('chat:unread:count')).to.equal(1);
      await rendered();
      expect(inShadow('.badge')?.textContent?.trim()).to.equal('1');

      Convot.push(['do', 'message:read']);
      expect(Convot.get('chat:unread:count')).to.equal(0);
      await rendered();
      expect(inShadow('.badge')).to.equal(null);
      expect(Convot.is('chat:closed')).to.equal(true);
      await openPanel(); // for the after() hook's symmetry
    });
  });

  describe('identifying users and visitor fields', () => {
    before(() => ensureConversation());

    it('Convot.identityToken() resolves to null while the visitor is not verified', async () => {
      expect(await Convot.identityToken()).to.equal(null);
    });

    const fields = [
      ['user:email', 'user:email:changed', 'jane.doe@example.com', 'email'],
      ['user:phone', 'user:phone:changed', '+1234567891', 'phone'],
      ['user:nickname', 'user:nickname:changed', 'Jane Q. Doe', 'name'],
      ['user:avatar', 'user:avatar:changed', 'https://example.com/avatar.png', 'avatar_url'],
      ['user:company', 'user:company:changed', 'Acme Holdings', 'company'],
    ] as const;
    for (const [key, event, value, wire] of fields) {
      it(`push(["set", "${key}", ...]) fires ${event} with the value, get("${key}") returns it, the inbox stores it`, async () => {
        const changed = next(event);
        Convot.push(['set', key, value]);
        expect(await changed).to.equal(value);
        expect(Convot.get(key as keyof GetKeys)).to.equal(value);
        await waitUntil(async () => (await summary())?.visitor[wire] === value, `${key} did not reach the server`, { timeout: 5000 });
      });
    }

    it('set user:* with a non-string warns once and changes nothing', async () => {
      await expectOneWarning(() => pushRaw(['set', 'user:email', 42]), '42');
      expect(Convot.get('user:email')).to.equal('jane.doe@example.com');
    });

    it('identify copied from the document (user_hash "SERVER_GENERATED_HMAC") identifies unverified, with one warning why', async () => {
      const c = await captureConsole(async (live) => {
        Convot.identify({ email: 'mallory@example.com', user_hash: 'SERVER_GENERATED_HMAC' });
        expect(Convot.get('user:email')).to.equal('mallory@example.com'); // shown at once
        await waitUntil(() => live.warn.length > 0, 'no warning about the user_hash', { timeout: 5000 });
      });
      expect(c.threw).to.equal(undefined);
      const hashWarnings = c.warn.filter((w) => w.includes('user_hash was not accepted'));
      expect(hashWarnings, JSON.stringify(c.warn)).to.have.length(1);
      expect(hashWarnings[0]).to.contain('64 hex characters');
      expect((await summary())?.visitor.verified).to.equal(false);
      expect(Convot.get('user:email')).to.equal('mallory@example.com');
    });

    it('Convot.identify({...}) with every documented field (valid user_hash) reaches the inbox, verified', async () => {
      const externalId = `user_123_${Date.now().toString(36)}`;
      Convot.identify({
        email: 'jane@example.com',
        external_id: externalId,
        name: 'Jane Doe',
        company: 'Acme Inc',
        phone: '+1234567890',
        avatar_url: 'https://example.com/jane.png',
        user_hash: await userHash(externalId),
        custom_data: {
          plan: 'pro',
          shopify_store: 'acme.myshopify.com',
        },
      });
      expect(Convot.get('user:email')).to.equal('jane@example.com');
      expect(Convot.get('user:nickname')).to.equal('Jane Doe');
      expect(Convot.get('user:phone')).to.equal('+1234567890');
      expect(Convot.get('user:avatar')).to.equal('https://example.com/jane.png');
      expect(Convot.get('user:company')).to.equal('Acme Inc');
      let visitor: ConversationSummary['visitor'] | undefined;
      await waitUntil(
        async () => {
          visitor = (await summary())?.visitor;
          return visitor?.external_id === externalId;
        },
        'identify did not reach the server',
        { timeout: 5000 },
      );
      expect(visitor).to.include({
        email: 'jane@example.com',
        name: 'Jane Doe',
        company: 'Acme Inc',
        phone: '+1234567890',
        avatar_url: 'https://example.com/jane.png',
        external_id: externalId,
        verified: true,
      });
      expect(visitor!.custom_data).to.deep.equal({ plan: 'pro', shopify_store: 'acme.myshopify.com' });
    });

    it('Convot.identityToken() resolves to a signed token once the visitor is verified', async () => {
      const token = await Convot.identityToken();
      expect(token).to.be.a('string');
      expect(token!.split('.')).to.have.length(3);
    });

    it('a refused set user:email (the visitor is verified as someone else) warns once and reverts, with user:email:changed', async () => {
      const c = await captureConsole(async () => {
        Convot.push(['set', 'user:email', 'eve@example.com']);
        expect(Convot.get('user:email')).to.equal('eve@example.com'); // shown at once
        await waitUntil(() => Convot.get('user:email') !== 'eve@example.com', 'the refused email was not reverted', { timeout: 5000 });
      });
      expect(c.threw).to.equal(undefined);
      expect(c.warn.filter((w) => w.includes('CONVOT_ERR_IDENTITY_CONFLICT'))).to.have.length(1);
      expect(Convot.get('user:email')).to.equal('jane@example.com');
      expect(fired('user:email:changed').at(-1), 'the last user:email:changed payload').to.equal(Convot.get('user:email'));
      expect((await summary())?.visitor.email).to.equal('jane@example.com');
    });

    it('a refused change does not undo a set user:* made after it', async () => {
      const c = await captureConsole(async () => {
        Convot.push(['set', 'user:email', 'mallory@example.com']);
        Convot.push(['set', 'user:phone', '+15550001']);
        // Operations reach the server in call order: once the phone is stored, the refusal was handled.
        await waitUntil(async () => (await summary())?.visitor.phone === '+15550001', 'the phone did not reach the server', { timeout: 5000 });
      });
      expect(c.warn.filter((w) => w.includes('CONVOT_ERR_IDENTITY_CONFLICT'))).to.have.length(1);
      expect(Convot.get('user:email')).to.equal('jane@example.com');
      expect(Convot.get('user:phone'), 'get("user:phone") after the server stored it').to.equal('+15550001');
    });
  });

  describe('session data, segments, events and reset', () => {
    it('push(["set", "session:data", {...}]) merges; get("session:data"[, key]) reads it', async () => {
      await ensureConversation();
      Convot.push(['set', 'session:data', { plan: 'pro', store: 'acme.myshopify.com' }]);
      Convot.push(['set', 'session:data', { seats: 5 }]);
      expect(Convot.get('session:data')).to.include({ plan: 'pro', store: 'acme.myshopify.com', seats: 5 });
      expect(Convot.get('session:data', 'plan')).to.equal('pro');
      expect(Convot.get('session:data', 'seats')).to.equal(5);
      expect(Convot.get('session:data', 'missing')).to.equal(undefined);
      await waitUntil(
        async () => {
          const data = (await summary())?.visitor.session_data;
          return data?.plan === 'pro' && data.seats === 5 && data.store === 'acme.myshopify.com';
        },
        'the merged session data did not reach the server',
        { timeout: 5000 },
      );
    });

    it('push(["set", "session:segments", [...]]) replaces the segments', async () => {
      Convot.push(['set', 'session:segments', ['paying', 'enterprise']]);
      await waitUntil(async () => (await summary())?.visitor.segments.join() === 'paying,enterprise', 'segments not stored', { timeout: 5000 });
      Convot.push(['set', 'session:segments', ['trial']]);
      await waitUntil(async () => (await summary())?.visitor.segments.join() === 'trial', 'segments not replaced', { timeout: 5000 });
    });

    it('push(["set", "session:event", { name, data }]) lands on the visitor timeline', async () => {
      Convot.push(['set', 'session:event', { name: 'upgraded_plan', data: { plan: 'pro' } }]);
      await waitUntil(async () => (await visitorEvents())?.some((e) => e.name === 'upgraded_plan'), 'the event is not on the timeline', { timeout: 5000 });
      const events = (await visitorEvents())!.filter((e) => e.name === 'upgraded_plan');
      expect(events).to.have.length(1);
      expect(events[0]!.data).to.deep.equal({ plan: 'pro' });
    });

    it('get("session:identifier") is the session:loaded session_id; is("session:ongoing")', () => {
      const loaded = fired('session:loaded') as ConvotEventMap['session:loaded'][];
      expect(Convot.get('session:identifier')).to.equal(loaded.at(-1)!.session_id);
      expect(Convot.is('session:ongoing')).to.equal(true);
    });

    it('push(["do", "session:reset"]) starts a new session with an empty history in this browser', async () => {
      const oldId = Convot.get('session:identifier');
      const tokenKey = `convot:${window.CONVOT_TEST.appId}:token`;
      const oldToken = localStorage.getItem(tokenKey);
      expect(oldToken).to.be.a('string');
      expect(widget().client!.state.messages.length).to.be.above(0);
      const loaded = next('session:loaded');
      Convot.push(['do', 'session:reset']);
      const { session_id } = await loaded;
      expect(session_id).to.be.a('string').and.not.equal(oldId);
      expect(Convot.get('session:identifier')).to.equal(session_id);
      expect(Convot.is('session:ongoing')).to.equal(true);
      expect(Convot.get('chat:unread:count')).to.equal(0);
      expect(Convot.get('user:email')).to.equal(null);
      expect(Convot.get('session:data')).to.deep.equal({});
      expect(conversationId()).to.equal(null);
      expect(localStorage.getItem(tokenKey)).to.be.a('string').and.not.equal(oldToken);
      await openPanel();
      await rendered();
      expect(widget().client!.state.messages).to.deep.equal([]);
      expect(panelRoot()!.querySelectorAll('.msg:not(.welcome)')).to.have.length(0);
      Convot.close();
    });
  });

  describe('config', () => {
    it('position:reverse moves the launcher to the bottom-left (true) and back (false)', async () => {
      const left = launcher().getBoundingClientRect();
      expect(left.left).to.be.below(window.innerWidth / 2);
      Convot.push(['config', 'position:reverse', false]);
      await rendered();
      const right = launcher().getBoundingClientRect();
      expect(right.left).to.be.above(window.innerWidth / 2);
      expect(right.bottom).to.equal(left.bottom);
      Convot.push(['config', 'position:reverse', true]);
      await rendered();
      expect(launcher().getBoundingClientRect().left).to.equal(left.left);
      await expectOneWarning(() => pushRaw(['config', 'position:reverse', 'yes']), 'position:reverse');
    });

    it('locale "fr" translates the widget, "ar" makes it right-to-left, unsupported locales warn', async () => {
      Convot.push(['config', 'locale', 'fr']);
      await rendered();
      expect(launcher().getAttribute('aria-label')).to.equal('Ouvrir le chat');
      expect(root().getAttribute('lang')).to.equal('fr');
      expect(root().getAttribute('dir')).to.equal('ltr');

      Convot.push(['config', 'locale', 'es-MX']); // a regional tag falls back to its language
      await rendered();
      expect(root().getAttribute('lang')).to.equal('es');
      expect(launcher().getAttribute('aria-label')).to.equal('Abrir chat');

      Convot.push(['config', 'locale', 'ar']);
      await rendered();
      expect(root().getAttribute('dir')).to.equal('rtl');
      expect(launcher().getAttribute('aria-label')).to.equal('افتح الدردشة');

      await expectOneWarning(() => Convot.push(['config', 'locale', 'tlh']), '"tlh"');
      await rendered();
      expect(root().getAttribute('lang')).to.equal('ar');

      Convot.push(['config', 'locale', 'en']);
      await rendered();
      expect(launcher().getAttribute('aria-label')).to.equal('Open chat');
      expect(root().getAttribute('dir')).to.equal('ltr');
    });

    it('color:theme sets the launcher colour; "red" and "#12" warn and change nothing', async () => {
      Convot.push(['config', 'color:theme', '#0F766E']);
      await rendered();
      expect(getComputedStyle(launcher()).backgroundColor).to.equal('rgb(15, 118, 110)');
      for (const bad of ['red', '#12']) {
        await expectOneWarning(() => Convot.push(['config', 'color:theme', bad]), `"${bad}"`);
        await rendered();
        expect(getComputedStyle(launcher()).backgroundColor).to.equal('rgb(15, 118, 110)');
      }
      Convot.push(['config', 'color:theme', '#2563EB']);
      await rendered();
      expect(getComputedStyle(launcher()).backgroundColor).to.equal('rgb(37, 99, 235)');
    });

    it('color:mode "dark" darkens the panel, "light" restores it; other values warn', async () => {
      await openPanel();
      const panelBg = () => getComputedStyle(panelRoot()!.querySelector('.panel')!).backgroundColor;
      expect(panelBg()).to.equal('rgb(255, 255, 255)');
      Convot.push(['config', 'color:mode', 'dark']);
      await rendered();
      expect(panelBg()).to.equal('rgb(15, 23, 42)');
      await expectOneWarning(() => pushRaw(['config', 'color:mode', 'blue']), '"blue"');
      await rendered();
      expect(panelBg()).to.equal('rgb(15, 23, 42)');
      Convot.push(['config', 'color:mode', 'light']);
      await rendered();
      expect(panelBg()).to.equal('rgb(255, 255, 255)');
      Convot.close();
    });

    it('container:index sets the z-index of the widget', async () => {
      expect(getComputedStyle(root()).zIndex).to.not.equal('9999');
      Convot.push(['config', 'container:index', 9999]);
      await rendered();
      expect(getComputedStyle(root()).zIndex).to.equal('9999');
      await expectOneWarning(() => pushRaw(['config', 'container:index', 'high']), '"high"');
      expect(getComputedStyle(root()).zIndex).to.equal('9999');
    });

    it('sound:mute mutes notification sounds', async () => {
      expect(widget().soundMuted).to.equal(false);
      Convot.push(['config', 'sound:mute', true]);
      expect(widget().soundMuted).to.equal(true);
      Convot.push(['config', 'sound:mute', false]);
      expect(widget().soundMuted).to.equal(false);
      Convot.push(['config', 'sound:mute', true]);
      expect(widget().soundMuted).to.equal(true);
    });

    it('hide:on:mobile hides the widget below 768 px wide', async () => {
      const { innerWidth: width, innerHeight: height } = window;
      expect(width).to.be.at.least(768);
      Convot.push(['config', 'hide:on:mobile', true]);
      await rendered();
      expect(widget().hasAttribute('hide-on-mobile')).to.equal(true);
      expect(launcher().getBoundingClientRect().width).to.be.above(0);
      try {
        await setViewport({ width: 500, height: 800 });
        await waitUntil(() => getComputedStyle(widget()).display === 'none', 'the widget is still displayed at 500 px');
        expect(launcher().getBoundingClientRect().width).to.equal(0);
        Convot.push(['config', 'hide:on:mobile', false]);
        await rendered();
        expect(widget().hasAttribute('hide-on-mobile')).to.equal(false);
        expect(launcher().getBoundingClientRect().width).to.be.above(0);
      } finally {
        await setViewport({ width, height });
      }
    });
  });

  describe('website availability', () => {
    it('is("website:available") follows agent presence and website:availability:changed fires', async () => {
      await setAgentOnline(false);
      await waitUntil(() => !Convot.is('website:available'), 'still available with no agent online', { timeout: 5000 });
      expect(Convot.is('website:available')).to.equal(false);

      const online = next('website:availability:changed');
      await setAgentOnline(true);
      expect(await online).to.equal(true);
      expect(Convot.is('website:available')).to.equal(true);

      const offline = next('website:availability:changed');
      await setAgentOnline(false);
      expect(await offline).to.equal(false);
      expect(Convot.is('website:available')).to.equal(false);
    });
  });

  describe('preview card', () => {
    it('an agent reply while closed shows the preview (preview:shown); clicking it opens the chat (preview:hidden)', async () => {
      await ensureConversation();
      Convot.close();
      await rendered();
      expect(inShadow('.preview')).to.equal(null);

      const shown = next('preview:shown');
      await agentReply('Psst, have a look');
      expect(await shown, 'preview:shown has no payload').to.not.exist;
      await rendered();
      const card = inShadow('.preview');
      expect(card).to.not.equal(null);
      expect(card!.textContent).to.contain('Psst, have a look');

      const hidden = next('preview:hidden');
      const opened = next('chat:opened');
      inShadow<HTMLButtonElement>('.preview-body')!.click();
      expect(await hidden, 'preview:hidden has no payload').to.not.exist;
      await opened;
      expect(Convot.is('chat:opened')).to.equal(true);
      await rendered();
      expect(inShadow('.preview')).to.equal(null);
      Convot.close();
    });
  });

  describe('on / off and bad calls', () => {
    it('push(["off", name, handler]) removes only that handler', async () => {
      const calls: string[] = [];
      const a = () => void calls.push('a');
      const b = () => void calls.push('b');
      Convot.push(['on', 'chat:opened', a]);
      Convot.push(['on', 'chat:opened', b]);
      Convot.push(['off', 'chat:opened', a]);
      const opened = next('chat:opened');
      Convot.open();
      await opened;
      expect(calls).to.deep.equal(['b']);
      Convot.close();
      Convot.push(['off', 'chat:opened', b]);
    });

    it('push(["off", name]) removes every handler of that event', async () => {
      const calls: string[] = [];
      Convot.push(['on', 'chat:opened', () => void calls.push('c')]);
      Convot.push(['on', 'chat:opened', () => void calls.push('d')]);
      const recorded = fired('chat:opened').length;
      Convot.push(['off', 'chat:opened']);
      const opened = next('chat:opened'); // subscribed after the off
      Convot.open();
      await opened;
      expect(calls).to.deep.equal([]);
      expect(fired('chat:opened')).to.have.length(recorded); // the page recorder was removed too
      Convot.close();
      Convot.push(['on', 'chat:opened', recorders.get('chat:opened')!]);
    });

    it('on with an unknown event name warns once and does not throw', async () => {
      await expectOneWarning(() => pushRaw(['on', 'chat:exploded', () => undefined]), '"chat:exploded"');
      await expectOneWarning(() => pushRaw(['off', 'chat:exploded']), '"chat:exploded"');
    });

    it('get and is with unknown keys warn and return undefined / false', async () => {
      let value: unknown = 'unset';
      await expectOneWarning(() => (value = Convot.get('chat:nope' as keyof GetKeys)), '"chat:nope"');
      expect(value).to.equal(undefined);
      await expectOneWarning(() => (value = Convot.is('chat:nope' as never)), '"chat:nope"');
      expect(value).to.equal(false);
    });

    it('push("not an array") and unknown verbs warn', async () => {
      await expectOneWarning(() => pushRaw('not an array'), '"not an array"');
      await expectOneWarning(() => pushRaw(['explode', 'chat:open']), '"explode"');
      await expectOneWarning(() => pushRaw(['set', 'user:shoe_size', 44]), '"user:shoe_size"');
      await expectOneWarning(() => pushRaw(['config', 'color:sparkle', true]), '"color:sparkle"');
    });
  });

  describe('help center and scheduling (configured on this server: articles and meeting types 3 and 5)', () => {
    const helpRoot = () => inShadow('convot-help-panel')?.shadowRoot ?? null;
    const bookRoot = () => inShadow('convot-booking-flow')?.shadowRoot ?? null;
    const hitTitles = () => [...(helpRoot()?.querySelectorAll('.hit-title') ?? [])].map((t) => t.textContent!.trim());
    afterEach(() => Convot.push(['do', 'chat:close']));

    it('push(["do", "helpdesk:search"]) opens Help with the search box focused', async () => {
      Convot.push(['do', 'helpdesk:search']);
      await waitUntil(() => Convot.is('chat:opened') && helpRoot()?.querySelector('input[type="search"]'), 'Help did not open', { timeout: 8000 });
      await waitUntil(() => helpRoot()!.activeElement === helpRoot()!.querySelector('input[type="search"]'), 'search is not focused');
    });

    it('push(["do", "helpdesk:query", "billing"]) opens Help with that query run', async () => {
      Convot.push(['do', 'helpdesk:query', 'billing']);
      await waitUntil(() => hitTitles().join() === 'Billing basics,Refunds', 'the query did not run', { timeout: 8000 });
      expect(helpRoot()!.querySelector<HTMLInputElement>('input[type="search"]')!.value).to.equal('billing');
    });

    it('push(["do", "helpdesk:article:open", { locale: "en", slug }]) opens that article; a missing one shows not found and warns once', async () => {
      Convot.push(['do', 'helpdesk:article:open', { locale: 'en', slug: 'reset-password' }]);
      await waitUntil(() => helpRoot()?.querySelector('.article-title')?.textContent === 'Reset your password', 'the article did not open', { timeout: 8000 });
      await expectOneWarning(async () => {
        Convot.push(['do', 'helpdesk:article:open', { locale: 'en', slug: 'my-article' }]);
        await waitUntil(() => helpRoot()?.querySelector('.state[role="alert"]'), 'no not-found state', { timeout: 8000 });
      }, 'my-article');
    });

    it('push(["do", "scheduling:open"]) opens the Book tab on the list of meeting types', async () => {
      Convot.push(['do', 'scheduling:open']);
      await waitUntil(() => Convot.is('chat:opened') && bookRoot()?.querySelectorAll('.type').length === 2, 'the Book tab did not open', { timeout: 8000 });
    });

    for (const [name, call] of [
      ['push(["do", "scheduling:open", { meeting_type_id: 3 }])', () => Convot.push(['do', 'scheduling:open', { meeting_type_id: 3 }])],
      ['Convot.openScheduling({ meeting_type_id: 3 })', () => Convot.openScheduling({ meeting_type_id: 3 })],
    ] as const) {
      it(`${name} opens the booking flow on that meeting type`, async () => {
        call();
        await waitUntil(() => bookRoot()?.querySelector('table[role="grid"]') && bookRoot()!.querySelector('h3')!.textContent!.includes('Product demo'), 'not on meeting type 3', { timeout: 8000 });
      });
    }

    it('<button onclick="Convot.openScheduling()">Book a demo</button> works as written', async () => {
      const host = document.createElement('div');
      host.innerHTML = '<button onclick="Convot.openScheduling()">Book a demo</button>';
      document.body.append(host);
      try {
        host.querySelector('button')!.click();
        await waitUntil(() => Convot.is('chat:opened') && widget().client!.state.tab === 'book' && bookRoot()?.querySelectorAll('.type').length === 2, 'the button did not open booking', { timeout: 8000 });
      } finally {
        host.remove();
      }
    });
  });
});
