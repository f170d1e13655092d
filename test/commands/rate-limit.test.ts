import { describe, expect, it } from 'vitest';
import { CommandRateLimiter } from '../../commands/rate-limit.ts';

describe('CommandRateLimiter', () => {
  it('allows a burst of the per-minute count, then one command per refill, per user', () => {
    let now = 0;
    const limiter = new CommandRateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20_000);
    expect(limiter.take('b')).toBe(0);
    now = 10_000;
    expect(limiter.take('a')).toBe(10_000);
    now = 20_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(20_000);
  });

  it('answers an over-the-limit user with when to try again, and can be turned off', () => {
    expect(new CommandRateLimiter(3).refusal(1500)).toEqual({ kind: 'error', message: 'easy there: at most 3 commands a minute each. Try again in 2 s.', usage: '' });
    const off = new CommandRateLimiter(0);
    expect(Array.from({ length: 100 }, () => off.take('a')).every((wait) => wait === 0)).toBe(true);
  });
});
