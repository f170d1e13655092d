import { describe, expect, it } from 'vitest';
import { checkZone, localDay, nextLocalTime, parseClock, parseWeekday, quietUntil } from '../../src/rhythm/local-time.ts';

const at = (iso: string) => new Date(iso);

describe('local time of a channel', () => {
  it('knows time zones by their IANA names, any case, and refuses what is none', () => {
    expect(checkZone('asia/shanghai')).toBe('Asia/Shanghai');
    expect(checkZone('UTC')).toBe('UTC');
    expect(() => checkZone('Mars/Phobos')).toThrow('Mars/Phobos is not a time zone');
    expect(() => checkZone('')).toThrow('not a time zone');
  });

  it('reads times of day on a 24-hour clock, and days of the week', () => {
    expect(parseClock('9:05')).toBe('09:05');
    expect(parseClock('23:59')).toBe('23:59');
    for (const bad of ['25:00', '24:00', '9h', '09:60', '']) expect(() => parseClock(bad)).toThrow('is not a time of day');
    expect(parseWeekday('mon')).toBe(1);
    expect(parseWeekday('Sunday')).toBe(7);
    expect(() => parseWeekday('someday')).toThrow('not a day of the week');
  });

  it('finds the next local time after an instant, in the zone, on a given weekday', () => {
    // 09:00 in Shanghai is 01:00 UTC.
    expect(nextLocalTime('09:00', 'Asia/Shanghai', at('2026-12-04T00:30:00Z'))).toEqual(at('2026-12-04T01:00:00Z'));
    expect(nextLocalTime('09:00', 'Asia/Shanghai', at('2026-12-04T01:00:00Z'))).toEqual(at('2026-12-05T01:00:00Z'));
    // 2026-12-04 is a Friday: the next Monday 09:00 in Berlin (UTC+1 in winter) is 08:00 UTC on the 7th.
    expect(nextLocalTime('09:00', 'Europe/Berlin', at('2026-12-04T12:00:00Z'), 1)).toEqual(at('2026-12-07T08:00:00Z'));
  });

  it('follows daylight saving time, and takes a skipped local time as the moment after the gap', () => {
    // New York: 09:00 is 14:00 UTC in winter, 13:00 UTC in summer (DST began 2026-03-08).
    expect(nextLocalTime('09:00', 'America/New_York', at('2026-03-07T15:00:00Z'))).toEqual(at('2026-03-08T13:00:00Z'));
    // 02:30 does not exist on 2026-03-08 in New York.
    expect(nextLocalTime('02:30', 'America/New_York', at('2026-03-08T05:00:00Z'))).toEqual(at('2026-03-08T07:30:00Z'));
  });

  it('says until when quiet hours hold, across midnight, and null outside them', () => {
    const quiet = { from: '22:00', to: '08:00' };
    // 23:30 in Shanghai (15:30 UTC): quiet until 08:00 the next morning (00:00 UTC).
    expect(quietUntil(quiet, 'Asia/Shanghai', at('2026-12-04T15:30:00Z'))).toEqual(at('2026-12-05T00:00:00Z'));
    // 07:59 local: still quiet, a minute to go.
    expect(quietUntil(quiet, 'Asia/Shanghai', at('2026-12-04T23:59:00Z'))).toEqual(at('2026-12-05T00:00:00Z'));
    // 08:00 and 21:59 local are outside.
    expect(quietUntil(quiet, 'Asia/Shanghai', at('2026-12-05T00:00:00Z'))).toBeNull();
    expect(quietUntil(quiet, 'Asia/Shanghai', at('2026-12-04T13:59:00Z'))).toBeNull();
    // A span within one day.
    expect(quietUntil({ from: '12:00', to: '13:00' }, 'UTC', at('2026-12-04T12:30:00Z'))).toEqual(at('2026-12-04T13:00:00Z'));
  });

  it('puts an instant on its local calendar day', () => {
    expect(localDay('2026-12-04T17:00:00.000Z', 'Asia/Shanghai')).toBe('2026-12-05');
    expect(localDay('2026-12-04T17:00:00.000Z', 'UTC')).toBe('2026-12-04');
  });
});
