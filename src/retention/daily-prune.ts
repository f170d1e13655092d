import { describeDatabaseError } from '../db/errors.ts';
import type { Logger } from '../log.ts';
import type { Retention } from './prune.ts';

const DAY_MS = 86_400_000;
/** The first look comes a little after start, once the first polls have had the database. */
const FIRST_CHECK_MS = 60_000;
/** Then once an hour: a prune is due a day after the last one, whenever the bot was restarted. */
const CHECK_EVERY_MS = 3_600_000;

/**
 * Runs the prune of `ainews run` once a day. When the last one finished is kept in the database, so a
 * bot restarted every few hours still prunes daily, and a manual `ainews prune` counts as the day's.
 */
export class DailyPrune {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly retention: Retention,
    private readonly log: Logger,
    private readonly timing = { firstMs: FIRST_CHECK_MS, everyMs: CHECK_EVERY_MS },
    /**
     * Runs the prune unless another worker on the database is pruning (the 'retention' lease); resolves
     * to whether it ran here. Without it, the prune runs here.
     */
    private readonly exclusive: (work: () => Promise<void>) => Promise<boolean> = async (work) => (await work(), true),
  ) {}

  /** Does nothing when AINEWS_RETENTION=0. */
  start(): void {
    if (this.retention.enabled) this.schedule(this.timing.firstMs);
  }

  /** Stops the timer, and a prune in progress after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.retention.stop();
    await this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.running = this.pruneIfDue().finally(() => {
        this.running = null;
        if (!this.stopped) this.schedule(this.timing.everyMs);
      });
    }, ms);
    // The bot is kept alive by what it serves, not by this timer.
    this.timer.unref();
  }

  private async pruneIfDue(): Promise<void> {
    try {
      const last = await this.retention.lastRun();
      if (last && Date.now() - last.getTime() < DAY_MS) return;
      const ran = await this.exclusive(async () => {
        const report = await this.retention.prune();
        const { items, kept_items, outbox_rows, tombstones, longest_lock_ms, freed_bytes } = report;
        this.log.info({ items, kept_items, outbox_rows, tombstones, longest_lock_ms, freed_bytes }, report.stopped ? 'pruning stopped before it was through' : 'pruned what AINEWS_RETENTION no longer keeps');
      });
      if (!ran) this.log.debug('another worker is pruning; this one looks again in an hour');
    } catch (error) {
      this.log.error({ err: (error as Error).message }, describeDatabaseError(error) ?? 'pruning failed; it is tried again in an hour');
    }
  }
}
