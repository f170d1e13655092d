import { expect, it } from 'vitest';
import { fuzzFeeds, fuzzParsers } from './fuzz.ts';
import { seedFrom } from './random.ts';

// Bounded here; `npm run fuzz` runs many more inputs (FUZZ_SEED replays a run).
it('ends every mutated fixture feed as stored items or that feed’s error', async () => {
  const seed = seedFrom('FUZZ_SEED');
  console.log(`feed fuzz seed ${seed}`);
  const report = await fuzzFeeds(seed, 150);
  console.log(`feed fuzz: ${JSON.stringify({ ...report, crashes: report.crashes.length })}`);
  expect(report.crashes, `seed ${report.seed}`).toEqual([]);
  expect(report.stored + report.feedErrors).toBe(report.inputs);
}, 120_000);

it('answers every random query and watch with results or a clear syntax error', async () => {
  const report = await fuzzParsers(seedFrom('FUZZ_SEED'), 2000);
  console.log(`parser fuzz: ${JSON.stringify({ ...report, crashes: report.crashes.length })}`);
  expect(report.crashes, `seed ${report.seed}`).toEqual([]);
});
