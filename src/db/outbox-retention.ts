import type { Database, Statement } from 'better-sqlite3';
import { UNSENT } from './item-retention.ts';

/**
 * When a finished row finished. Sent and skipped rows record it (sent_at); a failed one does not, so the
 * latest moment it is known to have been waiting is taken: its last claim or due time.
 */
const FINISHED_AT = `CASE WHEN o.status = 'failed' THEN max(o.created_at, o.next_attempt_at, coalesce(o.claimed_at, o.created_at))
  ELSE coalesce(o.sent_at, o.created_at) END`;

/**
 * Pruning the outbox's history: rows sent, failed or skipped before a cut go, a batch at a time. A fold
 * or digest goes with the rows it gathered (they went out in its message, and are never pruned apart
 * from it), and no row goes while an update still waits to be posted under it.
 */
export class OutboxRetention {
  private readonly next: Statement;
  private readonly gatheredBy: Statement;
  private readonly deleteRows: Statement;

  constructor(db: Database) {
    this.next = db.prepare(
      `SELECT o.id FROM outbox o
       WHERE o.id > @after AND o.status IN ('sent', 'failed', 'skipped') AND ${FINISHED_AT} < @cut
         AND (o.fold_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox f WHERE f.id = o.fold_id))
         AND NOT EXISTS (SELECT 1 FROM outbox u WHERE u.parent_id = o.id AND u.status IN ${UNSENT})
         AND NOT EXISTS (SELECT 1 FROM outbox g WHERE g.fold_id = o.id AND g.status IN ${UNSENT})
       ORDER BY o.id LIMIT @limit`,
    ).pluck();
    this.gatheredBy = db.prepare('SELECT id FROM outbox WHERE fold_id IN (SELECT value FROM json_each(?))').pluck();
    this.deleteRows = db.prepare('DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(@ids)) OR fold_id IN (SELECT value FROM json_each(@ids))');
  }

  /** The next `limit` rows finished before `cut` that may go, by id after `after`; not the rows a fold gathered. */
  prunable(cut: Date, after: number, limit: number): number[] {
    return this.next.all({ cut: cut.toISOString(), after, limit }) as number[];
  }

  /** The rows these folds and digests gathered: they go with them. */
  gathered(ids: number[]): number[] {
    return this.gatheredBy.all(JSON.stringify(ids)) as number[];
  }

  /** Deletes the rows, and those they gathered; returns how many went. */
  delete(ids: number[]): number {
    return this.deleteRows.run({ ids: JSON.stringify(ids) }).changes;
  }
}
