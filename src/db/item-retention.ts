import type { Sql } from './sql.ts';

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
 * gathered), and the stories and items a fold's or digest's payload lists (read with each backend's own
 * JSON functions).
 */
function neededStories(dialect: Sql['dialect']): string {
  const listed =
    dialect === 'postgres'
      ? `SELECT (e.value ->> 'story_id')::bigint AS story_id, (e.value ->> 'item_id')::bigint AS item_id
    FROM unsent u, json_array_elements(u.payload -> 'entries') e`
      : `SELECT e.value ->> 'story_id' AS story_id, e.value ->> 'item_id' AS item_id
    FROM unsent u, json_each(u.payload, '$.entries') e`;
  return `
  WITH unsent AS (SELECT kind, item_id, story_id, payload FROM outbox WHERE status IN ${UNSENT}),
  listed AS (
    ${listed} WHERE u.kind IN ('fold', 'digest') AND u.payload IS NOT NULL)
  SELECT story_id FROM unsent WHERE story_id IS NOT NULL
  UNION SELECT story_id FROM listed WHERE story_id IS NOT NULL
  UNION SELECT coalesce(i.story_id, i.id) FROM items i
    WHERE i.id IN (SELECT item_id FROM unsent WHERE item_id IS NOT NULL UNION SELECT item_id FROM listed)`;
}

/**
 * Oldest first, from where the last batch ended: items kept for their story or a delivery are passed over
 * once, not read again by every batch. Parameters: cut, after (seen, seen, id), cut, limit.
 */
function prunableSql(dialect: Sql['dialect']): string {
  return `SELECT i.id, i.first_seen_at, i.published_at FROM items i
       WHERE i.first_seen_at < ? AND i.first_seen_at >= ? AND (i.first_seen_at > ? OR i.id > ?)
         AND NOT EXISTS (SELECT 1 FROM items n WHERE n.story_id = coalesce(i.story_id, i.id) AND n.first_seen_at >= ?)
         AND coalesce(i.story_id, i.id) NOT IN (${neededStories(dialect)})
       ORDER BY i.first_seen_at, i.id LIMIT ?`;
}

/** Where a walk starts: before any item (an instant both backends read, and that sorts first as text). */
const BEFORE_ALL = '0001-01-01T00:00:00.000Z';

/**
 * Every row that refers to the items, `among(column)` saying that a column is one of them (a `?` for the
 * list each time). The foreign keys would cascade to most of them, but not to the story matches of the
 * story it leads, and naming them all keeps this list the one to update when a table refers to items.
 * The outbox's comes first, the items' last; on PostgreSQL their search rows (items_search) go too.
 */
function deletesOf(dialect: Sql['dialect'], among: (column: string) => string): { sql: string; lists: number }[] {
  return [
    `DELETE FROM outbox WHERE ${among('item_id')}`,
    `DELETE FROM story_watch_matches WHERE ${among('item_id')} OR ${among('story_id')}`,
    `DELETE FROM item_translations WHERE ${among('item_id')}`,
    `DELETE FROM pending_items WHERE ${among('item_id')}`,
    `DELETE FROM item_sources WHERE ${among('item_id')}`,
    ...(dialect === 'postgres' ? [`DELETE FROM items_search WHERE ${among('item_id')}`] : []),
    `DELETE FROM items WHERE ${among('id')}`,
  ].map((sql) => ({ sql, lists: sql.split('?').length - 1 }));
}

/**
 * Per backend: a list of ids is a JSON array on SQLite, an array on PostgreSQL. (SQLite's search rows, in
 * FTS5, are deleted one at a time: see `delete`.)
 */
const SQL = {
  sqlite: {
    prunable: prunableSql('sqlite'),
    outboxOf: 'SELECT id FROM outbox WHERE item_id IN (SELECT value FROM json_each(?))',
    sourcesOf: 'SELECT count(*) AS n FROM item_sources WHERE item_id IN (SELECT value FROM json_each(?))',
    deletes: deletesOf('sqlite', (column) => `${column} IN (SELECT value FROM json_each(?))`),
  },
  postgres: {
    prunable: prunableSql('postgres'),
    outboxOf: 'SELECT id FROM outbox WHERE item_id = ANY (?::bigint[])',
    sourcesOf: 'SELECT count(*) AS n FROM item_sources WHERE item_id = ANY (?::bigint[])',
    deletes: deletesOf('postgres', (column) => `${column} = ANY (?::bigint[])`),
  },
};

const DELETE_FTS = 'DELETE FROM items_fts WHERE rowid = ?';
const DELETE_TERMS = 'DELETE FROM story_terms WHERE at = ? AND item_id = ?';
const DELETE_TERMS_POSTGRES = `DELETE FROM story_terms s USING unnest(?::bigint[], ?::bigint[]) AS d (at, item_id)
  WHERE s.at = d.at AND s.item_id = d.item_id`;

/**
 * Pruning items for their age (AINEWS_RETENTION), a batch at a time: which may go, and deleting them with
 * every row that refers to them. Age is counted from when ainews first saw an item, and a story goes
 * whole or not at all: while one of its items is newer than the cut, or an unsent delivery shows it, it
 * stays, however old its first reports.
 */
export class ItemRetention {
  constructor(private readonly sql: Sql) {}

  /** The next `limit` items first seen before `cut` that nothing needs, oldest first, after `after`. */
  async prunable(cut: Date, after: ItemCursor | null, limit: number): Promise<PrunableItem[]> {
    const afterSeen = after?.firstSeenAt ?? BEFORE_ALL;
    return this.sql.all<PrunableItem>(SQL[this.sql.dialect].prunable, [cut.toISOString(), afterSeen, afterSeen, after?.id ?? 0, cut.toISOString(), limit]);
  }

  /** How many items first seen before `cut` there are (those kept included). */
  async olderThan(cut: Date): Promise<number> {
    return (await this.sql.get<{ n: number }>('SELECT count(*) AS n FROM items WHERE first_seen_at < ?', [cut.toISOString()]))!.n;
  }

  /** The outbox rows about these items (alerts and updates; a fold or digest is about none). */
  async deliveriesOf(itemIds: number[]): Promise<number[]> {
    const rows = await this.sql.all<{ id: number }>(SQL[this.sql.dialect].outboxOf, [this.ids(itemIds)]);
    return rows.map((row) => row.id);
  }

  /** How many (feed, guid) entries carry these items: the tombstones their pruning leaves. */
  async entriesOf(itemIds: number[]): Promise<number> {
    return (await this.sql.get<{ n: number }>(SQL[this.sql.dialect].sourcesOf, [this.ids(itemIds)]))!.n;
  }

  /**
   * Deletes the items with their search rows, candidate index rows, deliveries, story matches,
   * translations, queue rows and sources; returns how many outbox rows went with them. Their summary and
   * its mark are columns of the item's own row. Tombstones are the caller's to leave first.
   */
  async delete(items: PrunableItem[]): Promise<{ items: number; outbox: number }> {
    // The candidate index files an item under its publication time in seconds (src/cluster/clusterer.ts).
    const filedAt = (item: PrunableItem) => Math.floor(Date.parse(item.published_at) / 1000);
    if (this.sql.dialect === 'postgres') {
      // One statement for the batch: a round trip per item would cost more than the deletes.
      await this.sql.run(DELETE_TERMS_POSTGRES, [items.map(filedAt), items.map((item) => item.id)]);
    } else {
      // One row at a time: FTS5 finds a row by its rowid alone, and the candidate index by its time.
      for (const item of items) {
        await this.sql.run(DELETE_FTS, [item.id]);
        await this.sql.run(DELETE_TERMS, [filedAt(item), item.id]);
      }
    }
    const ids = this.ids(items.map((item) => item.id));
    const changes: number[] = [];
    for (const { sql, lists } of SQL[this.sql.dialect].deletes) {
      changes.push((await this.sql.run(sql, Array.from({ length: lists }, () => ids))).changes);
    }
    return { items: changes.at(-1)!, outbox: changes[0]! };
  }

  /** A list of ids as a parameter: a JSON array on SQLite, an array on PostgreSQL. */
  private ids(itemIds: number[]): string | number[] {
    return this.sql.dialect === 'postgres' ? itemIds : JSON.stringify(itemIds);
  }
}
