import { SOURCES_OF_ITEM } from './items.ts';
import type { Sql } from './sql.ts';
import { STORY_ITEMS, STORY_SOURCES } from './stories.ts';

/** Which items a search reads. */
export interface MatchFilter {
  /** The words to match, in each backend's syntax (FTS5 MATCH, PostgreSQL tsquery); null for every item. */
  match: { fts5: string; tsquery: string } | null;
  lang: 'zh' | 'en' | 'other' | null;
  /** Published at or after this. */
  since: Date | null;
  /**
   * How far in the future a feed's date may be and still be kept: an item published at `since` was first
   * seen no earlier than this before it, which bounds the items read.
   */
  futureToleranceMs: number;
  /** Only items some of these feeds carry. */
  feedIds: number[] | null;
}

/** A match as it is ranked: its story, its date, its title and the start of its body (`lead`). */
export interface SearchCandidate {
  id: number;
  story_id: number;
  published_at: string;
  title: string;
  lead: string;
}

/** What a result shows of an item. */
export interface SearchDetails {
  id: number;
  title: string;
  url: string | null;
  body: string;
  summary: string | null;
  lang: 'zh' | 'en' | 'other';
  /** A JSON array of the names of the feeds that carry it, first first. */
  sources: string;
  story_items: number;
}

/** A feed as `source:` sees it. */
export interface FeedSource {
  id: number;
  name: string | null;
  url: string;
}

/**
 * The reads behind search, on either backend: the newest matches of a filter, what the results show of
 * them, the feeds `source:` picks from, and each story's sources.
 */
export interface SearchReads {
  /** The newest `limit` matches, with `leadChars` of their body as their lead (null: the whole body). */
  newest(filter: MatchFilter, options: { limit: number; leadChars: number | null }): Promise<SearchCandidate[]>;
  details(ids: number[]): Promise<SearchDetails[]>;
  feeds(): Promise<FeedSource[]>;
  /** The names of a story's feeds, each once, the first to carry it first. */
  storySources(storyId: number): Promise<string[]>;
}

const FIRST_SEEN_SINCE = 'SELECT id FROM items WHERE first_seen_at >= ? ORDER BY first_seen_at LIMIT 1';
const FEEDS = 'SELECT id, name, url FROM feeds ORDER BY id';

/**
 * The reads behind search on SQLite, through FTS5 (PostgreSQL's are PostgresSearchReads). A filter's
 * values are parameters, so that its statement's text depends only on which filters are set.
 */
export class SearchMatches implements SearchReads {
  constructor(private readonly sql: Sql) {}

  async newest(filter: MatchFilter, options: { limit: number; leadChars: number | null }): Promise<SearchCandidate[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.match) {
      where.push('items_fts MATCH ?');
      params.push(filter.match.fts5);
    }
    if (filter.lang) {
      where.push('i.lang = ?');
      params.push(filter.lang);
    }
    if (filter.since) {
      where.push('i.published_at >= ?');
      params.push(filter.since.toISOString());
      // Items are numbered as they arrive, and none is published after it was first seen (future dates are
      // replaced), so older ids cannot match: bounding the id lets FTS5 stop at the cut-off.
      const first = await this.sql.get<{ id: number }>(FIRST_SEEN_SINCE, [new Date(filter.since.getTime() - filter.futureToleranceMs).toISOString()]);
      where.push(`${filter.match ? 'items_fts.rowid' : 'i.id'} >= ?`);
      params.push(first?.id ?? Number.MAX_SAFE_INTEGER);
    }
    if (filter.feedIds) {
      where.push('EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = i.id AND s.feed_id IN (SELECT value FROM json_each(?)))');
      params.push(JSON.stringify(filter.feedIds));
    }
    const lead = options.leadChars === null ? 'i.body' : 'substr(i.body, 1, ?)';
    if (options.leadChars !== null) params.unshift(options.leadChars);
    params.push(options.limit);
    const columns = `i.id, coalesce(i.story_id, i.id) AS story_id, i.published_at, i.title, ${lead} AS lead`;
    const sql = filter.match
      ? `SELECT ${columns} FROM items_fts JOIN items i ON i.id = items_fts.rowid WHERE ${where.join(' AND ')} ORDER BY items_fts.rowid DESC LIMIT ?`
      : `SELECT ${columns} FROM items i WHERE ${where.join(' AND ') || '1'} ORDER BY i.id DESC LIMIT ?`;
    return this.sql.all<SearchCandidate>(sql, params);
  }

  async details(ids: number[]): Promise<SearchDetails[]> {
    if (ids.length === 0) return [];
    return this.sql.all<SearchDetails>(
      `SELECT i.id, i.title, i.url, i.body, i.summary, i.lang, ${SOURCES_OF_ITEM} AS sources, ${STORY_ITEMS} AS story_items
       FROM items i WHERE i.id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(ids)],
    );
  }

  async feeds(): Promise<FeedSource[]> {
    return this.sql.all<FeedSource>(FEEDS);
  }

  async storySources(storyId: number): Promise<string[]> {
    return (await this.sql.all<{ name: string }>(STORY_SOURCES, [storyId])).map((source) => source.name);
  }
}
