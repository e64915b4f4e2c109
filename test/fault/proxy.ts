/**
 * A loopback proxy between the browser and the Convot server that injects network faults:
 *
 * - `cut()`: every open connection (HTTP keep-alive and WebSocket) is destroyed at once;
 * - `refuse(true)`: new requests and socket upgrades are dropped without an answer (the
 *   browser sees a connection error), until `refuse(false)`;
 * - `blackhole(true)`: the path goes silently dead: open connections stop moving in both
 *   directions (their bytes are no longer read or written; no close, no reset), and new requests
 *   and upgrades are accepted and then never answered. `blackhole(false)` brings the path back;
 *   connections that were held are reset (that path is gone, as after a NAT or Wi-Fi change);
 * - `delay(ms)`: every request and every WebSocket message waits this long (order kept);
 * - `duplicate(true)`: every client WebSocket message frame and every HTTP POST is forwarded
 *   twice (the copy at once after the original, or side by side for POSTs); the client gets the
 *   first answer.
 *
 * Faults apply to requests whose path matches `scope` (everything by default), so a test can cut
 * the API while the page's own scripts stay reachable (as if cached), or hold one script only.
 * HTTP is forwarded as plain HTTP; WebSockets are forwarded message by message with `ws`, so a
 * frame can be replayed. It records what passed (`log`) for tests to count.
 */
import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

export interface ProxyEvent {
  at: number;
  kind: 'http' | 'http-response' | 'upgrade' | 'ws-open' | 'ws-close' | 'to-server' | 'to-client';
  /** For http-response: the server's status. */
  status?: number;
  path?: string;
  method?: string;
  /** For WebSocket frames: the text. */
  data?: string;
  /** What the proxy did with it. */
  fate?: 'forwarded' | 'refused' | 'held' | 'dropped' | 'duplicated';
}

interface Pair {
  client: WebSocket;
  upstream: WebSocket;
  path: string;
}

/** A path-ordered lane: items leave in arrival order, each no earlier than its own due time. */
class Lane {
  private last: Promise<void> = Promise.resolve();
  push(delayMs: number, fn: () => void): void {
    const due = Date.now() + delayMs;
    this.last = this.last.then(async () => {
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      fn();
    });
  }
}

export class FaultProxy {
  /** Everything that passed, in order. */
  readonly log: ProxyEvent[] = [];
  private readonly sockets = new Set<Socket>();
  /** Sockets of the black-holed path: never read from or written to again. */
  private readonly dead = new WeakSet<Duplex>();
  private readonly held = new Set<Duplex>();
  private readonly pairs = new Set<Pair>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private refusing = false;
  private holing = false;
  private delayMs = 0;
  private duplicating = false;
  private scopeTest: (path: string) => boolean = () => true;

  private constructor(
    private readonly net: NetServer,
    private readonly http: Server,
    readonly port: number,
    /** The server's base URL, e.g. http://127.0.0.1:1234 (a restarted server reuses it). */
    private readonly target: URL,
  ) {}

  /** The proxy's base URL: what the page is told the Convot server is. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(target: string, port = 0): Promise<FaultProxy> {
    const http = createHttpServer();
    http.keepAliveTimeout = 5_000;
    const net = createNetServer();
    await new Promise<void>((resolve, reject) => {
      net.once('error', reject);
      net.listen(port, '127.0.0.1', () => resolve());
    });
    const proxy = new FaultProxy(net, http, (net.address() as { port: number }).port, new URL(target));
    net.on('connection', (s) => proxy.accept(s));
    http.on('request', (req, res) => proxy.onRequest(req, res));
    http.on('upgrade', (req, socket, head) => proxy.onUpgrade(req, socket, head));
    return proxy;
  }

  // ---- fault switches -------------------------------------------------------------------------

  /** Which request paths the faults touch (default: all). */
  scope(test: RegExp | ((path: string) => boolean) | null): this {
    this.scopeTest = test === null ? () => true : test instanceof RegExp ? (p) => test.test(p) : test;
    return this;
  }

  /** Destroys every open connection (in scope: WebSockets whose path matches; HTTP sockets all). */
  cut(): void {
    for (const pair of [...this.pairs]) {
      if (!this.scopeTest(pair.path)) continue;
      pair.client.terminate();
      pair.upstream.terminate();
    }
    for (const s of [...this.sockets]) if (!this.isWs(s)) s.destroy();
  }

  refuse(on: boolean): this {
    this.refusing = on;
    return this;
  }

  /** Cut every connection and refuse new ones: the network is down. */
  down(): void {
    this.refuse(true);
    this.cut();
  }

  /** The network is back. */
  up(): void {
    this.refuse(false);
    this.blackhole(false);
  }

  blackhole(on: boolean): this {
    if (on === this.holing) return this;
    this.holing = on;
    if (on) {
      // Open sockets in scope go silent: nothing read, nothing written, nothing closed.
      for (const pair of this.pairs) {
        if (!this.scopeTest(pair.path)) continue;
        const raw = (pair.client as unknown as { _socket: Socket })._socket;
        raw.pause();
        this.dead.add(raw);
        this.held.add(raw);
      }
    } else {
      for (const s of [...this.held]) s.destroy();
      this.held.clear();
    }
    return this;
  }

  delay(ms: number): this {
    this.delayMs = ms;
    return this;
  }

  duplicate(on: boolean): this {
    this.duplicating = on;
    return this;
  }

  /** Open WebSocket pairs (client side connected through to the server). */
  get openSockets(): number {
    return this.pairs.size;
  }

  /** Events of one kind since a time. */
  count(kind: ProxyEvent['kind'], since = 0, fate?: ProxyEvent['fate']): number {
    return this.log.filter((e) => e.kind === kind && e.at >= since && (fate === undefined || e.fate === fate)).length;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.terminate();
      pair.upstream.terminate();
    }
    for (const s of this.sockets) s.destroy();
    this.wss.close();
    await new Promise<void>((r) => this.net.close(() => r()));
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    this.http.emit('connection', socket);
  }

  private isWs(s: Duplex): boolean {
    for (const pair of this.pairs) if ((pair.client as unknown as { _socket: Duplex })._socket === s) return true;
    return false;
  }

  private note(e: Omit<ProxyEvent, 'at'>): void {
    this.log.push({ at: Date.now(), ...e });
  }

  /** Applies refuse and black-hole to a new request; true when it may go on. */
  private admit(kind: 'http' | 'upgrade', path: string, method: string, socket: Duplex): boolean {
    const inScope = this.scopeTest(path);
    if (inScope && this.holing) {
      this.note({ kind, path, method, fate: 'held' });
      (socket as Socket).pause?.();
      this.dead.add(socket);
      this.held.add(socket);
      return false;
    }
    if (inScope && this.refusing) {
      this.note({ kind, path, method, fate: 'refused' });
      socket.destroy();
      return false;
    }
    this.note({ kind, path, method, fate: inScope && this.duplicating && method === 'POST' ? 'duplicated' : 'forwarded' });
    return true;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    if (!this.admit('http', path, req.method ?? 'GET', req.socket)) return;
    const inScope = this.scopeTest(path);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = (respond: boolean) => {
        const up = httpRequest(
          { host: this.target.hostname, port: this.target.port, method: req.method, path, headers: { ...req.headers, host: this.target.host } },
          (upRes) => {
            this.note({ kind: 'http-response', path, method: req.method, status: upRes.statusCode, fate: respond ? 'forwarded' : 'duplicated' });
            if (!respond) return void upRes.resume();
            const parts: Buffer[] = [];
            upRes.on('data', (c: Buffer) => parts.push(c));
            upRes.on('end', () => {
              if (this.dead.has(req.socket) || res.destroyed) return; // the path died meanwhile
              res.writeHead(upRes.statusCode ?? 502, upRes.headers);
              res.end(Buffer.concat(parts));
            });
            upRes.on('error', () => res.destroy());
          },
        );
        up.on('error', () => {
          if (respond && !this.dead.has(req.socket)) res.destroy(); // the server is down: the client sees a network error
        });
        up.end(body);
      };
      const go = () => {
        if (this.dead.has(req.socket) || req.socket.destroyed) return;
        forward(true);
        if (inScope && this.duplicating && req.method === 'POST') forward(false);
      };
      const delay = inScope ? this.delayMs : 0;
      if (delay > 0) setTimeout(go, delay);
      else go();
    });
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = req.url ?? '/';
    socket.on('error', () => undefined);
    if (!this.admit('upgrade', path, 'GET', socket)) return;
    const inScope = this.scopeTest(path);
    const headers: Record<string, string> = {};
    for (const name of ['origin', 'cookie', 'user-agent', 'accept-language']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const upstream = new WebSocket(`ws://${this.target.host}${path}`, { headers, perMessageDeflate: false });
    const early: { data: RawData; binary: boolean }[] = [];
    upstream.on('message', (data, binary) => early.push({ data, binary }));
    upstream.once('unexpected-response', (_r, res) => {
      if (!socket.destroyed) socket.end(`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      upstream.terminate();
    });
    upstream.once('error', () => socket.destroy());
    upstream.once('open', () => {
      if (socket.destroyed || this.dead.has(socket)) return upstream.terminate();
      this.wss.handleUpgrade(req, socket, head, (client) => this.pair(client, upstream, path, inScope, early));
    });
    socket.once('close', () => {
      if (upstream.readyState !== WebSocket.OPEN) upstream.terminate();
    });
  }

  private pair(client: WebSocket, upstream: WebSocket, path: string, inScope: boolean, early: { data: RawData; binary: boolean }[]): void {
    const pair: Pair = { client, upstream, path };
    this.pairs.add(pair);
    this.note({ kind: 'ws-open', path });
    const raw = (client as unknown as { _socket: Duplex })._socket;
    const toServer = new Lane();
    const toClient = new Lane();
    const text = (d: RawData) => (Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d as ArrayBuffer)).toString('utf8');
    const deliverToClient = (data: RawData, binary: boolean) => {
      if (this.dead.has(raw)) return this.note({ kind: 'to-client', path, data: text(data), fate: 'dropped' });
      toClient.push(inScope ? this.delayMs : 0, () => {
        if (client.readyState !== WebSocket.OPEN || this.dead.has(raw)) return;
        this.note({ kind: 'to-client', path, data: text(data), fate: 'forwarded' });
        client.send(data, { binary });
      });
    };
    upstream.removeAllListeners('message');
    for (const m of early) deliverToClient(m.data, m.binary);
    upstream.on('message', deliverToClient);
    client.on('message', (data, binary) => {
      if (this.dead.has(raw)) return this.note({ kind: 'to-server', path, data: text(data), fate: 'dropped' });
      const twice = inScope && this.duplicating;
      toServer.push(inScope ? this.delayMs : 0, () => {
        if (upstream.readyState !== WebSocket.OPEN) return;
        this.note({ kind: 'to-server', path, data: text(data), fate: twice ? 'duplicated' : 'forwarded' });
        upstream.send(data, { binary });
        if (twice) upstream.send(data, { binary });
      });
    });
    // A close with a code is passed on; an abnormal end (no close frame) ends the other side abruptly too.
    const sendable = (code: number) => code === 1000 || (code >= 3000 && code <= 4999);
    client.on('close', (code, reason) => {
      this.pairs.delete(pair);
      this.note({ kind: 'ws-close', path, data: `client ${code}` });
      if (upstream.readyState === WebSocket.OPEN && sendable(code)) upstream.close(code, reason);
      else upstream.terminate();
    });
    upstream.on('close', (code, reason) => {
      this.note({ kind: 'ws-close', path, data: `server ${code}` });
      // A silently dead path does not carry the close either.
      if (this.dead.has(raw)) return;
      toClient.push(inScope ? this.delayMs : 0, () => {
        if (client.readyState === WebSocket.OPEN && sendable(code)) client.close(code, reason);
        else client.terminate();
      });
    });
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  }
}
