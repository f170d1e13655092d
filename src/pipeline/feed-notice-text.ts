import type { FeedRow } from '../db/feeds.ts';
import { describeCause, type FailureCause } from '../feeds/failure-cause.ts';

/** `Feed #3 "IT之家" (https://www.ithome.com/rss/)`: the id to act on, and what a person knows it by. */
function feedLabel(feed: Pick<FeedRow, 'id' | 'name' | 'url'>, withUrl: boolean): string {
  if (!feed.name) return `Feed #${feed.id} ${feed.url}`;
  return `Feed #${feed.id} "${feed.name}"${withUrl ? ` (${feed.url})` : ''}`;
}

/** How long something lasted, as people say it: `45s`, `25m`, `5h 12m`, `2d 3h`. */
export function lastedFor(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))}s`;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

/**
 * The notice of a feed failing: which feed, for how long, the cause in words and what to do about it.
 * `feed` is the feed as its failure left it (its failure count, its next poll, disabled or not).
 */
export function failureNotice(feed: FeedRow, cause: FailureCause, lastedMs: number, now: Date): string {
  const polls = feed.consecutive_failures === 1 ? 'its last poll' : `its last ${feed.consecutive_failures} polls`;
  const what = describeCause(cause, { feedId: feed.id, nextPollAt: feed.status === 'disabled' ? null : feed.next_poll_at, now });
  const disabled =
    feed.status === 'disabled' ? ` It is disabled after ${feed.consecutive_failures} failures in a row: "feeds enable ${feed.id}" puts it back once that is fixed.` : '';
  return `${feedLabel(feed, true)} has not worked for ${lastedFor(lastedMs)} (${polls} failed): ${what.replace(/\.$/, '')}.${disabled}`;
}

/** The notice of a feed that works again after an outage that was noticed. */
export function recoveryNotice(feed: Pick<FeedRow, 'id' | 'name' | 'url'>, lastedMs: number): string {
  return `${feedLabel(feed, false)} is back after ${lastedFor(lastedMs)}.`;
}
