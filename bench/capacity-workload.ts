import { seeded } from './random.ts';
import type { ServedFeed, ServedItem } from './sim-feed-server.ts';
import { buildTerms, Fillers, type Term } from './capacity-terms.ts';

/** How big a run is: the issue's numbers are the defaults (`ISSUE_SIZE`). */
export interface CapacitySize {
  feeds: number;
  channels: number;
  watchesPerChannel: number;
  /** Simulated minutes measured. */
  minutes: number;
  /** The share of feeds with new items in each round (one poll interval). */
  newShare: number;
  /** Every feed's poll interval (`--every`): one round. */
  everyMs: number;
}

export const ISSUE_SIZE: CapacitySize = { feeds: 20_000, channels: 5_000, watchesPerChannel: 10, minutes: 10, newShare: 0.05, everyMs: 5 * 60_000 };

export interface CapacityItem extends ServedItem {
  /** The watch terms its title carries (indexes into `Workload.terms`). */
  terms: number[];
  backlog: boolean;
}

export interface CapacityFeed extends ServedFeed {
  items: CapacityItem[];
}

export interface Workload {
  size: CapacitySize;
  terms: Term[];
  feeds: CapacityFeed[];
  /** Channel ids, and the terms each one watches (indexes into `terms`), in the same order. */
  channels: string[];
  watches: number[][];
  /** When feed i is added (and so first due); its first poll stores its backlog. */
  addedAt: (index: number) => number;
  /** The measured window, in simulated time: [start, end). */
  start: number;
  end: number;
  /** Every item by its link. */
  byLink: Map<string, CapacityItem>;
}

const MINUTE_MS = 60_000;
/** The simulated window starts here: a date in the past, as the delivery worker claims by the real clock. */
export const START = Date.UTC(2025, 5, 11, 12);
/** Items each feed lists before its first poll (stored as backlog, no alerts), and how many its document lists. */
const BACKLOG = 1;
const KEEP = 10;
/** Chinese feeds: Chinese titles, which may name the common English names (OpenAI, Nvidia …) too. */
const ZH_SHARE = 0.3;
/** How many watch terms an item's title carries: none 40%, one 40%, two 20%. */
const TERM_COUNTS: [number, number][] = [
  [0, 0.4],
  [1, 0.4],
  [2, 0.2],
];

/**
 * The run's feeds, items and watches, the same for the same size. Feeds are added one after another
 * over the interval before the window, so that their polls are spread evenly over each round as in a
 * bot that has run for a while; each one's first poll, during that warm-up, stores its backlog. In
 * each round of the window, `newShare` of the feeds (drawn anew) publish 1–3 items each, at random
 * moments of the round. Titles are filler words with 0–2 watch terms in them; filler never forms a
 * term, a name or an event word (capacity-terms.ts), so that no two items are told one story and every
 * alert can be predicted from the terms alone.
 */
export function buildWorkload(size: CapacitySize): Workload {
  const random = seeded(2025);
  const terms = buildTerms(random);
  const fillers = new Fillers(terms, random);
  const popularity = zipf(terms.length, random);
  const intervalMs = size.everyMs;
  const start = START;
  const end = start + size.minutes * MINUTE_MS;
  // The last a little over a second before the window: the warm-up's last round polls it.
  const addedAt = (index: number) => start - intervalMs + Math.floor((index * (intervalMs - 2000)) / size.feeds);
  const feeds: CapacityFeed[] = [];
  const byLink = new Map<string, CapacityItem>();
  const item = (feed: CapacityFeed, at: number, backlog: boolean): CapacityItem => {
    const count = pick(TERM_COUNTS, random());
    const chosen = new Set<number>();
    // An English title names English terms; a Chinese one Chinese terms and the common names, which
    // Chinese sites write in Latin letters (any other Latin word there is a name the clusterer would
    // match across languages).
    for (let tries = 0; chosen.size < count && tries < 100; tries++) {
      const rank = popularity();
      const term = terms[rank]!;
      if (feed.zh ? term.lang === 'zh' || term.common : term.lang === 'en') chosen.add(rank);
    }
    const n = feed.items.length;
    const made: CapacityItem = {
      at: Math.floor(at / 1000) * 1000,
      link: `https://feed${feed.index}.example.com/posts/${n}`,
      title: fillers.title(feed.zh, [...chosen].map((rank) => terms[rank]!.text)),
      description: fillers.body(feed.zh),
      terms: [...chosen],
      backlog,
    };
    byLink.set(made.link, made);
    return made;
  };
  for (let index = 0; index < size.feeds; index++) {
    const zh = random() < ZH_SHARE;
    const feed: CapacityFeed = { index, name: `${zh ? '资讯' : 'News'} ${index + 1}`, zh, pushed: false, keep: KEEP, items: [] };
    const firstPoll = addedAt(index);
    for (let k = BACKLOG; k > 0; k--) feed.items.push(item(feed, firstPoll - k * 3_600_000 * (1 + random()), true));
    feeds.push(feed);
  }
  for (let roundStart = start; roundStart < end; roundStart += intervalMs) {
    const length = Math.min(intervalMs, end - roundStart);
    const publishing = Math.round(size.feeds * size.newShare * (length / intervalMs));
    for (const index of sample(size.feeds, publishing, random)) {
      const feed = feeds[index]!;
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) feed.items.push(item(feed, roundStart + random() * length, false));
    }
  }
  for (const feed of feeds) feed.items.sort((a, b) => a.at - b.at);
  const channels = Array.from({ length: size.channels }, (_, c) => `console:capacity-${String(c + 1).padStart(5, '0')}`);
  const perChannel = Math.min(size.watchesPerChannel, terms.length);
  const watches = channels.map(() => {
    const chosen = new Set<number>();
    while (chosen.size < perChannel) chosen.add(popularity());
    return [...chosen];
  });
  return { size, terms, feeds, channels, watches, addedAt, start, end, byLink };
}

/** Channels by the term they watch, for predicting many items' alerts. */
export function watchersByTerm(workload: Workload): string[][] {
  const watchers = workload.terms.map((): string[] => []);
  workload.watches.forEach((watched, c) => watched.forEach((term) => watchers[term]!.push(workload.channels[c]!)));
  return watchers;
}

/**
 * Draws ranks 0…n-1 by popularity: Zipf (s = 1, offset 100), so that the most watched term is watched
 * in about 3% of channels and a long tail of terms in one or two.
 */
function zipf(n: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / (r + 1 + 100);
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function pick(weights: [number, number][], x: number): number {
  let sum = 0;
  for (const [value, weight] of weights) if (x < (sum += weight)) return value;
  return weights.at(-1)![0];
}

/** `count` distinct indexes of 0…n-1. */
function sample(n: number, count: number, random: () => number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(n, count)) chosen.add(Math.floor(random() * n));
  return [...chosen];
}
