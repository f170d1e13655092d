import type { FeedFetch } from './soak-feeds.ts';

/** What one channel received, against the alerts expected in it. */
export interface ChannelTally {
  channel: string;
  expected: number;
  /** Expected alerts received at least once. */
  delivered: number;
  lost: number;
  /** Messages beyond the first for one alert. */
  duplicated: number;
  /** First arrivals of an alert after one the outbox queued later in the channel. */
  outOfOrder: number;
  /** Messages that are no expected alert of the channel. */
  unknown: number;
}

/** How many examples of one kind of problem are spelled out. */
const EXAMPLES = 5;

/**
 * Tallies one channel: `received` holds the outbox id of each message, in the order the channel got them;
 * `alerts` maps the channel's alert rows (outbox id) to their item's link; `expected` are the links of
 * the items that must each arrive once. Order is the outbox's: alerts queued earlier arrive earlier.
 * With `repeats`, a message repeated is counted but is no problem (the console's delivery is at least once).
 */
export function tallyChannel(channel: string, expected: string[], received: number[], alerts: Map<number, string>, problems: string[], options: { repeats?: boolean } = {}): ChannelTally {
  const wanted = new Set(expected);
  const times = new Map<string, number>();
  const say = (kind: string, text: string, count: number) => count <= EXAMPLES && problems.push(`${channel}: ${kind}: ${text}`);
  let unknown = 0;
  let outOfOrder = 0;
  let latest = 0;
  for (const id of received) {
    const link = alerts.get(id);
    if (link === undefined || !wanted.has(link)) {
      say('unexpected message', `outbox id ${id} (${link ?? 'no alert of this channel'})`, ++unknown);
      continue;
    }
    times.set(link, (times.get(link) ?? 0) + 1);
    if (times.get(link)! > 1) continue;
    if (id < latest) say('out of order', `alert #${id} arrived after #${latest}`, ++outOfOrder);
    latest = Math.max(latest, id);
  }
  const delivered = expected.filter((link) => times.has(link)).length;
  const lost = expected.filter((link) => !times.has(link));
  lost.slice(0, EXAMPLES).forEach((link) => problems.push(`${channel}: lost: ${link}`));
  const duplicated = [...times.values()].reduce((sum, n) => sum + n - 1, 0);
  if (!options.repeats) [...times].filter(([, n]) => n > 1).slice(0, EXAMPLES).forEach(([link, n]) => problems.push(`${channel}: ${n} messages for ${link}`));
  return { channel, expected: expected.length, delivered, lost: lost.length, duplicated, outOfOrder, unknown };
}

export interface FetchTally {
  fetches: number;
  /** Fetches of a feed beyond the first in one due period. */
  twice: number;
  /** Fetches of a feed that started before its previous fetch had ended. */
  overlapping: number;
}

/**
 * Checks every feed's requests against the moments it was made due (`dueSince[feed]`, in order, the first
 * being the start): at most one fetch starts in each due period, and a fetch starts only once the previous
 * one of its feed has ended. `since` is when the soak began, for the times the problems give.
 */
export function tallyFetches(fetches: FeedFetch[], dueSince: number[][], since: number, problems: string[]): FetchTally {
  const tally: FetchTally = { fetches: fetches.length, twice: 0, overlapping: 0 };
  const seconds = (at: number) => `${((at - since) / 1000).toFixed(1)} s`;
  dueSince.forEach((moments, feed) => {
    const own = fetches.filter((f) => f.feed === feed).sort((a, b) => a.at - b.at);
    const perPeriod = new Map<number, FeedFetch[]>();
    for (const fetch of own) {
      const period = moments.filter((at) => at <= fetch.at).length - 1;
      perPeriod.set(period, [...(perPeriod.get(period) ?? []), fetch]);
    }
    for (const [period, inIt] of perPeriod) {
      if (inIt.length < 2) continue;
      tally.twice += inIt.length - 1;
      if (tally.twice <= EXAMPLES) problems.push(`feed ${feed + 1}: fetched ${inIt.length} times in the due period from ${period === 0 ? 'the start' : seconds(moments[period]!)} (at ${inIt.map((f) => seconds(f.at)).join(', ')})`);
    }
    own.forEach((fetch, i) => {
      const before = own[i - 1];
      if (!before || (before.end !== null && before.end <= fetch.at)) return;
      tally.overlapping++;
      if (tally.overlapping <= EXAMPLES) problems.push(`feed ${feed + 1}: a fetch at ${seconds(fetch.at)} began before the one at ${seconds(before.at)} had ended`);
    });
  });
  return tally;
}
