import cron, { type ScheduledTask } from 'node-cron';
import type { FeedStore } from '../db/feeds.ts';
import type { Logger } from '../log.ts';
import type { FeedPoller, IngestOutcome, PollOutcome } from './poll-feed.ts';
import type { ItemProcessor } from './process-items.ts';

export interface TickSummary {
  polled: number;
  fresh: number;
  alerts: number;
  backlog: number;
  notModified: number;
  failed: number;
}

export interface SchedulerDeps {
  feeds: FeedStore;
  poller: FeedPoller;
  /** Finishes items stored earlier but not yet processed (a process stopped in between). */
  processor: ItemProcessor;
  concurrency: number;
  log: Logger;
  /** Called as each feed's poll finishes, for example to print or deliver its new items. */
  onOutcome?: (outcome: PollOutcome) => void;
  /** Called as each feed's fetch and store ends, with how long they took (the metrics count them). */
  onIngested?: (outcome: IngestOutcome, seconds: number) => void;
  now?: () => Date;
}

/** Signs of life, for /healthz: a schedule that stopped firing leaves every feed unpolled, silently. */
export interface Heartbeat {
  /** Whether the schedule is on (between start and stop). */
  scheduled: boolean;
  /** When it was put on, or last ticked (a skipped tick too), or a tick last ended; null before start. */
  lastBeatAt: Date | null;
  /** Whether a tick is running now. */
  running: boolean;
}

/**
 * Polls the feeds that are due, a bounded number at a time. A tick that starts while the previous one is
 * still running is skipped, so a slow feed can never make ticks pile up.
 */
export class PollScheduler {
  private running: Promise<TickSummary> | null = null;
  private task: ScheduledTask | null = null;
  private readonly shutdown = new AbortController();
  private lastBeatAt: Date | null = null;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Runs one tick; resolves to null when a tick was already running. */
  tick(options: { all?: boolean } = {}): Promise<TickSummary | null> {
    this.beat();
    if (this.running || this.shutdown.signal.aborted) {
      this.deps.log.debug('previous tick still running; skipping this one');
      return Promise.resolve(null);
    }
    this.running = this.pollDue(options.all ?? false).finally(() => {
      this.running = null;
      this.beat();
    });
    return this.running;
  }

  start(expression: string): void {
    this.beat();
    this.task = cron.schedule(expression, () => void this.tick().catch((error) => this.deps.log.error({ err: error }, 'tick failed')));
  }

  heartbeat(): Heartbeat {
    return { scheduled: this.task !== null, lastBeatAt: this.lastBeatAt, running: this.running !== null };
  }

  /**
   * Stops the schedule, cancels fetches in flight and waits for the running tick's writes to finish. The
   * follow-up pass stops after its current batch; what it had not reached stays queued for the next start.
   */
  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    this.shutdown.abort();
    await this.deps.processor.stop();
    await this.running?.catch(() => undefined);
  }

  private async pollDue(all: boolean): Promise<TickSummary> {
    const due = this.deps.feeds.due(this.deps.now?.() ?? new Date(), all);
    const summary: TickSummary = { polled: 0, fresh: 0, alerts: 0, backlog: 0, notModified: 0, failed: 0 };
    let next = 0;
    const record = (outcome: PollOutcome) => {
      summary.polled++;
      summary.fresh += outcome.fresh.length;
      summary.alerts += outcome.alerts;
      summary.backlog += outcome.backlog;
      if (outcome.result === 'not-modified') summary.notModified++;
      if (outcome.result === 'failed') summary.failed++;
      this.deps.onOutcome?.(outcome);
    };
    // A worker moves on to its next feed as soon as a poll is stored; the poll's outcome is recorded
    // once the follow-up pass has finished its items, while the workers go on fetching.
    // Neither a worker nor a finishing poll rejects: one feed's unexpected error (its failure could not
    // be recorded, an output callback threw) is logged, and the tick still waits for every write.
    const finishing: Promise<void>[] = [];
    const worker = async () => {
      while (next < due.length && !this.shutdown.signal.aborted) {
        const feed = due[next++]!;
        try {
          const started = performance.now();
          const stored = await this.deps.poller.ingest(feed, this.shutdown.signal);
          if (stored.result === 'cancelled') continue;
          finishing.push(
            this.deps.poller
              .finish(stored)
              .then(record)
              .catch((error: unknown) => this.deps.log.error({ err: error, feed: feed.id }, 'reporting a poll failed')),
          );
          this.deps.onIngested?.(stored, (performance.now() - started) / 1000);
        } catch (error) {
          this.deps.log.error({ err: error, feed: feed.id }, 'poll failed unexpectedly');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency, due.length) }, worker));
    await Promise.all(finishing);
    // What a stopped process left queued, when no poll of this tick started a pass.
    await this.deps.processor.drain();
    return summary;
  }

  private beat(): void {
    this.lastBeatAt = this.deps.now?.() ?? new Date();
  }
}
