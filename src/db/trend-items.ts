import type { Sql } from './sql.ts';

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

// Each item with the name and URL of the feed that carried it first.
const PUBLISHED = `SELECT i.id, i.title, i.body, coalesce(i.story_id, i.id) AS story_id, i.published_at,
    (SELECT f.name FROM item_sources s JOIN feeds f ON f.id = s.feed_id WHERE s.item_id = i.id ORDER BY s.first_seen_at, s.feed_id LIMIT 1) AS source_name,
    (SELECT f.url FROM item_sources s JOIN feeds f ON f.id = s.feed_id WHERE s.item_id = i.id ORDER BY s.first_seen_at, s.feed_id LIMIT 1) AS source_url
  FROM items i WHERE i.published_at >= ? AND i.published_at < ?`;

/** The items of a period, for counting stories per day (trends charts). In no particular order. */
export class TrendItems {
  constructor(private readonly sql: Sql) {}

  /** The items published in [since, until). */
  async between(since: Date, until: Date): Promise<TrendItem[]> {
    return this.sql.all<TrendItem>(PUBLISHED, [since.toISOString(), until.toISOString()]);
  }
}
