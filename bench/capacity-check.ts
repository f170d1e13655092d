import type { App } from '../src/app.ts';
import type { Delivery } from './capacity-round.ts';
import { watchersByTerm, type Workload } from './capacity-workload.ts';

/** What was sent against what the workload calls for. */
export interface AlertCheck {
  counts: { expected: number; missing: number; duplicates: number; unexpected: number };
  /** Each new item's first sight, by item id: the simulated time of the round that stored it. */
  firstSeen: Map<number, number>;
  /** New items published a poll interval (and its jitter) before the window's end that were never stored. */
  unpolled: number;
  /** Stories of more than one item. */
  mergedStories: number;
  /** The share of new items that matched some channel's watch. */
  matchedShare: number;
}

/**
 * The alerts sent (by every worker, when there are several) against those the workload predicts: for
 * every new item ainews stored, one alert in each channel that watches a term its title carries, sent
 * exactly once. An alert sent twice, by one worker or by two, is a duplicate.
 */
export async function checkAlerts(app: App, workload: Workload, sent: Delivery[]): Promise<AlertCheck> {
  const watchers = watchersByTerm(workload);
  const rows = await app.sql.all<{ id: number; url: string; first_seen_at: string }>('SELECT id, url, first_seen_at FROM items WHERE backlog = false');
  const expected = new Set<string>();
  const firstSeen = new Map<number, number>();
  let matched = 0;
  for (const row of rows) {
    firstSeen.set(row.id, Date.parse(row.first_seen_at));
    const item = workload.byLink.get(row.url);
    if (!item) throw new Error(`capacity: stored an item the feeds do not have: ${row.url}`);
    const channels = new Set(item.terms.flatMap((term) => watchers[term]!));
    if (channels.size) matched++;
    for (const channel of channels) expected.add(`${channel} ${row.id}`);
  }
  const seen = new Set<string>();
  let duplicates = 0;
  let unexpected = 0;
  for (const d of sent) {
    const key = `${d.channel} ${d.itemId}`;
    if (seen.has(key)) duplicates++;
    else if (!expected.has(key)) unexpected++;
    seen.add(key);
  }
  const missing = [...expected].filter((key) => !seen.has(key)).length;
  // The planner's jitter polls a feed up to 10% later than its interval.
  const stored = new Set(rows.map((row) => row.url));
  const pollableBy = workload.end - workload.size.everyMs * 1.1;
  let unpolled = 0;
  for (const feed of workload.feeds) for (const item of feed.items) if (!item.backlog && item.at < pollableBy && !stored.has(item.link)) unpolled++;
  const merged = await app.sql.get<{ n: number }>(
    'SELECT count(*) AS n FROM (SELECT story_id FROM items WHERE story_id IS NOT NULL GROUP BY story_id HAVING count(*) > 1) merged',
  );
  const mergedStories = merged?.n ?? 0;
  return {
    counts: { expected: expected.size, missing, duplicates, unexpected },
    firstSeen,
    unpolled,
    mergedStories,
    matchedShare: rows.length ? matched / rows.length : 0,
  };
}
