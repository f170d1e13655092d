import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ItemRetention, type PrunableItem } from '../../src/db/item-retention.ts';
import { SearchMerges } from '../../src/db/search-merges.ts';
import type { Sql } from '../../src/db/sql.ts';
import { Tombstones } from '../../src/db/tombstones.ts';
import { TranslationStore } from '../../src/db/translations.ts';
import { WatchStore } from '../../src/db/watches.ts';
import { OutboxRows } from '../helpers/outbox-rows.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0 } from '../helpers/port-fixtures.ts';

const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

/** Feeds, items with their sources, search rows and candidate index rows, written as the pipeline would on either backend. */
class Items {
  private count = 0;

  constructor(private readonly sql: Sql) {}

  async feed(url: string): Promise<number> {
    const row = await this.sql.get<{ id: number }>('INSERT INTO feeds (url, interval_seconds, next_poll_at, created_at) VALUES (?, 900, ?, ?) RETURNING id', [
      url,
      T0.toISOString(),
      T0.toISOString(),
    ]);
    return row!.id;
  }

  /** An item first seen on `seen`, carried by each of `sources` (feed, guid), indexed for search under `word`. */
  async item(seen: Date, options: { story?: number; sources?: [number, string][]; word?: string } = {}): Promise<number> {
    const n = ++this.count;
    const at = seen.toISOString();
    const published = new Date(seen.getTime() - 3_600_000 - n * 1000).toISOString();
    const { id } = (await this.sql.get<{ id: number }>(
      `INSERT INTO items (dedupe_key, title, lang, published_at, published_at_source, first_seen_at, updated_at, story_id)
       VALUES (?, ?, 'en', ?, 'feed', ?, ?, ?) RETURNING id`,
      [`example.com/${n}`, `Title ${n}`, published, at, at, options.story ?? null],
    ))!;
    for (const [feed, guid] of options.sources ?? []) {
      await this.sql.run('INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at) VALUES (?, ?, ?, ?, ?)', [feed, guid, id, 'h', at]);
    }
    const word = options.word ?? 'news';
    if (this.sql.dialect === 'postgres') await this.sql.run('INSERT INTO items_search (item_id, words) VALUES (?, ?::tsvector)', [id, `${word}:1A`]);
    else await this.sql.run("INSERT INTO items_fts (rowid, title, body, subwords) VALUES (?, ?, '', '')", [id, word]);
    await this.sql.run('INSERT INTO story_terms (term, at, item_id) VALUES (?, ?, ?)', [word, Math.floor(Date.parse(published) / 1000), id]);
    return id;
  }

  /** The items the search index finds under `word`. */
  async found(word: string): Promise<number[]> {
    const rows =
      this.sql.dialect === 'postgres'
        ? await this.sql.all<{ id: number }>('SELECT item_id AS id FROM items_search WHERE words @@ ?::tsquery ORDER BY item_id', [word])
        : await this.sql.all<{ id: number }>('SELECT rowid AS id FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid', [word]);
    return rows.map((row) => row.id);
  }

  async prunable(retention: ItemRetention, cut: Date): Promise<PrunableItem[]> {
    return retention.prunable(cut, null, 100);
  }
}

const ids = (items: { id: number }[]) => items.map((item) => item.id);

/** Pruning old items, their tombstones and the search index's merges, the same on each backend. */
function retentionSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('item retention', () => {
    let store: Store;
    let items: Items;
    let retention: ItemRetention;
    let tombstones: Tombstones;
    beforeEach(async () => {
      store = await open();
      items = new Items(store.sql);
      retention = new ItemRetention(store.sql);
      tombstones = new Tombstones(store.sql);
    });
    afterEach(() => store.close());

    const count = async (table: string) => (await store.sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;

    it('walks the items first seen before the cut, oldest first, a batch at a time from a cursor', async () => {
      const [a, b, c] = [await items.item(day(1)), await items.item(day(0)), await items.item(day(1))];
      await items.item(day(5));
      const first = await retention.prunable(day(3), null, 2);
      expect(ids(first)).toEqual([b, a]);
      expect(first[0]).toEqual({ id: b, first_seen_at: day(0).toISOString(), published_at: expect.any(String) });
      const last = first.at(-1)!;
      expect(ids(await retention.prunable(day(3), { firstSeenAt: last.first_seen_at, id: last.id }, 2))).toEqual([c]);
      expect(await retention.prunable(day(3), { firstSeenAt: day(1).toISOString(), id: c }, 2)).toEqual([]);
      expect(await retention.olderThan(day(3))).toBe(3);
      expect(await retention.olderThan(day(0))).toBe(0);
    });

    it('keeps a story whole while one of its items is newer than the cut', async () => {
      const lead = await items.item(day(0));
      const old = await items.item(day(1), { story: lead });
      await store.sql.run('UPDATE items SET story_id = id WHERE id = ?', [lead]);
      const alone = await items.item(day(1));
      expect(ids(await items.prunable(retention, day(3)))).toEqual([lead, old, alone]);
      await items.item(day(4), { story: lead });
      expect(ids(await items.prunable(retention, day(3)))).toEqual([alone]);
      expect(ids(await items.prunable(retention, day(5)))).toHaveLength(4);
    });

    it('keeps what unsent deliveries show: alerts, updates, and the stories a fold or digest lists', async () => {
      const rows = new OutboxRows(store.sql, T0);
      await rows.channel('console:team');
      const [alerted, folded, free] = [await items.item(day(0)), await items.item(day(0)), await items.item(day(0))];
      const alert = await rows.alert('console:team', { item: alerted });
      const { fold, gathered } = await rows.fold('console:team', [folded]);
      expect(ids(await items.prunable(retention, day(3)))).toEqual([free]);
      expect(await retention.deliveriesOf([alerted, folded, free])).toEqual([alert, gathered[0]]);
      await store.sql.run("UPDATE outbox SET status = 'sent', held_until = NULL WHERE id IN (?, ?, ?)", [alert, fold, gathered[0]]);
      expect(ids(await items.prunable(retention, day(3)))).toEqual([alerted, folded, free]);
      // A fold still to be sent keeps the stories its payload lists, though the rows it gathered are gone.
      await store.sql.run("UPDATE outbox SET status = 'pending' WHERE id = ?", [fold]);
      await store.sql.run('DELETE FROM outbox WHERE id = ?', [gathered[0]]);
      expect(ids(await items.prunable(retention, day(3)))).toEqual([alerted, free]);
    });

    it('deletes items with every row about them, leaving tombstones of their entries first', async () => {
      const feed = await items.feed('https://a.example/feed.xml');
      const rows = new OutboxRows(store.sql, T0);
      await rows.channel('console:team');
      const watch = (await new WatchStore(store.sql).add('console:team', 'news', null, T0)).watch;
      const old = await items.item(day(0), { sources: [[feed, 'g1'], [feed, 'g2']], word: 'gone' });
      const kept = await items.item(day(5), { sources: [[feed, 'g3']], word: 'stays' });
      const alert = await rows.alert('console:team', { item: old });
      await store.sql.run("UPDATE outbox SET status = 'sent' WHERE id = ?", [alert]);
      await store.sql.run('INSERT INTO story_watch_matches (story_id, watch_id, channel, item_id, created_at) VALUES (?, ?, ?, ?, ?)', [
        old,
        watch.id,
        'console:team',
        old,
        T0.toISOString(),
      ]);
      await new TranslationStore(store.sql).take(old, 'zh', T0, T0);
      await store.sql.run("INSERT INTO pending_items (item_id, feed_id, source_name, source_url) VALUES (?, ?, 'A', 'https://a.example')", [old, feed]);

      const prunable = await items.prunable(retention, day(3));
      expect(ids(prunable)).toEqual([old]);
      expect(await retention.entriesOf([old])).toBe(2);
      const deleted = await store.sql.withTransaction(async () => {
        expect(await tombstones.bury([old], day(3))).toBe(2);
        return retention.delete(prunable);
      });
      expect(deleted).toEqual({ items: 1, outbox: 1 });
      for (const table of ['outbox', 'story_watch_matches', 'item_translations', 'pending_items']) expect(await count(table)).toBe(0);
      expect(await store.sql.all('SELECT item_id FROM item_sources')).toEqual([{ item_id: kept }]);
      expect(await store.sql.all('SELECT item_id FROM story_terms')).toEqual([{ item_id: kept }]);
      expect(await items.found('gone')).toEqual([]);
      expect(await items.found('stays')).toEqual([kept]);
      expect(await store.sql.all('SELECT id FROM items')).toEqual([{ id: kept }]);
      expect(await store.sql.all('SELECT feed_id, guid, dedupe_key, buried_at FROM item_tombstones ORDER BY guid')).toEqual([
        { feed_id: feed, guid: 'g1', dedupe_key: 'example.com/1', buried_at: day(3).toISOString() },
        { feed_id: feed, guid: 'g2', dedupe_key: 'example.com/1', buried_at: day(3).toISOString() },
      ]);
      expect(await tombstones.count()).toBe(2);
      expect(await tombstones.bury([], day(3))).toBe(0);
    });

    it('deletes nothing when the transaction that deletes is rolled back', async () => {
      const feed = await items.feed('https://a.example/feed.xml');
      await items.item(day(0), { sources: [[feed, 'g1']], word: 'gone' });
      const prunable = await items.prunable(retention, day(3));
      await expect(
        store.sql.withTransaction(async () => {
          await tombstones.bury(ids(prunable), day(3));
          await retention.delete(prunable);
          throw new Error('stopped');
        }),
      ).rejects.toThrow('stopped');
      expect(await count('items')).toBe(1);
      expect(await tombstones.count()).toBe(0);
      expect(await items.found('gone')).toEqual(ids(prunable));
    });

    it('holds the entries a tombstone holds, burying them for this feed too when another feed carried them', async () => {
      const [a, b] = [await items.feed('https://a.example/feed.xml'), await items.feed('https://b.example/feed.xml')];
      const entries = [
        { guid: 'g1', dedupeKey: 'example.com/1' },
        { guid: 'b-own', dedupeKey: 'example.com/2' },
        { guid: 'new', dedupeKey: 'example.com/new' },
      ];
      // No tombstone at all: nothing is held, and nothing is looked up.
      expect(await tombstones.held(b, entries, day(3))).toEqual(new Set());
      await items.item(day(0), { sources: [[a, 'g1']] });
      await items.item(day(0), { sources: [[b, 'b-own']] });
      await tombstones.bury(ids(await items.prunable(retention, day(3))), day(3));
      expect(await tombstones.count()).toBe(2);
      // b's own entry by its guid; a's article, under another guid, by its dedupe key.
      expect(await tombstones.held(b, entries, day(4))).toEqual(new Set(['g1', 'b-own']));
      expect(await tombstones.count()).toBe(3);
      expect(await store.sql.get('SELECT dedupe_key, buried_at FROM item_tombstones WHERE feed_id = ? AND guid = ?', [b, 'g1'])).toEqual({
        dedupe_key: 'example.com/1',
        buried_at: day(4).toISOString(),
      });
      // Held again, it is b's own now: no second row.
      expect(await tombstones.held(b, entries, day(5))).toEqual(new Set(['g1', 'b-own']));
      expect(await tombstones.count()).toBe(3);
      expect(await tombstones.held(b, [], day(5))).toEqual(new Set());
    });

    it('forgets the tombstones of the entries a complete poll no longer lists', async () => {
      const [a, b] = [await items.feed('https://a.example/feed.xml'), await items.feed('https://b.example/feed.xml')];
      expect(await tombstones.expire(a, [])).toBe(0);
      await items.item(day(0), { sources: [[a, 'g1'], [a, 'g2'], [b, 'g1']] });
      await tombstones.bury(ids(await items.prunable(retention, day(3))), day(3));
      expect(await tombstones.expire(a, ['g2', 'other'])).toBe(1);
      expect(await store.sql.all('SELECT feed_id, guid FROM item_tombstones ORDER BY feed_id, guid')).toEqual([
        { feed_id: a, guid: 'g2' },
        { feed_id: b, guid: 'g1' },
      ]);
      expect(await tombstones.expire(a, [])).toBe(1);
      expect(await tombstones.count()).toBe(1);
    });

    it('holds search index merges while items go, then merges until none is left (nothing to do on PostgreSQL)', async () => {
      const merges = new SearchMerges(store.sql);
      for (let i = 0; i < 60; i++) await items.item(day(i < 50 ? 0 : 5), { word: i < 50 ? 'gone' : 'stays' });
      const prunable = await items.prunable(retention, day(3));
      expect(prunable).toHaveLength(50);
      await store.sql.withTransaction(async () => {
        await merges.hold();
        await retention.delete(prunable.slice(0, 25));
      });
      await store.sql.withTransaction(() => retention.delete(prunable.slice(25)));
      await store.sql.withTransaction(() => merges.resume());
      let steps = 0;
      while (await store.sql.withTransaction(() => merges.step(100))) steps++;
      expect(steps).toBeLessThan(100);
      if (store.sql.dialect === 'postgres') expect(steps).toBe(0);
      else expect(steps).toBeGreaterThan(0);
      expect(await items.found('gone')).toEqual([]);
      expect(await items.found('stays')).toHaveLength(10);
    });
  });
}

retentionSuite((name, suite) => describe(`${name} (SQLite)`, suite), sqliteStore);
describePostgres('item retention', () => retentionSuite((name, suite) => describe(name, suite), postgresStore));
