/**
 * Work done in the background, at most `concurrency` at a time, in the order it was queued: LLM
 * summaries and translations. `work` must not reject (each job records its own outcome).
 */
export class WorkQueue<T> {
  private readonly queued: T[] = [];
  private active = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly work: (job: T) => Promise<void>,
  ) {}

  /**
   * Queues jobs and starts as many as there is room for, now or (`later`) once the current turn of the
   * event loop is over; either way they count for `idle` at once.
   */
  push(jobs: T[], later = false): void {
    this.queued.push(...jobs);
    if (later) setImmediate(() => this.pump());
    else this.pump();
  }

  /** Takes back every job not yet started (the process is stopping). */
  drain(): T[] {
    return this.queued.splice(0);
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.active === 0 && this.queued.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private pump(): void {
    while (this.active < this.concurrency && this.queued.length > 0) {
      const job = this.queued.shift()!;
      this.active++;
      void this.work(job).finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && this.queued.length === 0) for (const resolve of this.waiters.splice(0)) resolve();
      });
    }
  }
}
