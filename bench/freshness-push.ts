import type { App } from '../src/app.ts';
import type { FeedRow } from '../src/db/feeds.ts';
import type { SimFeed, SimItem } from './freshness-feeds.ts';

/** A pushed feed as the simulation knows it and as the app stores it. */
export interface PushedFeed {
  sim: SimFeed;
  row: FeedRow;
}

/**
 * THE WEBSUB SEAM. Called for every item of a feed a hub pushes (`SimFeed.pushed`, 20 of the 200)
 * published during the day, at the fake time `at` of its publication, with the app's clock already set
 * to `at`, in both modes. Alerts queued by the time it resolves count as queued at `at`, by push; once
 * any are, the last line gives the pushed feeds' p95 (over all their items in the adaptive run) instead
 * of `pushed: p95 n/a`.
 *
 * To fill in once the subscriber is on this branch: subscribe the feed (on the first call for it, or
 * beside the feeds' adding in runMode; the server names its hub as `<base>/hub`, in the document and
 * in a Link header), then hand the app what the hub would POST to the callback (the feed's document
 * with `item`, signed with the subscription's secret) and wait for the follow-up pass to route it. With
 * the planner told of the push (PlannerDeps.pushedBy), adaptive polling then polls the feed only at
 * FEED_MAX_INTERVAL, as a safety net, and the request counts show it.
 *
 * Until then it does nothing: the pushed feeds are polled like the others.
 */
export async function pushItem(_app: App, _feed: PushedFeed, _item: SimItem, _at: Date): Promise<void> {}
