import { parseArgs } from 'node:util';
import { formatDuration, parseDuration } from '../src/duration.ts';
import { reportLines, whoRan } from './capacity-report.ts';
import { runCapacity, type Backend, type CapacityResult } from './capacity-run.ts';
import { ISSUE_SIZE, type CapacitySize } from './capacity-workload.ts';

/** What `npm run bench -- capacity [options]` asks for. */
export interface CapacityRequest {
  db: Backend;
  workers: number;
  size: CapacitySize;
}

/** Options that do not make a run, with what is wrong in words. */
export class CapacityUsageError extends Error {
  override name = 'CapacityUsageError';
}

const USAGE =
  'npm run bench -- capacity [--db sqlite|postgres] [--workers N] [--feeds N] [--channels N] [--watches-per-channel N] [--minutes N] [--new-share F] [--every DURATION]';

/** The options; each size defaults to the issue's (ISSUE_SIZE). */
export function parseCapacityArgs(args: string[]): CapacityRequest {
  const text = { type: 'string' } as const;
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: { db: text, workers: text, feeds: text, channels: text, 'watches-per-channel': text, minutes: text, 'new-share': text, every: text },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CapacityUsageError(`capacity: ${(error as Error).message}\nusage: ${USAGE}`);
  }
  const db = values.db ?? 'sqlite';
  if (db !== 'sqlite' && db !== 'postgres') throw new CapacityUsageError(`capacity: --db is sqlite or postgres, not "${db}"`);
  const count = (name: string, fallback: number, max: number) => {
    const given = values[name];
    if (given === undefined) return fallback;
    const n = Number(given);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new CapacityUsageError(`capacity: --${name} is a whole number from 1 to ${max}, not "${given}"`);
    return n;
  };
  const share = values['new-share'] === undefined ? ISSUE_SIZE.newShare : Number(values['new-share']);
  if (!(share > 0 && share <= 1)) throw new CapacityUsageError(`capacity: --new-share is a fraction above 0 and at most 1, not "${values['new-share']}"`);
  const everyMs = values.every === undefined ? ISSUE_SIZE.everyMs : parseDuration(values.every);
  if (everyMs === null || everyMs < 60_000) throw new CapacityUsageError(`capacity: --every is a duration of a minute or more (2m, 5m), not "${values.every}"`);
  return {
    db,
    workers: count('workers', 1, 64),
    size: {
      feeds: count('feeds', ISSUE_SIZE.feeds, 1_000_000),
      channels: count('channels', ISSUE_SIZE.channels, 1_000_000),
      watchesPerChannel: count('watches-per-channel', ISSUE_SIZE.watchesPerChannel, 100),
      minutes: count('minutes', ISSUE_SIZE.minutes, 24 * 60),
      newShare: share,
      everyMs,
    },
  };
}

/**
 * The PostgreSQL server a run may create its database on: BENCH_POSTGRES_URL (as the search benchmark
 * reads it), else the tests' AINEWS_TEST_POSTGRES_URL; undefined when neither is set.
 */
export function benchPostgresUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.BENCH_POSTGRES_URL || env.AINEWS_TEST_POSTGRES_URL || undefined;
}

/**
 * The run a request asks for, or why it cannot be made, in one line. One worker is `runCapacity` in this
 * process, on a SQLite file or on a database of its own on the PostgreSQL server `benchPostgresUrl` names. N
 * workers are N processes on that PostgreSQL database, each with its scheduler and delivery worker, moved
 * round by round to the same simulated time by the run, which then sums their polls and checks every
 * alert was sent once across all of them. Several workers on one SQLite file are not a run here: on one
 * machine SQLite is the single-writer case.
 */
export function runnerFor(request: CapacityRequest, env: NodeJS.ProcessEnv = process.env): ((size: CapacitySize) => Promise<CapacityResult>) | string {
  const { db, workers } = request;
  const postgresUrl = benchPostgresUrl(env);
  if (db === 'sqlite') {
    if (workers === 1) return runCapacity;
    return `capacity: --workers ${workers} needs --db postgres (several workers share one database only on PostgreSQL here; SQLite is the single-writer case); nothing was run.`;
  }
  if (!postgresUrl) return `capacity: --db postgres needs a PostgreSQL server to create its database on: BENCH_POSTGRES_URL (or AINEWS_TEST_POSTGRES_URL) is unset; nothing was run.`;
  return (size) => runCapacity(size, { db, serverUrl: postgresUrl }, workers);
}

/**
 * A capacity simulation: how many polls, items and alerts a second one ainews process (or several, on
 * PostgreSQL) gets through, and how long alerts wait, at the issue's size: 20,000 feeds, 5,000 channels
 * with 50,000 watches, 10 simulated minutes (capacity-run.ts says how the run goes, capacity-workload.ts
 * what it is made of). The last line is for scripts.
 */
export async function capacityBenchmark(args: string[] = []): Promise<void> {
  let request: CapacityRequest;
  try {
    request = parseCapacityArgs(args);
  } catch (error) {
    if (!(error instanceof CapacityUsageError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const run = runnerFor(request);
  if (typeof run === 'string') {
    console.error(run);
    process.exitCode = 2;
    return;
  }
  const { size } = request;
  console.log(
    `capacity (${whoRan(request.db, request.workers)}${request.workers > 1 ? ', each a process of its own' : ''}, ${size.minutes} simulated minutes run flat out): ${size.feeds} feeds polled every ${formatDuration(size.everyMs)} ` +
      `from 127.0.0.1, ${Math.round(size.newShare * 1000) / 10}% of them with new items each round; ${size.channels} channels, ${size.channels * size.watchesPerChannel} watches`,
  );
  for (const line of reportLines(await run(size))) console.log(line);
}
