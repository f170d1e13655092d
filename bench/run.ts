import { ingestBenchmark } from './ingest.ts';

await ingestBenchmark();
