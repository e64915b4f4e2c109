import { useRef, useState } from 'react';
import 'convot/convot-widget.js'; // registers <convot-widget>
import { appId, server } from '../settings.js';

/**
 * React 19 passes props to a custom element as properties when the element has them
 * (`locale`, `server`) and as attributes otherwise (`app-id`); `on<event-name>` props add
 * event listeners for that exact event name, so `onconvot-chat-opened` listens to
 * `convot-chat-opened`. Methods go through a ref.
 */
export function App() {
  const widget = useRef<HTMLElementTagNameMap['convot-widget']>(null);
  const [locale, setLocale] = useState('en');
  const [opened, setOpened] = useState(0);
  return (
    <main>
      <h1>Convot in React 19</h1>
      <label>
        Language{' '}
        <select value={locale} onChange={(e) => setLocale(e.target.value)}>
          <option value="en">English</option>
          <option value="fr">Français</option>
        </select>
      </label>{' '}
      <button type="button" onClick={() => widget.current?.openChat()}>
        Open the chat
      </button>
      <p>
        Chat opened <output id="opened">{opened}</output> times
      </p>
      <convot-widget ref={widget} app-id={appId} server={server} locale={locale} onconvot-chat-opened={() => setOpened((n) => n + 1)} />
    </main>
  );
}
