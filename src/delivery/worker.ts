import { randomUUID } from 'node:crypto';
import type { ItemStore } from '../db/items.ts';
import type { Outbox, OutboxRow } from '../db/outbox.ts';
import type { Logger } from '../log.ts';
import { backoffDelay } from '../pipeline/backoff.ts';
import { composeAlert } from './compose-alert.ts';
import { PlatformError, type AlertSender } from './port.ts';

export interface DeliverySettings {
  /** How often the outbox is re-read, so that alerts queued by another process go out promptly. */
  intervalMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long an alert waits for its item's LLM summary (0 without an LLM). */
  summaryWaitMs: number;
  batchSize?: number;
}

/**
 * Sends what the outbox holds through each platform's sender. A row is claimed atomically before it is
 * sent, then marked sent, retrying (with backoff) or failed, so two processes never send the same alert.
 */
export class DeliveryWorker {
  private readonly id = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly senders: Map<string, AlertSender>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: { outbox: Outbox; items: ItemStore; log: Logger; settings: DeliverySettings },
    senders: AlertSender[],
  ) {
    this.senders = new Map(senders.map((sender) => [sender.platform, sender]));
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
    while (!this.stopped) {
      const batch = this.deps.outbox.claim(platforms, this.id, this.deps.settings.batchSize ?? 20, roundStart, this.deps.settings.summaryWaitMs);
      if (batch.length === 0) break;
      for (const [index, row] of batch.entries()) {
        // Once stopped, what is claimed but not yet sent goes back to the queue, unsent.
        if (this.stopped) {
          this.deps.outbox.release(batch.slice(index).map((r) => r.id), this.id);
          break;
        }
        if (await this.deliver(row)) sent++;
      }
    }
    return sent;
  }

  /** Stops taking new work and waits for the send in progress to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const log = this.deps.log.child({ outbox: row.id, channel: row.channel, item: row.item_id });
    const alert = composeAlert(row, this.deps.items);
    if (!alert) {
      this.deps.outbox.markFailed(row.id, this.id, 'the item no longer exists', null);
      return false;
    }
    try {
      const messageId = await this.senders.get(row.platform)!.send(alert);
      this.deps.outbox.markSent(row.id, this.id, messageId);
      return true;
    } catch (error) {
      const { settings } = this.deps;
      const platformError = error instanceof PlatformError ? error : null;
      const giveUp = platformError?.options.permanent === true || row.attempts >= settings.maxAttempts;
      const wait = Math.max(backoffDelay(row.attempts, { baseMs: settings.backoffBaseMs, maxMs: settings.backoffMaxMs }), platformError?.options.retryAfterMs ?? 0);
      const message = (error as Error).message;
      this.deps.outbox.markFailed(row.id, this.id, message, giveUp ? null : new Date(Date.now() + wait));
      log.warn({ err: message, attempts: row.attempts, giveUp }, giveUp ? 'alert delivery failed for good' : 'alert delivery failed; will retry');
      return false;
    }
  }
}
