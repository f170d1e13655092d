import { describe, expect, it } from 'vitest';
import type { PlatformFailure } from '../../src/delivery/port.ts';
import { decideRetry, type FailedAttempt, type RetrySettings } from '../../src/delivery/retry-policy.ts';

const settings: RetrySettings = { maxAttempts: 4, backoffBaseMs: 30_000, backoffMaxMs: 3_600_000, sendTimeoutMs: 10_000 };
const now = new Date('2025-08-07T12:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const attempt = (failure: PlatformFailure, overrides: Partial<FailedAttempt> = {}): FailedAttempt => ({
  failure,
  stage: 'send',
  attempts: 1,
  row: 'alert',
  startedAt: now,
  ...overrides,
});

describe('decideRetry', () => {
  it('pauses the channel behind an alert until its backoff, which doubles with each attempt and is capped', () => {
    expect(decideRetry(attempt({ kind: 'transient' }), settings, now)).toEqual({ action: 'pause', at: at(30_000), mayHaveLanded: false });
    expect(decideRetry(attempt({ kind: 'transient' }, { attempts: 3 }), settings, now)).toEqual({ action: 'pause', at: at(120_000), mayHaveLanded: false });
    const capped = { ...settings, maxAttempts: 20, backoffMaxMs: 60_000 };
    expect(decideRetry(attempt({ kind: 'transient' }, { attempts: 10 }), capped, now)).toMatchObject({ at: at(60_000) });
  });

  it("waits for the platform's Retry-After when it is longer than the backoff, and not when it is shorter", () => {
    expect(decideRetry(attempt({ kind: 'rate-limited', retryAfterMs: 90_000 }), settings, now)).toEqual({ action: 'pause', at: at(90_000), mayHaveLanded: false });
    expect(decideRetry(attempt({ kind: 'rate-limited', retryAfterMs: 1000 }), settings, now)).toMatchObject({ at: at(30_000) });
  });

  it('retries an attempt that may have landed only once it can no longer land, and looks for it first', () => {
    const slow = { ...settings, backoffBaseMs: 1000, sendTimeoutMs: 10_000 };
    const startedAt = new Date(now.getTime() - 4000);
    expect(decideRetry(attempt({ kind: 'outcome-unknown' }, { startedAt }), slow, now)).toEqual({ action: 'pause', at: at(6000), mayHaveLanded: true });
    // Long past its timeout: the backoff alone decides.
    expect(decideRetry(attempt({ kind: 'outcome-unknown' }, { startedAt: new Date(0) }), slow, now)).toMatchObject({ at: at(1000), mayHaveLanded: true });
  });

  it('gives up at once on a refusal, and after the last attempt on anything else', () => {
    expect(decideRetry(attempt({ kind: 'refused' }), settings, now)).toEqual({ action: 'give-up', why: 'refused', mayHaveLanded: false });
    expect(decideRetry(attempt({ kind: 'transient' }, { attempts: 4 }), settings, now)).toEqual({ action: 'give-up', why: 'out-of-attempts', mayHaveLanded: false });
    expect(decideRetry(attempt({ kind: 'outcome-unknown' }, { attempts: 4 }), settings, now)).toEqual({ action: 'give-up', why: 'out-of-attempts', mayHaveLanded: true });
    expect(decideRetry(attempt({ kind: 'rate-limited', retryAfterMs: 1000 }, { attempts: 5 }), settings, now)).toMatchObject({ action: 'give-up', why: 'out-of-attempts' });
  });

  it('keeps retrying a failed look for an earlier attempt, even refused, and never as if nothing had landed', () => {
    const lookup = { stage: 'lookup' as const, startedAt: new Date(0) };
    expect(decideRetry(attempt({ kind: 'refused' }, lookup), settings, now)).toEqual({ action: 'pause', at: at(30_000), mayHaveLanded: true });
    expect(decideRetry(attempt({ kind: 'transient' }, lookup), settings, now)).toMatchObject({ action: 'pause', mayHaveLanded: true });
    expect(decideRetry(attempt({ kind: 'refused' }, { ...lookup, attempts: 4 }), settings, now)).toEqual({ action: 'give-up', why: 'out-of-attempts', mayHaveLanded: true });
  });

  it('says a channel is gone whatever the attempt, so that its alerts are not retried one by one', () => {
    expect(decideRetry(attempt({ kind: 'channel-gone' }), settings, now)).toEqual({ action: 'channel-gone' });
    expect(decideRetry(attempt({ kind: 'channel-gone' }, { attempts: 4, stage: 'lookup' }), settings, now)).toEqual({ action: 'channel-gone' });
  });

  it("lets an update be retried without holding the channel, unless the platform asked the channel to wait", () => {
    const update = { row: 'update' as const };
    expect(decideRetry(attempt({ kind: 'transient' }, update), settings, now)).toEqual({ action: 'retry', at: at(30_000), mayHaveLanded: false });
    expect(decideRetry(attempt({ kind: 'outcome-unknown' }, update), settings, now)).toMatchObject({ action: 'retry', mayHaveLanded: true });
    expect(decideRetry(attempt({ kind: 'rate-limited', retryAfterMs: 90_000 }, update), settings, now)).toEqual({ action: 'pause', at: at(90_000), mayHaveLanded: false });
  });
});
