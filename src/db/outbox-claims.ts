import type { Platform } from '../channel-name.ts';
import type { OutboxRow } from './outbox.ts';
import {
  claimQuery,
  failChannelQuery,
  failGatheredQuery,
  failUpdatesQuery,
  markFailedQuery,
  markGatheredSentQuery,
  markSentQuery,
  markSkippedQuery,
  recordGatheredTranslationQuery,
  recordTranslationQuery,
  releaseQuery,
  startAttemptQuery,
  type ClaimOptions,
  type TranslationShown,
} from './outbox-claim-sql.ts';
import type { Sql } from './sql.ts';

/**
 * The outbox's claim path over the storage port, on SQLite or PostgreSQL: a worker claims the due head of
 * each channel's queue, records its attempt before the request goes out, then its outcome. The statements
 * are `Outbox`'s (src/db/outbox-claim-sql.ts), so the rules are the same on both backends and for any
 * number of workers sharing the database.
 */
export class OutboxClaims {
  constructor(private readonly sql: Sql) {}

  /**
   * Claims up to `limit` due rows for the given platforms in one statement, so that two workers never
   * claim the same row, in id order. A claim not renewed for `claimTimeoutMs` belongs to a worker that
   * died, and is taken over.
   */
  async claim(platforms: readonly Platform[], worker: string, limit: number, now: Date, options: ClaimOptions): Promise<OutboxRow[]> {
    const { sql, params } = claimQuery(this.sql.dialect, platforms, worker, limit, now, options);
    return (await this.sql.all<OutboxRow>(sql, params)).sort((a, b) => a.id - b.id);
  }

  /**
   * Records, before the request goes out, that an attempt is under way, and renews the claim. False when
   * the claim was lost (taken over as stale): the row must not be sent then.
   */
  async startAttempt(id: number, worker: string, now = new Date(), shownSources: string[] = []): Promise<boolean> {
    const { sql, params } = startAttemptQuery(id, worker, now, shownSources);
    return (await this.sql.run(sql, params)).changes > 0;
  }

  /**
   * Records what the attempt shows, before it goes out: translated or not (and why not), for the row and,
   * for a fold or digest, for each row it gathered (by item). Nothing when the claim was lost.
   */
  async recordTranslation(id: number, worker: string, shown: TranslationShown, gathered: Map<number, TranslationShown> = new Map()): Promise<void> {
    await this.sql.withTransaction(async (tx) => {
      const own = recordTranslationQuery(id, worker, shown);
      if ((await tx.run(own.sql, own.params)).changes === 0) return;
      for (const [itemId, one] of gathered) {
        const row = recordGatheredTranslationQuery(id, itemId, one);
        await tx.run(row.sql, row.params);
      }
    });
  }

  /** Records an update that had nothing new to say: every source it would name was named already. */
  async markSkipped(id: number, worker: string, reason: string, now = new Date()): Promise<boolean> {
    const { sql, params } = markSkippedQuery(id, worker, reason, now);
    return (await this.sql.run(sql, params)).changes > 0;
  }

  /** Records a row sent, and with a fold or a digest, the held rows it gathered: sent in that message. */
  async markSent(id: number, worker: string, messageId: string, now = new Date()): Promise<boolean> {
    return this.sql.withTransaction(async (tx) => {
      const own = markSentQuery(id, worker, messageId, now);
      if ((await tx.run(own.sql, own.params)).changes === 0) return false;
      const gathered = markGatheredSentQuery(id, messageId, now);
      await tx.run(gathered.sql, gathered.params);
      return true;
    });
  }

  /**
   * Records a failed attempt: retried at `retryAt`, or failed for good when it is null, taking with it an
   * alert's waiting updates, or the rows a fold or digest gathered. When the attempt may have been posted
   * all the same (`mayHaveLanded`), its start time is kept for the next attempt to look for it first.
   */
  async markFailed(id: number, worker: string, error: string, retryAt: Date | null, mayHaveLanded = false): Promise<boolean> {
    return this.sql.withTransaction(async (tx) => {
      const own = markFailedQuery(id, worker, error, retryAt, mayHaveLanded);
      if ((await tx.run(own.sql, own.params)).changes === 0) return false;
      if (!retryAt) {
        for (const { sql, params } of [failUpdatesQuery(id), failGatheredQuery(id, error)]) await tx.run(sql, params);
      }
      return true;
    });
  }

  /**
   * Gives claimed rows back unsent, due again at `dueAt` (default: as they were): the worker is stopping,
   * or the platform asked to wait. The attempt does not count.
   */
  async release(ids: number[], worker: string, dueAt?: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.withTransaction(async (tx) => {
      for (const id of ids) {
        const { sql, params } = releaseQuery(id, worker, dueAt);
        await tx.run(sql, params);
      }
    });
  }

  /**
   * Fails every row still waiting for a channel the platform says is gone (and those this worker holds),
   * so that they are not retried one by one against it; returns how many.
   */
  async failChannel(channel: string, worker: string, reason: string): Promise<number> {
    const { sql, params } = failChannelQuery(channel, worker, reason);
    return (await this.sql.run(sql, params)).changes;
  }
}
