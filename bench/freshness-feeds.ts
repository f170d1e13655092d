import { DateTime } from 'luxon';
import { seeded } from './random.ts';
import { Vocabulary } from './vocabulary.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The measured day: Wednesday noon to Thursday noon, UTC, so that arXiv's evening batch falls inside it. */
export const DAY_START = Date.UTC(2025, 5, 11, 12);
export const DAY_END = DAY_START + DAY_MS;
/** Words items are made of, drawn uniformly: no two titles are alike enough to be told one story. */
const WORDS = 20_000;
/** The history each feed's rhythm is learned from before the day. */
export const HISTORY_DAYS = 28;

export type FeedClass = 'busy-cn' | 'busy-us' | 'arxiv' | 'medium' | 'lab' | 'silent';

export interface SimItem {
  /** Publication time (ms since the epoch), to the second as RSS dates are. */
  at: number;
  link: string;
  title: string;
  description: string;
}

export interface SimFeed {
  index: number;
  name: string;
  cls: FeedClass;
  zone: string;
  zh: boolean;
  /** Served by a WebSub hub (see freshness-push.ts); polled like the others until the subscriber lands. */
  pushed: boolean;
  /** How many of its newest items its document lists. */
  keep: number;
  /** Every item from the start of the history to the end of the day's grace, oldest first. */
  items: SimItem[];
}

function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let count = 0;
  for (let p = random(); p > limit; p *= random()) count++;
  return count;
}

const uniform = (random: () => number, lo: number, hi: number) => lo + (hi - lo) * random();

/**
 * The local hour and weekday (1 = Monday … 7 = Sunday) of each UTC hour from `firstHour`, computed once
 * per zone: asking luxon for every hour of every feed would take longer than the day's polls.
 */
const localHours = new Map<string, { hour: number; weekday: number }[]>();
function localHour(zone: string, hourIndex: number, firstHour: number): { hour: number; weekday: number } {
  const key = `${zone} ${firstHour}`;
  let hours = localHours.get(key);
  if (!hours) localHours.set(key, (hours = []));
  const cached = hours[hourIndex];
  if (cached) return cached;
  const local = DateTime.fromMillis(firstHour + hourIndex * HOUR_MS, { zone });
  return (hours[hourIndex] = { hour: local.hour, weekday: local.weekday });
}

/** A feed's items an hour at a local hour and weekday. */
type RateAt = (hour: number, weekday: number) => number;

interface ClassSpec {
  cls: FeedClass;
  count: number;
  zones: string[];
  /** A feed of this class, drawn once: its hourly rate by local time, and how its items come. */
  draw(random: () => number): { rate: RateAt; burst: number; keep: number; lastPost?: number };
}

const weekend = (weekday: number) => weekday >= 6;

/**
 * The mix, chosen to look like what an AI-news bot follows, not to suit either way of polling.
 *
 * - busy-cn: Chinese tech-news sites and aggregators (IT之家's AI channel, 36Kr, 量子位, 机器之心 …).
 *   Editors publish from 09:00 to 22:00 Asia/Shanghai, often several items within minutes (a burst:
 *   1 + a geometric number more, mean 2), a trickle before and after, half as much at weekends.
 * - busy-us: US tech news and community aggregators (TechCrunch AI, The Verge, VentureBeat, an HN or
 *   Reddit filter): the same shape in America/Los_Angeles (two in New York), 06:00–20:00, quieter
 *   weekends.
 * - arxiv: arXiv category listings and paper digests: the whole day's batch (20–80 papers) appears at
 *   once at 20:00 America/New_York, Sunday to Thursday, nothing otherwise. Their documents list the
 *   whole batch, as arXiv's do.
 * - medium: company and media blogs, newsletters, smaller news sites in several zones: 1–5 items a
 *   working day in local office hours, a few in the evening, little at weekends.
 * - lab: AI labs' and vendors' blogs (OpenAI, DeepMind, Mistral, Qwen …): 0.5–4 posts a week in office
 *   hours, weekdays only.
 * - silent: personal blogs and dormant projects: a post every 3–14 days at any hour of the local
 *   day; a quarter of them stopped posting 10–40 days before the measured day.
 */
const CLASSES: ClassSpec[] = [
  {
    cls: 'busy-cn',
    count: 12,
    zones: ['Asia/Shanghai'],
    draw: (random) => {
      const peak = uniform(random, 2, 6);
      const rate: RateAt = (hour, weekday) => {
        const base = hour >= 9 && hour < 22 ? peak : hour >= 7 && hour < 24 ? peak / 4 : peak / 20;
        return (weekend(weekday) ? 0.5 : 1) * base;
      };
      return { rate, burst: 0.5, keep: 30 };
    },
  },
  {
    cls: 'busy-us',
    count: 12,
    zones: ['America/Los_Angeles', 'America/Los_Angeles', 'America/Los_Angeles', 'America/Los_Angeles', 'America/Los_Angeles', 'America/New_York'],
    draw: (random) => {
      const peak = uniform(random, 1.5, 5);
      const rate: RateAt = (hour, weekday) => {
        const base = hour >= 6 && hour < 20 ? peak : hour >= 20 ? peak / 4 : peak / 15;
        return (weekend(weekday) ? 0.35 : 1) * base;
      };
      return { rate, burst: 0.5, keep: 30 };
    },
  },
  {
    cls: 'arxiv',
    count: 6,
    zones: ['America/New_York'],
    // The batch is drawn per day in `publish`; the rate only says when (its value is the batch's mean size).
    draw: (random) => {
      const size = uniform(random, 20, 80);
      return { rate: (hour, weekday) => (hour === 20 && (weekday <= 4 || weekday === 7) ? size : 0), burst: 0, keep: 100 };
    },
  },
  {
    cls: 'medium',
    count: 60,
    zones: ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'Asia/Shanghai', 'Asia/Tokyo', 'Asia/Singapore'],
    draw: (random) => {
      const perHour = uniform(random, 1, 5) / 9;
      const rate: RateAt = (hour, weekday) => {
        const base = hour >= 9 && hour < 18 ? perHour : hour >= 18 && hour < 23 ? perHour * 0.15 : 0;
        return (weekend(weekday) ? 0.2 : 1) * base;
      };
      return { rate, burst: 0, keep: 30 };
    },
  },
  {
    cls: 'lab',
    count: 50,
    zones: ['America/Los_Angeles', 'America/Los_Angeles', 'America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Paris', 'Asia/Shanghai'],
    draw: (random) => {
      const perHour = uniform(random, 0.5, 4) / 40;
      return { rate: (hour, weekday) => (!weekend(weekday) && hour >= 9 && hour < 17 ? perHour : 0), burst: 0, keep: 30 };
    },
  },
  {
    cls: 'silent',
    count: 60,
    zones: ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Shanghai', 'Asia/Tokyo'],
    draw: (random) => {
      const perHour = 1 / (uniform(random, 3, 14) * 14);
      const stopped = random() < 0.25 ? DAY_START - uniform(random, 10, 40) * DAY_MS : undefined;
      return { rate: (hour) => (hour >= 8 && hour < 22 ? perHour : 0), burst: 0, keep: 30, ...(stopped === undefined ? {} : { lastPost: stopped }) };
    },
  },
];

/** How many feeds of each class a WebSub hub pushes: hosted blogs (WordPress, Blogger, Medium, Substack) ping hubs. */
const PUSHED: Partial<Record<FeedClass, number>> = { medium: 8, lab: 6, silent: 6 };

/**
 * The 200 feeds and all their items, from the start of the history to `until`, the same on every run.
 * Each feed has its own random stream, so that a change to one class leaves the others' items as they were.
 */
export function simulateFeeds(until: number): SimFeed[] {
  const vocabulary = new Vocabulary(WORDS, 7);
  const first = DAY_START - HISTORY_DAYS * DAY_MS;
  const feeds: SimFeed[] = [];
  for (const spec of CLASSES) {
    const pushedCount = PUSHED[spec.cls] ?? 0;
    // Spread through the class, so that they are in several zones.
    const pushEvery = pushedCount ? Math.floor(spec.count / pushedCount) : 0;
    for (let k = 0; k < spec.count; k++) {
      const index = feeds.length;
      const random = seeded(1000 + index);
      const zone = spec.zones[k % spec.zones.length]!;
      const zh = spec.cls === 'busy-cn' || zone === 'Asia/Shanghai';
      const drawn = spec.draw(random);
      const times = publish(spec.cls, zone, drawn, first, Math.min(until, drawn.lastPost ?? until), random);
      const words = (n: number) => Array.from({ length: n }, () => (zh ? vocabulary.chinese : vocabulary.english)[Math.floor(random() * WORDS)]!);
      const items = times.map((at, n) => ({
        at,
        link: `https://feed${index}.example.com/posts/${n}`,
        title: words(8).join(zh ? '' : ' '),
        description: words(24).join(zh ? '' : ' '),
      }));
      const pushed = pushEvery > 0 && k % pushEvery === 0 && k / pushEvery < pushedCount;
      feeds.push({ index, name: `${spec.cls} ${k + 1}`, cls: spec.cls, zone, zh, pushed, keep: drawn.keep, items });
    }
  }
  return feeds;
}

/** A feed's publication times, hour by hour: Poisson, in bursts for the busy classes, a whole batch for arXiv. */
function publish(cls: FeedClass, zone: string, drawn: { rate: RateAt; burst: number }, first: number, until: number, random: () => number): number[] {
  const times: number[] = [];
  for (let h = 0; first + h * HOUR_MS < until; h++) {
    const { hour, weekday } = localHour(zone, h, first);
    const rate = drawn.rate(hour, weekday);
    if (rate <= 0) continue;
    const hourStart = first + h * HOUR_MS;
    if (cls === 'arxiv') {
      const size = Math.round(rate * uniform(random, 0.7, 1.3));
      times.push(...new Array<number>(size).fill(hourStart));
      continue;
    }
    // Bursts: each starts a run of 1 + Geometric(burst) items a few minutes apart; the mean stays `rate`.
    const meanSize = 1 / (1 - drawn.burst);
    for (let b = poisson(rate / meanSize, random); b > 0; b--) {
      let at = hourStart + Math.floor(random() * HOUR_MS);
      times.push(at);
      while (random() < drawn.burst) times.push((at += Math.floor(uniform(random, 60, 300)) * 1000));
    }
  }
  return times.map((at) => Math.floor(at / 1000) * 1000).filter((at) => at < until).sort((a, b) => a - b);
}
