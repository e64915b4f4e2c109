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

export const LIMITS = {
  /** New sessions per client IP (generous: many visitors can share one office NAT). */
  session: { max: 120, windowMs: 60_000 },
  /** identify, identity tokens and profile updates per session. */
  identify: { max: 30, windowMs: 60_000 },
  /** Timeline events per session (`set session:event`). */
  event: { max: 60, windowMs: 60_000 },
  /** Messages per session (REST and socket together). */
  message: { max: 60, windowMs: 60_000 },
  /** Agent sign-in attempts per client IP. */
  login: { max: 10, windowMs: 60_000 },
} satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private sweeps = 0;

  constructor(
    private readonly now: () => number = Date.now,
    readonly limits: Record<LimitName, Limit> = LIMITS,
  ) {}

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

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start > 10 * 60_000) this.windows.delete(k);
  }
}

export class RateLimited extends ProtocolError {
  constructor(readonly retryAfter: number) {
    super('CONVOT_ERR_RATE_LIMITED', `Too many requests; retry in ${retryAfter} s.`);
  }
}
