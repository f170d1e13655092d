import type { Platform } from '../channel-name.ts';

/** What a channel is told about one item. Platforms render it in their own way. */
export interface Alert {
  channel: string;
  itemId: number;
  title: string;
  url: string | null;
  source: string | null;
  publishedAt: string;
  lang: 'zh' | 'en' | 'other';
  /** The item's stored summary, in its own language. */
  summary: string;
  /** The watch that matched, as the channel typed it. */
  watch: string;
  /** Other sources that carry the same story (filled in once stories are clustered). */
  alsoCoveredBy: string[];
}

/** The one thing a platform must provide to deliver alerts: send one, and say the message id it got. */
export interface AlertSender {
  readonly platform: Platform;
  send(alert: Alert): Promise<string>;
}

/**
 * A delivery failed. `permanent` errors (unknown channel, no access) are not retried; others are retried
 * with backoff, not before `retryAfterMs` when the platform said so.
 */
export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    message: string,
    readonly options: { permanent?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}
