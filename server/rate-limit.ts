/**
 * Fixed-window rate limits, kept in this process's memory (per instance: with N instances a
 * client gets at most N times the limit, which still stops floods). One mechanism serves REST
 * routes and socket frames alike, which is why this is not @fastify/rate-limit (REST only).
 */
import { ProtocolError } from '../src/protocol/index.js';

export interface Limit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

/**
 * The defaults; each can be changed in the config file's top-level `limits`
 * (`{ "message": { "max": 600, "window_seconds": 60 } }`): an office or a mobile carrier puts
 * thousands of visitors behind one address, and a load test needs them raised.
 */
export const LIMITS = {
  /** New sessions per client IP (generous: many visitors can share one office NAT). */
  session: { max: 120, windowMs: 60_000 },
  /** identify, identity tokens and profile updates per session. */
  identify: { max: 30, windowMs: 60_000 },
  /** Timeline events per session (`set session:event`). */
  event: { max: 60, windowMs: 60_000 },
  /** Bookings made, moved or cancelled per visitor session (each one holds a host's time). */
  booking: { max: 10, windowMs: 60 * 60_000 },
  /** The same per client IP, all sessions and manage links together. */
  booking_ip: { max: 60, windowMs: 60 * 60_000 },
  /** Messages per session (REST and socket together). */
  message: { max: 60, windowMs: 60_000 },
  /** Visitor messages per client IP, all sessions together (a new session per message gains nothing). */
  message_ip: { max: 600, windowMs: 60_000 },
  /** New conversations per client IP (each one lands in every inbox). */
  conversation_ip: { max: 60, windowMs: 60_000 },
  /** Socket frames of any type (read and ping too) per visitor session or agent sign-in. */
  frame: { max: 300, windowMs: 60_000 },
  /**
   * Typing frames per visitor session or agent sign-in (also counted as frames). Clients send
   * one per TYPING_REFRESH_MS while typing plus a stop: 60 a minute leaves room for both.
   */
  typing: { max: 60, windowMs: 60_000 },
  /** Agent sign-in attempts per client IP. */
  login: { max: 10, windowMs: 60_000 },
  /** Failed sign-ins per agent account, whatever the address (rotating addresses gain nothing). */
  login_account: { max: 10, windowMs: 15 * 60_000 },
  /** Help-center reads per client IP: searches (one per pause in typing), articles, help-site pages. */
  help: { max: 300, windowMs: 60_000 },
} satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

export const LIMIT_NAMES = Object.keys(LIMITS) as LimitName[];

/**
 * Caps on what is open at once (no window): `limits.socket_session` and `limits.socket_ip` in
 * the config file, as `{ "max": N }`.
 */
export const CAPS = {
  /** Open sockets per visitor session or agent sign-in (a few tabs; more is a flood). */
  socket_session: 10,
  /** Open sockets per client IP, visitors and agents together. */
  socket_ip: 500,
  /**
   * Bytes a socket may have queued unsent: a client that does not read (or reads slowly) is
   * disconnected past it rather than growing the server's memory; it catches up on reconnect.
   */
  send_buffer_bytes: 1024 * 1024,
};

export type CapName = keyof typeof CAPS;

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly open = new Map<string, number>();
  private sweeps = 0;

  constructor(
    private readonly now: () => number = Date.now,
    readonly limits: Record<LimitName, Limit> = LIMITS,
    readonly caps: Record<CapName, number> = CAPS,
  ) {}

  /** Throws CONVOT_ERR_RATE_LIMITED when `key` is already at its limit, without counting a hit. */
  check(name: LimitName, key: string): void {
    const limit = this.limits[name];
    const t = this.now();
    const w = this.windows.get(`${name}:${key}`);
    if (w && t - w.start < limit.windowMs && w.count >= limit.max) {
      throw new RateLimited(Math.max(1, Math.ceil((w.start + limit.windowMs - t) / 1000)));
    }
  }

  /** Counts one hit; throws CONVOT_ERR_RATE_LIMITED (with retryAfter seconds) when over. */
  hit(name: LimitName, key: string): void {
    const limit = this.limits[name];
    const t = this.now();
    const k = `${name}:${key}`;
    let w = this.windows.get(k);
    if (!w || t - w.start >= limit.windowMs) {
      w = { start: t, count: 0 };
      this.windows.set(k, w);
    }
    w.count += 1;
    if (++this.sweeps % 1000 === 0) this.sweep(t);
    if (w.count > limit.max) {
      const retryAfter = Math.max(1, Math.ceil((w.start + limit.windowMs - t) / 1000));
      throw new RateLimited(retryAfter);
    }
  }

  /**
   * Counts one open socket under `key` against a cap (socket_session, socket_ip); throws
   * CONVOT_ERR_RATE_LIMITED at the cap. Returns the release to call once, when it closes.
   */
  openSocket(cap: 'socket_session' | 'socket_ip', key: string): () => void {
    const k = `${cap}:${key}`;
    const n = this.open.get(k) ?? 0;
    if (n >= this.caps[cap]) throw new RateLimited(5);
    this.open.set(k, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(k) ?? 1) - 1;
      if (left > 0) this.open.set(k, left);
      else this.open.delete(k);
    };
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start > 10 * 60_000) this.windows.delete(k);
  }
}

export class RateLimited extends ProtocolError {
  constructor(readonly retryAfter: number) {
    super('CONVOT_ERR_RATE_LIMITED', `Too many requests; retry in ${retryAfter} s.`);
  }
}
