import type { Database, Statement } from 'better-sqlite3';

/** An item as trends count it: what watches match on, its story, and when it was published. */
export interface TrendItem {
  id: number;
  title: string;
  body: string;
  story_id: number;
  published_at: string;
  /** Its first feed's name and URL, for watches limited to a source. */
  source_name: string | null;
  source_url: string | null;
}

/** The items of a period, for counting stories per day (trends charts). */
export class TrendItems {
  private readonly published: Statement;

  constructor(db: Database) {
    this.published = db.prepare(
      `SELECT i.id, i.title, i.body, coalesce(i.story_id, i.id) AS story_id, i.published_at,
         (SELECT f.name FROM item_sources s JOIN feeds f ON f.id = s.feed_id WHERE s.item_id = i.id ORDER BY s.first_seen_at, s.feed_id LIMIT 1) AS source_name,
         (SELECT f.url FROM item_sources s JOIN feeds f ON f.id = s.feed_id WHERE s.item_id = i.id ORDER BY s.first_seen_at, s.feed_id LIMIT 1) AS source_url
       FROM items i WHERE i.published_at >= ? AND i.published_at < ?`,
    );
  }

  /** The items published in [since, until). */
  between(since: Date, until: Date): TrendItem[] {
    return this.published.all(since.toISOString(), until.toISOString()) as TrendItem[];
  }
}
