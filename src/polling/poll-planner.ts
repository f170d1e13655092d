import type { FeedRhythms } from '../db/feed-rhythms.ts';
import type { FeedRow, PollPlan } from '../db/feeds.ts';
import { formatDuration } from '../duration.ts';
import { jittered } from '../pipeline/backoff.ts';
import { nextInterval, requestWeight, spreadFor, type IntervalBounds } from './interval.ts';
import { rateWords, whenWords } from './interval-words.ts';
import { emptyRhythm, hourlyRates, hourOfWeek, itemsPerWeek, observe, type Rhythm } from './rhythm.ts';

export interface PlannerSettings extends IntervalBounds {
  /** FEED_DEFAULT_INTERVAL: what fixed polling would do, and so what adaptive polling spends in all. */
  defaultIntervalMs: number;
  /** The operator's time zone (AINEWS_TIMEZONE), for the words. */
  zone: string;
}

/** What a poll that worked saw. */
export interface PollReport {
  at: Date;
  /** When the feed's new items appeared (a first poll: when its dated backlog was published). */
  appeared: Date[];
  /** The server's Cache-Control max-age: no poll sooner than that. */
  maxAgeMs: number | null;
}

/** A feed's WebSub subscription: when its hub pushes it, it is polled rarely, as a safety net. */
export interface PushedFeed {
  hub: string;
  pushing: boolean;
  /** What became of the subscription, when the hub does not push. */
  note: string | null;
}

export interface PlannerDeps {
  rhythms: FeedRhythms;
  /** What the adaptive feeds cost in requests together (refreshed with `refresh`). */
  weights: () => Promise<{ sum: number; feeds: number }>;
  /** The feed's WebSub subscription, when it has one. */
  pushState?: (feedId: number) => Promise<PushedFeed | null>;
  /** Runs `work` in one database transaction: a rhythm is read and saved again in one. */
  transaction: <T>(work: () => Promise<T>) => Promise<T>;
  settings: PlannerSettings;
  random?: () => number;
}

/**
 * When each feed is polled next. A fixed feed keeps its interval. An adaptive one learns its rhythm from
 * the polls that worked and is polled by the square-root rule (src/polling/interval.ts), within
 * FEED_MIN_INTERVAL and FEED_MAX_INTERVAL; a feed a hub pushes is polled at FEED_MAX_INTERVAL. Every
 * plan says why in words, for `feeds list`.
 */
export class PollPlanner {
  private spreadHours: number;
  private readonly random: () => number;

  constructor(private readonly deps: PlannerDeps) {
    this.random = deps.random ?? Math.random;
    this.spreadHours = deps.settings.defaultIntervalMs / 3_600_000;
  }

  /** Shares the requests out anew, as the feeds' weights have changed (the scheduler calls it each tick). */
  async refresh(): Promise<void> {
    this.spreadHours = spreadFor(await this.deps.weights(), this.deps.settings.defaultIntervalMs);
  }

  /** Learns from a poll that worked, and plans the next one. */
  async afterPoll(feed: FeedRow, report: PollReport): Promise<PollPlan> {
    const rhythm = await this.learn(feed, report);
    const { settings } = this.deps;
    const rates = hourlyRates(rhythm, report.at);
    const newsRate = rates[hourOfWeek(report.at)]!;
    const weight = requestWeight(rates);
    const base = { newsRate, requestWeight: weight };
    const push = (await this.deps.pushState?.(feed.id)) ?? null;
    const pushWords = push ? `; ${push.pushing ? `pushed by its WebSub hub ${safeHost(push.hub)}` : push.note}` : '';
    if (feed.interval_mode === 'fixed') {
      return this.plan(report, feed.interval_seconds * 1000, `fixed at ${formatDuration(feed.interval_seconds * 1000)} (--every)${pushWords}`, base);
    }
    if (push?.pushing) return this.plan(report, settings.maxMs, `pushed by its WebSub hub ${safeHost(push.hub)}; polled at FEED_MAX_INTERVAL as a safety net`, base);
    const chosen = nextInterval(rates, report.at, this.spreadHours, settings);
    return this.plan(report, chosen, `${this.words(rhythm, rates, report.at, chosen)}${pushWords}`, base);
  }

  /** Learns when new items appeared without planning a poll (a WebSub push). */
  async observe(feed: FeedRow, appeared: Date[], at: Date): Promise<void> {
    if (appeared.length) await this.learn(feed, { at, appeared, maxAgeMs: null });
  }

  /** Adds a report to the feed's stored rhythm; a poll and a push of one feed cannot lose each other's. */
  private learn(feed: FeedRow, report: PollReport): Promise<Rhythm> {
    return this.deps.transaction(async () => {
      await this.deps.rhythms.lock(feed.id);
      const stored = await this.deps.rhythms.get(feed.id);
      const rhythm = observe(stored ?? emptyRhythm(report.at), report.appeared, report.at);
      await this.deps.rhythms.save(feed.id, rhythm);
      return rhythm;
    });
  }

  private plan(report: PollReport, intervalMs: number, reason: string, base: { newsRate: number; requestWeight: number }): PollPlan {
    const maxAge = report.maxAgeMs ?? 0;
    const wait = Math.max(jittered(intervalMs, this.random), maxAge);
    const words = maxAge > intervalMs ? `${reason}; the server's Cache-Control asks for no more than every ${formatDuration(maxAge)}` : reason;
    return { nextPollAt: new Date(report.at.getTime() + wait), intervalSeconds: Math.round(Math.max(intervalMs, maxAge) / 1000), reason: words, ...base };
  }

  private words(rhythm: Rhythm, rates: number[], at: Date, chosenMs: number): string {
    const { settings } = this.deps;
    const watchedMs = at.getTime() - rhythm.since.getTime();
    const now = rates[hourOfWeek(at)]!;
    const expected = `${rateWords(now)} expected at ${whenWords(at, settings.zone)}`;
    const seen = Math.round(rhythm.counts.reduce((a, b) => a + b, 0));
    const habit =
      watchedMs < WEEK_MS
        ? `${expected}; still learning its rhythm (${seen} ${seen === 1 ? 'item' : 'items'} in ${formatDuration(Math.max(60_000, Math.round(watchedMs / 60_000) * 60_000))})`
        : `${expected}, about ${roundly(itemsPerWeek(rhythm, at))} a week`;
    let bound = '';
    if (chosenMs <= settings.minMs) bound = '; at FEED_MIN_INTERVAL';
    else if (chosenMs >= settings.maxMs) bound = '; at FEED_MAX_INTERVAL';
    else if (chosenMs < nextInterval(rates.map(() => now), at, this.spreadHours, settings)) bound = '; sooner, as busier hours are ahead';
    return `adaptive: ${habit}${bound}`;
  }
}

const WEEK_MS = 7 * 86_400_000;

function roundly(count: number): string {
  return count < 10 ? count.toFixed(1) : String(Math.round(count));
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
