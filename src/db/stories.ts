import type { Sql } from './sql.ts';

/** SQL for how many items item `i`'s story has. */
export const STORY_ITEMS = '(SELECT count(*) FROM items si WHERE si.story_id = coalesce(i.story_id, i.id))';

/** A story's sources, first one first: each feed once, with the first of the story's items it carried. */
export const STORY_SOURCES = `SELECT feed_id, name, item_id, title, url, first_seen_at FROM (
  SELECT f.id AS feed_id, coalesce(f.name, f.url) AS name, i.id AS item_id, i.title, i.url, s.first_seen_at,
    row_number() OVER (PARTITION BY f.id ORDER BY s.first_seen_at, i.id) AS nth
  FROM items i JOIN item_sources s ON s.item_id = i.id JOIN feeds f ON f.id = s.feed_id
  WHERE i.story_id = ?) story_sources
WHERE nth = 1 ORDER BY first_seen_at, item_id, feed_id`;

/** What a candidate item is compared on, read back from the items table. */
export interface StoryCandidate {
  id: number;
  title: string;
  lead: string;
  lang: 'zh' | 'en' | 'other';
  published_at: string;
  story_id: number;
  /** When its story's lead was published: a story takes no item further than the window from it. */
  story_published_at: string;
  /** The feeds that carry its story's items, as a JSON array of ids: one outlet's two articles are two stories. */
  story_feeds: string;
}

/** One source of a story: a feed, with the first item it carried. */
export interface StorySource {
  feed_id: number;
  name: string;
  item_id: number;
  title: string;
  url: string | null;
  first_seen_at: string;
}

export interface StoryRow {
  id: number;
  title: string;
  url: string | null;
  lang: 'zh' | 'en' | 'other';
  items: number;
  first_seen_at: string;
  updated_at: string;
}

/** The statements whose text differs between the backends: JSON arrays and lists. */
interface Dialect {
  postings: string;
  addTerms: string;
  candidateTexts: string;
  /** A list as its statement takes it. */
  list(values: readonly unknown[]): unknown;
}

const SQLITE: Dialect = {
  // For each term, the newest rows in the window, a bounded number of them, then the other feeds'
  // among them: a term the feed itself uses all the time costs a bounded read, not every row of the
  // window. One statement for all the terms of an item. (Rows of one second come newest item first, as
  // the primary key keeps them.)
  postings: `SELECT (SELECT json_group_array(item_id) FROM (
      SELECT item_id FROM (SELECT item_id, feed_id FROM story_terms WHERE term = j.value AND at BETWEEN ? AND ? ORDER BY at DESC, item_id DESC LIMIT ?)
      WHERE feed_id != ? LIMIT ?)) AS list FROM json_each(?) j`,
  addTerms: 'INSERT INTO story_terms (term, at, item_id, feed_id) SELECT value, ?, ?, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING',
  candidateTexts: `SELECT i.id, i.title, substr(i.body, 1, ?) AS lead, i.lang, i.published_at, coalesce(i.story_id, i.id) AS story_id,
      coalesce(lead.published_at, i.published_at) AS story_published_at,
      (SELECT json_group_array(DISTINCT s.feed_id) FROM items si JOIN item_sources s ON s.item_id = si.id
       WHERE si.story_id = coalesce(i.story_id, i.id) OR si.id = i.id) AS story_feeds
    FROM items i LEFT JOIN items lead ON lead.id = coalesce(i.story_id, i.id)
    WHERE i.id IN (SELECT value FROM json_each(?)) ORDER BY i.id`,
  list: (values) => JSON.stringify(values),
};

const POSTGRES: Dialect = {
  postings: `SELECT (SELECT coalesce(json_agg(item_id ORDER BY at DESC, item_id DESC), '[]')::text FROM (
      SELECT item_id, at FROM (SELECT item_id, feed_id, at FROM story_terms WHERE term = j.term AND at BETWEEN ? AND ? ORDER BY at DESC, item_id DESC LIMIT ?) newest
      WHERE feed_id <> ? ORDER BY at DESC, item_id DESC LIMIT ?) kept) AS list FROM unnest(?::text[]) j(term)`,
  addTerms: 'INSERT INTO story_terms (term, at, item_id, feed_id) SELECT term, ?, ?, ? FROM unnest(?::text[]) term ON CONFLICT DO NOTHING',
  candidateTexts: `SELECT i.id, i.title, substr(i.body, 1, ?::int) AS lead, i.lang, i.published_at, coalesce(i.story_id, i.id) AS story_id,
      coalesce(lead.published_at, i.published_at) AS story_published_at,
      (SELECT coalesce(json_agg(DISTINCT s.feed_id), '[]')::text FROM items si JOIN item_sources s ON s.item_id = si.id
       WHERE si.story_id = coalesce(i.story_id, i.id) OR si.id = i.id) AS story_feeds
    FROM items i LEFT JOIN items lead ON lead.id = coalesce(i.story_id, i.id)
    WHERE i.id = ANY(?::bigint[]) ORDER BY i.id`,
  list: (values) => values,
};

const RECENT = `SELECT s.story_id AS id, lead.title, lead.url, lead.lang, s.items, s.first_seen_at, s.updated_at FROM (
    SELECT story_id, count(*) AS items, min(first_seen_at) AS first_seen_at, max(first_seen_at) AS updated_at
    FROM items WHERE story_id IN (SELECT DISTINCT story_id FROM items WHERE first_seen_at >= ?) GROUP BY story_id) s
  JOIN items lead ON lead.id = s.story_id
  ORDER BY s.updated_at DESC, s.story_id DESC LIMIT ?`;
const FIND = `SELECT lead.id, lead.title, lead.url, lead.lang, count(*) AS items, min(i.first_seen_at) AS first_seen_at, max(i.first_seen_at) AS updated_at
  FROM items lead JOIN items i ON i.story_id = lead.id WHERE lead.id = ? GROUP BY lead.id`;

/**
 * Stories: which story each item belongs to, and the candidate index that finds an item's story. The
 * same statements on both backends but for those that take a list or make a JSON array.
 */
export class StoryStore {
  private readonly dialect: Dialect;

  constructor(private readonly sql: Sql) {
    this.dialect = sql.dialect === 'postgres' ? POSTGRES : SQLITE;
  }

  /**
   * The items published between `from` and `to` (seconds) by feeds other than `feedId` that share terms
   * with an item, with how many they share. Each term contributes at most `perTerm` items, its most
   * recent: a word every report uses finds nothing a rarer one does not.
   */
  async candidates(terms: Iterable<string>, window: { from: number; to: number }, feedId: number, perTerm: number): Promise<Map<number, number>> {
    const shared = new Map<number, number>();
    const lists = await this.sql.all<{ list: string }>(this.dialect.postings, [window.from, window.to, perTerm * 3, feedId, perTerm, this.dialect.list([...terms])]);
    for (const { list } of lists) for (const id of JSON.parse(list) as number[]) shared.set(id, (shared.get(id) ?? 0) + 1);
    return shared;
  }

  /**
   * The candidates' text and their stories' lead time and feeds, to compare them with the new item: the
   * title and the first `leadChars` characters of the body, as much as the comparison reads. In id order.
   */
  async texts(ids: number[], leadChars: number): Promise<StoryCandidate[]> {
    return ids.length ? this.sql.all<StoryCandidate>(this.dialect.candidateTexts, [leadChars, this.dialect.list(ids)]) : [];
  }

  async index(itemId: number, feedId: number, at: number, terms: Iterable<string>): Promise<void> {
    await this.sql.run(this.dialect.addTerms, [at, itemId, feedId, this.dialect.list([...terms])]);
  }

  /** Puts an item in a story: its own (it leads) or a matching item's, with why. */
  async assign(itemId: number, storyId: number, via: number | null, reason: string | null): Promise<void> {
    await this.sql.run('UPDATE items SET story_id = ?, story_via = ?, story_reason = ? WHERE id = ?', [storyId, via, reason, itemId]);
  }

  /** Forgets the index entries of items published before `before` (seconds); returns how many. */
  async prune(before: number): Promise<number> {
    return (await this.sql.run('DELETE FROM story_terms WHERE at < ?', [before])).changes;
  }

  /** A story's sources, first one first: each feed once, with the first of the story's items it carried. */
  async sources(storyId: number): Promise<StorySource[]> {
    return this.sql.all<StorySource>(STORY_SOURCES, [storyId]);
  }

  /** The stories with an item first seen since `since`, the latest first. */
  async recent(options: { since: Date; limit: number }): Promise<StoryRow[]> {
    return this.sql.all<StoryRow>(RECENT, [options.since.toISOString(), options.limit]);
  }

  async find(storyId: number): Promise<StoryRow | undefined> {
    return this.sql.get<StoryRow>(FIND, [storyId]);
  }

  /** How an item joined its story: the item it was found like, and why (null for a lead). */
  async joined(itemId: number): Promise<{ story_id: number; story_via: number | null; story_reason: string | null } | undefined> {
    return this.sql.get('SELECT coalesce(story_id, id) AS story_id, story_via, story_reason FROM items WHERE id = ?', [itemId]);
  }

  /** The items of a story, in the order they arrived. */
  async items(
    storyId: number,
  ): Promise<{ id: number; title: string; url: string | null; lang: string; first_seen_at: string; story_reason: string | null; story_via: number | null }[]> {
    return this.sql.all('SELECT id, title, url, lang, first_seen_at, story_reason, story_via FROM items WHERE story_id = ? ORDER BY id', [storyId]);
  }
}
