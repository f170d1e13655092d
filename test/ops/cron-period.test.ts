import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { cronPeriodMs } from '../../src/ops/cron-period.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('cronPeriodMs', () => {
  it('is the gap between fires of a regular schedule, seconds field included', () => {
    expect(cronPeriodMs('* * * * *')).toBe(MINUTE);
    expect(cronPeriodMs('*/15 * * * *')).toBe(15 * MINUTE);
    expect(cronPeriodMs('*/10 * * * * *')).toBe(10_000);
  });

  it('is the longest gap of an uneven schedule, so that a quiet stretch is not taken for a stall', () => {
    expect(cronPeriodMs('0 9,17 * * *')).toBe(16 * HOUR);
    // Weekdays at nine: Friday to Monday. (A daylight-saving change in between may add an hour.)
    expect(cronPeriodMs('0 9 * * 1-5')).toBeGreaterThanOrEqual(72 * HOUR);
    expect(cronPeriodMs('0 9 * * 1-5')).toBeLessThanOrEqual(73 * HOUR);
  });

  it('leaves no task behind in node-cron', () => {
    const before = cron.getTasks().size;
    cronPeriodMs('*/5 * * * *');
    expect(cron.getTasks().size).toBe(before);
  });
});
