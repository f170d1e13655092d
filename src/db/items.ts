import { canonicalUrl, dedupeKey } from '../canonical-url.ts';
import { ITEM_COLUMNS, type ItemRow } from './item-row.ts';
import { PendingItems, type PendingState } from './pending-items.ts';
import type { Sql } from './sql.ts';
import { Tombstones } from './tombstones.ts';

// The row is part of this store's interface: its callers import it from here.
export type { ItemRow };

/** One entry of a poll as the store takes it, normalised (src/feeds/normalize.ts). */
export interface NewItem {
  /** Identifies the entry within its feed: guid, else canonical link, else a hash of title and date. */
  guid: string;
  /** Identifies the article across feeds and URL decorations. */
  dedupeKey: string;
  url: string | null;
  title: string;
  author: string | null;
  body: string;
  lang: 'zh' | 'en' | 'other';
  publishedAt: string;
  publishedAtSource: 'feed' | 'first_seen';
  /** Changes when the feed edits the item. */
  contentHash: string;
}

/** An item with the names of the feeds that carry it, first one first. */
export interface ListedItem extends ItemRow {
  sources: string[];
}

export interface StoreResult {
  /** Items stored for the first time by this poll (backlog or not). */
  created: ItemRow[];
  /** Items this feed had already delivered, whose title, link or body changed: updated in place. */
  updated: number;
  /** Articles already stored from another feed or under a decorated URL, now also credited to this feed. */
  linked: number;
  unchanged: number;
  /** New entries not stored because their item was pruned (AINEWS_RETENTION) and the feed still lists it. */
  buried: number;
}

/** SQL for the JSON array of the names of the feeds that carry item `i`, first one first (SQLite). */
export const SOURCES_OF_ITEM = `(SELECT json_group_array(name) FROM (
  SELECT coalesce(f.name, f.url) AS name FROM item_sources s JOIN feeds f ON f.id = s.feed_id
  WHERE s.item_id = i.id ORDER BY s.first_seen_at, s.feed_id))`;

/** The same on PostgreSQL, where json_agg of no rows is null. */
const SOURCES_OF_ITEM_POSTGRES = `(SELECT coalesce(json_agg(coalesce(f.name, f.url) ORDER BY s.first_seen_at, s.feed_id), '[]')::text
  FROM item_sources s JOIN feeds f ON f.id = s.feed_id WHERE s.item_id = i.id)`;

/** The statements whose text differs between the backends: lists are JSON text on SQLite, arrays on PostgreSQL. */
interface Dialect {
  bySource: string;
  link: string;
  recent: string;
  findById: string;
  findByKey: string;
  /** A list as its statement takes it. */
  list(values: readonly unknown[]): unknown;
}

const listed = (sources: string) => `SELECT ${ITEM_COLUMNS}, ${sources} AS sources FROM items i`;

const SQLITE: Dialect = {
  // One query for the whole poll rather than one per entry: most entries of a re-poll are already known.
  bySource: 'SELECT guid, item_id AS id, content_hash FROM item_sources WHERE feed_id = ? AND guid IN (SELECT value FROM json_each(?))',
  // One statement for all of a poll's links: a statement call per row costs more than the insert itself.
  link: `INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at)
         SELECT ?, j.value ->> 0, j.value ->> 1, j.value ->> 2, ? FROM json_each(?) j WHERE true ON CONFLICT DO NOTHING`,
  recent: `${listed(SOURCES_OF_ITEM)} ORDER BY i.published_at DESC, i.id DESC LIMIT ?`,
  findById: `${listed(SOURCES_OF_ITEM)} WHERE i.id = ?`,
  findByKey: `${listed(SOURCES_OF_ITEM)} WHERE i.dedupe_key = ?`,
  list: (values) => JSON.stringify(values),
};

const POSTGRES: Dialect = {
  bySource: 'SELECT guid, item_id AS id, content_hash FROM item_sources WHERE feed_id = ? AND guid = ANY(?::text[])',
  link: `INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at)
         SELECT ?::bigint, j.value ->> 0, (j.value ->> 1)::bigint, j.value ->> 2, ?::timestamptz FROM json_array_elements(?::json) j(value)
         ON CONFLICT DO NOTHING`,
  recent: `${listed(SOURCES_OF_ITEM_POSTGRES)} ORDER BY i.published_at DESC, i.id DESC LIMIT ?`,
  findById: `${listed(SOURCES_OF_ITEM_POSTGRES)} WHERE i.id = ?`,
  findByKey: `${listed(SOURCES_OF_ITEM_POSTGRES)} WHERE i.dedupe_key = ?`,
  list: (values) => values,
};

const FEED_SOURCE = "SELECT coalesce(name, '') AS name, url FROM feeds WHERE id = ?";
// An edit may change the link: the dedupe key follows unless another item already has the new one.
const UPDATE = `UPDATE items SET url = ?, title = ?, author = ?, body = ?, lang = ?, updated_at = ?,
  dedupe_key = CASE WHEN EXISTS (SELECT 1 FROM items WHERE dedupe_key = ? AND id != ?) THEN dedupe_key ELSE ? END
  WHERE id = ?`;
const REHASH = 'UPDATE item_sources SET content_hash = ? WHERE feed_id = ? AND guid = ?';
// Positional parameters: binding named ones from an object costs more than the insert on a large poll.
// The new id comes back through RETURNING (the port reports no rowid), no row when the article is already
// stored. On PostgreSQL such an insert still spends an id of the sequence: ids grow, with gaps.
const INSERT = `INSERT INTO items (dedupe_key, url, title, author, body, lang, published_at, published_at_source, backlog, first_seen_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`;
const BY_KEY = 'SELECT id FROM items WHERE dedupe_key = ?';
const SET_SUMMARY = 'UPDATE items SET summary = ?, summarizer = ? WHERE id = ?';
const FEEDS_OF = `SELECT f.id, f.name, f.url, s.first_seen_at FROM item_sources s JOIN feeds f ON f.id = s.feed_id
  WHERE s.item_id = ? ORDER BY s.first_seen_at, s.feed_id`;

/**
 * Items and the feeds they came from. Dedupe is the schema's job: unique keys and ON CONFLICT. The same
 * statements on both backends but for lists (JSON text on SQLite, arrays on PostgreSQL) and the JSON
 * array of an item's sources.
 */
export class ItemStore {
  private readonly dialect: Dialect;
  private readonly pending: PendingItems;
  private readonly tombstones: Tombstones;

  constructor(private readonly sql: Sql) {
    this.dialect = sql.dialect === 'postgres' ? POSTGRES : SQLITE;
    this.pending = new PendingItems(sql);
    this.tombstones = new Tombstones(sql);
  }

  /**
   * Stores one poll's items in a single transaction. An entry whose guid repeats within the poll is
   * dropped (the feed's first wins); entries of one poll that share a link but not a guid (items that all
   * point at a home page) are keyed by feed and guid, so that they stay separate items.
   *
   * New and edited items are queued, in the same transaction, for the follow-up pass that indexes,
   * clusters, summarizes and routes them (src/pipeline/process-items.ts): storing stays quick, and a
   * crash between the two loses nothing. `source` names the feed for watches; by default its stored name.
   *
   * A new entry whose item was pruned for its age is skipped (src/db/tombstones.ts); the tombstones of
   * entries the feed no longer lists go, unless the poll is `partial` (a document that broke off).
   */
  async store(
    feedId: number,
    polled: NewItem[],
    options: { backlog: boolean; now: Date; source?: { name: string; url: string }; partial?: boolean },
  ): Promise<StoreResult> {
    const now = options.now.toISOString();
    const result: StoreResult = { created: [], updated: 0, linked: 0, unchanged: 0, buried: 0 };
    const items = distinctEntries(feedId, polled);
    const { sql, dialect } = this;
    await sql.withTransaction(async () => {
      const source = { feedId, ...(options.source ?? (await sql.get<{ name: string; url: string }>(FEED_SOURCE, [feedId]))!) };
      const rows = await sql.all<{ guid: string; id: number; content_hash: string }>(dialect.bySource, [feedId, dialect.list(items.map((item) => item.guid))]);
      const knownByGuid = new Map(rows.map((row) => [row.guid, row]));
      const buried = await this.tombstones.held(feedId, items.filter((item) => !knownByGuid.has(item.guid)), options.now);
      if (!options.partial) await this.tombstones.expire(feedId, items.map((item) => item.guid));
      const backlog = options.backlog ? 1 : 0;
      const links: [string, number, string][] = [];
      const queued: { itemId: number; edited: boolean }[] = [];
      for (const item of items) {
        const known = knownByGuid.get(item.guid);
        if (known) {
          if (known.content_hash === item.contentHash) result.unchanged++;
          else {
            await sql.run(UPDATE, [item.url, item.title, item.author, item.body, item.lang, now, item.dedupeKey, known.id, item.dedupeKey, known.id]);
            await sql.run(REHASH, [item.contentHash, feedId, item.guid]);
            queued.push({ itemId: known.id, edited: true });
            result.updated++;
          }
          continue;
        }
        if (buried.has(item.guid)) {
          result.buried++;
          continue;
        }
        const inserted = await sql.get<{ id: number }>(INSERT, [
          item.dedupeKey, item.url, item.title, item.author, item.body, item.lang, item.publishedAt, item.publishedAtSource, backlog, now, now,
        ]);
        const id = inserted?.id ?? (await sql.get<{ id: number }>(BY_KEY, [item.dedupeKey]))!.id;
        links.push([item.guid, id, item.contentHash]);
        if (inserted) {
          queued.push({ itemId: id, edited: false });
          result.created.push(rowOf(id, item, backlog, now));
        } else result.linked++;
      }
      if (links.length) await sql.run(dialect.link, [feedId, now, JSON.stringify(links)]);
      await this.pending.add(queued, source);
    });
    return result;
  }

  /** The newest items by publication time. */
  async recent(limit: number): Promise<ListedItem[]> {
    return (await this.sql.all<ItemRow & { sources: string }>(this.dialect.recent, [limit])).map(withSources);
  }

  /** An item by id, or by its URL as typed (decorations and all). */
  async find(idOrUrl: string | number): Promise<ListedItem | undefined> {
    const byId = typeof idOrUrl === 'number' || /^\d+$/.test(idOrUrl);
    let key: string | number = Number(idOrUrl);
    if (!byId) {
      const canonical = canonicalUrl(String(idOrUrl), 'https://invalid.invalid/');
      if (!canonical) return undefined;
      key = dedupeKey(canonical);
    } else if (!Number.isSafeInteger(key)) return undefined;
    const row = await this.sql.get<ItemRow & { sources: string }>(byId ? this.dialect.findById : this.dialect.findByKey, [key]);
    return row && withSources(row);
  }

  /** The feeds that carry an item, first one first, with their first-seen time. */
  async feedsOf(itemId: number): Promise<{ id: number; name: string | null; url: string; first_seen_at: string }[]> {
    return this.sql.all(FEEDS_OF, [itemId]);
  }

  /**
   * Where a new item stands while it is stored but not yet finished by the follow-up pass (indexed,
   * clustered, routed), with its failed attempts; undefined once it is finished.
   */
  async pendingState(id: number): Promise<PendingState | undefined> {
    return this.pending.state(id);
  }

  async setSummary(id: number, summary: string, summarizer: string): Promise<void> {
    await this.sql.run(SET_SUMMARY, [summary, summarizer, id]);
  }

  async count(): Promise<number> {
    return (await this.sql.get<{ n: number }>('SELECT count(*) AS n FROM items'))!.n;
  }
}

function rowOf(id: number, item: NewItem, backlog: 0 | 1, now: string): ItemRow {
  return {
    id,
    url: item.url,
    title: item.title,
    author: item.author,
    body: item.body,
    lang: item.lang,
    published_at: item.publishedAt,
    published_at_source: item.publishedAtSource,
    backlog,
    first_seen_at: now,
    updated_at: now,
    summary: null,
    summarizer: null,
    story_id: null,
  };
}

export function withSources<T extends { sources: string }>(row: T): Omit<T, 'sources'> & { sources: string[] } {
  return { ...row, sources: JSON.parse(row.sources) as string[] };
}

function distinctEntries(feedId: number, items: NewItem[]): NewItem[] {
  const seen = new Set<string>();
  const unique = items.filter((item) => !seen.has(item.guid) && seen.add(item.guid));
  const guidsByKey = new Map<string, number>();
  for (const item of unique) guidsByKey.set(item.dedupeKey, (guidsByKey.get(item.dedupeKey) ?? 0) + 1);
  return unique.map((item) => (guidsByKey.get(item.dedupeKey)! > 1 ? { ...item, dedupeKey: `feed:${feedId}:${item.guid}` } : item));
}
