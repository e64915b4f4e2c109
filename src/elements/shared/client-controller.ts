import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ChatClient } from '../../client/chat-client.js';
import { EVENT_NAMES, domEventName, type ConvotEventMap, type ConvotEventName } from '../../client/events.js';
import type { WidgetState } from '../../client/state.js';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * Owns a ChatClient for an element: starts it when the element connects, stops it when it
 * disconnects, re-renders the host on every store change, and re-dispatches the client's
 * events as `convot-*` DOM CustomEvents from the host.
 */
export class ClientController implements ReactiveController {
  client?: ChatClient;
  private key = '';
  private failed = false;
  private cleanup: (() => void)[] = [];

  constructor(
    private readonly host: Host,
    private readonly settings: () => { appId: string; server: string },
    private readonly onChange?: (state: WidgetState, prev: WidgetState) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.ensure();
  }

  hostUpdate(): void {
    this.ensure();
  }

  hostDisconnected(): void {
    this.teardown();
  }

  private ensure(): void {
    const { appId, server } = this.settings();
    const key = `${appId}\n${server}`;
    if (!appId || !this.host.isConnected) return;
    if (key === this.key && (this.client || this.failed)) return;
    this.teardown();
    this.key = key;
    let client: ChatClient;
    try {
      client = new ChatClient({ appId, server });
      this.failed = false;
    } catch {
      this.failed = true; // warned once for these settings
      // Never throw into the host page: say what is wrong and stay inert until it is fixed.
      console.warn(`Convot: server must be an absolute URL like "https://chat.example.com/", got ${JSON.stringify(server)}; the widget is not connected.`);
      return;
    }
    this.client = client;
    this.cleanup.push(
      client.store.subscribe((state, prev) => {
        this.onChange?.(state, prev);
        this.host.requestUpdate();
      }),
    );
    for (const name of EVENT_NAMES) this.cleanup.push(client.events.on(name, (detail) => this.dispatch(name, detail)));
    client.start();
    this.host.requestUpdate();
  }

  private dispatch<K extends ConvotEventName>(name: K, detail: ConvotEventMap[K]): void {
    this.host.dispatchEvent(new CustomEvent(domEventName(name), { detail, bubbles: true, composed: true }));
  }

  private teardown(): void {
    for (const fn of this.cleanup.splice(0)) fn();
    this.client?.stop();
    this.client = undefined;
    this.key = '';
    this.failed = false;
  }
}
