import { parseArgs } from 'node:util';
import { formatDuration, parseDuration } from '../src/duration.ts';
import { reportLines } from './capacity-report.ts';
import { runCapacity, type CapacityResult } from './capacity-run.ts';
import { ISSUE_SIZE, type CapacitySize } from './capacity-workload.ts';

export type Backend = 'sqlite' | 'postgres';

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
 * The run a request asks for, or why it cannot be made yet. Only one worker on SQLite exists: the
 * PostgreSQL runs plug in here, once ainews's stores run on PostgreSQL. One worker on PostgreSQL is
 * `runCapacity` with the app opened on a throwaway PostgreSQL database (`npm run pg:start`,
 * AINEWS_TEST_POSTGRES_URL) instead of the SQLite file. N workers are N processes on that database,
 * each with its scheduler and delivery worker, moved round by round to the same simulated time by the
 * run, which then sums their polls and checks every alert was sent once across all of them.
 */
export function runnerFor(request: CapacityRequest): ((size: CapacitySize) => Promise<CapacityResult>) | string {
  if (request.db === 'sqlite' && request.workers === 1) return runCapacity;
  const asked = `--db ${request.db}${request.workers > 1 ? ` --workers ${request.workers}` : ''}`;
  const why =
    request.db === 'sqlite'
      ? 'several workers share one database only on PostgreSQL'
      : "ainews's stores run on SQLite only for now, and the PostgreSQL port is not finished";
  return `capacity: ${asked} needs the PostgreSQL worker build (${why}); nothing was run. Run it again without --db and --workers for one worker on SQLite.`;
}

/**
 * A capacity simulation: how many polls, items and alerts a second one ainews process gets through,
 * and how long alerts wait, at the issue's size: 20,000 feeds, 5,000 channels with 50,000 watches, 10
 * simulated minutes (capacity-run.ts says how the run goes, capacity-workload.ts what it is made of).
 * The last line is for scripts.
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
    `capacity (one worker on SQLite, ${size.minutes} simulated minutes run flat out): ${size.feeds} feeds polled every ${formatDuration(size.everyMs)} ` +
      `from 127.0.0.1, ${Math.round(size.newShare * 1000) / 10}% of them with new items each round; ${size.channels} channels, ${size.channels * size.watchesPerChannel} watches`,
  );
  for (const line of reportLines(await run(size))) console.log(line);
}
