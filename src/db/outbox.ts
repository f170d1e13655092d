import type { Database, Statement } from 'better-sqlite3';
import type { Platform } from '../channel-name.ts';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'retrying' | 'failed';

export interface OutboxRow {
  id: number;
  item_id: number;
  channel: string;
  platform: Platform;
  watch_id: number | null;
  watch_query: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_at: string | null;
  platform_message_id: string | null;
  created_at: string;
  sent_at: string | null;
  /** When the request of an attempt whose outcome is unknown went out (see migration 005). */
  attempt_started_at: string | null;
}

/** A delivery as listed by `ainews deliveries`. */
export interface DeliveryRow extends OutboxRow {
  title: string;
}

/** By default, a claim older than this is taken to belong to a process that died mid-send. */
export const DEFAULT_CLAIM_TIMEOUT_MS = 60_000;

/** The alert outbox: one row per (item, channel), claimed atomically by whichever worker sends it. */
export class Outbox {
  private readonly insert: Statement;

  constructor(private readonly db: Database) {
    this.insert = db.prepare(
      `INSERT INTO outbox (item_id, channel, platform, watch_id, watch_query, next_attempt_at, created_at)
       SELECT @itemId, @channel, c.platform, @watchId, @watchQuery, @now, @now FROM channels c WHERE c.id = @channel AND c.active = 1
       ON CONFLICT (item_id, channel) DO NOTHING`,
    );
  }

  /**
   * Queues an alert unless this channel already has one for the item, or the channel is inactive (the
   * platform said it is gone); returns whether a row was added.
   */
  enqueue(alert: { itemId: number; channel: string; watchId: number; watchQuery: string }, now = new Date()): boolean {
    return this.insert.run({ ...alert, now: now.toISOString() }).changes > 0;
  }

  /**
   * Claims up to `limit` due alerts for the given platforms in one statement, so that two processes can
   * never claim the same row. A claim not renewed for `claimTimeoutMs` belongs to a process that died, and
   * is taken back.
   */
  claim(
    platforms: readonly Platform[],
    worker: string,
    limit: number,
    now = new Date(),
    { dueBy = now, summaryWaitMs = 0, claimTimeoutMs = DEFAULT_CLAIM_TIMEOUT_MS }: { dueBy?: Date; summaryWaitMs?: number; claimTimeoutMs?: number } = {},
  ): OutboxRow[] {
    const at = now.toISOString();
    const stale = new Date(now.getTime() - claimTimeoutMs).toISOString();
    // An alert whose item is still being summarized by the LLM waits, but not past summaryWaitMs.
    const waitedSince = new Date(now.getTime() - summaryWaitMs).toISOString();
    const placeholders = platforms.map(() => '?').join(', ');
    return this.db
      .prepare(
        `UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM outbox
           WHERE platform IN (${placeholders})
             AND ((status IN ('pending', 'retrying') AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_at < ?))
             AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = outbox.item_id AND i.summary_pending = 1 AND outbox.created_at > ?)
             -- Only the head of each channel's queue: an earlier alert still waiting, being sent or being
             -- retried holds the later ones back until it is sent or has failed for good, so that they never
             -- overtake it, in this process or another, through an outage however long.
             AND NOT EXISTS (
               SELECT 1 FROM outbox earlier
               WHERE earlier.channel = outbox.channel AND earlier.id < outbox.id AND earlier.status IN ('pending', 'sending', 'retrying'))
           ORDER BY id LIMIT ?)
         RETURNING *`,
      )
      .all(worker, at, ...platforms, dueBy.toISOString(), stale, waitedSince, limit)
      .sort((a, b) => (a as OutboxRow).id - (b as OutboxRow).id) as OutboxRow[];
  }

  // Every outcome is recorded only by the worker that holds the claim: a worker whose claim went stale
  // and was taken over must not overwrite what the new holder records.

  /**
   * Records, before the request goes out, that an attempt is under way, and renews the claim. Returns
   * false when the claim was lost (taken over as stale): the alert must not be sent then.
   */
  startAttempt(id: number, worker: string, now = new Date()): boolean {
    const at = now.toISOString();
    return this.db.prepare('UPDATE outbox SET attempt_started_at = ?, claimed_at = ? WHERE id = ? AND claimed_by = ?').run(at, at, id, worker).changes > 0;
  }

  markSent(id: number, worker: string, messageId: string, now = new Date()): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET status = 'sent', platform_message_id = ?, sent_at = ?, last_error = NULL, claimed_by = NULL, attempt_started_at = NULL
           WHERE id = ? AND claimed_by = ?`,
        )
        .run(messageId, now.toISOString(), id, worker).changes > 0
    );
  }

  /**
   * Records a failed attempt: retried at `retryAt`, or failed for good when it is null. When the attempt
   * may have been posted all the same (`outcomeUnknown`), its start time is kept for the next attempt to
   * look for it first.
   */
  markFailed(id: number, worker: string, error: string, retryAt: Date | null, outcomeUnknown = false): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at), claimed_by = NULL,
             attempt_started_at = CASE WHEN ? THEN attempt_started_at END
           WHERE id = ? AND claimed_by = ?`,
        )
        .run(retryAt ? 'retrying' : 'failed', error, retryAt?.toISOString() ?? null, outcomeUnknown ? 1 : 0, id, worker).changes > 0
    );
  }

  /**
   * Gives claimed rows back unsent, due again at `dueAt` (default: as they were): the worker is stopping,
   * or the platform asked to wait. The attempt does not count.
   */
  release(ids: number[], worker: string, dueAt?: Date): void {
    const release = this.db.prepare(
      `UPDATE outbox SET status = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'pending' END, attempts = attempts - 1, claimed_by = NULL,
         next_attempt_at = coalesce(?, next_attempt_at)
       WHERE id = ? AND claimed_by = ?`,
    );
    this.db.transaction(() => ids.forEach((id) => release.run(dueAt?.toISOString() ?? null, id, worker))).immediate();
  }

  /**
   * Fails every alert still waiting for a channel the platform says is gone (and those this worker holds),
   * so that they are not retried one by one against it; returns how many.
   */
  failChannel(channel: string, worker: string, reason: string): number {
    return this.db
      .prepare(
        `UPDATE outbox SET status = 'failed', last_error = ?, claimed_by = NULL
         WHERE channel = ? AND (status IN ('pending', 'retrying') OR (status = 'sending' AND claimed_by = ?))`,
      )
      .run(reason, channel, worker).changes;
  }

  list(filter: { channel?: string; limit?: number } = {}): DeliveryRow[] {
    return this.db
      .prepare(
        `SELECT o.*, i.title FROM outbox o JOIN items i ON i.id = o.item_id
         ${filter.channel ? 'WHERE o.channel = @channel' : ''} ORDER BY o.id DESC LIMIT @limit`,
      )
      .all({ channel: filter.channel, limit: filter.limit ?? 50 }) as DeliveryRow[];
  }

  find(itemId: number, channel: string): OutboxRow | undefined {
    return this.db.prepare('SELECT * FROM outbox WHERE item_id = ? AND channel = ?').get(itemId, channel) as OutboxRow | undefined;
  }
}
