const MINUTE_MS = 60_000;
const WINDOW_MINUTES = 60;

/**
 * POLL_BUDGET_PER_HOUR: how many requests polls may make in any hour, counted minute by minute over the
 * last sixty. A round may take at most a twelfth of the budget, so that a backlog of due feeds is
 * polled over the hour rather than in one burst that leaves nothing for the feeds due after it.
 */
export class PollBudget {
  private readonly minutes = new Map<number, number>();

  constructor(readonly perHour: number) {}

  /** How many of `wanted` polls may start now; they are counted as spent. */
  take(wanted: number, now: Date): number {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    const granted = Math.max(0, Math.min(wanted, this.perHour - this.used(now), Math.ceil(this.perHour / 12)));
    if (granted > 0) this.minutes.set(minute, (this.minutes.get(minute) ?? 0) + granted);
    return granted;
  }

  /** Gives back polls taken but not made (a round stopped before them). */
  giveBack(count: number, now: Date): void {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    const spent = this.minutes.get(minute) ?? 0;
    this.minutes.set(minute, Math.max(0, spent - count));
  }

  /** Polls counted in the last hour. */
  used(now: Date): number {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    let sum = 0;
    for (const [at, count] of this.minutes) {
      if (at <= minute - WINDOW_MINUTES) this.minutes.delete(at);
      else sum += count;
    }
    return sum;
  }

  /** Counts polls made before this process started (each feed's last one), so a restart does not reset the hour. */
  seed(polledAt: Date[]): void {
    for (const at of polledAt) {
      const minute = Math.floor(at.getTime() / MINUTE_MS);
      this.minutes.set(minute, (this.minutes.get(minute) ?? 0) + 1);
    }
  }
}
