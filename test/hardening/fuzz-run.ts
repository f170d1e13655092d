// npm run fuzz: many more mutated feeds and random queries than npm test tries (FUZZ_FEEDS, FUZZ_STRINGS;
// FUZZ_SEED replays a run).
import { fuzzFeeds, fuzzParsers } from './fuzz.ts';
import { seedFrom } from './random.ts';

const seed = seedFrom('FUZZ_SEED');
console.log(`fuzz: seed ${seed} (replay with FUZZ_SEED=${seed})`);
const feeds = await fuzzFeeds(seed, Number(process.env.FUZZ_FEEDS ?? 3000));
console.log(`feeds: ${feeds.inputs} inputs, ${feeds.stored} stored, ${feeds.feedErrors} ended as the feed's error, ${feeds.crashes.length} crashes`);
const parsers = await fuzzParsers(seed, Number(process.env.FUZZ_STRINGS ?? 50_000));
console.log(`queries and watches: ${parsers.inputs} strings, ${parsers.stored} accepted, ${parsers.rejected} refused with a clear error, ${parsers.crashes.length} crashes`);
for (const crash of [...feeds.crashes, ...parsers.crashes].slice(0, 10)) console.log(`  ${crash}`);
process.exitCode = feeds.crashes.length + parsers.crashes.length === 0 ? 0 : 1;
