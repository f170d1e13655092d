/**
 * A feed's rhythm: when its new items appear, by hour of the week (UTC), with older appearances counting
 * for less. One count per hour of the week (168), each decayed with a half-life of a week, so a feed
 * that changes its habits is followed within two or three; and the time it has been watched since, from which
 * how long each hour of the week was watched follows.
 */
export interface Rhythm {
  /** Items seen in each hour of the week (0 = Monday 00:00–01:00 UTC), decayed to `countedAt`. */
  counts: number[];
  countedAt: Date;
  /** Since when the feed's appearances are known (its oldest dated item, or its first poll). */
  since: Date;
}

export const HOURS_OF_WEEK = 168;
const HOUR_MS = 3_600_000;
export const HALF_LIFE_MS = 7 * 86_400_000;
/** Watched time older than this weighs less than 1/250 and is not counted. */
const MEMORY_MS = 8 * 7 * 86_400_000;

/** The hour of the week a moment falls in, Monday 00:00 UTC being 0. */
export function hourOfWeek(at: Date | number): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  const hours = Math.floor(ms / HOUR_MS);
  // 1970-01-01 was a Thursday: hour 0 of the epoch is hour 72 of its week.
  return (hours + 72) % HOURS_OF_WEEK;
}

function decay(ms: number): number {
  return 2 ** (-Math.max(0, ms) / HALF_LIFE_MS);
}

export function emptyRhythm(since: Date): Rhythm {
  return { counts: new Array<number>(HOURS_OF_WEEK).fill(0), countedAt: since, since };
}

/**
 * The rhythm with new appearances added, decayed to `now`. Times before the rhythm's start move its
 * start back (a first poll's backlog tells of the weeks before it), but never further than memory goes;
 * times after `now` count as `now`.
 */
export function observe(rhythm: Rhythm, times: Date[], now: Date): Rhythm {
  const nowMs = now.getTime();
  const factor = decay(nowMs - rhythm.countedAt.getTime());
  const counts = rhythm.counts.map((count) => count * factor);
  let since = Math.min(rhythm.since.getTime(), nowMs);
  for (const time of times) {
    const at = Math.min(time.getTime(), nowMs);
    if (nowMs - at > MEMORY_MS) continue;
    since = Math.min(since, at);
    counts[hourOfWeek(at)]! += decay(nowMs - at);
  }
  return { counts, countedAt: now, since: new Date(since) };
}

/** How long each hour of the week was watched, in hours, decayed as the counts are. */
export function exposure(rhythm: Rhythm, now: Date): number[] {
  const hours = new Array<number>(HOURS_OF_WEEK).fill(0);
  const end = now.getTime();
  const start = Math.max(rhythm.since.getTime(), end - MEMORY_MS);
  const step = decay(HOUR_MS);
  let weight = 1;
  // Backwards from now, one hour (or the part of one) at a time.
  for (let to = end; to > start; ) {
    const hourStart = Math.floor((to - 1) / HOUR_MS) * HOUR_MS;
    const from = Math.max(hourStart, start);
    hours[hourOfWeek(from)]! += ((to - from) / HOUR_MS) * weight;
    weight *= step;
    to = from;
  }
  return hours;
}

/** Counts decayed to `now`. */
function countsAt(rhythm: Rhythm, now: Date): number[] {
  const factor = decay(now.getTime() - rhythm.countedAt.getTime());
  return rhythm.counts.map((count) => count * factor);
}

/** What a feed never watched is taken to do: one item an hour, worth two hours of watching. */
const PRIOR_RATE = 1;
const PRIOR_HOURS = 2;
/**
 * What an hour of the day's estimate (pooled over the week) starts from: the feed's overall rate, worth
 * half an item; and an hour of the week's, its hour of the day's, worth a quarter of one. A prior worth items
 * rather than hours of watching lets hours watched for weeks without an item come out near zero, in a
 * busy feed too.
 */
const DAY_PRIOR_ITEMS = 0.5;
const WEEK_PRIOR_ITEMS = 0.25;

/** Counts over watched hours, starting from `prior` worth `items`. */
function estimate(count: number, watched: number, prior: number, items: number): number {
  return (count + items) / (watched + items / Math.max(prior, 1e-6));
}

/**
 * The expected number of new items an hour, for each hour of the week. Each hour's estimate leans on
 * its neighbours, on the same hour of the other days and on the feed's overall rate, as far as its own
 * watching is thin: a feed seen for a day is expected to do each day what it did that day, and a feed
 * seen for weeks has its weekdays told apart from its weekends.
 */
export function hourlyRates(rhythm: Rhythm, now: Date): number[] {
  const counts = countsAt(rhythm, now);
  const watched = exposure(rhythm, now);
  const total = counts.reduce((a, b) => a + b, 0);
  const totalWatched = watched.reduce((a, b) => a + b, 0);
  const overall = (total + PRIOR_RATE * PRIOR_HOURS) / (totalWatched + PRIOR_HOURS);
  const daily: number[] = [];
  for (let hour = 0; hour < 24; hour++) {
    let count = 0;
    let time = 0;
    for (let day = 0; day < 7; day++) {
      count += counts[hour + 24 * day]!;
      time += watched[hour + 24 * day]!;
    }
    daily.push(estimate(count, time, overall, DAY_PRIOR_ITEMS));
  }
  const smooth = (values: number[], h: number) =>
    0.25 * values[(h + HOURS_OF_WEEK - 1) % HOURS_OF_WEEK]! + 0.5 * values[h]! + 0.25 * values[(h + 1) % HOURS_OF_WEEK]!;
  return Array.from({ length: HOURS_OF_WEEK }, (_, h) => estimate(smooth(counts, h), smooth(watched, h), daily[h % 24]!, WEEK_PRIOR_ITEMS));
}

/** The feed's items a week, decayed, as the rhythm last counted them: for words, not for scheduling. */
export function itemsPerWeek(rhythm: Rhythm, now: Date): number {
  const total = countsAt(rhythm, now).reduce((a, b) => a + b, 0);
  const watched = exposure(rhythm, now).reduce((a, b) => a + b, 0);
  return watched > 0 ? (total / watched) * HOURS_OF_WEEK : 0;
}
