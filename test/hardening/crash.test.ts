import { expect, it } from 'vitest';
import { runCrashRounds } from './crash-harness.ts';
import { seedFrom } from './random.ts';

// A short run in every npm test; `npm run soak` runs thirty rounds (CRASH_SEED replays one).
it('loses no alert and doubles none when ainews run is killed at random points and restarted', async () => {
  const seed = seedFrom('CRASH_SEED');
  console.log(`crash rounds: seed ${seed} (replay with CRASH_SEED=${seed})`);
  const report = await runCrashRounds({ seed, rounds: 3 });
  console.log(`crash rounds: ${JSON.stringify(report)}`);
  expect(report, `seed ${seed}`).toMatchObject({ integrity: 'ok', lost: 0, duplicated: 0, delivered: report.expected, problems: [] });
}, 150_000);
