import { capacityBenchmark } from './capacity.ts';
import { clusterBenchmark } from './cluster.ts';
import { digestBenchmark } from './digest.ts';
import { freshnessBenchmark } from './freshness.ts';
import { ingestBenchmark } from './ingest.ts';
import { matchBenchmark } from './match.ts';
import { outboxBenchmark } from './outbox.ts';
import { pruneBenchmark } from './prune.ts';
import { searchBenchmark } from './search.ts';
import { summarizeBenchmark } from './summarize.ts';

// `npm run bench` runs them all; `npm run bench -- search` (or ingest, summarize, match, cluster, outbox, digest, prune, freshness, capacity) runs one.
// Options after the names go to the benchmarks that take them: `npm run bench -- capacity --feeds 2000`.
const args = process.argv.slice(2);
const firstOption = args.findIndex((arg) => arg.startsWith('--'));
const only = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);
const all: Record<string, (options: string[]) => Promise<void>> = {
  ingest: ingestBenchmark,
  summarize: summarizeBenchmark,
  match: matchBenchmark,
  search: searchBenchmark,
  cluster: clusterBenchmark,
  outbox: outboxBenchmark,
  digest: digestBenchmark,
  prune: pruneBenchmark,
  freshness: freshnessBenchmark,
  capacity: capacityBenchmark,
};
for (const [name, run] of Object.entries(all)) {
  if (only.length && !only.includes(name)) continue;
  await run(options);
  console.log();
}
