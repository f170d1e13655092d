import { randomUUID } from 'node:crypto';
import type { ItemStore } from '../db/items.ts';
import type { Outbox, OutboxRow } from '../db/outbox.ts';
import type { StoryStore } from '../db/stories.ts';
import type { Logger } from '../log.ts';
import { backoffDelay } from '../pipeline/backoff.ts';
import { composeAlert, composeUpdate, sourcesShown } from './compose-alert.ts';
import { Pacer } from './pacer.ts';
import { PlatformError, type AlertSender } from './port.ts';

/** One message to post: how to post it, how to look for an earlier attempt, and the sources it names. */
interface Message {
  post: () => Promise<string>;
  look: ((since: Date) => Promise<string | null>) | null;
  shown: string[];
}

export interface DeliverySettings {
  /** How often the outbox is re-read, so that alerts queued by another process go out promptly. */
  intervalMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long an alert waits for its item's LLM summary (0 without an LLM). */
  summaryWaitMs: number;
  /** How long a platform request may take: after that, an attempt can no longer land. */
  sendTimeoutMs: number;
  /** After how long a claim that was not renewed is taken to belong to a dead process. */
  claimTimeoutMs: number;
  batchSize?: number;
}

/** Where an alert's channel stands after one delivery. */
type Outcome = { kind: 'sent' } | { kind: 'failed' } | { kind: 'paused'; until: Date } | { kind: 'gone'; reason: string };

/**
 * Sends what the outbox holds through each platform's sender. A row is claimed atomically before it is
 * sent, then marked sent, retrying (with backoff) or failed, so two processes never send the same alert.
 * Each channel's alerts go out in order, one at a time; channels are served side by side.
 */
export class DeliveryWorker {
  private readonly id = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly senders: Map<string, AlertSender>;
  private readonly pacers = new Map<string, Pacer>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: {
      outbox: Outbox;
      items: ItemStore;
      stories: StoryStore;
      channels: { deactivate(channel: string, reason: string): void };
      log: Logger;
      settings: DeliverySettings;
    },
    senders: AlertSender[],
  ) {
    this.senders = new Map(senders.map((sender) => [sender.platform, sender]));
    for (const sender of senders) if (sender.minIntervalMs) this.pacers.set(sender.platform, new Pacer(sender.minIntervalMs));
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.nudge(), this.deps.settings.intervalMs);
    this.nudge();
  }

  /** Delivers what is due now, unless a round is already under way or the worker has stopped. */
  nudge(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain()
      .catch((error: unknown) => {
        this.deps.log.error({ err: error }, 'delivery round failed');
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
  }

  /**
   * Sends every alert due when the round starts, batch after batch; returns how many were sent. An alert
   * that fails in this round is due again only later, so a round never spins on one failing alert.
   */
  async drain(): Promise<number> {
    let sent = 0;
    const platforms = [...this.senders.keys()] as OutboxRow['platform'][];
    if (platforms.length === 0) return 0;
    const roundStart = new Date();
    const { settings } = this.deps;
    while (!this.stopped) {
      const batch = this.deps.outbox.claim(platforms, this.id, settings.batchSize ?? 10, new Date(), { ...settings, dueBy: roundStart });
      if (batch.length === 0) break;
      const byChannel = new Map<string, OutboxRow[]>();
      for (const row of batch) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
      // Settled, not all: a round ends only once every channel's sends are recorded.
      const results = await Promise.allSettled([...byChannel.values()].map((rows) => this.deliverChannel(rows)));
      for (const result of results) {
        if (result.status === 'fulfilled') sent += result.value;
        else this.deps.log.error({ err: result.reason }, 'delivery to a channel failed unexpectedly');
      }
    }
    return sent;
  }

  /** Stops taking new work and waits for the sends in progress to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * One channel's claimed alerts, in order (a claim takes only the head of each channel's queue, so the
   * later ones wait in the outbox behind an alert that is being retried); a channel that is gone fails
   * them all.
   */
  private async deliverChannel(rows: OutboxRow[]): Promise<number> {
    let sent = 0;
    for (const [index, row] of rows.entries()) {
      const rest = () => rows.slice(index + 1).map((r) => r.id);
      // Once stopped, what is claimed but not yet sent goes back to the queue, unsent.
      if (this.stopped) {
        this.deps.outbox.release(rows.slice(index).map((r) => r.id), this.id);
        break;
      }
      const outcome = await this.deliver(row);
      if (outcome.kind === 'sent') sent++;
      if (outcome.kind === 'paused') {
        this.deps.outbox.release(rest(), this.id, outcome.until);
        break;
      }
      if (outcome.kind === 'gone') {
        this.deps.channels.deactivate(row.channel, outcome.reason);
        const failed = this.deps.outbox.failChannel(row.channel, this.id, outcome.reason);
        this.deps.log.warn({ channel: row.channel, reason: outcome.reason, failed }, 'channel marked inactive: the platform says the bot cannot post there');
        break;
      }
    }
    return sent;
  }

  /** The message an outbox row posts, or why there is none to post. */
  private compose(row: OutboxRow, sender: AlertSender): Message | { failed: string } | { skipped: string } {
    if (row.kind === 'update') {
      const composed = composeUpdate(row, this.deps);
      if (!composed) return { failed: 'its alert was not posted, or its item no longer exists' };
      const { update, shown } = composed;
      if (update.newSources.length === 0) return { skipped: 'every source was already named' };
      if (!sender.sendUpdate) return { skipped: `${row.platform} alerts are not updated` };
      const { sendUpdate, findPostedUpdate } = sender;
      return {
        post: () => sendUpdate.call(sender, update),
        look: findPostedUpdate ? (since) => findPostedUpdate.call(sender, update, since) : null,
        shown,
      };
    }
    const alert = composeAlert(row, this.deps);
    if (!alert) return { failed: 'the item no longer exists' };
    const { findPosted } = sender;
    return { post: () => sender.send(alert), look: findPosted ? (since) => findPosted.call(sender, alert, since) : null, shown: sourcesShown(alert) };
  }

  private async deliver(row: OutboxRow): Promise<Outcome> {
    const { outbox } = this.deps;
    const log = this.deps.log.child({ outbox: row.id, channel: row.channel, item: row.item_id, kind: row.kind });
    const sender = this.senders.get(row.platform)!;
    const message = this.compose(row, sender);
    if ('failed' in message) {
      outbox.markFailed(row.id, this.id, message.failed, null);
      return { kind: 'failed' };
    }
    if ('skipped' in message) {
      outbox.markSkipped(row.id, this.id, message.skipped);
      return { kind: 'failed' };
    }
    // An earlier attempt may have been posted without us hearing of it: look before posting again.
    if (row.attempt_started_at && message.look) {
      const earlier = new Date(row.attempt_started_at);
      let found: string | null;
      try {
        found = await message.look(earlier);
      } catch (error) {
        return this.recordFailure(row, error, earlier, log, 'lookup');
      }
      if (found) {
        outbox.markSent(row.id, this.id, found);
        log.info({ message: found }, 'an earlier attempt had been posted; recorded it without posting again');
        return { kind: 'sent' };
      }
    }
    // The platform's per-channel pace is waited for before the attempt is recorded as under way.
    await this.pacers.get(row.platform)?.wait(row.channel);
    const attemptStart = new Date();
    if (!outbox.startAttempt(row.id, this.id, attemptStart, message.shown)) return { kind: 'failed' };
    try {
      const messageId = await message.post();
      outbox.markSent(row.id, this.id, messageId);
      return { kind: 'sent' };
    } catch (error) {
      return this.recordFailure(row, error, attemptStart, log, 'send');
    }
  }

  /**
   * Records a failed send, or a failed look for an earlier one. A failed look always keeps the earlier
   * attempt's mark and is retried (up to the attempt limit): the alert is not posted again until the
   * platform can say whether the earlier attempt landed.
   */
  private recordFailure(row: OutboxRow, error: unknown, attemptStart: Date, log: Logger, stage: 'send' | 'lookup'): Outcome {
    const { outbox, settings } = this.deps;
    const options = error instanceof PlatformError ? error.options : { outcomeUnknown: true };
    const reason = error instanceof Error ? error.message : String(error);
    const message = stage === 'lookup' ? `could not check whether an earlier attempt was posted: ${reason}` : reason;
    if (options.channelGone) {
      outbox.markFailed(row.id, this.id, message, null);
      return { kind: 'gone', reason };
    }
    const outcomeUnknown = stage === 'lookup' || options.outcomeUnknown === true;
    const giveUp = (stage === 'send' && options.permanent === true) || row.attempts >= settings.maxAttempts;
    const now = Date.now();
    // A retry waits for the backoff, for the platform's Retry-After, and for the earlier attempt to be
    // unable to land, so that looking for it first gives a true answer.
    const retryAt = new Date(
      Math.max(
        now + backoffDelay(row.attempts, { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs }),
        now + (options.retryAfterMs ?? 0),
        outcomeUnknown ? attemptStart.getTime() + settings.sendTimeoutMs : 0,
      ),
    );
    outbox.markFailed(row.id, this.id, message, giveUp ? null : retryAt, outcomeUnknown);
    log.warn({ err: message, attempts: row.attempts, giveUp }, giveUp ? 'alert delivery failed for good' : 'alert delivery failed; will retry');
    // The channel waits for an alert being retried, to keep its alerts in order; an update keeps no
    // order with them, so only the platform's own Retry-After holds the channel for it.
    if (giveUp || (row.kind === 'update' && !options.retryAfterMs)) return { kind: 'failed' };
    return { kind: 'paused', until: retryAt };
  }
}
