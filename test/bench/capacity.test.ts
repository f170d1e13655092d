import { afterEach, describe, expect, it, vi } from 'vitest';
import { capacityBenchmark, CapacityUsageError, parseCapacityArgs, runnerFor } from '../../bench/capacity.ts';
import { reportLines } from '../../bench/capacity-report.ts';
import { runCapacity } from '../../bench/capacity-run.ts';
import { ISSUE_SIZE } from '../../bench/capacity-workload.ts';

describe('capacity benchmark', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('runs a small workload through the real app, and every alert the watches call for is sent exactly once', async () => {
    const result = await runCapacity({ feeds: 60, channels: 40, watchesPerChannel: 10, minutes: 4, newShare: 0.3, everyMs: 120_000 });
    // Every feed is polled once in the warm-up, then every two minutes (±10%) through the four.
    expect(result.warmup.polls).toBeGreaterThanOrEqual(60);
    expect(result.warmup.backlog).toBe(60);
    expect(result.polls.total).toBeGreaterThanOrEqual(60 * 2 - 6);
    expect(result.polls.failed).toBe(0);
    expect(result.items).toBeGreaterThan(0);
    expect(result.unpolled).toBe(0);
    expect(result.mergedStories).toBe(0);
    expect(result.alerts.expected).toBeGreaterThan(0);
    expect(result.alerts).toEqual({ ...result.alerts, queued: result.alerts.expected, delivered: result.alerts.expected, missing: 0, duplicates: 0, unexpected: 0 });
    expect(result.delaysMs).toHaveLength(result.alerts.delivered);

    const lines = reportLines(result);
    expect(lines.some((line) => line.startsWith('  check: every item published in time was polled, and every expected alert sent exactly once'))).toBe(true);
    expect(lines.some((line) => line.startsWith('  where the time went: poll '))).toBe(true);
    expect(lines.some((line) => line.startsWith('  closing note: one worker on SQLite '))).toBe(true);
    expect(lines.at(-1)).toMatch(/^capacity: sqlite x1 polls\/s [\d.]+ items\/s [\d.]+ alerts\/s [\d.]+ p95 [\d.]+ m?s speed [\d.]+x$/);
  });

  it("takes the issue's size by default, and options to change it", () => {
    expect(parseCapacityArgs([])).toEqual({ db: 'sqlite', workers: 1, size: ISSUE_SIZE });
    expect(parseCapacityArgs(['--feeds', '2000', '--new-share', '0.25', '--every', '2m']).size).toEqual({ ...ISSUE_SIZE, feeds: 2000, newShare: 0.25, everyMs: 120_000 });
    expect(() => parseCapacityArgs(['--db', 'mysql'])).toThrow(CapacityUsageError);
    expect(() => parseCapacityArgs(['--every', '30s'])).toThrow(/a minute or more/);
    expect(() => parseCapacityArgs(['--feeds', '0'])).toThrow(/--feeds is a whole number/);
    expect(() => parseCapacityArgs(['--size', '3'])).toThrow(/usage: npm run bench -- capacity/);
  });

  it('refuses PostgreSQL and several workers, which need the PostgreSQL worker build, and runs nothing', async () => {
    expect(runnerFor(parseCapacityArgs([]))).toBe(runCapacity);
    for (const args of [['--db', 'postgres'], ['--db', 'postgres', '--workers', '3'], ['--workers', '3']]) {
      expect(runnerFor(parseCapacityArgs(args))).toMatch(/needs the PostgreSQL worker build .*; nothing was run/);
    }
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const logs = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await capacityBenchmark(['--db', 'postgres', '--workers', '3']);
    expect(process.exitCode).toBe(2);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('capacity: --db postgres --workers 3 needs the PostgreSQL worker build'));
    expect(logs).not.toHaveBeenCalled();
  });
});
