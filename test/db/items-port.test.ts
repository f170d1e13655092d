import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ItemStore } from '../../src/db/items.ts';
import { PendingItems } from '../../src/db/pending-items.ts';
import { SummaryPending } from '../../src/db/summary-pending.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at, newItem } from '../helpers/port-fixtures.ts';

const entry = newItem;

/** Items, the queue of their follow-up pass, and their summary marks: the same tests on each backend. */
function itemsSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('items over the storage port', () => {
    let store: Store;
    let items: ItemStore;
    let pending: PendingItems;
    beforeEach(async () => {
      store = await open();
      items = new ItemStore(store.sql);
      pending = new PendingItems(store.sql);
      for (const [url, name] of [['https://a.example/feed.xml', 'Alpha'], ['https://b.example/feed.xml', null]]) {
        await store.sql.run('INSERT INTO feeds (url, name, interval_seconds, next_poll_at, created_at) VALUES (?, ?, 900, ?, ?)', [url, name, T0.toISOString(), T0.toISOString()]);
      }
    });
    afterEach(() => store.close());

    it('stores a poll once: new items, edits, unchanged entries, and articles another feed brought', async () => {
      const first = await items.store(1, [entry('a', { publishedAt: at(-60).toISOString() }), entry('b'), entry('a', { title: 'repeated guid' })], { backlog: true, now: T0 });
      expect(first).toMatchObject({ updated: 0, linked: 0, unchanged: 0, buried: 0 });
      expect(first.created).toEqual([
        expect.objectContaining({ id: 1, title: 'Title a', backlog: 1, published_at: at(-60).toISOString(), first_seen_at: T0.toISOString(), story_id: null }),
        expect.objectContaining({ id: 2, title: 'Title b', backlog: 1 }),
      ]);

      const second = await items.store(1, [entry('a'), entry('b', { title: 'Title b, edited', contentHash: 'hash-b2' }), entry('c')], { backlog: false, now: at(60) });
      expect(second).toMatchObject({ updated: 1, linked: 0, unchanged: 1, buried: 0 });
      expect(second.created.map((row) => [row.id, row.backlog])).toEqual([[3, 0]]);

      const third = await items.store(2, [entry('a', { guid: 'elsewhere' })], { backlog: false, now: at(120) });
      expect(third).toMatchObject({ created: [], linked: 1 });

      expect(await items.count()).toBe(3);
      const recent = await items.recent(10);
      expect(recent.map((item) => [item.id, item.title, item.sources])).toEqual([
        [3, 'Title c', ['Alpha']],
        [2, 'Title b, edited', ['Alpha']],
        [1, 'Title a', ['Alpha', 'https://b.example/feed.xml']],
      ]);
      expect(recent[1]).toMatchObject({ updated_at: at(60).toISOString(), first_seen_at: T0.toISOString(), backlog: 1 });
      expect((await items.recent(1)).map((item) => item.id)).toEqual([3]);
      expect(await items.feedsOf(1)).toEqual([
        { id: 1, name: 'Alpha', url: 'https://a.example/feed.xml', first_seen_at: T0.toISOString() },
        { id: 2, name: null, url: 'https://b.example/feed.xml', first_seen_at: at(120).toISOString() },
      ]);
    });

    it('keeps apart the entries of one poll that share a link, and an edit keeps a link another item has', async () => {
      const shared = { dedupeKey: 'news.example.com/', url: 'https://news.example.com/' };
      const { created } = await items.store(1, [entry('x', shared), entry('y', shared)], { backlog: false, now: T0 });
      expect(created.map((row) => row.id)).toEqual([1, 2]);
      await items.store(1, [entry('z')], { backlog: false, now: T0 });
      // y moves to z's link, which z keeps: y keeps its own key, and its new link.
      await items.store(1, [entry('x', shared), entry('y', { ...shared, dedupeKey: 'news.example.com/z', url: 'https://news.example.com/z', contentHash: 'moved' })], {
        backlog: false,
        now: at(1),
        partial: true,
      });
      const keys = await store.sql.all<{ id: number; dedupe_key: string; url: string }>('SELECT id, dedupe_key, url FROM items ORDER BY id');
      expect(keys).toEqual([
        { id: 1, dedupe_key: 'feed:1:guid-x', url: 'https://news.example.com/' },
        { id: 2, dedupe_key: 'feed:1:guid-y', url: 'https://news.example.com/z' },
        { id: 3, dedupe_key: 'news.example.com/z', url: 'https://news.example.com/z' },
      ]);
      // An edit to a link nobody has takes it.
      await items.store(1, [entry('z', { dedupeKey: 'news.example.com/z2', contentHash: 'moved' })], { backlog: false, now: at(2), partial: true });
      expect((await store.sql.get<{ dedupe_key: string }>('SELECT dedupe_key FROM items WHERE id = 3'))!.dedupe_key).toBe('news.example.com/z2');
    });

    it('finds an item by id or by its URL as typed, with its sources', async () => {
      await items.store(1, [entry('a', { dedupeKey: 'news.example.com/a', url: 'https://news.example.com/a' })], { backlog: false, now: T0, source: { name: 'Given', url: 'u' } });
      expect(await items.find(1)).toMatchObject({ id: 1, title: 'Title a', sources: ['Alpha'] });
      expect(await items.find('1')).toMatchObject({ id: 1 });
      expect(await items.find('https://www.news.example.com/a?utm_source=rss')).toMatchObject({ id: 1 });
      expect(await items.find('https://news.example.com/other')).toBeUndefined();
      expect(await items.find(2)).toBeUndefined();
      expect(await items.find('99999999999999999999')).toBeUndefined();
    });

    it('rolls a poll back whole when a write of it fails', async () => {
      await expect(items.store(99, [entry('a'), entry('b')], { backlog: false, now: T0, source: { name: 'gone', url: 'gone' } })).rejects.toThrow();
      expect(await items.count()).toBe(0);
      expect(await pending.any(T0)).toBe(false);
    });

    it('skips a new entry whose pruned item left a tombstone', async () => {
      await store.sql.run('INSERT INTO item_tombstones (feed_id, guid, dedupe_key, buried_at) VALUES (?, ?, ?, ?)', [1, 'guid-old', 'news.example.com/old', T0.toISOString()]);
      const result = await items.store(1, [entry('old'), entry('new')], { backlog: false, now: T0 });
      expect(result).toMatchObject({ buried: 1 });
      expect(result.created.map((row) => row.title)).toEqual(['Title new']);
    });

    it('queues new and edited items for the follow-up pass in order, with their feed, and hands them out when due', async () => {
      await items.store(1, [entry('a'), entry('b')], { backlog: false, now: T0 });
      await items.store(2, [entry('c')], { backlog: false, now: T0, source: { name: 'Beta', url: 'https://b.example/' } });
      await items.store(1, [entry('a', { title: 'edited', contentHash: 'edited' }), entry('b')], { backlog: false, now: T0 });

      const queued = await pending.next(10, T0);
      expect(queued.map(({ seq, feed_id, source_name, source_url, edited, item }) => [seq, feed_id, source_name, source_url, edited, item.id, item.title])).toEqual([
        [1, 1, 'Alpha', 'https://a.example/feed.xml', 0, 1, 'edited'],
        [2, 1, 'Alpha', 'https://a.example/feed.xml', 0, 2, 'Title b'],
        [3, 2, 'Beta', 'https://b.example/', 0, 3, 'Title c'],
        [4, 1, 'Alpha', 'https://a.example/feed.xml', 1, 1, 'edited'],
      ]);
      expect(queued[0]!.item).toMatchObject({ backlog: 0, summary: null, story_id: null, published_at: T0.toISOString() });
      expect((await pending.next(2, T0)).map((row) => row.seq)).toEqual([1, 2]);
      expect(await items.pendingState(1)).toEqual({ attempts: 0, last_error: null, next_attempt_at: null });

      // A failure puts its row off, and counts; the state shown is the new item's, not its edit's.
      const retry = (attempts: number) => at(60 * attempts);
      expect(await pending.fail(1, 'boom', retry)).toBe(1);
      expect(await pending.fail(1, 'boom again', retry)).toBe(2);
      expect(await pending.fail(42, 'gone', retry)).toBe(0);
      expect(await items.pendingState(1)).toEqual({ attempts: 2, last_error: 'boom again', next_attempt_at: at(120).toISOString() });
      expect((await pending.next(10, T0)).map((row) => row.seq)).toEqual([2, 3, 4]);
      expect(await pending.bySeq(1, at(119))).toEqual([]);
      expect((await pending.bySeq(1, at(120))).map((row) => row.item.id)).toEqual([1]);
      expect((await pending.next(10, at(120))).map((row) => row.seq)).toEqual([1, 2, 3, 4]);

      await pending.remove([2, 3, 4]);
      expect(await pending.any(T0)).toBe(false);
      expect(await pending.any(at(120))).toBe(true);
      await pending.remove([1]);
      await pending.remove([]);
      expect(await pending.any(at(120))).toBe(false);
      expect(await items.pendingState(1)).toBeUndefined();
    });

    it('fails an attempt in the transaction of its caller', async () => {
      await items.store(1, [entry('a')], { backlog: false, now: T0 });
      await expect(
        store.sql.withTransaction(async () => {
          await pending.fail(1, 'boom', () => at(60));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await items.pendingState(1)).toEqual({ attempts: 0, last_error: null, next_attempt_at: null });
    });

    it('sets a summary, and marks and clears the items waiting for one', async () => {
      await items.store(1, [entry('a'), entry('b'), entry('c')], { backlog: false, now: T0 });
      await items.store(1, [entry('d')], { backlog: false, now: at(60) });
      await items.setSummary(2, 'In short.', 'builtin');
      expect(await items.find(2)).toMatchObject({ summary: 'In short.', summarizer: 'builtin' });

      const marks = new SummaryPending(store.sql);
      const marked = async () => (await store.sql.all<{ id: number }>('SELECT id FROM items WHERE summary_pending = true ORDER BY id')).map((row) => row.id);
      await marks.mark([1, 2, 4]);
      await marks.mark([]);
      expect(await marked()).toEqual([1, 2, 4]);
      expect(await store.sql.get('SELECT summary_pending FROM items WHERE id = 1')).toEqual({ summary_pending: 1 });
      await marks.clear([2]);
      await marks.clear([]);
      expect(await marked()).toEqual([1, 4]);
      await marks.clearSeenBefore(at(60));
      expect(await marked()).toEqual([4]);
    });
  });
}

itemsSuite(describe, sqliteStore);
itemsSuite(describePostgres, postgresStore);
