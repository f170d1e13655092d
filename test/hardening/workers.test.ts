import { expect, it } from 'vitest';
import { seedFrom } from './random.ts';
import { runWorkerRounds } from './workers-harness.ts';

// A short run in every npm test; `npm run soak -- --workers 3 --db sqlite` runs thirty rounds (CRASH_SEED replays one).
it('three ainews run on one database, one killed at random each round: each alert once and in order, each feed fetched once per due period', async () => {
  const seed = seedFrom('CRASH_SEED');
  console.log(`worker rounds: seed ${seed} (replay with CRASH_SEED=${seed})`);
  const report = await runWorkerRounds({ seed, workers: 3, rounds: 3 });
  console.log(`worker rounds: ${JSON.stringify(report)}`);
  expect(report, `seed ${seed}`).toMatchObject({ integrity: 'ok', lost: 0, duplicated: 0, outOfOrder: 0, unexpected: 0, delivered: report.expected, problems: [] });
  expect(report.fetch, `seed ${seed}`).toMatchObject({ twice: 0, overlapping: 0 });
  // The gateway ran on one worker at a time, and on one again at the end.
  expect(report.mostSessionsAtOnce, `seed ${seed}`).toBe(1);
}, 300_000);
