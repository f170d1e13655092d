import { expect, it } from 'vitest';
import { describePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.ts';
import { seedFrom } from './random.ts';
import { runWorkerRounds, type SoakBackend } from './workers-harness.ts';

// A short run in every npm test; `npm run soak -- --workers 3 --db sqlite|postgres` runs thirty rounds (CRASH_SEED replays one).
const NAME = 'three ainews run on one database, one killed at random each round: each alert once and in order, each feed fetched once per due period';
/** Three rounds take under a minute; the bound leaves room for the harness's own waits for the last alerts and the gateway. */
const TIMEOUT_MS = 300_000;

async function threeRounds(backend: SoakBackend, integrity: string): Promise<void> {
  const seed = seedFrom('CRASH_SEED');
  console.log(`worker rounds on ${backend.kind}: seed ${seed} (replay with CRASH_SEED=${seed})`);
  const report = await runWorkerRounds({ seed, workers: 3, rounds: 3, backend });
  console.log(`worker rounds on ${backend.kind}: ${JSON.stringify(report)}`);
  expect(report, `seed ${seed}`).toMatchObject({ integrity, lost: 0, duplicated: 0, outOfOrder: 0, unexpected: 0, delivered: report.expected, problems: [] });
  expect(report.fetch, `seed ${seed}`).toMatchObject({ twice: 0, overlapping: 0 });
  // The gateway ran on one worker at a time, and on one again at the end.
  expect(report.mostSessionsAtOnce, `seed ${seed}`).toBe(1);
}

it(NAME, () => threeRounds({ kind: 'sqlite' }, 'ok'), TIMEOUT_MS);

describePostgres('workers', () => {
  // integrity_check is SQLite's: on PostgreSQL the soak reports n/a (SoakDatabase.integrity says why).
  it(NAME, () => threeRounds({ kind: 'postgres', server: TEST_POSTGRES_URL! }, 'n/a'), TIMEOUT_MS);
});
