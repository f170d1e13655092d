import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformError, type Alert, type AlertSender } from '../../src/delivery/port.ts';
import { DeliveryWorker, type DeliverySettings } from '../../src/delivery/worker.ts';
import { createLogger } from '../../src/log.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';
import { waitUntil } from '../helpers/wait.ts';

let app: TestApp;
beforeEach(async () => {
  app = await testApp();
});
afterEach(() => app.dispose());

/** A platform that records what it posted, fails as scripted, and can be asked what it already holds. */
class ScriptedSender implements AlertSender {
  readonly platform = 'console' as const;
  readonly posted = new Map<number, string>();
  readonly lookups: { deliveryId: number; since: Date }[] = [];
  /** Each entry: an error to throw, or 'post-then-throw' (posted, but the answer is lost). */
  script: (Error | 'post-then-throw')[] = [];
  sendCalls = 0;
  /**
   * Called as the request goes out. One that reads the outbox is asynchronous, and awaited; one that
   * scripts this send's failure is not, and this send takes its entry of the script before another can.
   */
  onSend: (alert: Alert) => void | Promise<unknown> = () => undefined;

  async send(alert: Alert): Promise<string> {
    this.sendCalls++;
    const hook = this.onSend(alert);
    if (hook) await hook;
    const next = this.script.shift();
    if (next instanceof Error) throw next;
    const id = `m-${alert.deliveryId}-${this.sendCalls}`;
    this.posted.set(alert.deliveryId, id);
    if (next === 'post-then-throw') throw new PlatformError('socket hang up', { kind: 'outcome-unknown' });
    return id;
  }

  /** Errors the next lookups throw, one per lookup. */
  lookupFailures: Error[] = [];

  onLookup: (alert: Alert) => void = () => undefined;

  async findPosted(alert: Alert, since: Date): Promise<string | null> {
    this.lookups.push({ deliveryId: alert.deliveryId, since });
    this.onLookup(alert);
    const failure = this.lookupFailures.shift();
    if (failure) throw failure;
    return this.posted.get(alert.deliveryId) ?? null;
  }
}

const settings: DeliverySettings = { intervalMs: 50, maxAttempts: 5, backoffBaseMs: 1, backoffMaxMs: 5, summaryWaitMs: 0, sendTimeoutMs: 200, claimTimeoutMs: 1000, concurrency: 10 };
const worker = (sender: AlertSender, overrides: Partial<DeliverySettings> = {}, log = createLogger('silent')) =>
  new DeliveryWorker({ outbox: app.outbox, items: app.items, stories: app.stories, channels: app.watches, log, settings: { ...settings, ...overrides } }, [sender]);

/** A real logger whose records are kept, to see what the worker says about each row. */
function recordingLogger() {
  const records: Record<string, unknown>[] = [];
  return { log: pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) }), records };
}

/** Queues one alert per title for the channel, as a matching poll would. */
async function queue(channel: string, titles: string[]): Promise<number[]> {
  const { watch } = await app.watches.add(channel, '*', 'u1');
  const stored = await storeItems(app, titles.map((title) => ({ title })), { process: false });
  const ids: number[] = [];
  for (const item of stored.created) {
    await app.outbox.enqueue({ itemId: item.id, channel, watchId: watch.id, watchQuery: '*' });
    ids.push((await app.outbox.find(item.id, channel))!.id);
  }
  return ids;
}
const row = async (id: number) => (await app.outbox.list()).find((r) => r.id === id)!;
const statuses = (ids: number[]) => Promise.all(ids.map(async (id) => (await row(id)).status));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeliveryWorker outcomes', () => {
  it('records that an attempt is under way before the request goes out', async () => {
    const [id] = await queue('console:team', ['One']);
    const sender = new ScriptedSender();
    let during: unknown;
    sender.onSend = async () => (during = { ...(await row(id!)) });
    await worker(sender).drain();
    expect(during).toMatchObject({ status: 'sending', attempt_started_at: expect.any(String) });
    expect(await row(id!)).toMatchObject({ status: 'sent', attempt_started_at: null });
  });

  it('after a lost answer, finds the posted message instead of posting again, once the attempt can no longer land', async () => {
    const [id] = await queue('console:team', ['One']);
    const sender = new ScriptedSender();
    sender.script = ['post-then-throw'];
    await worker(sender).drain();
    const failed = await row(id!);
    expect(failed).toMatchObject({ status: 'retrying', attempt_started_at: expect.any(String) });
    // The retry waits until the lost request's timeout has passed.
    expect(Date.parse(failed.next_attempt_at) - Date.parse(failed.attempt_started_at!)).toBeGreaterThanOrEqual(settings.sendTimeoutMs);
    await sleep(settings.sendTimeoutMs + 20);
    expect(await worker(sender).drain()).toBe(1);
    expect(sender.sendCalls).toBe(1);
    expect(sender.lookups).toEqual([{ deliveryId: id, since: new Date(failed.attempt_started_at!) }]);
    expect(await row(id!)).toMatchObject({ status: 'sent', platform_message_id: sender.posted.get(id!), attempt_started_at: null });
  });

  it('posts again when the lost attempt is not in the channel, and does not look when the platform said no', async () => {
    const [lost] = await queue('console:a', ['Lost']);
    const [refused] = await queue('console:b', ['Refused']);
    const sender = new ScriptedSender();
    sender.script = [new PlatformError('request timed out', { kind: 'outcome-unknown' }), new PlatformError('internal_error', { kind: 'transient' })];
    await worker(sender).drain();
    await sleep(settings.sendTimeoutMs + 20);
    await worker(sender).drain();
    expect(sender.lookups.map((l) => l.deliveryId)).toEqual([lost]);
    expect(await statuses([lost!, refused!])).toEqual(['sent', 'sent']);
    expect(sender.posted.size).toBe(2);
  });

  it('takes over an alert whose process died mid-send, and looks for it before posting', async () => {
    const [id] = await queue('console:team', ['One']);
    const [claimed] = await app.outbox.claim(['console'], 'dead-worker', 1, new Date(), settings);
    await app.outbox.startAttempt(claimed!.id, 'dead-worker');
    const sender = new ScriptedSender();
    sender.posted.set(id!, 'm-posted-before-the-crash');
    expect(await worker(sender).drain()).toBe(0);
    await sleep(settings.claimTimeoutMs + 20);
    expect(await worker(sender).drain()).toBe(1);
    expect(sender.sendCalls).toBe(0);
    expect(await row(id!)).toMatchObject({ status: 'sent', platform_message_id: 'm-posted-before-the-crash', attempts: 2 });
  });

  it("honours Retry-After for the channel's other alerts too, without counting an attempt for them", async () => {
    const [first, second] = await queue('console:busy', ['First', 'Second']);
    const [other] = await queue('console:quiet', ['Elsewhere']);
    const sender = new ScriptedSender();
    let limited = false;
    sender.onSend = (alert) => {
      if (alert.channel !== 'console:busy' || limited) return;
      limited = true;
      sender.script.unshift(new PlatformError('ratelimited', { kind: 'rate-limited', retryAfterMs: 300 }));
    };
    const before = Date.now();
    await worker(sender).drain();
    expect(await row(first!)).toMatchObject({ status: 'retrying', attempts: 1, last_error: 'ratelimited' });
    expect(Date.parse((await row(first!)).next_attempt_at)).toBeGreaterThanOrEqual(before + 300);
    expect(await row(second!)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await row(other!)).status).toBe('sent');
    await sleep(320);
    expect(await worker(sender).drain()).toBe(2);
    expect(sender.sendCalls).toBe(4);
  });

  it('never lets a later alert of the channel overtake one waiting for its retry, even one queued meanwhile', async () => {
    const ids = await queue('console:busy', ['A', 'B', 'C']);
    const sender = new ScriptedSender();
    sender.script = [new PlatformError('ratelimited', { kind: 'rate-limited', retryAfterMs: 60_000 })];
    await worker(sender, { concurrency: 2 }).drain();
    // Queued while A waits: it waits too.
    const [late] = await queue('console:busy', ['D']);
    await worker(sender, { concurrency: 2 }).drain();
    expect(sender.sendCalls).toBe(1);
    expect(await statuses([...ids, late!])).toEqual(['retrying', 'pending', 'pending', 'pending']);
  });

  it('holds the channel behind an alert that keeps failing until it fails for good, then goes on', async () => {
    const [stuck, next] = await queue('console:team', ['Stuck', 'Next']);
    const sender = new ScriptedSender();
    sender.script = Array.from({ length: 3 }, () => new PlatformError('internal_error', { kind: 'transient' }));
    for (let round = 0; round < 4; round++) {
      await worker(sender, { maxAttempts: 3 }).drain();
      await sleep(20);
    }
    expect(await row(stuck!)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'internal_error' });
    expect(await row(next!)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(sender.posted.has(stuck!)).toBe(false);
  });

  it('never posts again while the look for a lost attempt fails, whether rate limited or refused', async () => {
    const [id] = await queue('console:team', ['One']);
    const sender = new ScriptedSender();
    sender.script = ['post-then-throw'];
    sender.lookupFailures = [new PlatformError('ratelimited', { kind: 'rate-limited', retryAfterMs: 10 }), new PlatformError('missing_scope', { kind: 'refused' })];
    for (let round = 0; round < 4; round++) {
      await sleep(settings.sendTimeoutMs + 20);
      await worker(sender).drain();
    }
    expect(sender.lookups).toHaveLength(3);
    expect(sender.sendCalls).toBe(1);
    expect(await row(id!)).toMatchObject({ status: 'sent', platform_message_id: sender.posted.get(id!) });
  });

  it('gives up on an alert whose earlier attempt cannot be checked, after the last attempt, with the reason', async () => {
    const [id] = await queue('console:team', ['One']);
    const sender = new ScriptedSender();
    sender.script = ['post-then-throw'];
    sender.lookupFailures = [new PlatformError('missing_scope', { kind: 'refused' })];
    await worker(sender, { maxAttempts: 2 }).drain();
    await sleep(settings.sendTimeoutMs + 20);
    await worker(sender, { maxAttempts: 2 }).drain();
    expect(sender.sendCalls).toBe(1);
    expect(await row(id!)).toMatchObject({ status: 'failed', last_error: 'could not check whether an earlier attempt was posted: missing_scope' });
  });

  it('spaces the messages of one channel by the platform\'s pace, and records each attempt after waiting', async () => {
    const ids = await queue('console:team', ['One', 'Two']);
    const sender = new ScriptedSender();
    Object.assign(sender, { minIntervalMs: 300 });
    const started: number[] = [];
    sender.onSend = async (alert) => started.push(Date.parse((await row(alert.deliveryId)).attempt_started_at!));
    await worker(sender).drain();
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(290);
    expect(await statuses(ids)).toEqual(['sent', 'sent']);
  });

  it('retries a channel\'s failed alert while another channel is still working through its backlog', async () => {
    const backlog = await queue('console:busy', ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8']);
    const [retried] = await queue('console:other', ['B']);
    const sender = new ScriptedSender();
    Object.assign(sender, { minIntervalMs: 150 });
    let failedOnce = false;
    sender.onSend = (alert) => {
      if (alert.channel !== 'console:other' || failedOnce) return;
      failedOnce = true;
      sender.script.unshift(new PlatformError('internal_error', { kind: 'transient' }));
    };
    const sentAt = new Map<number, number>();
    const running = worker(sender, { intervalMs: 20 });
    running.start();
    try {
      await waitUntil(async () => (await statuses([...backlog, retried!])).every((status) => status === 'sent'), 10_000, 'every alert sent');
    } finally {
      await running.stop();
    }
    for (const id of [...backlog, retried!]) sentAt.set(id, Date.parse((await row(id)).sent_at!));
    // The busy channel's eight alerts take over a second at its pace; the other's retry does not wait for them.
    expect(failedOnce).toBe(true);
    expect((await row(retried!)).attempts).toBe(2);
    expect(sentAt.get(retried!)!).toBeLessThan(sentAt.get(backlog.at(-1)!)!);
  });

  it('takes turns when more channels wait than it sends to at once, and serves them all in one call', async () => {
    const busy = await queue('console:busy', ['A1', 'A2', 'A3']);
    const [other] = await queue('console:other', ['B']);
    busy.push(...(await queue('console:busy', ['A4', 'A5', 'A6', 'A7', 'A8'])));
    const sender = new ScriptedSender();
    const order: number[] = [];
    sender.onSend = (alert) => void order.push(alert.deliveryId);
    expect(await worker(sender, { concurrency: 1 }).drain()).toBe(9);
    // One channel at a time: the busy one gives its slot up after five alerts, and the oldest alert
    // waiting, the other channel's, goes next; without turns it would wait for all eight.
    expect(order).toEqual([...busy.slice(0, 5), other!, ...busy.slice(5)]);
  });

  it('leaves what is queued during a call, and what fails in it, for the next call', async () => {
    const [first] = await queue('console:team', ['First']);
    const sender = new ScriptedSender();
    sender.script = [new PlatformError('internal_error', { kind: 'transient' })];
    let late: number | undefined;
    sender.onSend = async () => (late ??= (await queue('console:late', ['Queued meanwhile']))[0]);
    expect(await worker(sender).drain()).toBe(0);
    expect(await row(first!)).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(await row(late!)).toMatchObject({ status: 'pending', attempts: 0 });
    await sleep(10);
    expect(await worker(sender).drain()).toBe(2);
  });

  it('marks a channel the bot cannot post to inactive, fails its alerts with the reason, and keeps serving others', async () => {
    const gone = await queue('console:gone', ['A', 'B', 'C']);
    const [fine] = await queue('console:fine', ['D']);
    const sender = new ScriptedSender();
    sender.onSend = (alert) => {
      if (alert.channel === 'console:gone') sender.script.unshift(new PlatformError('not_in_channel: invite the bot', { kind: 'channel-gone' }));
    };
    await worker(sender).drain();
    expect(await Promise.all(gone.map(async (id) => [(await row(id)).status, (await row(id)).last_error]))).toEqual(Array(3).fill(['failed', 'not_in_channel: invite the bot']));
    expect(sender.sendCalls).toBe(2);
    expect((await row(fine!)).status).toBe('sent');
    expect(await app.watches.channel('console:gone')).toMatchObject({ active: 0, inactive_reason: 'not_in_channel: invite the bot' });
    expect(await storeAndQueueAgain()).toBe(false);
  });
});

describe('DeliveryWorker failure reasons', () => {
  it('says which failure ended a row: refused, out of attempts, or a claim lost to another worker', async () => {
    const [refused] = await queue('console:a', ['Refused']);
    const [exhausted] = await queue('console:b', ['Exhausted']);
    const [taken] = await queue('console:c', ['Taken over']);
    const sender = new ScriptedSender();
    sender.onSend = (alert) => {
      if (alert.deliveryId === refused) sender.script.unshift(new PlatformError('msg_too_long', { kind: 'refused' }));
      if (alert.deliveryId === exhausted) sender.script.unshift(new PlatformError('internal_error', { kind: 'transient' }));
      if (alert.deliveryId === taken) sender.script.unshift(new PlatformError('request timed out', { kind: 'outcome-unknown' }));
    };
    // While the look for the lost attempt runs, another worker takes the row over as stale.
    sender.onLookup = (alert) => void app.db.prepare("UPDATE outbox SET claimed_by = 'other-worker' WHERE id = ?").run(alert.deliveryId);
    const { log, records } = recordingLogger();
    await worker(sender, { maxAttempts: 2 }, log).drain();
    await sleep(settings.sendTimeoutMs + 20);
    await worker(sender, { maxAttempts: 2 }, log).drain();
    const why = (id: number) => records.filter((r) => r.outbox === id && r.outcome === 'failed').map((r) => r.why);
    expect(why(refused!)).toEqual(['refused']);
    expect(why(exhausted!)).toEqual(['out-of-attempts']);
    expect(why(taken!)).toEqual(['claim-lost']);
    expect(await row(taken!)).toMatchObject({ status: 'sending', claimed_by: 'other-worker' });
    expect(sender.sendCalls).toBe(4);
  });
});

/** A new matching item for the inactive channel is not queued. */
async function storeAndQueueAgain(): Promise<boolean> {
  const [item] = (await storeItems(app, [{ title: 'Later' }])).created;
  return app.outbox.enqueue({ itemId: item!.id, channel: 'console:gone', watchId: 1, watchQuery: '*' });
}
