import cron, { type ScheduledTask } from 'node-cron';
import type { FeedClaims } from '../db/feed-claims.ts';
import type { FeedStore } from '../db/feeds.ts';
import type { Logger } from '../log.ts';
import type { PollBudget } from '../polling/poll-budget.ts';
import type { PollPlanner } from '../polling/poll-planner.ts';
import type { FeedPoller, IngestOutcome, PollOutcome } from './poll-feed.ts';
import type { ItemProcessor } from './process-items.ts';

export interface TickSummary {
  polled: number;
  fresh: number;
  alerts: number;
  backlog: number;
  notModified: number;
  failed: number;
  /** Feeds due but left for a later round: POLL_BUDGET_PER_HOUR was spent. */
  deferred: number;
}

export interface SchedulerDeps {
  feeds: FeedStore;
  /** Due feeds handed out among the workers sharing the database (another `ainews run`, `ainews poll`). */
  claims: FeedClaims;
  /** This worker, as its claims name it. */
  worker: string;
  poller: FeedPoller;
  /** Finishes items stored earlier but not yet processed (a process stopped in between). */
  processor: ItemProcessor;
  /** Shares requests out among adaptive feeds; refreshed at the start of each round. */
  planner: PollPlanner;
  /** POLL_BUDGET_PER_HOUR. */
  budget: PollBudget;
  /** Work done after each round (WebSub lease renewals); its failure is logged. */
  maintenance?: () => Promise<void>;
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

/** A feed due sooner than the next tick of the schedule is polled when due, but no sooner than this after a round. */
export const WAKE_MIN_MS = 1000;
/**
 * How long a round's claims on its feeds last unrenewed: past it, another worker takes over the feeds of a
 * worker that died mid-round (the one it was fetching and those it had not reached). A living round renews
 * them every half of it, ends each as it polls the feed, and ends the rest when it ends.
 */
export const FEED_CLAIM_MS = 2 * 60_000;

/**
 * Polls the feeds that are due, a bounded number at a time, within the hourly budget (the feeds most
 * likely to have news first). A tick that starts while the previous one is still running is skipped, so
 * a slow feed can never make ticks pile up. Between the schedule's ticks, a round starts when the next
 * feed falls due: an adaptive feed polled every two minutes is not kept waiting for a minute's tick.
 */
export class PollScheduler {
  private running: Promise<TickSummary> | null = null;
  private task: ScheduledTask | null = null;
  private readonly shutdown = new AbortController();
  private lastBeatAt: Date | null = null;
  private wake: NodeJS.Timeout | null = null;
  private budgetSeeded = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Runs one tick; resolves to null when a tick was already running. */
  tick(options: { all?: boolean } = {}): Promise<TickSummary | null> {
    this.beat();
    if (this.running || this.shutdown.signal.aborted) {
      this.deps.log.debug('previous tick still running; skipping this one');
      return Promise.resolve(null);
    }
    // The wake is armed before the tick counts as over, so that `stop` waits for its read too.
    this.running = this.pollDue(options.all ?? false).finally(async () => {
      try {
        if (this.task) await this.armWake();
      } finally {
        this.running = null;
        this.beat();
      }
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
    if (this.wake) clearTimeout(this.wake);
    this.shutdown.abort();
    await this.deps.processor.stop();
    await this.running?.catch(() => undefined);
  }

  /** Starts a round when the next feed falls due, if that is before the schedule's next tick (a minute at most). */
  private async armWake(): Promise<void> {
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    const next = await this.deps.feeds.nextDueAt();
    // Stopped while reading: no round is to start.
    if (!next || !this.task) return;
    const wait = next.getTime() - this.now().getTime();
    if (wait >= 60_000) return;
    this.wake = setTimeout(() => void this.tick().catch((error) => this.deps.log.error({ err: error }, 'tick failed')), Math.max(WAKE_MIN_MS, wait));
    this.wake.unref();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async pollDue(all: boolean): Promise<TickSummary> {
    const now = this.now();
    const { budget } = this.deps;
    if (!this.budgetSeeded) {
      budget.seed(await this.deps.feeds.polledSince(new Date(now.getTime() - 3_600_000)));
      this.budgetSeeded = true;
    }
    await this.deps.planner.refresh();
    const { claims, worker: holder } = this.deps;
    // An operator's `poll --all` is theirs to make; the budget governs the schedule. Feeds another worker
    // is polling now are left to it either way.
    const dueCount = all ? 0 : await claims.countDue(now);
    const granted = all ? Number.MAX_SAFE_INTEGER : budget.take(dueCount, now);
    const due = granted > 0 ? await claims.claimDue(holder, { now, until: new Date(now.getTime() + FEED_CLAIM_MS), limit: granted, all }) : [];
    const summary: TickSummary = { polled: 0, fresh: 0, alerts: 0, backlog: 0, notModified: 0, failed: 0, deferred: all ? 0 : dueCount - granted };
    if (summary.deferred > 0) {
      this.deps.log.warn({ due: dueCount, polled: granted, budget: budget.perHour }, 'POLL_BUDGET_PER_HOUR reached: the feeds most likely to have news are polled first, the others wait');
    }
    let next = 0;
    // A round may outlast its claims (many feeds of one slow site): renewed while it lives, they lapse soon
    // after it dies.
    const renewal = setInterval(() => {
      claims
        .renew(holder, new Date(this.now().getTime() + FEED_CLAIM_MS))
        .catch((error: unknown) => this.deps.log.warn({ err: error }, 'could not renew the claims on this round\'s feeds'));
    }, FEED_CLAIM_MS / 2);
    renewal.unref();
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
          const stored = await this.deps.poller.ingest(feed, this.shutdown.signal).finally(() => this.release([feed.id]));
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
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency, due.length) }, worker)).finally(() => clearInterval(renewal));
    if (!all && next < granted) budget.giveBack(granted - next, now);
    // Feeds claimed but not reached (the round was stopped) are left to the next round, here or elsewhere.
    await this.release(due.slice(next).map((feed) => feed.id));
    await Promise.all(finishing);
    // What a stopped process left queued, when no poll of this tick started a pass.
    await this.deps.processor.drain();
    await this.deps.maintenance?.().catch((error: unknown) => this.deps.log.error({ err: error }, 'WebSub maintenance failed'));
    return summary;
  }

  /** Ends this worker's claims on feeds it polled; a claim that cannot be ended lapses after FEED_CLAIM_MS. */
  private async release(feedIds: number[]): Promise<void> {
    await this.deps.claims.release(this.deps.worker, feedIds).catch((error: unknown) => this.deps.log.warn({ err: error, feeds: feedIds }, 'could not end a claim on feeds; it lapses on its own'));
  }

  private beat(): void {
    this.lastBeatAt = this.deps.now?.() ?? new Date();
  }
}
