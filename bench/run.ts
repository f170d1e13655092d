import { clusterBenchmark } from './cluster.ts';
import { digestBenchmark } from './digest.ts';
import { freshnessBenchmark } from './freshness.ts';
import { ingestBenchmark } from './ingest.ts';
import { matchBenchmark } from './match.ts';
import { outboxBenchmark } from './outbox.ts';
import { pruneBenchmark } from './prune.ts';
import { searchBenchmark } from './search.ts';
import { summarizeBenchmark } from './summarize.ts';

// `npm run bench` runs them all; `npm run bench -- search` (or ingest, summarize, match, cluster, outbox, digest, prune, freshness) runs one.
const only = process.argv.slice(2);
const all = { ingest: ingestBenchmark, summarize: summarizeBenchmark, match: matchBenchmark, search: searchBenchmark, cluster: clusterBenchmark, outbox: outboxBenchmark, digest: digestBenchmark, prune: pruneBenchmark, freshness: freshnessBenchmark };
for (const [name, run] of Object.entries(all)) {
  if (only.length && !only.includes(name)) continue;
  await run();
  console.log();
}
