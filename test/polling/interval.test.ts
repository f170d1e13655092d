import { describe, expect, it } from 'vitest';
import { nextInterval, spreadFor } from '../../src/polling/interval.ts';
import { emptyRhythm, hourlyRates, hourOfWeek, observe, type Rhythm } from '../../src/polling/rhythm.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const bounds = { minMs: 2 * MINUTE, maxMs: 2 * HOUR };
/** FEED_DEFAULT_INTERVAL, 15m: a feed bringing one item an hour is polled that often. */
const spread = 0.25;

/** A rhythm learned from `weeks` of history ending at `now`, one appearance at each time `schedule` gives. */
function learned(now: Date, weeks: number, schedule: (start: number, end: number) => number[]): Rhythm {
  const start = now.getTime() - weeks * 7 * DAY;
  let rhythm = emptyRhythm(new Date(start));
  // Learned day by day, as polls would tell it.
  for (let day = start; day < now.getTime(); day += DAY) {
    const end = Math.min(day + DAY, now.getTime());
    rhythm = observe(rhythm, schedule(day, end).map((t) => new Date(t)), new Date(end));
  }
  return rhythm;
}

function interval(rhythm: Rhythm, at: Date): number {
  return nextInterval(hourlyRates(rhythm, at), at, spread, bounds);
}

/** Every `everyMs` on weekdays between two UTC hours. */
function weekdaysBetween(fromHour: number, toHour: number, everyMs: number) {
  return (start: number, end: number) => {
    const times: number[] = [];
    for (let t = Math.ceil(start / everyMs) * everyMs; t < end; t += everyMs) {
      const day = new Date(t).getUTCDay();
      const hour = new Date(t).getUTCHours();
      if (day >= 1 && day <= 5 && hour >= fromHour && hour < toHour) times.push(t);
    }
    return times;
  };
}

describe('hourOfWeek', () => {
  it('counts from Monday 00:00 UTC', () => {
    expect(hourOfWeek(new Date('2026-11-30T00:00:00Z'))).toBe(0);
    expect(hourOfWeek(new Date('2026-12-01T09:30:00Z'))).toBe(24 + 9);
    expect(hourOfWeek(new Date('2026-12-06T23:59:59Z'))).toBe(167);
  });
});

describe('the interval learned from a feed’s history', () => {
  // A Chinese site posting every five minutes from 09:00 to 18:00 Beijing time (01:00–10:00 UTC), weekdays.
  const busy = weekdaysBetween(1, 10, 5 * MINUTE);
  const now = new Date('2026-12-01T03:00:00Z'); // a Tuesday, 11:00 in Beijing

  it('polls a feed often in its busy hours and rarely at night', () => {
    const rhythm = learned(now, 4, busy);
    expect(interval(rhythm, now)).toBeLessThanOrEqual(5 * MINUTE);
    // 03:00 in Beijing: nothing has ever come at this hour.
    const night = new Date('2026-12-01T19:00:00Z');
    expect(interval(learned(night, 4, busy), night)).toBeGreaterThanOrEqual(HOUR);
    expect(interval(learned(night, 4, busy), night)).toBeGreaterThanOrEqual(interval(rhythm, now) * 12);
  });

  it('polls sooner just before the busy hours begin', () => {
    const before = new Date('2026-12-01T00:40:00Z'); // 08:40 in Beijing
    const rhythm = learned(before, 4, busy);
    const quiet = new Date('2026-12-01T20:40:00Z');
    expect(interval(rhythm, before)).toBeLessThanOrEqual(30 * MINUTE);
    expect(interval(learned(quiet, 4, busy), quiet)).toBeGreaterThan(interval(rhythm, before) * 2);
  });

  it('polls a feed that posts twice a week a few times a day, at most', () => {
    // Tuesdays and Fridays at 16:00 UTC, for eight weeks.
    const twice = (start: number, end: number) => {
      const times: number[] = [];
      for (let t = Math.ceil(start / HOUR) * HOUR; t < end; t += HOUR) {
        const d = new Date(t);
        if ((d.getUTCDay() === 2 || d.getUTCDay() === 5) && d.getUTCHours() === 16) times.push(t);
      }
      return times;
    };
    // Follow the schedule it would get for a week (the rhythm as learned at its start).
    const start = new Date('2026-11-30T00:00:00Z');
    const rhythm = learned(start, 8, twice);
    let polls = 0;
    for (let t = start.getTime(); t < start.getTime() + 7 * DAY; polls++) t += interval(rhythm, new Date(t));
    expect(polls / 7).toBeLessThanOrEqual(16);
    expect(polls / 7).toBeGreaterThanOrEqual(12);
    // Most of the time at FEED_MAX_INTERVAL.
    expect(interval(rhythm, new Date('2026-11-30T03:00:00Z'))).toBe(2 * HOUR);
  });

  it('polls a feed never seen at about FEED_DEFAULT_INTERVAL', () => {
    const fresh = emptyRhythm(now);
    const chosen = interval(fresh, now);
    expect(chosen).toBeGreaterThanOrEqual(14 * MINUTE);
    expect(chosen).toBeLessThanOrEqual(16 * MINUTE);
  });

  it('follows a feed that changed its hours, as old habits decay', () => {
    // Six weeks posting at 02:00–04:00 UTC, then four weeks at 14:00–16:00.
    const end = new Date('2026-12-01T00:00:00Z');
    const changed = (start: number, stop: number) =>
      start < end.getTime() - 4 * 7 * DAY ? weekdaysBetween(2, 4, 10 * MINUTE)(start, stop) : weekdaysBetween(14, 16, 10 * MINUTE)(start, stop);
    const rhythm = learned(end, 10, changed);
    const rates = hourlyRates(rhythm, end);
    const tuesday = 24;
    expect(rates[tuesday + 14]!).toBeGreaterThan(rates[tuesday + 2]! * 5);
  });

  it('learns at once from a first poll’s dated backlog', () => {
    // Twenty items in the last hour and forty minutes: this is a busy feed.
    const times = Array.from({ length: 20 }, (_, i) => new Date(now.getTime() - i * 5 * MINUTE));
    const rhythm = observe(emptyRhythm(now), times, now);
    expect(rhythm.since.getTime()).toBe(now.getTime() - 19 * 5 * MINUTE);
    expect(interval(rhythm, now)).toBeLessThan(10 * MINUTE);
  });
});

describe('spreadFor', () => {
  it('spends what fixed polling would, within a quarter of it and all of it', () => {
    expect(spreadFor({ sum: 100, feeds: 100 }, 15 * MINUTE)).toBeCloseTo(0.25);
    expect(spreadFor({ sum: 50, feeds: 100 }, 15 * MINUTE)).toBeCloseTo(0.125);
    expect(spreadFor({ sum: 1, feeds: 100 }, 15 * MINUTE)).toBeCloseTo(0.0625);
    expect(spreadFor({ sum: 300, feeds: 100 }, 15 * MINUTE)).toBeCloseTo(0.25);
    expect(spreadFor({ sum: 0, feeds: 0 }, 15 * MINUTE)).toBeCloseTo(0.25);
  });
});
