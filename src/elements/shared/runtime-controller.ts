import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { EVENT_NAMES, domEventName, type ConvotEventMap, type ConvotEventName } from '../../client/events.js';
import type { WidgetState } from '../../client/state.js';
import { runtimeFor, type ConvotRuntime, type ViewKind } from '../../runtime/runtime.js';

type Host = ReactiveControllerHost & HTMLElement;

export interface RuntimeBinding {
  kind: () => ViewKind;
  settings: () => { appId: string; server: string };
  /** Called on every store change, before the host re-renders. */
  onChange?: (state: WidgetState, prev: WidgetState) => void;
  /** Called when the host binds; `fresh` is false when it rebinds to the runtime it had (a move). */
  onBind?: (runtime: ConvotRuntime, fresh: boolean) => void;
}

/**
 * Binds an element to its app's runtime while it is connected: the element counts as a view,
 * re-renders on every store change, and re-dispatches the runtime's events as `convot-*` DOM
 * CustomEvents. Calls made while the element is not bound wait and run, once, when it binds.
 */
export class RuntimeController implements ReactiveController {
  runtime?: ConvotRuntime;
  private key = '';
  private failed = false;
  private last?: ConvotRuntime;
  private pending: ((runtime: ConvotRuntime) => void)[] = [];
  private cleanup: (() => void)[] = [];

  constructor(
    private readonly host: Host,
    private readonly binding: RuntimeBinding,
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
    this.unbind();
  }

  /** Runs fn against the runtime now, or when the element binds (then returns `early`). */
  call<R>(fn: (runtime: ConvotRuntime) => R, early: R): R {
    if (this.runtime) return fn(this.runtime);
    this.pending.push(fn);
    return early;
  }

  private ensure(): void {
    const { appId, server } = this.binding.settings();
    if (!appId || !this.host.isConnected) return;
    const key = `${appId}\n${server}`;
    if (key === this.key && (this.runtime || this.failed)) return;
    this.unbind();
    this.key = key;
    let runtime: ConvotRuntime;
    try {
      runtime = runtimeFor(server, appId);
    } catch {
      this.failed = true; // warned once for these settings
      // Never throw into the host page: say what is wrong and stay inert until it is fixed.
      console.warn(`Convot: server must be an absolute URL like "https://chat.example.com/", got ${JSON.stringify(server)}; the widget is not connected.`);
      return;
    }
    this.runtime = runtime;
    this.cleanup.push(
      runtime.store.subscribe((state, prev) => {
        this.binding.onChange?.(state, prev);
        this.host.requestUpdate();
      }),
    );
    for (const name of EVENT_NAMES) this.cleanup.push(runtime.events.on(name, (detail) => this.dispatch(name, detail)));
    this.cleanup.push(runtime.attachView(this.host, this.binding.kind()));
    const fresh = runtime !== this.last;
    this.last = runtime;
    this.binding.onBind?.(runtime, fresh);
    for (const fn of this.pending.splice(0)) {
      try {
        fn(runtime);
      } catch (e) {
        console.error('Convot:', e);
      }
    }
    this.host.requestUpdate();
  }

  private dispatch<K extends ConvotEventName>(name: K, detail: ConvotEventMap[K]): void {
    this.host.dispatchEvent(new CustomEvent(domEventName(name), { detail, bubbles: true, composed: true }));
  }

  private unbind(): void {
    for (const fn of this.cleanup.splice(0).reverse()) fn();
    this.runtime = undefined;
    this.key = '';
    this.failed = false;
  }
}
