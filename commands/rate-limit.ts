import type { Answer } from './types.ts';

/**
 * A per-user limit on chat commands: a bucket of `perMinute` commands per user, refilled continuously,
 * so that a burst is allowed but a loop or a flood is not. Kept in memory: a restart forgives everyone.
 */
export class CommandRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one command for `user`: 0 when it may run now, else the milliseconds until it may. */
  take(user: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const bucket = this.buckets.get(user) ?? { tokens: this.perMinute, at: now };
    const tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    if (tokens < 1) {
      this.buckets.set(user, { tokens, at: now });
      return Math.ceil(((1 - tokens) * 60_000) / this.perMinute);
    }
    this.buckets.set(user, { tokens: tokens - 1, at: now });
    if (this.buckets.size > 10_000) this.forgetFull(now);
    return 0;
  }

  /** The answer for a user who is over the limit. */
  refusal(waitMs: number): Answer {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return { kind: 'error', message: `easy there: at most ${this.perMinute} commands a minute each. Try again in ${seconds} s.`, usage: '' };
  }

  /** Drops users whose bucket has refilled, so that the map does not grow without end. */
  private forgetFull(now: number): void {
    for (const [user, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000 >= this.perMinute) this.buckets.delete(user);
    }
  }
}
