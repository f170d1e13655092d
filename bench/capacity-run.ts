import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { formatDuration } from '../src/duration.ts';
import type { FeedStore } from '../src/db/feeds.ts';
import { createLogger } from '../src/log.ts';
import { WAKE_MIN_MS, type TickSummary } from '../src/pipeline/scheduler.ts';
import { checkAlerts } from './capacity-check.ts';
import { withThrowawayDatabase, type CapacityDatabase } from './capacity-database.ts';
import { WorkerProcesses } from './capacity-processes.ts';
import { combine, noStages, noSummary, RoundWorker, wallClock, type Delivery, type Fleet, type Stages } from './capacity-round.ts';
import { buildWorkload, type CapacitySize, type Workload } from './capacity-workload.ts';
import { seeded } from './random.ts';
import { SimFeedServer } from './sim-feed-server.ts';

export type { Stages } from './capacity-round.ts';

/** The database a run is on. */
export type Backend = CapacityDatabase['db'];

/** What one run measured; capacity-report.ts prints it. */
export interface CapacityResult {
  size: CapacitySize;
  db: Backend;
  /** How many workers shared the database, each a process of its own when more than one. */
  workers: number;
  /** Wall-clock milliseconds: making the workload, database, feeds and watches (and starting the workers); then every feed's first poll. */
  setupMs: number;
  warmup: { ms: number; polls: number; backlog: number; stages: Stages };
  /** The measured window, in wall-clock milliseconds, and where they went (added up over the workers). */
  wallMs: number;
  stages: Stages;
  rounds: number;
  polls: { total: number; notModified: number; failed: number };
  /** Polls in the window, and alerts sent, by worker. */
  byWorker: { polls: number; sent: number }[];
  /** Times in the window a fetch waited because another worker was fetching from the same site. */
  siteWaits: number;
  /** Rounds of the window that polled, and those whose polls one worker made alone. */
  pollingRounds: { total: number; oneWorker: number };
  /** New items stored, indexed, clustered and routed in the window. */
  items: number;
  /** New items published a poll interval (and its jitter) before the window's end that were never stored: none. */
  unpolled: number;
  alerts: { queued: number; delivered: number; expected: number; missing: number; duplicates: number; unexpected: number };
  /** Each alert's wall-clock delay, from the start of the round that first saw its item to its send, ascending. */
  delaysMs: number[];
  /** Stories of more than one item: none, or the expected alerts are wrong (see capacity-terms.ts). */
  mergedStories: number;
  /** The share of new items that matched some channel's watch. */
  matchedShare: number;
}

/** Feeds are spread over this many ports of 127.0.0.1: as many hosts, so that polls of one host do not queue behind each other. */
const HOSTS = 64;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The real app (scheduler, poller, processor, router, outbox, delivery worker) on a new database, the
 * feeds on 127.0.0.1, the clock simulated. Rounds run back to back, each as soon as the previous one is
 * done: the clock jumps to when the running bot's scheduler would wake next (the minute's tick, or the
 * next feed due, a second after the round at the soonest), so the window's simulated minutes take as
 * long as the work in them, and the rates are what the workers can do flat out. After each round the
 * delivery worker sends what is due, as `ainews poll --once` does, and each stage is timed apart.
 *
 * One worker is this process, on SQLite or PostgreSQL: one thread either way. Several (PostgreSQL only)
 * are as many processes (capacity-processes.ts), each with its own app on the one database, set up here
 * first; every round, each sets its clock, runs its scheduler round and sends, all at once.
 */
export async function runCapacity(size: CapacitySize, database: CapacityDatabase = { db: 'sqlite' }, workers = 1): Promise<CapacityResult> {
  const started = performance.now();
  const workload = buildWorkload(size);
  const clock = { now: workload.addedAt(0) };
  const server = await new SimFeedServer(workload.feeds, () => clock.now, () => clock.now >= workload.start).listen(HOSTS);
  try {
    return await withThrowawayDatabase(database, async (location) => {
      const env = {
        AINEWS_DB: location,
        AINEWS_SEED_DEFAULT_FEEDS: 'false',
        AINEWS_ALLOW_PRIVATE_NETWORK: 'true',
        // Twice what the feeds' intervals ask for, for each worker: the budget must not be what limits the run.
        POLL_BUDGET_PER_HOUR: String(Math.min(10_000_000, Math.ceil((2 * size.feeds * 3_600_000) / size.everyMs) + size.feeds)),
      };
      const app = await createApp(loadConfig(env), createLogger('silent'), undefined, { now: () => new Date(clock.now), random: seeded(1) });
      try {
        await addFeedsAndWatches(app, workload, server, clock);
        const fleet = workers === 1 ? new RoundWorker(app, clock) : await WorkerProcesses.start(workers, env, clock.now);
        try {
          return await measure(app, fleet, workload, clock, { db: database.db, startedAt: started });
        } finally {
          await fleet.close();
        }
      } finally {
        await app.close();
      }
    });
  } finally {
    await server.close();
  }
}

/** The warm-up, then the window, then the check of what was sent. */
async function measure(app: App, fleet: Fleet, workload: Workload, clock: { now: number }, run: { db: Backend; startedAt: number }): Promise<CapacityResult> {
  const setupMs = performance.now() - run.startedAt;
  const warm = await runRounds(app.feeds, fleet, clock, workload.addedAt(0), workload.start, () => undefined);
  const warmup = { ms: warm.wallMs, polls: warm.summary.polled, backlog: warm.summary.backlog, stages: warm.stages };
  const roundWall = new Map<number, number>();
  const window = await runRounds(app.feeds, fleet, clock, workload.start, workload.end, (at) => roundWall.set(at, wallClock()));
  // What the last rounds queued goes out before the window is closed.
  const lastDrain = wallClock();
  const last = await fleet.drainAll();
  const wallMs = window.wallMs + (wallClock() - lastDrain);
  const stages = combine([{ ...window, sent: [], polledBy: [] }, last]).stages;
  const sent = [...window.sent, ...last.sent];
  const check = await checkAlerts(app, workload, sent);
  const delaysMs = sent.map((d) => d.wallMs - roundWall.get(check.firstSeen.get(d.itemId)!)!).sort((a, b) => a - b);
  const { summary } = window;
  return {
    size: workload.size,
    db: run.db,
    workers: fleet.size,
    setupMs,
    warmup,
    wallMs,
    stages,
    rounds: window.rounds,
    polls: { total: summary.polled, notModified: summary.notModified, failed: summary.failed },
    byWorker: window.polledBy.map((polls, index) => ({ polls, sent: sent.filter((d) => d.worker === index + 1).length })),
    siteWaits: window.siteWaits,
    pollingRounds: window.pollingRounds,
    items: summary.fresh,
    unpolled: check.unpolled,
    alerts: { queued: summary.alerts, delivered: sent.length, ...check.counts },
    delaysMs,
    mergedStories: check.mergedStories,
    matchedShare: check.matchedShare,
  };
}

/** The feeds, added one after another over the interval before the window, and every channel's watches, a day before. */
async function addFeedsAndWatches(app: App, workload: Workload, server: SimFeedServer, clock: { now: number }): Promise<void> {
  const every = formatDuration(workload.size.everyMs);
  await app.sql.withTransaction(async () => {
    for (const feed of workload.feeds) {
      clock.now = workload.addedAt(feed.index);
      await app.admin.add({ url: server.url(feed), name: feed.name, every });
    }
    const before = new Date(workload.addedAt(0) - DAY_MS);
    for (const [c, channel] of workload.channels.entries()) {
      for (const term of workload.watches[c]!) await app.watches.add(channel, workload.terms[term]!.text, 'capacity', before);
    }
  });
}

interface Rounds {
  rounds: number;
  summary: TickSummary;
  stages: Stages;
  sent: Delivery[];
  /** Polls by worker. */
  polledBy: number[];
  siteWaits: number;
  pollingRounds: { total: number; oneWorker: number };
  /** Wall clock (`wallClock`): when the first round started, and how long the rounds took. */
  startedAt: number;
  wallMs: number;
}

/**
 * Rounds from `from` until `until` (simulated). The clock moves as the running bot's scheduler would
 * wake: on each minute (POLL_CRON) and when the next feed falls due, a second after the round at the
 * soonest.
 */
async function runRounds(feeds: FeedStore, fleet: Fleet, clock: { now: number }, from: number, until: number, onRound: (at: number) => void): Promise<Rounds> {
  const done: Rounds = {
    rounds: 0,
    summary: noSummary(),
    stages: noStages(),
    sent: [],
    polledBy: new Array<number>(fleet.size).fill(0),
    siteWaits: 0,
    pollingRounds: { total: 0, oneWorker: 0 },
    startedAt: wallClock(),
    wallMs: 0,
  };
  for (let at = from; at < until; ) {
    clock.now = at;
    onRound(at);
    const round = await fleet.round(at);
    const sum = combine([{ ...done, sent: [], polledBy: [] }, round]);
    done.summary = sum.summary;
    done.stages = sum.stages;
    done.sent.push(...round.sent);
    round.polledBy.forEach((polls, index) => (done.polledBy[index]! += polls));
    done.siteWaits += round.siteWaits;
    const polling = round.polledBy.filter((polls) => polls > 0).length;
    if (polling > 0) done.pollingRounds.total++;
    if (polling === 1) done.pollingRounds.oneWorker++;
    done.rounds++;
    const due = (await feeds.nextDueAt())?.getTime() ?? Infinity;
    at = Math.min(Math.floor(at / MINUTE_MS) * MINUTE_MS + MINUTE_MS, Math.max(due, at + WAKE_MIN_MS));
  }
  done.wallMs = wallClock() - done.startedAt;
  return done;
}
