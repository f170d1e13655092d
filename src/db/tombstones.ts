import type { Sql } from './sql.ts';

/**
 * The entries (guid, dedupe key) that a tombstone holds, by their own (feed, guid) or by their key: the
 * entries are a JSON array of [guid, dedupe key] pairs, spread into rows by each backend's own function.
 */
function matchingSql(entries: string): string {
  return `SELECT guid, dedupe_key, own FROM (
      SELECT j.value ->> 0 AS guid, j.value ->> 1 AS dedupe_key,
        EXISTS (SELECT 1 FROM item_tombstones t WHERE t.feed_id = ? AND t.guid = j.value ->> 0) AS own
      FROM ${entries} j) e
    WHERE own OR EXISTS (SELECT 1 FROM item_tombstones t WHERE t.dedupe_key = e.dedupe_key)`;
}

/** Per backend: a list of ids is a JSON array on SQLite, an array on PostgreSQL. */
const SQL = {
  sqlite: {
    matching: matchingSql('json_each(?)'),
    bury: `INSERT INTO item_tombstones (feed_id, guid, dedupe_key, buried_at)
           SELECT s.feed_id, s.guid, i.dedupe_key, ? FROM items i JOIN item_sources s ON s.item_id = i.id
           WHERE i.id IN (SELECT value FROM json_each(?)) ON CONFLICT DO NOTHING`,
    expire: 'DELETE FROM item_tombstones WHERE feed_id = ? AND guid NOT IN (SELECT value FROM json_each(?))',
  },
  postgres: {
    matching: matchingSql('json_array_elements(?::json)'),
    bury: `INSERT INTO item_tombstones (feed_id, guid, dedupe_key, buried_at)
           SELECT s.feed_id, s.guid, i.dedupe_key, ?::timestamptz FROM items i JOIN item_sources s ON s.item_id = i.id
           WHERE i.id = ANY (?::bigint[]) ON CONFLICT DO NOTHING`,
    expire: 'DELETE FROM item_tombstones WHERE feed_id = ? AND guid <> ALL (?::text[])',
  },
};

const ANY = 'SELECT EXISTS (SELECT 1 FROM item_tombstones) AS found';
const INSERT_OWN = 'INSERT INTO item_tombstones (feed_id, guid, dedupe_key, buried_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING';

/**
 * What is left of pruned items (migration 014): the (feed, guid) of each entry that carried them, and
 * their dedupe keys, so that a feed still listing one does not bring it back as new.
 */
export class Tombstones {
  constructor(private readonly sql: Sql) {}

  /** Leaves a tombstone for every entry that carried these items; called just before they are deleted. */
  async bury(itemIds: number[], now: Date): Promise<number> {
    if (itemIds.length === 0) return 0;
    const ids = this.sql.dialect === 'postgres' ? itemIds : JSON.stringify(itemIds);
    return (await this.sql.run(SQL[this.sql.dialect].bury, [now.toISOString(), ids])).changes;
  }

  /**
   * The guids of a feed's new entries that a tombstone holds: they are not to be stored. An entry held
   * only by its dedupe key (another feed carried the article) is given a tombstone of this feed too.
   */
  async held(feedId: number, entries: { guid: string; dedupeKey: string }[], now: Date): Promise<Set<string>> {
    if (entries.length === 0 || !(await this.any())) return new Set();
    const json = JSON.stringify(entries.map((entry) => [entry.guid, entry.dedupeKey]));
    const rows = await this.sql.all<{ guid: string; dedupe_key: string; own: 0 | 1 }>(SQL[this.sql.dialect].matching, [feedId, json]);
    for (const row of rows) if (!row.own) await this.sql.run(INSERT_OWN, [feedId, row.guid, row.dedupe_key, now.toISOString()]);
    return new Set(rows.map((row) => row.guid));
  }

  /** Forgets the feed's tombstones whose guid this complete poll of it no longer lists: the feed dropped them. */
  async expire(feedId: number, listedGuids: string[]): Promise<number> {
    if (!(await this.any())) return 0;
    const guids = this.sql.dialect === 'postgres' ? listedGuids : JSON.stringify(listedGuids);
    return (await this.sql.run(SQL[this.sql.dialect].expire, [feedId, guids])).changes;
  }

  async count(): Promise<number> {
    return (await this.sql.get<{ n: number }>('SELECT count(*) AS n FROM item_tombstones'))!.n;
  }

  /** Whether there is any tombstone: most databases have none, and then a poll need not look. */
  private async any(): Promise<boolean> {
    return (await this.sql.get<{ found: 0 | 1 }>(ANY))!.found === 1;
  }
}
