import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchPostgresUrl, capacityBenchmark, CapacityUsageError, parseCapacityArgs, runnerFor } from '../../bench/capacity.ts';
import { reportLines } from '../../bench/capacity-report.ts';
import { runCapacity, type CapacityResult } from '../../bench/capacity-run.ts';
import { ISSUE_SIZE } from '../../bench/capacity-workload.ts';
import { openPostgres } from '../../src/db/postgres/pool.ts';
import { describePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.ts';

/** Every alert the watches call for, sent exactly once, and every item published in time polled. */
function expectExactlyOnce(result: CapacityResult): void {
  expect(result.polls.failed).toBe(0);
  expect(result.items).toBeGreaterThan(0);
  expect(result.unpolled).toBe(0);
  expect(result.mergedStories).toBe(0);
  expect(result.alerts.expected).toBeGreaterThan(0);
  expect(result.alerts).toEqual({ ...result.alerts, queued: result.alerts.expected, delivered: result.alerts.expected, missing: 0, duplicates: 0, unexpected: 0 });
  expect(result.delaysMs).toHaveLength(result.alerts.delivered);
}

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
    expectExactlyOnce(result);
    expect(result.byWorker).toEqual([{ polls: result.polls.total, sent: result.alerts.delivered }]);
    expect(result.pollingRounds.oneWorker).toBe(result.pollingRounds.total);

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

  it('refuses several workers on SQLite, and PostgreSQL without a server to run on, in one line, and runs nothing', async () => {
    expect(runnerFor(parseCapacityArgs([]))).toBe(runCapacity);
    const server = { BENCH_POSTGRES_URL: 'postgres://ainews@127.0.0.1:1/ainews' };
    expect(runnerFor(parseCapacityArgs(['--workers', '3']), server)).toBe(
      'capacity: --workers 3 needs --db postgres (several workers share one database only on PostgreSQL here; SQLite is the single-writer case); nothing was run.',
    );
    for (const args of [['--db', 'postgres'], ['--db', 'postgres', '--workers', '3']]) {
      expect(runnerFor(parseCapacityArgs(args), {})).toMatch(/^capacity: --db postgres needs a PostgreSQL server .*BENCH_POSTGRES_URL \(or AINEWS_TEST_POSTGRES_URL\) is unset; nothing was run\.$/);
      expect(runnerFor(parseCapacityArgs(args), server)).toBeTypeOf('function');
    }
    expect(benchPostgresUrl({ BENCH_POSTGRES_URL: 'postgres://a/b', AINEWS_TEST_POSTGRES_URL: 'postgres://c/d' })).toBe('postgres://a/b');
    expect(benchPostgresUrl({ BENCH_POSTGRES_URL: '', AINEWS_TEST_POSTGRES_URL: 'postgres://c/d' })).toBe('postgres://c/d');
    expect(benchPostgresUrl({})).toBeUndefined();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const logs = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await capacityBenchmark(['--workers', '3']);
    expect(process.exitCode).toBe(2);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('capacity: --workers 3 needs --db postgres'));
    expect(logs).not.toHaveBeenCalled();
  });
});

describePostgres('capacity benchmark', () => {
  // Small: 200 feeds polled every minute, half of them with news, 20 channels, two simulated minutes.
  const size = { feeds: 200, channels: 20, watchesPerChannel: 10, minutes: 2, newShare: 0.5, everyMs: 60_000 };
  const server = TEST_POSTGRES_URL!;

  /** Databases of this process's capacity runs still on the server. */
  async function leftBehind(): Promise<string[]> {
    const pool = openPostgres(server, { max: 1 });
    try {
      const { rows } = await pool.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`ainews_bench_capacity_${process.pid}_%`]);
      return rows.map((row) => row.datname);
    } finally {
      await pool.end();
    }
  }

  it('runs one worker on a database of its own, dropped afterwards, and every alert is sent exactly once', async () => {
    const result = await runCapacity(size, { db: 'postgres', serverUrl: server });
    expect(result).toMatchObject({ db: 'postgres', workers: 1 });
    expect(result.warmup.backlog).toBe(200);
    expectExactlyOnce(result);
    expect(reportLines(result).at(-1)).toMatch(/^capacity: postgres x1 polls\/s [\d.]+ items\/s [\d.]+ alerts\/s [\d.]+ p95 [\d.]+ m?s speed [\d.]+x$/);
    expect(await leftBehind()).toEqual([]);
  }, 60_000);

  it('runs three worker processes on one database, and across them every alert is sent exactly once', async () => {
    const result = await runCapacity(size, { db: 'postgres', serverUrl: server }, 3);
    expect(result).toMatchObject({ db: 'postgres', workers: 3 });
    // Each feed's first poll, by one worker or another.
    expect(result.warmup.backlog).toBe(200);
    expectExactlyOnce(result);
    expect(result.byWorker).toHaveLength(3);
    expect(result.byWorker.reduce((sum, w) => sum + w.polls, 0)).toBe(result.polls.total);
    expect(result.byWorker.reduce((sum, w) => sum + w.sent, 0)).toBe(result.alerts.delivered);
    expect(result.pollingRounds.oneWorker).toBeLessThanOrEqual(result.pollingRounds.total);
    const lines = reportLines(result);
    const byWorker = `  by worker: polls ${result.byWorker.map((w) => w.polls).join(' / ')}, alerts sent ${result.byWorker.map((w) => w.sent).join(' / ')}; `;
    expect(lines.find((line) => line.startsWith(byWorker))).toMatch(/; one worker made all the polls of \d+ of the \d+ rounds that polled; \d+ times a fetch waited for a site another worker was fetching from; each worker was at work \d+% of the window/);
    expect(lines.some((line) => line.startsWith('  where the time went (added up over the 3 workers, which ran side by side): poll '))).toBe(true);
    expect(lines.at(-1)).toMatch(/^capacity: postgres x3 polls\/s [\d.]+ items\/s [\d.]+ alerts\/s [\d.]+ p95 [\d.]+ m?s speed [\d.]+x$/);
    expect(await leftBehind()).toEqual([]);
  }, 90_000);
});
