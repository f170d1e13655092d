import { DAY_END, DAY_START, HISTORY_DAYS, simulateFeeds } from './freshness-feeds.ts';
import { classLines, finalLine, modeLine, tailLine, targetLines } from './freshness-report.ts';
import { runMode, type FakeClock } from './freshness-run.ts';
import { SimFeedServer } from './sim-feed-server.ts';

/** Items are simulated this far past the day: the run goes on after it until the day's items are alerted. */
const SIMULATED_PAST_DAY_MS = 6 * 3_600_000;

/**
 * A simulated day of 200 feeds, in compressed time with a fake clock through the real scheduler and
 * store: how long after publication each item's alert is queued, and how many requests it took, with
 * adaptive polling against fixed 15-minute polling of the same feeds (bench/freshness-feeds.ts says
 * what they are). The last line is for scripts.
 */
export async function freshnessBenchmark(): Promise<void> {
  const feeds = simulateFeeds(DAY_END + SIMULATED_PAST_DAY_MS);
  const clock: FakeClock = { now: DAY_START };
  const server = await new SimFeedServer(feeds, () => clock.now, () => clock.now < DAY_END).listen();
  try {
    const inDay = feeds.reduce((sum, f) => sum + f.items.filter((i) => i.at > DAY_START && i.at < DAY_END).length, 0);
    console.log(`freshness (a simulated day): ${feeds.length} feeds on 127.0.0.1, ${feeds.filter((f) => f.pushed).length} of them with a WebSub hub (pushed in the adaptive run; polled with fixed polling)`);
    console.log(`  day: ${new Date(DAY_START).toISOString()} to ${new Date(DAY_END).toISOString()}, ${inDay} items published in it`);
    console.log(
      `  learning: each feed's rhythm was seeded with its ${HISTORY_DAYS} days before the day through observe() (src/polling/rhythm.ts), ` +
        `a day at a time, saved with FeedRhythms; each feed's first poll at the day's start stores its items as backlog (no alerts)`,
    );
    const fixed = await runMode('fixed', feeds, server, clock);
    const adaptive = await runMode('adaptive', feeds, server, clock);
    console.log(`  ${modeLine(fixed)}`);
    console.log(`  ${modeLine(adaptive)}`);
    console.log('  delay from publication to the alert queued, and requests during the day, by class of feed:');
    for (const line of classLines(feeds, fixed, adaptive)) console.log(`  ${line}`);
    console.log(`  ${tailLine(adaptive)}`);
    console.log('  targets (adaptive against fixed):');
    for (const line of targetLines(fixed, adaptive)) console.log(`  ${line}`);
    console.log(finalLine(fixed, adaptive));
  } finally {
    await server.close();
  }
}
