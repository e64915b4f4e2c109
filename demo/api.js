/* global window, document, console */
/**
 * The API playground's script. It runs before the snippet's loader: until `Convot.push` exists,
 * calls go into `window.Convot._q`, the documented pre-loader queue, which the widget replays.
 */
(() => {
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
    'thread:selected',
  ];

  const convot = () => window.Convot;
  /** Convot.push once the loader has run; the pre-loader queue before that. */
  const push = (command) => {
    const c = convot();
    if (typeof c.push === 'function') c.push(command);
    else (c._q = Array.isArray(c._q) ? c._q : []).push(command);
  };
  const show = (v) => {
    if (v === undefined) return 'undefined';
    if (typeof v === 'function') return 'a function';
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  };
  const callText = (command) => `Convot.push([${command.map(show).join(', ')}])`;

  // ---- the log ---------------------------------------------------------------------------------

  const pending = [];
  const time = () => new Date().toISOString().slice(11, 23);
  function write(kind, text) {
    const logEl = document.getElementById('log');
    if (!logEl) return void pending.push([kind, text]);
    const line = document.createElement('div');
    line.className = kind;
    line.textContent = `${time()}  ${text}`;
    const atBottom = logEl.scrollHeight - logEl.scrollTop - logEl.clientHeight < 24;
    logEl.append(line);
    if (atBottom) logEl.scrollTop = logEl.scrollHeight;
  }

  // Convot's warnings and errors (bad calls, refusals) are worth seeing next to the events.
  for (const level of ['warn', 'error']) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      if (typeof args[0] === 'string' && args[0].startsWith('Convot')) write(level, `console.${level}: ${args.map(String).join(' ')}`);
      original(...args);
    };
  }

  /** One recorder per event, kept so "subscribe again" does not add duplicates. */
  const recorders = new Map(EVENTS.map((name) => [name, (payload) => write('event', `${name}  ${payload === undefined || payload === null ? '(no payload)' : show(payload)}`)]));
  const subscribeAll = () => {
    for (const [name, fn] of recorders) push(['on', name, fn]);
  };
  subscribeAll();

  window.CONVOT_READY_TRIGGER = () => {
    write('event', `CONVOT_READY_TRIGGER (Convot.ready() is ${convot().ready()})`);
    whenParsed(() => {
      const pill = document.getElementById('ready-state');
      pill.textContent = 'ready';
      pill.classList.add('ok');
    });
  };

  // ---- the controls ----------------------------------------------------------------------------

  const value = (id) => document.getElementById(id).value;
  const text = () => value('message-text');
  const myHandler = () => write('call', 'myHandler was called for chat:opened');

  /** Each named action: the call the button's label shows. */
  const actions = {
    open: () => called('Convot.open()', () => convot().open()),
    close: () => called('Convot.close()', () => convot().close()),
    setMessageText: () => called(`Convot.setMessageText(${show(text())})`, () => convot().setMessageText(text())),
    sendMessage: () => called(`Convot.sendMessage(${show(text())})`, () => convot().sendMessage(text())),
    sendMessageObject: () => called(`Convot.sendMessage(${show({ content: text() })})`, () => convot().sendMessage({ content: text() })),
    sendMessageEvent: (event) => called('Convot.sendMessage(event)', () => convot().sendMessage(event)),
    pushMessageText: () => pushLogged(['set', 'message:text', text()]),
    pushMessageSend: () => pushLogged(['do', 'message:send', { content: text() }]),
    pushMessageShow: () => pushLogged(['do', 'message:show', { type: 'text', content: text() }]),
    identify: () => {
      const user = {
        email: value('id-email'),
        external_id: value('id-external'),
        name: value('id-name'),
        company: value('id-company'),
        phone: value('id-phone'),
        avatar_url: value('id-avatar'),
        custom_data: { plan: 'pro', shopify_store: 'acme.myshopify.com' },
      };
      for (const key of Object.keys(user)) if (user[key] === '') delete user[key];
      const hash = value('id-hash').trim();
      if (hash) user.user_hash = hash;
      write('call', `Convot.identify(${show(user)})`);
      convot().identify(user);
    },
    identityToken: async () => {
      write('call', 'await Convot.identityToken() …');
      const token = await convot().identityToken();
      result(`identityToken() → ${show(token)}`);
    },
    setUser: (_event, button) => pushLogged(['set', button.dataset.key, value(button.dataset.input)]),
    sessionDataPair: () => {
      const raw = value('data-value');
      const num = Number(raw);
      pushLogged(['set', 'session:data', { [value('data-key')]: raw !== '' && Number.isFinite(num) ? num : raw }]);
    },
    locale: () => pushLogged(['config', 'locale', value('locale')]),
    theme: () => pushLogged(['config', 'color:theme', value('theme')]),
    mode: () => pushLogged(['config', 'color:mode', value('mode')]),
    zIndex: () => pushLogged(['config', 'container:index', Number(value('z-index'))]),
    openScheduling: () => called('Convot.openScheduling()', () => convot().openScheduling()),
    openSchedulingType: () => called('Convot.openScheduling({ meeting_type_id: 3 })', () => convot().openScheduling({ meeting_type_id: 3 })),
    ready: () => result(`Convot.ready() → ${convot().ready()}`),
    resubscribe: () => {
      subscribeAll();
      write('call', 'subscribed the log to every event again');
    },
    clearLog: () => (document.getElementById('log').textContent = ''),
  };

  function called(label, fn) {
    write('call', label);
    fn();
  }

  function pushLogged(command) {
    write('call', callText(command));
    push(command);
  }

  function result(line) {
    document.getElementById('result').textContent = line;
    write('result', line);
  }

  function whenParsed(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn, { once: true });
    else fn();
  }

  whenParsed(() => {
    for (const [kind, line] of pending.splice(0)) write(kind, line);

    // Buttons that push a fixed command: the label is the call itself.
    for (const button of document.querySelectorAll('button[data-push]')) {
      const command = JSON.parse(button.dataset.push);
      const code = document.createElement('code');
      code.textContent = callText(command);
      button.replaceChildren(code);
    }
    for (const button of document.querySelectorAll('button[data-get]')) {
      const args = [button.dataset.get, button.dataset.field].filter((a) => a !== undefined);
      const code = document.createElement('code');
      code.textContent = `Convot.get(${args.map(show).join(', ')})`;
      button.replaceChildren(code);
    }
    for (const button of document.querySelectorAll('button[data-is]')) {
      const code = document.createElement('code');
      code.textContent = `Convot.is(${show(button.dataset.is)})`;
      button.replaceChildren(code);
    }

    document.querySelector('main').addEventListener('click', (event) => {
      const button = event.target.closest('button');
      if (!button) return;
      try {
        if (button.dataset.push) {
          const command = JSON.parse(button.dataset.push);
          pushLogged(command);
        } else if (button.dataset.get) {
          const args = [button.dataset.get, button.dataset.field].filter((a) => a !== undefined);
          result(`Convot.get(${args.map(show).join(', ')}) → ${show(convot().get(...args))}`);
        } else if (button.dataset.is) {
          result(`Convot.is(${show(button.dataset.is)}) → ${show(convot().is(button.dataset.is))}`);
        } else if (button.dataset.action && actions[button.dataset.action]) {
          void actions[button.dataset.action](event, button);
        }
      } catch (e) {
        write('error', `the page's own code failed: ${e}`);
      }
    });

    for (const box of document.querySelectorAll('input[data-config]')) {
      box.addEventListener('change', () => pushLogged(['config', box.dataset.config, box.checked]));
    }
    document.getElementById('my-handler').addEventListener('change', (event) => {
      pushLogged(event.target.checked ? ['on', 'chat:opened', myHandler] : ['off', 'chat:opened', myHandler]);
    });
    document.getElementById('theme-picker').addEventListener('input', (event) => {
      document.getElementById('theme').value = event.target.value.toUpperCase();
    });
  });
})();
