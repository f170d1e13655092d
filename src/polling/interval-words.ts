import { DateTime } from 'luxon';
import type { FeedRow } from '../db/feeds.ts';
import { formatDuration } from '../duration.ts';

/** An expected rate of new items in words: "about 6 items an hour", "about one item every 3h". */
export function rateWords(perHour: number): string {
  if (perHour >= 1.5) return `about ${Math.round(perHour)} items an hour`;
  if (perHour >= 0.75) return 'about one item an hour';
  if (perHour * 24 * 14 < 1) return 'almost no items';
  const every = Math.round(60 / perHour) * 60_000;
  return `about one item every ${formatDuration(every >= 86_400_000 ? Math.round(every / 3_600_000) * 3_600_000 : every >= 3_600_000 ? Math.round(every / 600_000) * 600_000 : every)}`;
}

/** The hour of the week a moment falls in, in the operator's zone: "Tue 09:00 Asia/Shanghai". */
export function whenWords(at: Date, zone: string): string {
  return `${DateTime.fromJSDate(at, { zone }).toFormat('ccc HH:00')} ${zone}`;
}

/** Why a feed is polled at its interval, before its first poll too. */
export function intervalWords(feed: Pick<FeedRow, 'interval_reason' | 'interval_mode' | 'interval_seconds'>): string {
  if (feed.interval_reason) return feed.interval_reason;
  return feed.interval_mode === 'fixed' ? `fixed at ${formatDuration(feed.interval_seconds * 1000)} (--every)` : 'adaptive: learned from its polls, starting with the first';
}
