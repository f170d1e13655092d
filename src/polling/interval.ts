import { hourOfWeek, HOURS_OF_WEEK } from './rhythm.ts';

export interface IntervalBounds {
  minMs: number;
  maxMs: number;
}

const HOUR_MS = 3_600_000;
const STEP_MS = 60_000;

/**
 * How long to wait before polling again, given the feed's expected items an hour at each hour of the week.
 *
 * The square-root rule: a feed expected to bring λ items an hour is polled every `spread / √λ` hours,
 * which for a given number of requests makes the average wait for an item shortest (the wait for an
 * item is half the interval, and λ of them wait in each). `spread` is the interval of a feed bringing
 * one item an hour. The rate is not taken at this moment only: the wait ends when √λ, summed minute by
 * minute over the hours ahead, reaches `spread`, so a feed is polled soon before its busy hours begin
 * and not long after its quiet ones start.
 */
export function nextInterval(rates: number[], now: Date, spreadHours: number, bounds: IntervalBounds): number {
  const start = now.getTime();
  let sum = 0;
  for (let waited = 0; waited < bounds.maxMs; waited += STEP_MS) {
    const rate = rates[hourOfWeek(start + waited)]!;
    sum += Math.sqrt(rate) * (STEP_MS / HOUR_MS);
    if (sum >= spreadHours) return Math.max(bounds.minMs, waited + STEP_MS);
  }
  return bounds.maxMs;
}

/** The mean of √λ over the week: what a feed costs in requests under the square-root rule, per unit of spread. */
export function requestWeight(rates: number[]): number {
  let sum = 0;
  for (const rate of rates) sum += Math.sqrt(rate);
  return sum / HOURS_OF_WEEK;
}

/**
 * The spread that has adaptive feeds polled, together, about as often as fixed polling every
 * `defaultIntervalMs` would poll them: the same requests, put where the news is. It is never larger
 * than the default interval (busy feeds are polled at least as often as that rule says), and never
 * smaller than a quarter of it (a few quiet feeds are not polled as if they were busy).
 */
export function spreadFor(weights: { sum: number; feeds: number }, defaultIntervalMs: number): number {
  const defaultHours = defaultIntervalMs / HOUR_MS;
  if (weights.feeds === 0) return defaultHours;
  const ratio = weights.sum / weights.feeds;
  return defaultHours * Math.min(1, Math.max(0.25, ratio));
}
