import { ITEM_COLUMNS, type ItemRow } from './item-row.ts';
import { holdTransactionLock, type Sql } from './sql.ts';

/** A stored item waiting for the follow-up pass (migration 009), with the feed that brought it. */
export interface PendingItem {
  seq: number;
  feed_id: number;
  source_name: string;
  source_url: string;
  edited: 0 | 1;
  item: ItemRow;
}

/** Where a poll's items came from: the feed, and the name and URL its watches match as `source:`. */
export interface ItemSource {
  feedId: number;
  name: string;
  url: string;
}

/** A new item still in the queue, as `why` explains it. */
export interface PendingState {
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
}

const COLUMNS = `p.seq, p.feed_id, p.source_name, p.source_url, p.edited, ${ITEM_COLUMNS}`;
const DUE = '(p.next_attempt_at IS NULL OR p.next_attempt_at <= ?)';
const HEAD = `SELECT ${COLUMNS} FROM pending_items p JOIN items i ON i.id = p.item_id WHERE ${DUE} ORDER BY p.seq LIMIT ?`;
const ONE = `SELECT ${COLUMNS} FROM pending_items p JOIN items i ON i.id = p.item_id WHERE p.seq = ? AND ${DUE}`;
const WAITING = `SELECT 1 FROM pending_items p JOIN items i ON i.id = p.item_id WHERE ${DUE} LIMIT 1`;

/** The statements that take a list: JSON text on SQLite, an array on PostgreSQL. */
const SQLITE = {
  // A poll's items in one statement, queued in their order (seq follows it).
  insert: `INSERT INTO pending_items (item_id, feed_id, source_name, source_url, edited)
    SELECT j.value ->> 0, ?, ?, ?, j.value ->> 1 FROM json_each(?) j ORDER BY j.key`,
  remove: 'DELETE FROM pending_items WHERE seq IN (SELECT value FROM json_each(?))',
  list: (values: readonly unknown[]): unknown => JSON.stringify(values),
};

const POSTGRES: typeof SQLITE = {
  insert: `INSERT INTO pending_items (item_id, feed_id, source_name, source_url, edited)
    SELECT (j.value ->> 0)::bigint, ?::bigint, ?, ?, (j.value ->> 1)::boolean FROM json_array_elements(?::json) WITH ORDINALITY j(value, n) ORDER BY j.n`,
  remove: 'DELETE FROM pending_items WHERE seq = ANY(?::bigint[])',
  list: (values) => values,
};

/**
 * The queue of stored items that are not yet searchable, in a story, summarized and routed. A row whose
 * processing failed waits until its `next_attempt_at`; rows are handed out oldest first.
 */
export class PendingItems {
  private readonly dialect: typeof SQLITE;

  constructor(private readonly sql: Sql) {
    this.dialect = sql.dialect === 'postgres' ? POSTGRES : SQLITE;
  }

  /** Queues a poll's new and edited items, in this order; called in the transaction that stores them. */
  async add(items: { itemId: number; edited: boolean }[], source: ItemSource): Promise<void> {
    if (items.length === 0) return;
    const entries = JSON.stringify(items.map((item) => [item.itemId, item.edited ? 1 : 0]));
    await this.sql.run(this.dialect.insert, [source.feedId, source.name, source.url, entries]);
  }

  /**
   * Makes the follow-up pass's transaction wait for any other worker's to end, and then hold the queue
   * until it ends. Clustering must see every story the batch before made (two workers each clustering one
   * outlet's report would start two stories of one news), and a batch must not be taken twice. On SQLite
   * the write lock, taken as the transaction begins, does this already.
   */
  async holdQueue(): Promise<void> {
    await holdTransactionLock(this.sql, 'pending items');
  }

  /** The oldest `limit` rows that are due, in the order they were queued. */
  async next(limit: number, now: Date): Promise<PendingItem[]> {
    return (await this.sql.all<PendingRow>(HEAD, [now.toISOString(), limit])).map(pendingItem);
  }

  /** One row by its place in the queue, unless it is gone (finished by another process) or not due. */
  async bySeq(seq: number, now: Date): Promise<PendingItem[]> {
    return (await this.sql.all<PendingRow>(ONE, [seq, now.toISOString()])).map(pendingItem);
  }

  /** Whether any row is due. */
  async any(now: Date): Promise<boolean> {
    return (await this.sql.get(WAITING, [now.toISOString()])) !== undefined;
  }

  /** Removes the rows a batch has just finished. */
  async remove(seqs: number[]): Promise<void> {
    await this.sql.run(this.dialect.remove, [this.dialect.list(seqs)]);
  }

  /**
   * Records a failed attempt at one row and when to try it again; returns how many it has now. Read and
   * written in one transaction (the caller's, if it is in one).
   */
  async fail(seq: number, error: string, retryAt: (attempts: number) => Date): Promise<number> {
    return this.sql.withTransaction(async () => {
      const row = await this.sql.get<{ attempts: number }>('SELECT attempts FROM pending_items WHERE seq = ?', [seq]);
      if (row === undefined) return 0;
      const attempts = row.attempts + 1;
      await this.sql.run('UPDATE pending_items SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE seq = ?', [
        attempts,
        error,
        retryAt(attempts).toISOString(),
        seq,
      ]);
      return attempts;
    });
  }

  /** A new item's place in the queue; undefined once it is finished. */
  async state(itemId: number): Promise<PendingState | undefined> {
    return this.sql.get<PendingState>(
      'SELECT attempts, last_error, next_attempt_at FROM pending_items WHERE item_id = ? AND edited = false ORDER BY seq LIMIT 1',
      [itemId],
    );
  }
}

type PendingRow = ItemRow & Omit<PendingItem, 'item'>;

function pendingItem({ seq, feed_id, source_name, source_url, edited, ...item }: PendingRow): PendingItem {
  return { seq, feed_id, source_name, source_url, edited, item };
}
