import type { Database, Statement } from 'better-sqlite3';
import { ITEM_COLUMNS, type ItemRow } from './items.ts';

/** Failed attempts at processing one item on its own before it is set aside. */
export const MAX_ATTEMPTS = 3;

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

/**
 * The queue of stored items that are not yet searchable, in a story, summarized and routed. Rows that
 * failed MAX_ATTEMPTS times on their own are set aside: kept, but no longer handed out.
 */
export class PendingItems {
  private readonly insert: Statement;
  private readonly head: Statement;
  private readonly one: Statement;
  private readonly removeMany: Statement;
  private readonly waiting: Statement;

  constructor(private readonly db: Database) {
    // Built here, not at module level: items.ts and this module import each other.
    const columns = `p.seq, p.feed_id, p.source_name, p.source_url, p.edited, ${ITEM_COLUMNS}`;
    this.insert = db.prepare(
      `INSERT INTO pending_items (item_id, feed_id, source_name, source_url, edited)
       SELECT j.value ->> 0, ?, ?, ?, j.value ->> 1 FROM json_each(?) j ORDER BY j.key`,
    );
    this.head = db.prepare(
      `SELECT ${columns} FROM pending_items p JOIN items i ON i.id = p.item_id
       WHERE p.attempts < ${MAX_ATTEMPTS} ORDER BY p.seq LIMIT ?`,
    );
    this.one = db.prepare(`SELECT ${columns} FROM pending_items p JOIN items i ON i.id = p.item_id WHERE p.seq = ? AND p.attempts < ${MAX_ATTEMPTS}`);
    this.removeMany = db.prepare('DELETE FROM pending_items WHERE seq IN (SELECT value FROM json_each(?))');
    this.waiting = db.prepare(`SELECT 1 FROM pending_items WHERE attempts < ${MAX_ATTEMPTS} LIMIT 1`);
  }

  /** Queues a poll's new and edited items, in this order; called in the transaction that stores them. */
  add(items: { itemId: number; edited: boolean }[], source: ItemSource): void {
    if (items.length === 0) return;
    this.insert.run(source.feedId, source.name, source.url, JSON.stringify(items.map((item) => [item.itemId, item.edited ? 1 : 0])));
  }

  /** The oldest `limit` rows not set aside, in the order they were queued. */
  next(limit: number): PendingItem[] {
    return (this.head.all(limit) as PendingRow[]).map(pendingItem);
  }

  /** One row by its place in the queue, unless it is gone (finished by another process) or set aside. */
  bySeq(seq: number): PendingItem[] {
    return (this.one.all(seq) as PendingRow[]).map(pendingItem);
  }

  /** Removes the rows a batch has just finished. */
  remove(seqs: number[]): void {
    this.removeMany.run(JSON.stringify(seqs));
  }

  /** Records a failed attempt at one row; returns how many it has now (MAX_ATTEMPTS sets it aside). */
  fail(seq: number, error: string): number {
    return (
      (this.db.prepare('UPDATE pending_items SET attempts = attempts + 1, last_error = ? WHERE seq = ? RETURNING attempts').pluck().get(error, seq) as
        | number
        | undefined) ?? 0
    );
  }

  /** Hands the rows set aside out again; returns how many. */
  retrySetAside(): number {
    return this.db.prepare(`UPDATE pending_items SET attempts = 0 WHERE attempts >= ${MAX_ATTEMPTS}`).run().changes;
  }

  /** Whether any row is waiting (not set aside). */
  any(): boolean {
    return this.waiting.get() !== undefined;
  }

  /** Where a new item stands in the queue: waiting, or set aside with its last error; undefined once finished. */
  state(itemId: number): { setAside: boolean; last_error: string | null } | undefined {
    const row = this.db.prepare('SELECT attempts, last_error FROM pending_items WHERE item_id = ? AND edited = 0 ORDER BY seq LIMIT 1').get(itemId) as
      | { attempts: number; last_error: string | null }
      | undefined;
    return row && { setAside: row.attempts >= MAX_ATTEMPTS, last_error: row.last_error };
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM pending_items').get() as { n: number }).n;
  }
}

type PendingRow = ItemRow & Omit<PendingItem, 'item'>;

function pendingItem({ seq, feed_id, source_name, source_url, edited, ...item }: PendingRow): PendingItem {
  return { seq, feed_id, source_name, source_url, edited, item };
}
