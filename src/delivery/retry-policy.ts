import { backoffDelay } from '../pipeline/backoff.ts';
import type { PlatformFailure } from './port.ts';

export interface RetrySettings {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long a platform request may take: after that, an attempt can no longer land. */
  sendTimeoutMs: number;
}

/** One failed attempt at an outbox row, as the policy weighs it. */
export interface FailedAttempt {
  failure: PlatformFailure;
  /**
   * Whether posting failed, or the look for an earlier attempt did: then the earlier attempt may still
   * be in the channel, and the message is never posted again before the platform can say.
   */
  stage: 'send' | 'lookup';
  /** Attempts made at the row so far, this one included. */
  attempts: number;
  /** An alert (a fold, a digest, a notice) keeps its channel's order; an update keeps none. */
  row: 'alert' | 'update' | 'fold' | 'digest' | 'notice';
  /** When the attempt went out (for a failed look: the earlier attempt it looked for). */
  startedAt: Date;
}

/**
 * What happens after a failed attempt. `mayHaveLanded`: the message may be in the channel, so the next
 * attempt looks for it first (and a row given up keeps the mark of that attempt).
 */
export type RetryDecision =
  /** Try again at `at`; the channel's next rows go on meanwhile. */
  | { action: 'retry'; at: Date; mayHaveLanded: boolean }
  /** Try again at `at`, and the channel waits until then, so that its alerts keep their order. */
  | { action: 'pause'; at: Date; mayHaveLanded: boolean }
  /** Fail for good: the platform refused, or every attempt allowed was made. */
  | { action: 'give-up'; why: 'refused' | 'out-of-attempts'; mayHaveLanded: boolean }
  /** The bot cannot post to the channel at all. */
  | { action: 'channel-gone' };

/**
 * The retry policy. A retry waits for the exponential backoff, for the platform's Retry-After, and, when
 * the message may have landed, until that attempt can no longer land, so that looking for it first gives
 * a true answer. A failed look is retried even when the platform refused it: the message is not posted
 * again until the platform can say whether the earlier attempt landed.
 */
export function decideRetry(attempt: FailedAttempt, settings: RetrySettings, now: Date): RetryDecision {
  const { failure, stage } = attempt;
  if (failure.kind === 'channel-gone') return { action: 'channel-gone' };
  const mayHaveLanded = stage === 'lookup' || failure.kind === 'outcome-unknown';
  if (stage === 'send' && failure.kind === 'refused') return { action: 'give-up', why: 'refused', mayHaveLanded };
  if (attempt.attempts >= settings.maxAttempts) return { action: 'give-up', why: 'out-of-attempts', mayHaveLanded };
  const retryAfterMs = failure.kind === 'rate-limited' ? failure.retryAfterMs : 0;
  const at = new Date(
    Math.max(
      now.getTime() + backoffDelay(attempt.attempts, { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs }),
      now.getTime() + retryAfterMs,
      mayHaveLanded ? attempt.startedAt.getTime() + settings.sendTimeoutMs : 0,
    ),
  );
  // An update keeps no order with the channel's alerts: only the platform's own Retry-After holds the
  // channel for it.
  if (attempt.row === 'update' && retryAfterMs === 0) return { action: 'retry', at, mayHaveLanded };
  return { action: 'pause', at, mayHaveLanded };
}
