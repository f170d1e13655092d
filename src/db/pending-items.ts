import type { Database, Statement } from 'better-sqlite3';
import { ITEM_COLUMNS, type ItemRow } from './item-row.ts';

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

/**
 * The queue of stored items that are not yet searchable, in a story, summarized and routed. A row whose
 * processing failed waits until its `next_attempt_at`; rows are handed out oldest first.
 */
export class PendingItems {
  private readonly insert: Statement;
  private readonly head: Statement;
  private readonly one: Statement;
  private readonly removeMany: Statement;
  private readonly waiting: Statement;

  constructor(private readonly db: Database) {
    const columns = `p.seq, p.feed_id, p.source_name, p.source_url, p.edited, ${ITEM_COLUMNS}`;
    const due = '(p.next_attempt_at IS NULL OR p.next_attempt_at <= @now)';
    this.insert = db.prepare(
      `INSERT INTO pending_items (item_id, feed_id, source_name, source_url, edited)
       SELECT j.value ->> 0, ?, ?, ?, j.value ->> 1 FROM json_each(?) j ORDER BY j.key`,
    );
    this.head = db.prepare(`SELECT ${columns} FROM pending_items p JOIN items i ON i.id = p.item_id WHERE ${due} ORDER BY p.seq LIMIT @limit`);
    this.one = db.prepare(`SELECT ${columns} FROM pending_items p JOIN items i ON i.id = p.item_id WHERE p.seq = @seq AND ${due}`);
    this.removeMany = db.prepare('DELETE FROM pending_items WHERE seq IN (SELECT value FROM json_each(?))');
    this.waiting = db.prepare(`SELECT 1 FROM pending_items p JOIN items i ON i.id = p.item_id WHERE ${due} LIMIT 1`);
  }

  /** Queues a poll's new and edited items, in this order; called in the transaction that stores them. */
  add(items: { itemId: number; edited: boolean }[], source: ItemSource): void {
    if (items.length === 0) return;
    this.insert.run(source.feedId, source.name, source.url, JSON.stringify(items.map((item) => [item.itemId, item.edited ? 1 : 0])));
  }

  /** The oldest `limit` rows that are due, in the order they were queued. */
  next(limit: number, now: Date): PendingItem[] {
    return (this.head.all({ limit, now: now.toISOString() }) as PendingRow[]).map(pendingItem);
  }

  /** One row by its place in the queue, unless it is gone (finished by another process) or not due. */
  bySeq(seq: number, now: Date): PendingItem[] {
    return (this.one.all({ seq, now: now.toISOString() }) as PendingRow[]).map(pendingItem);
  }

  /** Whether any row is due. */
  any(now: Date): boolean {
    return this.waiting.get({ now: now.toISOString() }) !== undefined;
  }

  /** Removes the rows a batch has just finished. */
  remove(seqs: number[]): void {
    this.removeMany.run(JSON.stringify(seqs));
  }

  /** Records a failed attempt at one row and when to try it again; returns how many it has now. */
  fail(seq: number, error: string, retryAt: (attempts: number) => Date): number {
    const attempts = this.db.prepare('SELECT attempts FROM pending_items WHERE seq = ?').pluck().get(seq) as number | undefined;
    if (attempts === undefined) return 0;
    this.db
      .prepare('UPDATE pending_items SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE seq = ?')
      .run(attempts + 1, error, retryAt(attempts + 1).toISOString(), seq);
    return attempts + 1;
  }

  /** A new item's place in the queue; undefined once it is finished. */
  state(itemId: number): PendingState | undefined {
    return this.db
      .prepare('SELECT attempts, last_error, next_attempt_at FROM pending_items WHERE item_id = ? AND edited = 0 ORDER BY seq LIMIT 1')
      .get(itemId) as PendingState | undefined;
  }
}

type PendingRow = ItemRow & Omit<PendingItem, 'item'>;

function pendingItem({ seq, feed_id, source_name, source_url, edited, ...item }: PendingRow): PendingItem {
  return { seq, feed_id, source_name, source_url, edited, item };
}
