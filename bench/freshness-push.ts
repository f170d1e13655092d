import type { App } from '../src/app.ts';
import type { FeedRow } from '../src/db/feeds.ts';
import type { SimFeed, SimItem } from './freshness-feeds.ts';

/** A pushed feed as the simulation knows it and as the app stores it. */
export interface PushedFeed {
  sim: SimFeed;
  row: FeedRow;
}

/**
 * THE WEBSUB SEAM. Called for every item of a feed a hub pushes (`SimFeed.pushed`, 20 of the 200), at
 * the fake time `at` its item is published, with the app's clock already set to `at`; alerts the call
 * queues are counted as queued at `at`. Both modes call it.
 *
 * To fill in once the subscriber is on this branch: subscribe the feed at the start of the day (the
 * server names the hub as `<base>/hub`, in the document and a Link header), then here hand the app what
 * the hub would POST to the callback (the feed's document with `item`, signed with the subscription's
 * secret) and return true. The planner then polls the feed at FEED_MAX_INTERVAL as a safety net
 * (PlannerDeps.pushedBy), so the request counts change too.
 *
 * Returns whether the item was pushed; false until then, and the bench prints `pushed: p95 n/a`.
 */
export async function pushItem(_app: App, _feed: PushedFeed, _item: SimItem, _at: Date): Promise<boolean> {
  return false;
}
