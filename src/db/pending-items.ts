import type { Database, Statement } from 'better-sqlite3';
import { ITEM_COLUMNS, type ItemRow } from './items.ts';

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

/** The queue of stored items that are not yet searchable, in a story, summarized and routed. */
export class PendingItems {
  private readonly insert: Statement;
  private readonly head: Statement;
  private readonly removeThrough: Statement;
  private readonly removeOne: Statement;

  constructor(private readonly db: Database) {
    this.insert = db.prepare(
      `INSERT INTO pending_items (item_id, feed_id, source_name, source_url, edited)
       SELECT j.value ->> 0, ?, ?, ?, j.value ->> 1 FROM json_each(?) j ORDER BY j.key`,
    );
    this.head = db.prepare(
      `SELECT p.seq, p.feed_id, p.source_name, p.source_url, p.edited, ${ITEM_COLUMNS}
       FROM pending_items p JOIN items i ON i.id = p.item_id ORDER BY p.seq LIMIT ?`,
    );
    this.removeThrough = db.prepare('DELETE FROM pending_items WHERE seq <= ?');
    this.removeOne = db.prepare('DELETE FROM pending_items WHERE seq = ?');
  }

  /** Queues a poll's new and edited items, in this order; called in the transaction that stores them. */
  add(items: { itemId: number; edited: boolean }[], source: ItemSource): void {
    if (items.length === 0) return;
    this.insert.run(source.feedId, source.name, source.url, JSON.stringify(items.map((item) => [item.itemId, item.edited ? 1 : 0])));
  }

  /** The oldest `limit` rows, in the order they were queued. */
  next(limit: number): PendingItem[] {
    const rows = this.head.all(limit) as (ItemRow & Omit<PendingItem, 'item'>)[];
    return rows.map(({ seq, feed_id, source_name, source_url, edited, ...item }) => ({ seq, feed_id, source_name, source_url, edited, item }));
  }

  /** Removes every row up to and including `seq`: the ones a batch has just finished. */
  removeUpTo(seq: number): void {
    this.removeThrough.run(seq);
  }

  remove(seq: number): void {
    this.removeOne.run(seq);
  }

  /** Whether anything is queued. */
  any(): boolean {
    return this.db.prepare('SELECT 1 FROM pending_items LIMIT 1').get() !== undefined;
  }

  has(itemId: number): boolean {
    return this.db.prepare('SELECT 1 FROM pending_items WHERE item_id = ?').get(itemId) !== undefined;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM pending_items').get() as { n: number }).n;
  }
}
