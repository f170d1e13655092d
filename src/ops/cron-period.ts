import cron from 'node-cron';

/** Fires looked ahead at: enough to take in a weekend, a month's end, and most of a year of months. */
const FIRES = 32;

/**
 * The longest wait between two fires of a cron expression, over its next fires. A schedule that has not
 * ticked for twice that has stopped. The longest and not simply the next gap, so that an uneven
 * schedule (`0 9,17 * * *`: 8 h, then 16 h; weekdays only: the weekend) is not taken for a stalled one.
 * Infinity for an expression that fires once at most in that span.
 */
export function cronPeriodMs(expression: string): number {
  // A task that is never started: no timer, just node-cron's own reading of the expression.
  const task = cron.createTask(expression, () => undefined);
  try {
    const fires = task.getNextRuns(FIRES).map((date) => date.getTime());
    let longest = 0;
    for (let i = 1; i < fires.length; i++) longest = Math.max(longest, fires[i]! - fires[i - 1]!);
    return longest > 0 ? longest : Number.POSITIVE_INFINITY;
  } finally {
    void task.destroy();
  }
}
