import type { App } from '../src/app.ts';
import type { Alert, AlertSender } from '../src/delivery/port.ts';
import type { DeliveryWorker } from '../src/delivery/worker.ts';
import type { TickSummary } from '../src/pipeline/scheduler.ts';

/** One alert as a worker sent it, and when (wall clock, `wallClock`). */
export interface Delivery {
  /** Which worker sent it: 1, 2 … */
  worker: number;
  deliveryId: number;
  channel: string;
  itemId: number;
  wallMs: number;
}

/** Wall-clock milliseconds in each stage: fetching and storing polls, processing what they stored, delivering. */
export interface Stages {
  pollMs: number;
  processMs: number;
  deliverMs: number;
}

/** What one worker did in a round, or what several did together. */
export interface RoundReport {
  summary: TickSummary;
  sent: Delivery[];
  stages: Stages;
  /** Polls made, by worker (one entry per worker). */
  polledBy: number[];
  /** Times a fetch found its site's lease held by another worker, and waited to ask again. */
  siteWaits: number;
}

/**
 * The workers a run moves through simulated time: one app in this process (`RoundWorker`), or several
 * processes on one database (capacity-processes.ts). Each round, every worker's clock is set to `at`,
 * then each runs a scheduler round and its delivery worker sends what is due; several do so side by side.
 */
export interface Fleet {
  readonly size: number;
  round(at: number): Promise<RoundReport>;
  /** Every worker sends what is due, again and again until none is left. */
  drainAll(): Promise<RoundReport>;
  close(): Promise<void>;
}

/**
 * Wall-clock milliseconds since the epoch, to the fraction: the same clock in every process of a run
 * (each process's `performance.now()` counts from its own start).
 */
export const wallClock = (): number => performance.timeOrigin + performance.now();

export const noStages = (): Stages => ({ pollMs: 0, processMs: 0, deliverMs: 0 });
export const noSummary = (): TickSummary => ({ polled: 0, fresh: 0, alerts: 0, backlog: 0, notModified: 0, failed: 0, deferred: 0 });

/** The reports of workers that ran side by side, as one: counts and stage times added up, sends together. */
export function combine(reports: RoundReport[]): RoundReport {
  const summary = noSummary();
  const stages = noStages();
  for (const report of reports) {
    for (const key of Object.keys(summary) as (keyof TickSummary)[]) summary[key] += report.summary[key];
    for (const key of Object.keys(stages) as (keyof Stages)[]) stages[key] += report.stages[key];
  }
  return {
    summary,
    stages,
    sent: reports.flatMap((report) => report.sent),
    polledBy: reports.flatMap((report) => report.polledBy),
    siteWaits: reports.reduce((sum, report) => sum + report.siteWaits, 0),
  };
}

/** Sends nowhere: records what the delivery worker sent, and when (wall clock). */
class RecordingSender implements AlertSender {
  readonly platform = 'console' as const;
  private sent: Delivery[] = [];

  constructor(private readonly worker: number) {}

  async send(alert: Alert): Promise<string> {
    this.sent.push({ worker: this.worker, deliveryId: alert.deliveryId, channel: alert.channel, itemId: alert.itemId, wallMs: wallClock() });
    return `capacity-${alert.deliveryId}`;
  }

  /** What was sent since the last call. */
  take(): Delivery[] {
    const sent = this.sent;
    this.sent = [];
    return sent;
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
 * One worker: the real app's scheduler and a delivery worker that sends nowhere, on a simulated clock.
 * A round is what the running bot does when its scheduler wakes, followed by the delivery worker sending
 * what is due, as `ainews poll --once` does; each stage is timed apart. On its own, it is a fleet of one.
 */
export class RoundWorker implements Fleet {
  readonly size = 1;
  private readonly sender: RecordingSender;
  private readonly delivery: DeliveryWorker;
  private processMs = 0;
  private siteWaits = 0;

  constructor(
    private readonly app: App,
    private readonly clock: { now: number },
    /** Its number among the run's workers. */
    worker = 1,
  ) {
    this.sender = new RecordingSender(worker);
    this.delivery = app.deliveryWorker([this.sender]);
    timeMethod(app.processor, 'processNext', (ms) => (this.processMs += ms));
    // The site leases are taken through the app's leases (HostLeases): a refusal is a wait for another worker.
    const acquire = app.leases.acquire.bind(app.leases);
    app.leases.acquire = async (name, ...rest) => {
      const taken = await acquire(name, ...rest);
      if (!taken && name.startsWith('host:')) this.siteWaits++;
      return taken;
    };
  }

  async round(at: number): Promise<RoundReport> {
    this.clock.now = at;
    const processedBefore = this.processMs;
    const started = performance.now();
    const tick = await this.app.scheduler.tick();
    const delivering = performance.now();
    await this.delivery.drain();
    // The processor runs within the tick (each poll's items are processed before the tick ends).
    const processMs = this.processMs - processedBefore;
    const siteWaits = this.siteWaits;
    this.siteWaits = 0;
    const summary = noSummary();
    for (const key of Object.keys(summary) as (keyof TickSummary)[]) summary[key] = tick?.[key] ?? 0;
    return {
      summary,
      sent: this.sender.take(),
      stages: { pollMs: delivering - started - processMs, processMs, deliverMs: performance.now() - delivering },
      polledBy: [summary.polled],
      siteWaits,
    };
  }

  async drainAll(): Promise<RoundReport> {
    const started = performance.now();
    while ((await this.delivery.drain()) > 0);
    return { summary: noSummary(), sent: this.sender.take(), stages: { ...noStages(), deliverMs: performance.now() - started }, polledBy: [0], siteWaits: 0 };
  }

  /** The app is its owner's to close. */
  async close(): Promise<void> {}
}
