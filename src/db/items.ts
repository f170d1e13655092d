import type { Database, Statement } from 'better-sqlite3';
import { canonicalUrl, dedupeKey } from '../canonical-url.ts';
import { ITEM_COLUMNS, type ItemRow } from './item-row.ts';
import { PendingItems, type PendingState } from './pending-items.ts';
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

/** SQL for the JSON array of the names of the feeds that carry item `i`, first one first. */
export const SOURCES_OF_ITEM = `(SELECT json_group_array(name) FROM (
  SELECT coalesce(f.name, f.url) AS name FROM item_sources s JOIN feeds f ON f.id = s.feed_id
  WHERE s.item_id = i.id ORDER BY s.first_seen_at, s.feed_id))`;

/** Items and the feeds they came from. Dedupe is the schema's job: unique keys and ON CONFLICT. */
export class ItemStore {
  private readonly bySource: Statement;
  private readonly update: Statement;
  private readonly insert: Statement;
  private readonly byKey: Statement;
  private readonly link: Statement;
  private readonly rehash: Statement;
  private readonly feedSource: Statement;
  private readonly summary: Statement;
  private readonly pending: PendingItems;
  private readonly tombstones: Tombstones;

  constructor(private readonly db: Database) {
    this.pending = new PendingItems(db);
    this.tombstones = new Tombstones(db);
    this.feedSource = db.prepare("SELECT coalesce(name, '') AS name, url FROM feeds WHERE id = ?");
    // Prepared once: the follow-up pass sets a summary per item, and preparing is most of a write's cost.
    this.summary = db.prepare('UPDATE items SET summary = ?, summarizer = ? WHERE id = ?');
    // One query for the whole poll rather than one per entry: most entries of a re-poll are already known.
    this.bySource = db.prepare(
      `SELECT guid, item_id AS id, content_hash FROM item_sources WHERE feed_id = ? AND guid IN (SELECT value FROM json_each(?))`,
    );
    // An edit may change the link: the dedupe key follows unless another item already has the new one.
    this.update = db.prepare(
      `UPDATE items SET url = @url, title = @title, author = @author, body = @body, lang = @lang, updated_at = @now,
         dedupe_key = CASE WHEN EXISTS (SELECT 1 FROM items WHERE dedupe_key = @dedupeKey AND id != @id) THEN dedupe_key ELSE @dedupeKey END
       WHERE id = @id`,
    );
    this.rehash = db.prepare('UPDATE item_sources SET content_hash = ? WHERE feed_id = ? AND guid = ?');
    // Positional parameters and one statement for all of a poll's links: binding named parameters from
    // an object, and a statement call per row, cost more than the inserts themselves on a large poll.
    // The new id is read from run()'s result: RETURNING cost a sixth of the insert.
    this.insert = db.prepare(
      `INSERT INTO items (dedupe_key, url, title, author, body, lang, published_at, published_at_source, backlog, first_seen_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    );
    this.byKey = db.prepare('SELECT id FROM items WHERE dedupe_key = ?').pluck();
    this.link = db.prepare(
      `INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at)
       SELECT ?, j.value ->> 0, j.value ->> 1, j.value ->> 2, ? FROM json_each(?) j WHERE true ON CONFLICT DO NOTHING`,
    );
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
  store(
    feedId: number,
    polled: NewItem[],
    options: { backlog: boolean; now: Date; source?: { name: string; url: string }; partial?: boolean },
  ): StoreResult {
    const now = options.now.toISOString();
    const result: StoreResult = { created: [], updated: 0, linked: 0, unchanged: 0, buried: 0 };
    const items = distinctEntries(feedId, polled);
    this.db.transaction(() => {
      const source = { feedId, ...(options.source ?? (this.feedSource.get(feedId) as { name: string; url: string })) };
      const rows = this.bySource.all(feedId, JSON.stringify(items.map((item) => item.guid))) as { guid: string; id: number; content_hash: string }[];
      const knownByGuid = new Map(rows.map((row) => [row.guid, row]));
      const buried = this.tombstones.held(feedId, items.filter((item) => !knownByGuid.has(item.guid)), options.now);
      if (!options.partial) this.tombstones.expire(feedId, items.map((item) => item.guid));
      const backlog = options.backlog ? 1 : 0;
      const links: [string, number, string][] = [];
      const queued: { itemId: number; edited: boolean }[] = [];
      for (const item of items) {
        const known = knownByGuid.get(item.guid);
        if (known) {
          if (known.content_hash === item.contentHash) result.unchanged++;
          else {
            this.update.run({ ...item, now, id: known.id });
            this.rehash.run(item.contentHash, feedId, item.guid);
            queued.push({ itemId: known.id, edited: true });
            result.updated++;
          }
          continue;
        }
        if (buried.has(item.guid)) {
          result.buried++;
          continue;
        }
        const inserted = this.insert.run(
          item.dedupeKey, item.url, item.title, item.author, item.body, item.lang, item.publishedAt, item.publishedAtSource, backlog, now, now,
        );
        const created = inserted.changes === 1;
        const id = created ? Number(inserted.lastInsertRowid) : (this.byKey.get(item.dedupeKey) as number);
        links.push([item.guid, id, item.contentHash]);
        if (created) {
          queued.push({ itemId: id, edited: false });
          result.created.push(rowOf(id, item, backlog, now));
        } else result.linked++;
      }
      if (links.length) this.link.run(feedId, now, JSON.stringify(links));
      this.pending.add(queued, source);
    }).immediate();
    return result;
  }

  /** The newest items by publication time. */
  recent(limit: number): ListedItem[] {
    const rows = this.db
      .prepare(`SELECT ${ITEM_COLUMNS}, ${SOURCES_OF_ITEM} AS sources FROM items i ORDER BY i.published_at DESC, i.id DESC LIMIT ?`)
      .all(limit) as (ItemRow & { sources: string })[];
    return rows.map(withSources);
  }

  /** An item by id, or by its URL as typed (decorations and all). */
  find(idOrUrl: string | number): ListedItem | undefined {
    const byId = typeof idOrUrl === 'number' || /^\d+$/.test(idOrUrl);
    const sql = `SELECT ${ITEM_COLUMNS}, ${SOURCES_OF_ITEM} AS sources FROM items i WHERE ${byId ? 'i.id = ?' : 'i.dedupe_key = ?'}`;
    let key: string | number = idOrUrl;
    if (!byId) {
      const canonical = canonicalUrl(String(idOrUrl), 'https://invalid.invalid/');
      if (!canonical) return undefined;
      key = dedupeKey(canonical);
    }
    const row = this.db.prepare(sql).get(byId ? Number(idOrUrl) : key) as (ItemRow & { sources: string }) | undefined;
    return row && withSources(row);
  }

  /** The feeds that carry an item, first one first, with their first-seen time. */
  feedsOf(itemId: number): { id: number; name: string | null; url: string; first_seen_at: string }[] {
    return this.db
      .prepare(
        `SELECT f.id, f.name, f.url, s.first_seen_at FROM item_sources s JOIN feeds f ON f.id = s.feed_id
         WHERE s.item_id = ? ORDER BY s.first_seen_at, s.feed_id`,
      )
      .all(itemId) as { id: number; name: string | null; url: string; first_seen_at: string }[];
  }

  /**
   * Where a new item stands while it is stored but not yet finished by the follow-up pass (indexed,
   * clustered, routed), with its failed attempts; undefined once it is finished.
   */
  pendingState(id: number): PendingState | undefined {
    return this.pending.state(id);
  }

  setSummary(id: number, summary: string, summarizer: string): void {
    this.summary.run(summary, summarizer, id);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
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
