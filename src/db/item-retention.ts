import type { Database, Statement } from 'better-sqlite3';

/** An item old enough to go, with what finding its rows in the candidate index needs. */
export interface PrunableItem {
  id: number;
  first_seen_at: string;
  published_at: string;
}

/** Where a walk through the old items has got to: the last item it looked at. */
export interface ItemCursor {
  firstSeenAt: string;
  id: number;
}

/** Outbox rows that still have to go out: what they show must stay. */
export const UNSENT = "('pending', 'held', 'sending', 'retrying')";

/**
 * The stories that unsent outbox rows still show: their own story (alerts, updates, the rows a fold
 * gathered), and the stories and items a fold's or digest's payload lists.
 */
const NEEDED_STORIES = `
  WITH unsent AS (SELECT kind, item_id, story_id, payload FROM outbox WHERE status IN ${UNSENT}),
  listed AS (
    SELECT e.value ->> 'story_id' AS story_id, e.value ->> 'item_id' AS item_id
    FROM unsent u, json_each(u.payload, '$.entries') e WHERE u.kind IN ('fold', 'digest') AND u.payload IS NOT NULL)
  SELECT story_id FROM unsent WHERE story_id IS NOT NULL
  UNION SELECT story_id FROM listed WHERE story_id IS NOT NULL
  UNION SELECT coalesce(i.story_id, i.id) FROM items i
    WHERE i.id IN (SELECT item_id FROM unsent WHERE item_id IS NOT NULL UNION SELECT item_id FROM listed)`;

/**
 * Pruning items for their age (AINEWS_RETENTION), a batch at a time: which may go, and deleting them with
 * every row that refers to them. Age is counted from when ainews first saw an item, and a story goes
 * whole or not at all: while one of its items is newer than the cut, or an unsent delivery shows it, it
 * stays, however old its first reports.
 */
export class ItemRetention {
  private readonly next: Statement;
  private readonly stillOld: Statement;
  private readonly outboxOf: Statement;
  private readonly sourcesOf: Statement;
  private readonly deleteFts: Statement;
  private readonly deleteTerms: Statement;
  private readonly deletes: Statement[];

  constructor(db: Database) {
    // Oldest first, from where the last batch ended: items kept for their story or a delivery are
    // passed over once, not read again by every batch.
    this.next = db.prepare(
      `SELECT i.id, i.first_seen_at, i.published_at FROM items i
       WHERE i.first_seen_at < @cut AND i.first_seen_at >= @afterSeen AND (i.first_seen_at > @afterSeen OR i.id > @afterId)
         AND NOT EXISTS (SELECT 1 FROM items n WHERE n.story_id = coalesce(i.story_id, i.id) AND n.first_seen_at >= @cut)
         AND coalesce(i.story_id, i.id) NOT IN (${NEEDED_STORIES})
       ORDER BY i.first_seen_at, i.id LIMIT @limit`,
    );
    this.stillOld = db.prepare('SELECT count(*) FROM items WHERE first_seen_at < ?').pluck();
    this.outboxOf = db.prepare('SELECT id FROM outbox WHERE item_id IN (SELECT value FROM json_each(?))').pluck();
    this.sourcesOf = db.prepare('SELECT count(*) FROM item_sources WHERE item_id IN (SELECT value FROM json_each(?))').pluck();
    // One row at a time: FTS5 finds a row by its rowid alone, and the candidate index by its time.
    this.deleteFts = db.prepare('DELETE FROM items_fts WHERE rowid = ?');
    this.deleteTerms = db.prepare('DELETE FROM story_terms WHERE at = ? AND item_id = ?');
    // Every other row that refers to an item. The foreign keys would cascade to most of them, but not
    // to the story matches of the story it leads, and naming them all keeps this list the one to update
    // when a table refers to items.
    const ids = '(SELECT value FROM json_each(@ids))';
    this.deletes = [
      `DELETE FROM outbox WHERE item_id IN ${ids}`,
      `DELETE FROM story_watch_matches WHERE item_id IN ${ids} OR story_id IN ${ids}`,
      `DELETE FROM item_translations WHERE item_id IN ${ids}`,
      `DELETE FROM pending_items WHERE item_id IN ${ids}`,
      `DELETE FROM item_sources WHERE item_id IN ${ids}`,
      `DELETE FROM items WHERE id IN ${ids}`,
    ].map((sql) => db.prepare(sql));
  }

  /** The next `limit` items first seen before `cut` that nothing needs, oldest first, after `after`. */
  prunable(cut: Date, after: ItemCursor | null, limit: number): PrunableItem[] {
    return this.next.all({ cut: cut.toISOString(), afterSeen: after?.firstSeenAt ?? '', afterId: after?.id ?? 0, limit }) as PrunableItem[];
  }

  /** How many items first seen before `cut` there are (those kept included). */
  olderThan(cut: Date): number {
    return this.stillOld.get(cut.toISOString()) as number;
  }

  /** The outbox rows about these items (alerts and updates; a fold or digest is about none). */
  deliveriesOf(itemIds: number[]): number[] {
    return this.outboxOf.all(JSON.stringify(itemIds)) as number[];
  }

  /** How many (feed, guid) entries carry these items: the tombstones their pruning leaves. */
  entriesOf(itemIds: number[]): number {
    return this.sourcesOf.get(JSON.stringify(itemIds)) as number;
  }

  /**
   * Deletes the items with their search rows, candidate index rows, deliveries, story matches,
   * translations, queue rows and sources; returns how many outbox rows went with them. Their summary and
   * its mark are columns of the item's own row. Tombstones are the caller's to leave first.
   */
  delete(items: PrunableItem[]): { items: number; outbox: number } {
    for (const item of items) {
      this.deleteFts.run(item.id);
      // The candidate index files an item under its publication time in seconds (src/cluster/clusterer.ts).
      this.deleteTerms.run(Math.floor(Date.parse(item.published_at) / 1000), item.id);
    }
    const ids = JSON.stringify(items.map((item) => item.id));
    const [outbox, ...rest] = this.deletes.map((statement) => statement.run({ ids }).changes);
    return { items: rest.at(-1)!, outbox: outbox! };
  }
}
