import { holdTransactionLock, type Sql } from './sql.ts';

/** A feed's rhythm as stored: see src/polling/rhythm.ts for what the counts mean. */
export interface StoredRhythm {
  counts: number[];
  countedAt: Date;
  since: Date;
}

/** The feed_rhythms table: when each feed's new items appeared, by hour of the week. The same SQL on both backends. */
export class FeedRhythms {
  constructor(private readonly sql: Sql) {}

  /**
   * Inside a transaction, waits for any other worker's reading and saving of this feed's rhythm to end,
   * and holds it until this one ends: a poll and a push of one feed must not lose each other's items.
   * (SQLite's write lock serialises them already.)
   */
  async lock(feedId: number): Promise<void> {
    await holdTransactionLock(this.sql, `rhythm ${feedId}`);
  }

  async get(feedId: number): Promise<StoredRhythm | null> {
    const row = await this.sql.get<{ counts: string; counted_at: string; since: string }>(
      'SELECT counts, counted_at, since FROM feed_rhythms WHERE feed_id = ?',
      [feedId],
    );
    if (!row) return null;
    return { counts: JSON.parse(row.counts) as number[], countedAt: new Date(row.counted_at), since: new Date(row.since) };
  }

  async save(feedId: number, rhythm: StoredRhythm): Promise<void> {
    // Six significant digits are plenty for decayed counts, and keep the row small.
    const counts = JSON.stringify(rhythm.counts.map((count) => Number(count.toPrecision(6))));
    await this.sql.run(
      `INSERT INTO feed_rhythms (feed_id, counts, counted_at, since) VALUES (?, ?, ?, ?)
       ON CONFLICT (feed_id) DO UPDATE SET counts = excluded.counts, counted_at = excluded.counted_at, since = excluded.since`,
      [feedId, counts, rhythm.countedAt.toISOString(), rhythm.since.toISOString()],
    );
  }
}
