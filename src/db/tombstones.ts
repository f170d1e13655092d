import type { Database, Statement } from 'better-sqlite3';

/**
 * What is left of pruned items (migration 014): the (feed, guid) of each entry that carried them, and
 * their dedupe keys, so that a feed still listing one does not bring it back as new.
 */
export class Tombstones {
  private readonly any: Statement;
  private readonly matching: Statement;
  private readonly insertOwn: Statement;
  private readonly buryItems: Statement;
  private readonly expireUnlisted: Statement;
  private readonly total: Statement;

  constructor(db: Database) {
    this.any = db.prepare('SELECT EXISTS (SELECT 1 FROM item_tombstones)').pluck();
    // The entries (guid, dedupe key) that a tombstone holds, by their own (feed, guid) or by their key.
    this.matching = db.prepare(
      `SELECT j.value ->> 0 AS guid, j.value ->> 1 AS dedupe_key,
         EXISTS (SELECT 1 FROM item_tombstones t WHERE t.feed_id = @feed AND t.guid = j.value ->> 0) AS own
       FROM json_each(@entries) j
       WHERE own OR EXISTS (SELECT 1 FROM item_tombstones t WHERE t.dedupe_key = j.value ->> 1)`,
    );
    this.insertOwn = db.prepare('INSERT INTO item_tombstones (feed_id, guid, dedupe_key, buried_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.buryItems = db.prepare(
      `INSERT INTO item_tombstones (feed_id, guid, dedupe_key, buried_at)
       SELECT s.feed_id, s.guid, i.dedupe_key, @now FROM items i JOIN item_sources s ON s.item_id = i.id
       WHERE i.id IN (SELECT value FROM json_each(@ids)) ON CONFLICT DO NOTHING`,
    );
    this.expireUnlisted = db.prepare('DELETE FROM item_tombstones WHERE feed_id = ? AND guid NOT IN (SELECT value FROM json_each(?))');
    this.total = db.prepare('SELECT count(*) FROM item_tombstones').pluck();
  }

  /** Leaves a tombstone for every entry that carried these items; called just before they are deleted. */
  bury(itemIds: number[], now: Date): number {
    return itemIds.length ? this.buryItems.run({ ids: JSON.stringify(itemIds), now: now.toISOString() }).changes : 0;
  }

  /**
   * The guids of a feed's new entries that a tombstone holds: they are not to be stored. An entry held
   * only by its dedupe key (another feed carried the article) is given a tombstone of this feed too.
   */
  held(feedId: number, entries: { guid: string; dedupeKey: string }[], now: Date): Set<string> {
    if (entries.length === 0 || this.any.get() === 0) return new Set();
    const json = JSON.stringify(entries.map((entry) => [entry.guid, entry.dedupeKey]));
    const rows = this.matching.all({ feed: feedId, entries: json }) as { guid: string; dedupe_key: string; own: 0 | 1 }[];
    for (const row of rows) if (!row.own) this.insertOwn.run(feedId, row.guid, row.dedupe_key, now.toISOString());
    return new Set(rows.map((row) => row.guid));
  }

  /** Forgets the feed's tombstones whose guid this complete poll of it no longer lists: the feed dropped them. */
  expire(feedId: number, listedGuids: string[]): number {
    if (this.any.get() === 0) return 0;
    return this.expireUnlisted.run(feedId, JSON.stringify(listedGuids)).changes;
  }

  count(): number {
    return this.total.get() as number;
  }
}
