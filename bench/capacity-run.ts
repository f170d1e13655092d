import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Alert, AlertSender } from '../src/delivery/port.ts';
import { formatDuration } from '../src/duration.ts';
import type { DeliveryWorker } from '../src/delivery/worker.ts';
import { createLogger } from '../src/log.ts';
import { WAKE_MIN_MS, type TickSummary } from '../src/pipeline/scheduler.ts';
import { buildWorkload, watchersByTerm, type CapacitySize, type Workload } from './capacity-workload.ts';
import { seeded } from './random.ts';
import { SimFeedServer } from './sim-feed-server.ts';

/** What one run measured; capacity-report.ts prints it. */
export interface CapacityResult {
  size: CapacitySize;
  /** Wall-clock milliseconds: making the workload, database, feeds and watches; then every feed's first poll. */
  setupMs: number;
  warmup: { ms: number; polls: number; backlog: number; stages: Stages };
  /** The measured window, in wall-clock milliseconds, and where they went. */
  wallMs: number;
  stages: Stages;
  rounds: number;
  polls: { total: number; notModified: number; failed: number };
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

/** Wall-clock milliseconds in each stage: fetching and storing polls, processing what they stored, delivering. */
export interface Stages {
  pollMs: number;
  processMs: number;
  deliverMs: number;
}

interface Delivery {
  deliveryId: number;
  channel: string;
  itemId: number;
  wallMs: number;
}

/** Feeds are spread over this many ports of 127.0.0.1: as many hosts, so that polls of one host do not queue behind each other. */
const HOSTS = 64;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Sends nowhere: records what the delivery worker sent, and when (wall clock). */
class RecordingSender implements AlertSender {
  readonly platform = 'console' as const;
  readonly sent: Delivery[] = [];

  async send(alert: Alert): Promise<string> {
    this.sent.push({ deliveryId: alert.deliveryId, channel: alert.channel, itemId: alert.itemId, wallMs: performance.now() });
    return `capacity-${alert.deliveryId}`;
  }
}

/** Time spent in an object's method, from its call until what it returns settles, added up. */
function timeMethod<T extends object, K extends keyof T>(target: T, key: K, add: (ms: number) => void): void {
  const original = target[key] as (...args: unknown[]) => unknown;
  target[key] = ((...args: unknown[]) => {
    const started = performance.now();
    const added = () => add(performance.now() - started);
    let result: unknown;
    try {
      result = original.apply(target, args);
    } catch (error) {
      added();
      throw error;
    }
    if (!(result instanceof Promise)) {
      added();
      return result;
    }
    return result.finally(added);
  }) as T[K];
}

/**
 * One worker on SQLite: the real app (scheduler, poller, processor, router, outbox, delivery worker)
 * on a temporary database, the feeds on 127.0.0.1, the clock simulated. Rounds run back to back, each
 * as soon as the previous one is done: the clock jumps to when the running bot's scheduler would wake
 * next (the minute's tick, or the next feed due, a second after the round at the soonest), so the
 * window's simulated minutes take as long as the work in them, and the rates are what one process can
 * do flat out. After each round the delivery worker sends what is due, as `ainews poll --once` does:
 * the whole run is one thread either way, and each stage is timed apart.
 */
export async function runCapacity(size: CapacitySize): Promise<CapacityResult> {
  const started = performance.now();
  const workload = buildWorkload(size);
  const clock = { now: workload.addedAt(0) };
  const server = await new SimFeedServer(workload.feeds, () => clock.now, () => clock.now >= workload.start).listen(HOSTS);
  const dir = mkdtempSync(join(tmpdir(), 'ainews-bench-capacity-'));
  try {
    const config = loadConfig({
      AINEWS_DB: join(dir, 'ainews.db'),
      AINEWS_SEED_DEFAULT_FEEDS: 'false',
      AINEWS_ALLOW_PRIVATE_NETWORK: 'true',
      // Twice what the feeds' intervals ask for: the budget must not be what limits the run.
      POLL_BUDGET_PER_HOUR: String(Math.min(10_000_000, Math.ceil((2 * size.feeds * 3_600_000) / size.everyMs) + size.feeds)),
    });
    const app = await createApp(config, createLogger('silent'), undefined, { now: () => new Date(clock.now), random: seeded(1) });
    try {
      await addFeedsAndWatches(app, workload, server, clock);
      return await measure(app, workload, clock, performance.now() - started);
    } finally {
      await app.close();
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The warm-up, then the window, then the check of what was sent. */
async function measure(app: App, workload: Workload, clock: { now: number }, setupMs: number): Promise<CapacityResult> {
  const sender = new RecordingSender();
  const worker = app.deliveryWorker([sender]);
  let stages: Stages = { pollMs: 0, processMs: 0, deliverMs: 0 };
  timeMethod(app.processor, 'processNext', (ms) => (stages.processMs += ms));
  const warm = await runRounds(app, worker, clock, workload.addedAt(0), workload.start, () => undefined, stages);
  const warmup = { ms: warm.wallMs, polls: warm.summary.polled, backlog: warm.summary.backlog, stages };
  stages = { pollMs: 0, processMs: 0, deliverMs: 0 };
  const roundWall = new Map<number, number>();
  const window = await runRounds(app, worker, clock, workload.start, workload.end, (at) => roundWall.set(at, performance.now()), stages);
  // What the last rounds queued goes out before the window is closed.
  const lastDrain = performance.now();
  while ((await worker.drain()) > 0);
  stages.deliverMs += performance.now() - lastDrain;
  const wallMs = window.wallMs + (performance.now() - lastDrain);
  const sent = sender.sent.filter((d) => d.wallMs >= window.startedAt);
  const check = await checkAlerts(app, workload, sent);
  const delaysMs = sent.map((d) => d.wallMs - roundWall.get(check.firstSeen.get(d.itemId)!)!).sort((a, b) => a - b);
  const { summary } = window;
  return {
    size: workload.size,
    setupMs,
    warmup,
    wallMs,
    stages,
    rounds: window.rounds,
    polls: { total: summary.polled, notModified: summary.notModified, failed: summary.failed },
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
  /** Wall clock: when the first round started, and how long the rounds took. */
  startedAt: number;
  wallMs: number;
}

/**
 * Scheduler rounds from `from` until `until` (simulated), each followed by the delivery worker sending
 * what is due. The clock moves as the running bot's scheduler would wake: on each minute (POLL_CRON)
 * and when the next feed falls due, a second after the round at the soonest.
 */
async function runRounds(
  app: App,
  worker: DeliveryWorker,
  clock: { now: number },
  from: number,
  until: number,
  onRound: (at: number) => void,
  stages: Stages,
): Promise<Rounds> {
  const summary: TickSummary = { polled: 0, fresh: 0, alerts: 0, backlog: 0, notModified: 0, failed: 0, deferred: 0 };
  const startedAt = performance.now();
  let rounds = 0;
  let tickMs = 0;
  for (let at = from; at < until; ) {
    clock.now = at;
    onRound(at);
    const tickStarted = performance.now();
    const tick = await app.scheduler.tick();
    const delivering = performance.now();
    tickMs += delivering - tickStarted;
    await worker.drain();
    stages.deliverMs += performance.now() - delivering;
    rounds++;
    for (const key of Object.keys(summary) as (keyof TickSummary)[]) summary[key] += tick?.[key] ?? 0;
    const due = (await app.feeds.nextDueAt())?.getTime() ?? Infinity;
    at = Math.min(Math.floor(at / MINUTE_MS) * MINUTE_MS + MINUTE_MS, Math.max(due, at + WAKE_MIN_MS));
  }
  // The processor runs within the ticks (each poll's items are processed before the tick ends).
  stages.pollMs = tickMs - stages.processMs;
  return { rounds, summary, startedAt, wallMs: performance.now() - startedAt };
}

/**
 * The alerts sent against those the workload predicts: for every new item ainews stored, one alert
 * in each channel that watches a term its title carries, sent exactly once.
 */
async function checkAlerts(app: App, workload: Workload, sent: Delivery[]) {
  const watchers = watchersByTerm(workload);
  const rows = await app.sql.all<{ id: number; url: string; first_seen_at: string }>('SELECT id, url, first_seen_at FROM items WHERE backlog = false');
  const expected = new Set<string>();
  const firstSeen = new Map<number, number>();
  let matched = 0;
  for (const row of rows) {
    firstSeen.set(row.id, Date.parse(row.first_seen_at));
    const item = workload.byLink.get(row.url);
    if (!item) throw new Error(`capacity: stored an item the feeds do not have: ${row.url}`);
    const channels = new Set(item.terms.flatMap((term) => watchers[term]!));
    if (channels.size) matched++;
    for (const channel of channels) expected.add(`${channel} ${row.id}`);
  }
  const seen = new Set<string>();
  let duplicates = 0;
  let unexpected = 0;
  for (const d of sent) {
    const key = `${d.channel} ${d.itemId}`;
    if (seen.has(key)) duplicates++;
    else if (!expected.has(key)) unexpected++;
    seen.add(key);
  }
  const missing = [...expected].filter((key) => !seen.has(key)).length;
  // The planner's jitter polls a feed up to 10% later than its interval.
  const stored = new Set(rows.map((row) => row.url));
  const pollableBy = workload.end - workload.size.everyMs * 1.1;
  let unpolled = 0;
  for (const feed of workload.feeds) for (const item of feed.items) if (!item.backlog && item.at < pollableBy && !stored.has(item.link)) unpolled++;
  const merged = await app.sql.get<{ n: number }>(
    'SELECT count(*) AS n FROM (SELECT story_id FROM items WHERE story_id IS NOT NULL GROUP BY story_id HAVING count(*) > 1) merged',
  );
  const mergedStories = merged?.n ?? 0;
  return {
    counts: { expected: expected.size, missing, duplicates, unexpected },
    firstSeen,
    unpolled,
    mergedStories,
    matchedShare: rows.length ? matched / rows.length : 0,
  };
}
