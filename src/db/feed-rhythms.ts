import type { Database, Statement } from 'better-sqlite3';

/** A feed's rhythm as stored: see src/polling/rhythm.ts for what the counts mean. */
export interface StoredRhythm {
  counts: number[];
  countedAt: Date;
  since: Date;
}

/** The feed_rhythms table: when each feed's new items appeared, by hour of the week. */
export class FeedRhythms {
  private readonly select: Statement;
  private readonly upsert: Statement;

  constructor(db: Database) {
    this.select = db.prepare('SELECT counts, counted_at, since FROM feed_rhythms WHERE feed_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO feed_rhythms (feed_id, counts, counted_at, since) VALUES (?, ?, ?, ?)
       ON CONFLICT (feed_id) DO UPDATE SET counts = excluded.counts, counted_at = excluded.counted_at, since = excluded.since`,
    );
  }

  get(feedId: number): StoredRhythm | null {
    const row = this.select.get(feedId) as { counts: string; counted_at: string; since: string } | undefined;
    if (!row) return null;
    return { counts: JSON.parse(row.counts) as number[], countedAt: new Date(row.counted_at), since: new Date(row.since) };
  }

  save(feedId: number, rhythm: StoredRhythm): void {
    // Six significant digits are plenty for decayed counts, and keep the row small.
    const counts = JSON.stringify(rhythm.counts.map((count) => Number(count.toPrecision(6))));
    this.upsert.run(feedId, counts, rhythm.countedAt.toISOString(), rhythm.since.toISOString());
  }
}
