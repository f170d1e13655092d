import type { TrendData } from '../charts/trend-chart.ts';
import type { ChannelSettingsStore } from '../db/channel-settings.ts';
import type { TrendItems } from '../db/trend-items.ts';
import type { WatchStore } from '../db/watches.ts';
import { WatchMatcher } from '../match/matcher.ts';
import { lastDays, localDay } from './local-time.ts';

/** The periods a trends chart covers, in days. */
export const TREND_PERIODS = [7, 14, 30] as const;
/** A chart draws this many of a channel's watches at most (the first added). */
export const TREND_WATCHES = 8;

export interface ChannelTrends {
  data: TrendData;
  zone: string;
  /** The channel's watches beyond the ones drawn. */
  leftOut: number;
}

/**
 * Stories per day for each of a channel's watches, over the last `days` local days: the items published
 * then are matched against each watch as routing matches them (any item, whenever it was collected),
 * and each story counts once a day per watch however many outlets carried it.
 */
export class Trends {
  constructor(
    private readonly deps: {
      items: Pick<TrendItems, 'between'>;
      watches: Pick<WatchStore, 'list'>;
      settings: Pick<ChannelSettingsStore, 'get'>;
    },
  ) {}

  async of(channel: string, days: number, now = new Date()): Promise<ChannelTrends> {
    const zone = (await this.deps.settings.get(channel)).timezone;
    const all = await this.deps.watches.list(channel);
    const watches = all.slice(0, TREND_WATCHES);
    const period = lastDays(days, zone, now);
    const index = new Map(period.days.map((day, i) => [day, i]));
    // Each watch as a channel of its own, so that the matcher says every watch that fires, not the first.
    const matcher = new WatchMatcher(watches.map((watch) => ({ ...watch, channel: `trend:${watch.id}` })));
    const seen = watches.map(() => period.days.map(() => new Set<number>()));
    const position = new Map(watches.map((watch, i) => [watch.id, i]));
    for (const item of await this.deps.items.between(period.since, now)) {
      const day = index.get(localDay(item.published_at, zone));
      if (day === undefined) continue;
      const matched = matcher.match({ title: item.title, body: item.body, sources: [item.source_name ?? '', item.source_url ?? ''] });
      for (const watch of matched) seen[position.get(watch.id)!]![day]!.add(item.story_id);
    }
    const data: TrendData = {
      title: `Stories per day, last ${days} days (${zone})`,
      days: period.days,
      series: watches.map((watch, i) => ({ label: watch.query, counts: seen[i]!.map((stories) => stories.size) })),
    };
    return { data, zone, leftOut: all.length - watches.length };
  }
}
