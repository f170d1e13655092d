import { UNSENT } from './item-retention.ts';
import type { Sql } from './sql.ts';

/**
 * When a finished row finished. Sent and skipped rows record it (sent_at); a failed one does not, so the
 * latest moment it is known to have been waiting is taken: its last claim or due time. (SQLite's scalar
 * max is PostgreSQL's greatest.)
 */
const finishedAt = (latest: 'max' | 'greatest') => `CASE WHEN o.status = 'failed' THEN ${latest}(o.created_at, o.next_attempt_at, coalesce(o.claimed_at, o.created_at))
  ELSE coalesce(o.sent_at, o.created_at) END`;

const prunable = (latest: 'max' | 'greatest') => `SELECT o.id FROM outbox o
  WHERE o.id > ? AND o.status IN ('sent', 'failed', 'skipped') AND ${finishedAt(latest)} < ?
    AND (o.fold_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox f WHERE f.id = o.fold_id))
    AND NOT EXISTS (SELECT 1 FROM outbox u WHERE u.parent_id = o.id AND u.status IN ${UNSENT})
    AND NOT EXISTS (SELECT 1 FROM outbox g WHERE g.fold_id = o.id AND g.status IN ${UNSENT})
  ORDER BY o.id LIMIT ?`;

/** Each backend's statements; a list of ids is a JSON array on SQLite, an array on PostgreSQL. */
const STATEMENTS = {
  sqlite: {
    prunable: prunable('max'),
    gatheredBy: 'SELECT id FROM outbox WHERE fold_id IN (SELECT value FROM json_each(?))',
    deleteRows: 'DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?)) OR fold_id IN (SELECT value FROM json_each(?))',
  },
  postgres: {
    prunable: prunable('greatest'),
    gatheredBy: 'SELECT id FROM outbox WHERE fold_id = ANY (?::bigint[])',
    deleteRows: 'DELETE FROM outbox WHERE id = ANY (?::bigint[]) OR fold_id = ANY (?::bigint[])',
  },
} as const;

/**
 * Pruning the outbox's history: rows sent, failed or skipped before a cut go, a batch at a time. A fold
 * or digest goes with the rows it gathered (they went out in its message, and are never pruned apart
 * from it), and no row goes while an update still waits to be posted under it.
 */
export class OutboxRetention {
  private readonly statements: (typeof STATEMENTS)[Sql['dialect']];

  constructor(private readonly sql: Sql) {
    this.statements = STATEMENTS[sql.dialect];
  }

  /** The next `limit` rows finished before `cut` that may go, by id after `after`; not the rows a fold gathered. */
  async prunable(cut: Date, after: number, limit: number): Promise<number[]> {
    const rows = await this.sql.all<{ id: number }>(this.statements.prunable, [after, cut.toISOString(), limit]);
    return rows.map((row) => row.id);
  }

  /** The rows these folds and digests gathered: they go with them. */
  async gathered(ids: number[]): Promise<number[]> {
    const rows = await this.sql.all<{ id: number }>(this.statements.gatheredBy, [this.idList(ids)]);
    return rows.map((row) => row.id);
  }

  /** Deletes the rows, and those they gathered; returns how many went. */
  async delete(ids: number[]): Promise<number> {
    const list = this.idList(ids);
    return (await this.sql.run(this.statements.deleteRows, [list, list])).changes;
  }

  private idList(ids: number[]): number[] | string {
    return this.sql.dialect === 'postgres' ? ids : JSON.stringify(ids);
  }
}
