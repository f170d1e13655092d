import type { RoundReport } from './capacity-round.ts';

/** What the run asks of a worker process (capacity-worker.ts), one request at a time. */
export type WorkerRequest =
  /** Open the app on the database `env` names, its clock at `at`; `worker` is its number (1, 2 …), and seeds its poll planner's jitter. */
  | { kind: 'open'; env: Record<string, string>; at: number; worker: number }
  | { kind: 'round'; at: number }
  | { kind: 'drain' }
  | { kind: 'close' };

/** A worker's answer: to `open` (its name in claims and leases), to `round` and `drain`, to `close`; or why it could not. */
export type WorkerReply =
  | { kind: 'opened'; worker: string }
  | { kind: 'report'; report: RoundReport }
  | { kind: 'closed' }
  | { kind: 'failed'; error: string };
