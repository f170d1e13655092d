import { randomUUID } from 'node:crypto';
import type { ItemStore } from '../db/items.ts';
import type { Outbox, OutboxRow } from '../db/outbox.ts';
import type { StoryStore } from '../db/stories.ts';
import type { Logger } from '../log.ts';
import type { Gatherer } from '../rhythm/gatherer.ts';
import type { WeeklyChart } from './compose-roundup.ts';
import { ChannelSlots } from './channel-slots.ts';
import { composeMessage, type ComposeStores } from './compose-alert.ts';
import { lookThenPost } from './look-before-post.ts';
import { Pacer } from './pacer.ts';
import { failureOf, type AlertSender } from './port.ts';
import { decideRetry, type RetrySettings } from './retry-policy.ts';

export interface DeliverySettings extends RetrySettings {
  /** How often the outbox is re-read, so that alerts queued by another process go out promptly. */
  intervalMs: number;
  /** How long an alert waits for its item's LLM summary (0 without an LLM). */
  summaryWaitMs: number;
  /** How long an alert, a fold or a digest waits for the translation of what it shows (0 without an LLM). */
  translationWaitMs?: number;
  /** After how long a claim that was not renewed is taken to belong to a dead process. */
  claimTimeoutMs: number;
  /** How many channels are sent to at once, and so how many rows one claim takes at most. */
  concurrency: number;
}

/**
 * Why a row ended unsent: the platform refused it, every attempt allowed failed, it had nothing new to
 * say (an update), its claim was taken over as stale (another worker now has it), or what it was about
 * is gone.
 */
type FailedWhy = 'refused' | 'out-of-attempts' | 'skipped' | 'claim-lost' | 'unsendable';

/**
 * Where a row, and its channel, stand after one delivery. `failed` is for good, or the row is no longer
 * this worker's; `retrying` is an update that will be tried again and holds nothing back; `paused` holds
 * the channel until the row's retry; `gone` is a channel the bot cannot post to.
 */
export type DeliveryOutcome =
  | { kind: 'sent'; found: boolean }
  | { kind: 'failed'; why: FailedWhy }
  | { kind: 'retrying'; at: Date }
  | { kind: 'paused'; until: Date }
  | { kind: 'gone'; reason: string };

/**
 * Sends what the outbox holds through each platform's sender. A row is claimed atomically before it is
 * sent, then marked sent, retrying (with backoff) or failed, so two processes never send the same alert.
 * Each channel's alerts go out in order, one at a time, by a task of the channel's own (ChannelSlots).
 */
export class DeliveryWorker {
  private readonly id = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly senders: Map<string, AlertSender>;
  private readonly platforms: OutboxRow['platform'][];
  private readonly pacers = new Map<string, Pacer>();
  private readonly slots: ChannelSlots;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      outbox: Outbox;
      items: ItemStore;
      stories: StoryStore;
      channels: { deactivate(channel: string, reason: string): Promise<void> };
      /** Queues due digests and gathers held rows into folds, before each round of claims. */
      gatherer?: Pick<Gatherer, 'gather'>;
      /** Draws a weekly digest's chart. */
      chart?: WeeklyChart;
      /** Items in each channel's language, where it has one. */
      translations?: ComposeStores['translations'];
      /** Asks the LLM for the translations waiting rows want, on each round of claims. */
      translator?: { request(): Promise<unknown> };
      /** Told how each row's delivery ended (the metrics count them). */
      onDelivered?: (row: OutboxRow, outcome: DeliveryOutcome) => Promise<void>;
      log: Logger;
      settings: DeliverySettings;
    },
    senders: AlertSender[],
  ) {
    this.senders = new Map(senders.map((sender) => [sender.platform, sender]));
    this.platforms = [...this.senders.keys()] as OutboxRow['platform'][];
    for (const sender of senders) if (sender.minIntervalMs) this.pacers.set(sender.platform, new Pacer(sender.minIntervalMs));
    this.slots = new ChannelSlots(
      deps.settings.concurrency,
      {
        claimDue: async (limit, busy, dueBy) => {
          if (!this.platforms.length) return [];
          await this.gather();
          return this.claim({ skipChannels: busy, dueBy }, limit);
        },
        claimChannel: (channel, dueBy) => this.claim({ onlyChannel: channel, dueBy }),
        deliver: (rows) => this.deliverChannel(rows),
      },
      () => {
        if (this.timer) this.nudge();
      },
    );
  }

  /** Sends on a timer (every `intervalMs`) and when nudged, until stopped. */
  start(): void {
    if (this.timer || this.slots.stopped) return;
    this.timer = setInterval(() => this.nudge(), this.deps.settings.intervalMs);
    this.nudge();
  }

  /**
   * Starts sending to every idle channel that has an alert due, as far as there are free slots; returns
   * at once (the claim and the sends go on by themselves, and log their failures).
   */
  nudge(): void {
    this.slots.startDue().then(
      (tasks) => {
        for (const task of tasks) {
          task.catch((error: unknown) => this.deps.log.error({ err: error }, 'delivery to a channel failed unexpectedly'));
        }
      },
      (error: unknown) => this.deps.log.error({ err: error }, 'could not read the outbox; delivery tries again on its next tick'),
    );
  }

  /**
   * For a worker that is not started (`ainews poll --once`, the demo): sends what was due when it was
   * called, and returns how many were sent once none of it is left. What fails is left for a later call
   * (one call never retries it, so it never spins on a failing alert), and so is what is queued meanwhile.
   * A storage error rejects, once the channel tasks under way have ended.
   */
  async drain(): Promise<number> {
    if (this.timer) throw new Error('drain() is for a worker that is not started');
    return this.slots.drain();
  }

  /** Stops taking new work and waits for the sends in progress to be recorded. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.slots.stop();
  }

  /**
   * What is due to be gathered is queued first, so that it is claimed in the same round; then what the
   * rows waiting (those just gathered included) want translated is asked for.
   */
  private async gather(): Promise<void> {
    try {
      await this.deps.gatherer?.gather(new Date());
    } catch (error) {
      this.deps.log.error({ err: error }, 'could not gather held alerts or queue digests; tried again on the next round');
    }
    await this.deps.translator?.request();
  }

  private async claim(options: { skipChannels?: string[]; onlyChannel?: string; dueBy?: Date }, limit = this.deps.settings.concurrency): Promise<OutboxRow[]> {
    const now = new Date();
    return this.deps.outbox.claim(this.platforms, this.id, limit, now, { ...this.deps.settings, ...options, dueBy: options.dueBy ?? now });
  }

  /**
   * One channel's claimed alerts, in order (a claim takes only the head of each channel's queue, so the
   * later ones wait in the outbox behind an alert that is being retried); a channel that is gone fails
   * them all. `goOn` is false when the channel now waits: for an alert's retry, or for good.
   */
  private async deliverChannel(rows: OutboxRow[]): Promise<{ sent: number; goOn: boolean }> {
    let sent = 0;
    for (const [index, row] of rows.entries()) {
      const rest = () => rows.slice(index + 1).map((r) => r.id);
      // Once stopped, what is claimed but not yet sent goes back to the queue, unsent.
      if (this.slots.stopped) {
        await this.deps.outbox.release(rows.slice(index).map((r) => r.id), this.id);
        return { sent, goOn: false };
      }
      let outcome: DeliveryOutcome;
      try {
        outcome = await this.deliver(row);
      } catch (error) {
        // A storage error: the rows behind this one go back to the queue now rather than when their
        // claim times out (this one's state is unknown: its claim times out).
        try {
          await this.deps.outbox.release(rest(), this.id);
        } catch {
          // The same error, most likely: the claims time out instead.
        }
        throw error;
      }
      await this.deps.onDelivered?.(row, outcome);
      if (outcome.kind === 'sent') sent++;
      if (outcome.kind === 'paused') {
        await this.deps.outbox.release(rest(), this.id, outcome.until);
        return { sent, goOn: false };
      }
      if (outcome.kind === 'gone') {
        await this.deps.channels.deactivate(row.channel, outcome.reason);
        const failed = await this.deps.outbox.failChannel(row.channel, this.id, outcome.reason);
        this.deps.log.warn({ channel: row.channel, reason: outcome.reason, failed }, 'channel marked inactive: the platform says the bot cannot post there');
        return { sent, goOn: false };
      }
    }
    return { sent, goOn: true };
  }

  /** Composes, posts (looking first for an earlier attempt) and records one row; logs how it went. */
  private async deliver(row: OutboxRow): Promise<DeliveryOutcome> {
    const { outbox } = this.deps;
    const log = this.deps.log.child({ outbox: row.id, channel: row.channel, item: row.item_id, kind: row.kind });
    const sender = this.senders.get(row.platform)!;
    const message = await composeMessage(row, sender, this.deps);
    let outcome: DeliveryOutcome;
    if ('unsendable' in message) {
      await outbox.markFailed(row.id, this.id, message.unsendable, null);
      outcome = { kind: 'failed', why: 'unsendable' };
      log.warn({ outcome: outcome.kind, why: outcome.why, reason: message.unsendable }, 'nothing to post; marked failed');
      return outcome;
    }
    if ('skipped' in message) {
      await outbox.markSkipped(row.id, this.id, message.skipped);
      outcome = { kind: 'failed', why: 'skipped' };
      log.debug({ outcome: outcome.kind, why: outcome.why, reason: message.skipped }, 'update skipped');
      return outcome;
    }
    // What it shows of a translation is recorded before it goes out, as what it names is (startAttempt).
    const translation = message.translation;
    if (translation && (translation.shown !== null || row.translated !== null)) await outbox.recordTranslation(row.id, this.id, translation.shown, translation.gathered);
    const pacer = this.pacers.get(row.platform);
    const attempt = await lookThenPost(row, message, { outbox, worker: this.id, pace: async () => pacer?.wait(row.channel) });
    switch (attempt.result) {
      case 'sent':
        if (attempt.found) log.info({ message: attempt.messageId }, 'an earlier attempt had been posted; recorded it without posting again');
        return { kind: 'sent', found: attempt.found };
      case 'claim-lost':
        outcome = { kind: 'failed', why: 'claim-lost' };
        log.warn({ outcome: outcome.kind, why: outcome.why }, 'the claim was taken over as stale before posting; left to its new holder');
        return outcome;
      case 'failed':
        return this.recordFailure(row, attempt, log);
    }
  }

  /** Records a failed send, or a failed look for an earlier one, as the retry policy decides. */
  private async recordFailure(row: OutboxRow, attempt: { error: unknown; stage: 'send' | 'lookup'; startedAt: Date }, log: Logger): Promise<DeliveryOutcome> {
    const { outbox, settings } = this.deps;
    const reason = attempt.error instanceof Error ? attempt.error.message : String(attempt.error);
    const message = attempt.stage === 'lookup' ? `could not check whether an earlier attempt was posted: ${reason}` : reason;
    const decision = decideRetry(
      { failure: failureOf(attempt.error), stage: attempt.stage, attempts: row.attempts, row: row.kind, startedAt: attempt.startedAt },
      settings,
      new Date(),
    );
    switch (decision.action) {
      case 'channel-gone':
        await outbox.markFailed(row.id, this.id, message, null);
        return { kind: 'gone', reason };
      case 'give-up':
        await outbox.markFailed(row.id, this.id, message, null, decision.mayHaveLanded);
        log.warn({ err: message, attempts: row.attempts, giveUp: true, outcome: 'failed', why: decision.why }, 'alert delivery failed for good');
        return { kind: 'failed', why: decision.why };
      case 'retry':
      case 'pause': {
        await outbox.markFailed(row.id, this.id, message, decision.at, decision.mayHaveLanded);
        const outcome: DeliveryOutcome = decision.action === 'retry' ? { kind: 'retrying', at: decision.at } : { kind: 'paused', until: decision.at };
        log.warn({ err: message, attempts: row.attempts, giveUp: false, outcome: outcome.kind }, 'alert delivery failed; will retry');
        return outcome;
      }
    }
  }
}
