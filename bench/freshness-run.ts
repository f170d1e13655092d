import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { FeedRhythms } from '../src/db/feed-rhythms.ts';
import type { FeedRow } from '../src/db/feeds.ts';
import { createLogger } from '../src/log.ts';
import { emptyRhythm, observe } from '../src/polling/rhythm.ts';
import { DAY_END, DAY_START, HISTORY_DAYS, type SimFeed, type SimItem } from './freshness-feeds.ts';
import { pushItem, PushRig } from './freshness-push.ts';
import { seeded } from './random.ts';
import { publishedBy, type RequestCounts, type SimFeedServer } from './sim-feed-server.ts';
import { WAKE_MIN_MS } from '../src/pipeline/scheduler.ts';

export type Mode = 'fixed' | 'adaptive';

/** The simulation's clock: the app, the server and the run read it; only the run moves it. */
export interface FakeClock {
  now: number;
}

export interface Delay {
  feed: SimFeed;
  item: SimItem;
  seconds: number;
  /** Queued by a push (the seam), not by a poll. */
  pushed: boolean;
}

export interface ModeResult {
  mode: Mode;
  /** One per item published during the day whose alert was queued. */
  delays: Delay[];
  /** Items published during the day that no alert was queued for by the end of the grace. */
  missed: { feed: SimFeed; item: SimItem }[];
  /** Requests made during the measured day. */
  requests: RequestCounts;
  /** Scheduler rounds run (the minute's tick and the wake-ups when a feed falls due). */
  rounds: number;
  wallMs: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** After the day, the run goes on until every item of the day is alerted, or this long. */
const GRACE_MS = 6 * 3_600_000;
const CHANNEL = 'console:bench';

/**
 * One way of polling (`fixed`: every feed added `--every 15m`; `adaptive`: added without) over the
 * simulated day, through the real app on a temporary database. The clock moves as the running bot's
 * scheduler would wake: on each minute (POLL_CRON) and when the next feed falls due, whichever is first;
 * and, for the feeds a hub pushes, when each of their items is published. Each alert's queued time is
 * the clock when the round that queued it ran.
 */
export async function runMode(mode: Mode, feeds: SimFeed[], server: SimFeedServer, clock: FakeClock): Promise<ModeResult> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), `ainews-bench-freshness-${mode}-`));
  clock.now = DAY_START;
  server.reset();
  // Adaptive polling is run with WebSub on (PUBLIC_URL), as a bot reachable from the internet would be;
  // fixed 15-minute polling is the bot as it was, polling every feed.
  const rig = mode === 'adaptive' ? await new PushRig().listen(server) : null;
  const config = loadConfig({
    AINEWS_DB: join(dir, 'ainews.db'),
    AINEWS_SEED_DEFAULT_FEEDS: 'false',
    AINEWS_ALLOW_PRIVATE_NETWORK: 'true',
    ...(rig ? { PUBLIC_URL: rig.publicUrl } : {}),
  });
  const app = await createApp(config, createLogger('silent'), undefined, { now: () => new Date(clock.now), random: seeded(mode === 'fixed' ? 1 : 2) });
  rig?.attach(app);
  try {
    // Watching everything since before the history: every new item queues an alert.
    await app.watches.add(CHANNEL, '*', 'bench', new Date(DAY_START - (HISTORY_DAYS + 1) * DAY_MS));
    const rows: FeedRow[] = [];
    for (const feed of feeds) rows.push((await app.admin.add({ url: server.url(feed), name: feed.name, every: mode === 'fixed' ? '15m' : null })).feed);
    const rhythms = new FeedRhythms(app.sql);
    for (const [i, feed] of feeds.entries()) await learnHistory(rhythms, feed, rows[i]!);
    return { mode, ...(await runDay(app, feeds, rows, clock, rig, server)), requests: server.counts, wallMs: performance.now() - started };
  } finally {
    await rig?.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the feed's polls would have taught its rhythm over the 28 days before the day, learned the way
 * the poller learns (`observe`, a day at a time) and stored where the planner reads it. The items its
 * first poll will find are left out: that poll stores them as backlog and learns from them itself, as
 * it does for any new feed, and they must not count twice.
 */
async function learnHistory(rhythms: FeedRhythms, feed: SimFeed, row: FeedRow): Promise<void> {
  const history = feed.items.slice(0, Math.max(0, publishedBy(feed.items, DAY_START) - feed.keep));
  let rhythm = emptyRhythm(new Date(DAY_START - HISTORY_DAYS * DAY_MS));
  for (let day = HISTORY_DAYS; day > 0; day--) {
    const from = DAY_START - day * DAY_MS;
    const times = history.filter((item) => item.at >= from && item.at < from + DAY_MS).map((item) => new Date(item.at));
    rhythm = observe(rhythm, times, new Date(from + DAY_MS));
  }
  await rhythms.save(row.id, rhythm);
}

async function runDay(app: App, feeds: SimFeed[], rows: FeedRow[], clock: FakeClock, rig: PushRig | null, server: SimFeedServer): Promise<Pick<ModeResult, 'delays' | 'missed' | 'rounds'>> {
  const measured = new Map<string, { feed: SimFeed; item: SimItem }>();
  for (const feed of feeds) for (const item of feed.items) if (item.at > DAY_START && item.at < DAY_END) measured.set(item.link, { feed, item });
  const pushes = feeds
    .flatMap((feed, i) => (feed.pushed ? [...measured.values()].filter((m) => m.feed === feed).map((m) => ({ feed: { sim: feed, row: rows[i]! }, item: m.item })) : []))
    .sort((a, b) => a.item.at - b.item.at);
  const queued = app.db!.prepare("SELECT o.id, i.url FROM outbox o JOIN items i ON i.id = o.item_id WHERE o.id > ? AND o.kind = 'alert' ORDER BY o.id");
  const delays: Delay[] = [];
  let lastId = 0;
  /** Alerts queued since the last look; a push's took `pushSeconds` of wall-clock time while the fake clock stood still. */
  const collect = (pushSeconds: number | null) => {
    for (const row of queued.all(lastId) as { id: number; url: string }[]) {
      lastId = row.id;
      const hit = measured.get(row.url);
      if (!hit) continue;
      measured.delete(row.url);
      delays.push({ ...hit, seconds: (clock.now - hit.item.at) / 1000 + (pushSeconds ?? 0), pushed: pushSeconds !== null });
    }
  };
  let rounds = 0;
  let nextTick = DAY_START;
  let nextPush = 0;
  for (;;) {
    const pushAt = pushes[nextPush]?.item.at ?? Infinity;
    const at = Math.min(nextTick, pushAt);
    if (at >= DAY_END + GRACE_MS || (at >= DAY_END && measured.size === 0)) break;
    clock.now = at;
    if (pushAt === at) {
      while (pushes[nextPush]?.item.at === at) {
        const { feed, item } = pushes[nextPush++]!;
        const seconds = await pushItem(rig, server, feed, item, new Date(at));
        if (seconds !== null) collect(seconds);
      }
    }
    if (nextTick !== at) continue;
    await app.scheduler.tick();
    rounds++;
    collect(null);
    const due = (await app.feeds.nextDueAt())?.getTime() ?? Infinity;
    nextTick = Math.min(Math.floor(at / MINUTE_MS) * MINUTE_MS + MINUTE_MS, Math.max(due, at + WAKE_MIN_MS));
  }
  return { delays, missed: [...measured.values()], rounds };
}
