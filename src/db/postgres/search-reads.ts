import type { FeedSource, MatchFilter, SearchCandidate, SearchDetails, SearchReads } from '../search-matches.ts';
import type { Sql } from '../sql.ts';
import { STORY_ITEMS, STORY_SOURCES } from '../stories.ts';

/** The feeds that carry an item, as a JSON array of their names, the first to carry it first. */
const SOURCES_OF_ITEM = `(SELECT coalesce(json_agg(coalesce(f.name, f.url) ORDER BY s.first_seen_at, s.feed_id), '[]')::text
  FROM item_sources s JOIN feeds f ON f.id = s.feed_id WHERE s.item_id = i.id)`;

/**
 * The reads behind search on PostgreSQL: `items_search.words` (a tsvector of the words FTS5 indexes on
 * SQLite, under a GIN index) matched by a tsquery of the same words. As on SQLite, the newest matches are
 * read and the search service ranks them by relevance and recency, one per story.
 */
export class PostgresSearchReads implements SearchReads {
  constructor(private readonly sql: Sql) {}

  async newest(filter: MatchFilter, options: { limit: number; leadChars: number | null }): Promise<SearchCandidate[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    // Placeholders are positional: each value is pushed in the order its `?` comes in the statement.
    const param = (value: unknown) => {
      params.push(value);
      return '?';
    };
    const lead = options.leadChars === null ? 'i.body' : `left(i.body, ${param(options.leadChars)})`;
    if (filter.match) where.push(`m.words @@ ${param(filter.match.tsquery)}::tsquery`);
    if (filter.lang) where.push(`i.lang = ${param(filter.lang)}`);
    if (filter.since) {
      where.push(`i.published_at >= ${param(filter.since.toISOString())}`);
      // As on SQLite: ids grow with first sight and nothing is published after it was first seen, so the
      // first item seen after the cut-off (less the future tolerance) bounds the ids that can match.
      const first = await this.sql.get<{ id: number }>('SELECT id FROM items WHERE first_seen_at >= ? ORDER BY first_seen_at LIMIT 1', [
        new Date(filter.since.getTime() - filter.futureToleranceMs).toISOString(),
      ]);
      where.push(`i.id >= ${param(first?.id ?? Number.MAX_SAFE_INTEGER)}`);
    }
    if (filter.feedIds) {
      where.push(`EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = i.id AND s.feed_id = ANY(${param(filter.feedIds)}::bigint[]))`);
    }
    const columns = `i.id, coalesce(i.story_id, i.id) AS story_id, i.published_at, i.title, ${lead} AS lead`;
    const from = filter.match ? 'items_search m JOIN items i ON i.id = m.item_id' : 'items i';
    const sql = `SELECT ${columns} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY i.id DESC LIMIT ${param(options.limit)}`;
    return this.sql.all<SearchCandidate>(sql, params);
  }

  async details(ids: number[]): Promise<SearchDetails[]> {
    if (ids.length === 0) return [];
    const sql = `SELECT i.id, i.title, i.url, i.body, i.summary, i.lang, ${SOURCES_OF_ITEM} AS sources, ${STORY_ITEMS} AS story_items
      FROM items i WHERE i.id = ANY(?::bigint[])`;
    return this.sql.all<SearchDetails>(sql, [ids]);
  }

  async feeds(): Promise<FeedSource[]> {
    return this.sql.all<FeedSource>('SELECT id, name, url FROM feeds ORDER BY id');
  }

  async storySources(storyId: number): Promise<string[]> {
    const rows = await this.sql.all<{ name: string }>(STORY_SOURCES, [storyId]);
    return rows.map((source) => source.name);
  }
}
