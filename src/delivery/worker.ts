import { randomUUID } from 'node:crypto';
import type { ItemStore } from '../db/items.ts';
import type { Outbox, OutboxRow } from '../db/outbox.ts';
import type { StoryStore } from '../db/stories.ts';
import type { Logger } from '../log.ts';
import { backoffDelay } from '../pipeline/backoff.ts';
import { composeAlert, composeUpdate, sourcesShown } from './compose-alert.ts';
import { Pacer } from './pacer.ts';
import { failureOf, type AlertSender } from './port.ts';

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
  /** How many channels are sent to at once, and how many rows one claim takes (10). */
  batchSize?: number;
}

/**
 * Where an alert's channel stands after one delivery: `failed` is for good (or skipped, or the row is no
 * longer this worker's); `retrying` is an update that will be tried again and holds nothing back;
 * `paused` holds the channel until the alert's retry.
 */
type Outcome = { kind: 'sent' } | { kind: 'failed' } | { kind: 'retrying' } | { kind: 'paused'; until: Date } | { kind: 'gone'; reason: string };

/**
 * Rows (alerts or updates) a channel's task sends before it gives its slot up; the oldest alert waiting
 * (possibly its own channel's) goes next, so that channels waiting for a slot get their turn.
 */
const TURN_ROWS = 5;

/**
 * Sends what the outbox holds through each platform's sender. A row is claimed atomically before it is
 * sent, then marked sent, retrying (with backoff) or failed, so two processes never send the same alert.
 * Each channel's alerts go out in order, one at a time, by a task of the channel's own; up to `batchSize`
 * channels are served side by side, taking turns when more are waiting, so one channel's backlog, pace or
 * retry does not hold up another's.
 */
export class DeliveryWorker {
  private readonly id = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly senders: Map<string, AlertSender>;
  private readonly platforms: OutboxRow['platform'][];
  private readonly pacers = new Map<string, Pacer>();
  /** The channels being sent to, each by its task, which settles with how many it sent. */
  private readonly tasks = new Map<string, Promise<number>>();
  private timer: NodeJS.Timeout | null = null;
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
    this.platforms = [...this.senders.keys()] as OutboxRow['platform'][];
    for (const sender of senders) if (sender.minIntervalMs) this.pacers.set(sender.platform, new Pacer(sender.minIntervalMs));
  }

  /** Sends on a timer (every `intervalMs`) and when nudged, until stopped. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.nudge(), this.deps.settings.intervalMs);
    this.nudge();
  }

  /** Starts sending to every idle channel that has an alert due, as far as there are free slots. */
  nudge(): void {
    try {
      for (const task of this.startDue()) {
        task.catch((error: unknown) => this.deps.log.error({ err: error }, 'delivery to a channel failed unexpectedly'));
      }
    } catch (error) {
      this.deps.log.error({ err: error }, 'could not read the outbox; delivery tries again on its next tick');
    }
  }

  /**
   * For a worker that is not started (`ainews poll --once`, the demo): sends what was due when it was
   * called, and returns how many were sent once none of it is left. What fails is left for a later call
   * (one call never retries it, so it never spins on a failing alert), and so is what is queued meanwhile.
   * A storage error rejects, once the channel tasks under way have ended.
   */
  async drain(): Promise<number> {
    if (this.timer) throw new Error('drain() is for a worker that is not started');
    const dueBy = new Date();
    let sent = 0;
    const running = new Set<Promise<void>>();
    let failure: unknown = null;
    for (;;) {
      try {
        if (failure === null) {
          for (const task of this.startDue(dueBy)) {
            const tracked: Promise<void> = task.then(
              (count) => void (sent += count),
              (error: unknown) => void (failure ??= error),
            ).finally(() => running.delete(tracked));
            running.add(tracked);
          }
        }
      } catch (error) {
        failure ??= error;
      }
      if (running.size === 0) break;
      // A slot is free again: channels the limit left out, or one giving up its turn, are started.
      await Promise.race(running);
    }
    if (failure !== null) throw failure;
    return sent;
  }

  /** Stops taking new work and waits for the sends in progress to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled(this.tasks.values());
  }

  /**
   * Claims the head of the queue of idle channels that are due (by `dueBy`), oldest first, and starts a
   * task for each: at most as many rows as there are free slots, a channel's updates counting among them.
   */
  private startDue(dueBy?: Date): Promise<number>[] {
    const room = (this.deps.settings.batchSize ?? 10) - this.tasks.size;
    if (this.stopped || this.platforms.length === 0 || room <= 0) return [];
    const batch = this.claim({ skipChannels: [...this.tasks.keys()], dueBy }, room);
    return [...groupByChannel(batch)].map(([channel, rows]) => {
      const task = this.serveChannel(channel, rows, dueBy).finally(() => {
        this.tasks.delete(channel);
        // Channels waiting for a slot are started now rather than on the next tick.
        if (this.timer) this.nudge();
      });
      this.tasks.set(channel, task);
      return task;
    });
  }

  private claim(options: { skipChannels?: string[]; onlyChannel?: string; dueBy?: Date }, limit = this.deps.settings.batchSize ?? 10): OutboxRow[] {
    const now = new Date();
    return this.deps.outbox.claim(this.platforms, this.id, limit, now, { ...this.deps.settings, ...options, dueBy: options.dueBy ?? now });
  }

  /**
   * One channel's task: its claimed rows, then the next head of its queue, until the channel has nothing
   * due, must wait (for an alert's retry, or for good: the channel is gone), or has had its turn.
   */
  private async serveChannel(channel: string, rows: OutboxRow[], dueBy: Date | undefined): Promise<number> {
    let sent = 0;
    for (let served = rows.length; ; served += rows.length) {
      const { sent: count, goOn } = await this.deliverChannel(rows);
      sent += count;
      if (!goOn || this.stopped || served >= TURN_ROWS) return sent;
      rows = this.claim({ onlyChannel: channel, dueBy });
      if (rows.length === 0) return sent;
    }
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
      if (this.stopped) {
        this.deps.outbox.release(rows.slice(index).map((r) => r.id), this.id);
        return { sent, goOn: false };
      }
      let outcome: Outcome;
      try {
        outcome = await this.deliver(row);
      } catch (error) {
        // A storage error: the rows behind this one go back to the queue now rather than when their
        // claim times out (this one's state is unknown: its claim times out).
        try {
          this.deps.outbox.release(rest(), this.id);
        } catch {
          // The same error, most likely: the claims time out instead.
        }
        throw error;
      }
      if (outcome.kind === 'sent') sent++;
      if (outcome.kind === 'paused') {
        this.deps.outbox.release(rest(), this.id, outcome.until);
        return { sent, goOn: false };
      }
      if (outcome.kind === 'gone') {
        this.deps.channels.deactivate(row.channel, outcome.reason);
        const failed = this.deps.outbox.failChannel(row.channel, this.id, outcome.reason);
        this.deps.log.warn({ channel: row.channel, reason: outcome.reason, failed }, 'channel marked inactive: the platform says the bot cannot post there');
        return { sent, goOn: false };
      }
    }
    return { sent, goOn: true };
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
    const failure = failureOf(error);
    const reason = error instanceof Error ? error.message : String(error);
    const message = stage === 'lookup' ? `could not check whether an earlier attempt was posted: ${reason}` : reason;
    if (failure.kind === 'channel-gone') {
      outbox.markFailed(row.id, this.id, message, null);
      return { kind: 'gone', reason };
    }
    const outcomeUnknown = stage === 'lookup' || failure.kind === 'outcome-unknown';
    const giveUp = (stage === 'send' && failure.kind === 'refused') || row.attempts >= settings.maxAttempts;
    const retryAfterMs = failure.kind === 'rate-limited' ? failure.retryAfterMs : 0;
    const now = Date.now();
    // A retry waits for the backoff, for the platform's Retry-After, and for the earlier attempt to be
    // unable to land, so that looking for it first gives a true answer.
    const retryAt = new Date(
      Math.max(
        now + backoffDelay(row.attempts, { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs }),
        now + retryAfterMs,
        outcomeUnknown ? attemptStart.getTime() + settings.sendTimeoutMs : 0,
      ),
    );
    outbox.markFailed(row.id, this.id, message, giveUp ? null : retryAt, outcomeUnknown);
    log.warn({ err: message, attempts: row.attempts, giveUp }, giveUp ? 'alert delivery failed for good' : 'alert delivery failed; will retry');
    // The channel waits for an alert being retried, to keep its alerts in order; an update keeps no
    // order with them, so only the platform's own Retry-After holds the channel for it.
    if (giveUp) return { kind: 'failed' };
    if (row.kind === 'update' && !retryAfterMs) return { kind: 'retrying' };
    return { kind: 'paused', until: retryAt };
  }
}

function groupByChannel(rows: OutboxRow[]): Map<string, OutboxRow[]> {
  const byChannel = new Map<string, OutboxRow[]>();
  for (const row of rows) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
  return byChannel;
}
