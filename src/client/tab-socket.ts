/**
 * One socket per app per browser. The tab that holds the app's leader lock (Web Locks) runs the
 * real `ReconnectingSocket`; every other tab of the app reaches the server through it over a
 * `BroadcastChannel`: the leader relays each frame it receives to them, sends what they ask it
 * to, and answers a joining tab with a snapshot of its state. When the leader's tab closes, the
 * lock passes to a waiting tab, which opens the socket and tells the others to join it.
 *
 * Without Web Locks or BroadcastChannel, or with memory-only storage (the visitor has not
 * accepted storage, so tabs must not share anything), each tab runs its own socket as before.
 */
import { ReconnectingSocket, type SocketHooks } from './socket.js';

export interface TabHooks<In, Out, Snapshot> extends SocketHooks<In, Out> {
  /** The leader's state, for a tab that joins (structured-clonable). */
  snapshot(): Snapshot;
  /**
   * The leader's state arrived: take it and return true, or false when it is not this tab's
   * session yet (the leader is still switching to it), and ask again shortly.
   */
  adopt(snapshot: Snapshot, online: boolean): boolean;
  /** A frame sent by any tab, as every tab should also see it at once (a read mark), or null. */
  echo(frame: Out): In | null;
  /** A tab wrote a message: the leader sends what is pending, oldest first. */
  flush(): void;
  /** Something another tab shares that is not a frame (the panel opened or closed). */
  shared(data: unknown): void;
}

type Note<In, Out, Snapshot> =
  | { k: 'hello'; from: string }
  | { k: 'snapshot'; to: string; state: Snapshot; online: boolean }
  | { k: 'frame'; frame: In }
  | { k: 'send'; frame: Out }
  | { k: 'flush' }
  | { k: 'down'; code: number }
  | { k: 'leader' }
  | { k: 'shared'; data: unknown };

/** A joining tab asks again when no leader answers (it may be starting up). */
const HELLO_RETRY_MS = 2_000;

export class TabSocket<In, Out, Snapshot> {
  private readonly socket: ReconnectingSocket<In, Out>;
  private role: 'idle' | 'solo' | 'leader' | 'follower' = 'idle';
  private channel: BroadcastChannel | null = null;
  private release: AbortController | null = null;
  private readonly id = Math.random().toString(36).slice(2);
  /** Follower: the leader answered and its socket is up. */
  private joined = false;
  private leaderOnline = false;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on stop/restart so a follower's setup still under way knows it is stale. */
  private generation = 0;

  constructor(
    private readonly hooks: TabHooks<In, Out, Snapshot>,
    /** The app's name for the lock and the channel; null: never share (memory-only storage). */
    private readonly scope: () => string | null,
  ) {
    this.socket = new ReconnectingSocket<In, Out>({
      ...hooks,
      frame: (frame) => {
        hooks.frame(frame);
        this.post({ k: 'frame', frame });
      },
      closed: (code, opened) => {
        hooks.closed?.(code, opened);
        this.post({ k: 'down', code });
      },
    });
  }

  get started(): boolean {
    return this.role !== 'idle';
  }

  /** This tab holds the connection (leads the others, or has no others to share with). */
  get leads(): boolean {
    return this.role === 'leader' || this.role === 'solo';
  }

  start(): void {
    if (this.role !== 'idle') return;
    const scope = this.scope();
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (scope === null || !locks || typeof BroadcastChannel === 'undefined') {
      this.role = 'solo';
      return this.socket.start();
    }
    this.role = 'follower';
    this.channel = new BroadcastChannel(`convot:${scope}`);
    this.channel.onmessage = (e: MessageEvent<Note<In, Out, Snapshot>>) => this.onNote(e.data);
    this.release = new AbortController();
    const { signal } = this.release;
    const name = `convot:${scope}:leader`;
    // Held until stop() or the tab closes; the browser then grants it to a waiting tab.
    const hold = () => {
      if (signal.aborted) return undefined;
      this.lead();
      return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    };
    // Asked without waiting first, so the first tab leads at once instead of preparing twice.
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (lock) return hold();
        if (signal.aborted) return undefined;
        void this.follow();
        locks.request(name, { signal }, hold).catch(() => undefined); // rejected when stop() aborts
        return undefined;
      })
      .catch(() => undefined);
  }

  stop(): void {
    this.generation++;
    clearTimeout(this.helloTimer);
    this.release?.abort();
    this.release = null;
    this.channel?.close();
    this.channel = null;
    this.socket.stop();
    this.role = 'idle';
    this.joined = false;
  }

  /** Connects again now (a new session): the leader reopens its socket, a follower rejoins. */
  restart(): void {
    if (this.role === 'follower') {
      this.generation++;
      this.joined = false;
      void this.follow();
    } else this.socket.restart();
  }

  confirmed(): void {
    this.socket.confirmed();
  }

  /** Sends a frame through this tab's socket or the leader's; false when there is no way now. */
  send(frame: Out): boolean {
    if (this.role !== 'follower') {
      if (!this.socket.send(frame)) return false;
      const echo = this.hooks.echo(frame);
      if (echo) this.post({ k: 'frame', frame: echo });
      return true;
    }
    if (!this.joined || !this.leaderOnline) return false;
    this.post({ k: 'send', frame });
    return true;
  }

  /** Asks whoever holds the socket to send the pending messages (this tab itself when it does). */
  flush(): void {
    if (this.role === 'follower') this.post({ k: 'flush' });
    else this.hooks.flush();
  }

  /** Tells the other tabs something (`TabHooks.shared` receives it there). */
  share(data: unknown): void {
    this.post({ k: 'shared', data });
  }

  private post(note: Note<In, Out, Snapshot>): void {
    this.channel?.postMessage(note);
  }

  /** This tab got the lock: it opens the socket and the others join it. */
  private lead(): void {
    this.generation++;
    clearTimeout(this.helloTimer);
    this.role = 'leader';
    this.joined = false;
    this.socket.start();
    this.post({ k: 'leader' });
  }

  /** Prepares like a socket would (config, session), then asks the leader for its state. */
  private async follow(): Promise<void> {
    const generation = ++this.generation;
    let url: string | null;
    try {
      url = await this.hooks.prepare();
    } catch {
      url = '';
    }
    if (generation !== this.generation || this.role !== 'follower' || url === null) return;
    this.hello = () => {
      if (generation !== this.generation || this.joined) return;
      clearTimeout(this.helloTimer);
      this.post({ k: 'hello', from: this.id });
      this.helloTimer = setTimeout(() => this.hello(), HELLO_RETRY_MS);
    };
    this.hello();
  }

  /** Follower: asks the leader for its state (again every HELLO_RETRY_MS until adopted). */
  private hello = (): void => undefined;

  private onNote(note: Note<In, Out, Snapshot>): void {
    if (this.role === 'leader') {
      switch (note.k) {
        case 'hello':
          return this.post({ k: 'snapshot', to: note.from, state: this.hooks.snapshot(), online: this.socket.open });
        case 'send': {
          if (!this.socket.send(note.frame)) return;
          const echo = this.hooks.echo(note.frame);
          if (echo) {
            this.hooks.frame(echo);
            this.post({ k: 'frame', frame: echo });
          }
          return;
        }
        case 'flush':
          return this.hooks.flush();
        case 'shared':
          return this.hooks.shared(note.data);
        default:
          return;
      }
    }
    if (this.role !== 'follower') return;
    switch (note.k) {
      case 'snapshot':
        if (note.to !== this.id || this.joined || !this.hooks.adopt(note.state, note.online)) return;
        clearTimeout(this.helloTimer);
        this.joined = true;
        this.leaderOnline = note.online;
        return;
      case 'frame':
        // The leader's socket moved on (its `ready` may bring what adopt waited for): ask now.
        if (!this.joined) return this.hello();
        this.leaderOnline = true;
        return this.hooks.frame(note.frame);
      case 'down':
        if (!this.joined) return;
        this.leaderOnline = false;
        return this.hooks.closed?.(note.code, true);
      case 'leader':
        // A new leader (the old one's tab closed): join it.
        this.joined = false;
        void this.follow();
        return;
      case 'shared':
        return this.hooks.shared(note.data);
      default:
        return;
    }
  }
}
