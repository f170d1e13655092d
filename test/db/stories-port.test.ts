import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ItemStore, type NewItem } from '../../src/db/items.ts';
import { StoryMatches } from '../../src/db/story-matches.ts';
import { StoryStore } from '../../src/db/stories.ts';
import { TrendItems } from '../../src/db/trend-items.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at, newItem } from '../helpers/port-fixtures.ts';

const SECONDS = Math.floor(T0.getTime() / 1000);

/** An entry of a poll, with a body long enough for the stories' texts and trends to cut. */
const entry = (key: string, fields: Partial<NewItem> = {}): NewItem => newItem(key, { body: `大模型 body of ${key}, long enough to be cut`, ...fields });

/** Stories, the watches' matches below their threshold, and the items trends count: the same tests on each backend. */
function storiesSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('stories over the storage port', () => {
    let store: Store;
    let items: ItemStore;
    let stories: StoryStore;
    beforeEach(async () => {
      store = await open();
      items = new ItemStore(store.sql);
      stories = new StoryStore(store.sql);
      for (const [url, name] of [['https://a.example/feed.xml', 'Alpha'], ['https://b.example/feed.xml', 'Beta'], ['https://c.example/feed.xml', null]]) {
        await store.sql.run('INSERT INTO feeds (url, name, interval_seconds, next_poll_at, created_at) VALUES (?, ?, 900, ?, ?)', [url, name, T0.toISOString(), T0.toISOString()]);
      }
    });
    afterEach(() => store.close());

    it('finds the items of other feeds that share terms in the window, the newest of each term first, as many as asked', async () => {
      // Items 1–6 of feeds 1 and 2, indexed under times around T0.
      const index: [number, number, number, string[]][] = [
        [1, 1, SECONDS - 100, ['gpt', 'openai']],
        [2, 2, SECONDS - 50, ['gpt', 'openai']],
        [3, 2, SECONDS, ['gpt']],
        [4, 2, SECONDS, ['gpt', 'anthropic']],
        [5, 2, SECONDS + 5000, ['gpt']],
        [6, 1, SECONDS + 10, ['openai']],
      ];
      for (const [itemId, feedId, time, terms] of index) await stories.index(itemId, feedId, time, new Set(terms));
      await stories.index(6, 1, SECONDS + 10, ['openai']);
      const window = { from: SECONDS - 1000, to: SECONDS + 1000 };
      const found = await stories.candidates(['gpt', 'openai', 'unknown'], window, 3, 10);
      expect([...found].sort((a, b) => a[0] - b[0])).toEqual([[1, 2], [2, 2], [3, 1], [4, 1], [6, 1]]);
      // Feed 1 asks: its own items are left out.
      expect([...(await stories.candidates(['gpt', 'openai'], window, 1, 10))].sort((a, b) => a[0] - b[0])).toEqual([[2, 2], [3, 1], [4, 1]]);
      // One item per term: the newest, and of two at one second the later item.
      expect([...(await stories.candidates(['gpt', 'openai'], window, 3, 1))].sort((a, b) => a[0] - b[0])).toEqual([[4, 1], [6, 1]]);
      expect((await stories.candidates([], window, 3, 10)).size).toBe(0);

      expect(await stories.prune(SECONDS)).toBe(4);
      expect([...(await stories.candidates(['gpt', 'openai'], window, 3, 10))].sort((a, b) => a[0] - b[0])).toEqual([[3, 1], [4, 1], [6, 1]]);
    });

    it('reads candidates’ text, in id order, with their story’s lead time and feeds', async () => {
      await items.store(1, [entry('a', { publishedAt: at(-3600).toISOString() })], { backlog: false, now: T0 });
      await items.store(2, [entry('b'), entry('c', { body: '' })], { backlog: false, now: T0 });
      await items.store(3, [entry('a', { guid: 'elsewhere' })], { backlog: false, now: T0 });
      await stories.assign(1, 1, null, null);
      await stories.assign(2, 1, 1, 'same title');
      const texts = await stories.texts([3, 2, 1], 10);
      expect(texts.map(({ story_feeds, ...text }) => ({ ...text, story_feeds: (JSON.parse(story_feeds) as number[]).sort() }))).toEqual([
        { id: 1, title: 'Title a', lead: '大模型 body o', lang: 'en', published_at: at(-3600).toISOString(), story_id: 1, story_published_at: at(-3600).toISOString(), story_feeds: [1, 2, 3] },
        { id: 2, title: 'Title b', lead: '大模型 body o', lang: 'en', published_at: T0.toISOString(), story_id: 1, story_published_at: at(-3600).toISOString(), story_feeds: [1, 2, 3] },
        // Not yet in a story: its own, of its own feeds.
        { id: 3, title: 'Title c', lead: '', lang: 'en', published_at: T0.toISOString(), story_id: 3, story_published_at: T0.toISOString(), story_feeds: [2] },
      ]);
      expect(await stories.texts([], 10)).toEqual([]);
    });

    it('tells a story: its sources, items, and how each joined it; and lists the recent stories, latest first', async () => {
      // (PostgreSQL spends an id on an insert that finds its article stored: the links come last, so that
      // the ids are the same on both backends.)
      await items.store(1, [entry('a'), entry('x')], { backlog: false, now: T0 });
      await items.store(3, [entry('c')], { backlog: false, now: at(120) });
      await items.store(2, [entry('b'), entry('a', { guid: 'a-in-beta' })], { backlog: false, now: at(60) });
      // Not yet in a story, an item is its own.
      expect(await stories.joined(2)).toEqual({ story_id: 2, story_via: null, story_reason: null });
      // Story 1: items 1 (a, the lead), 4 (b) and 3 (c); story 2: item 2 (x) alone.
      for (const [itemId, storyId, via, reason] of [[1, 1, null, null], [2, 2, null, null], [4, 1, 1, 'same numbers'], [3, 1, 4, 'same title']] as const) {
        await stories.assign(itemId, storyId, via, reason);
      }
      expect(await stories.sources(1)).toEqual([
        { feed_id: 1, name: 'Alpha', item_id: 1, title: 'Title a', url: 'https://news.example.com/a', first_seen_at: T0.toISOString() },
        // Beta carried items 1 and 4 at once: the first of them.
        { feed_id: 2, name: 'Beta', item_id: 1, title: 'Title a', url: 'https://news.example.com/a', first_seen_at: at(60).toISOString() },
        { feed_id: 3, name: 'https://c.example/feed.xml', item_id: 3, title: 'Title c', url: 'https://news.example.com/c', first_seen_at: at(120).toISOString() },
      ]);
      expect(await stories.items(1)).toEqual([
        { id: 1, title: 'Title a', url: 'https://news.example.com/a', lang: 'en', first_seen_at: T0.toISOString(), story_reason: null, story_via: null },
        { id: 3, title: 'Title c', url: 'https://news.example.com/c', lang: 'en', first_seen_at: at(120).toISOString(), story_reason: 'same title', story_via: 4 },
        { id: 4, title: 'Title b', url: 'https://news.example.com/b', lang: 'en', first_seen_at: at(60).toISOString(), story_reason: 'same numbers', story_via: 1 },
      ]);
      expect(await stories.joined(4)).toEqual({ story_id: 1, story_via: 1, story_reason: 'same numbers' });
      expect(await stories.joined(99)).toBeUndefined();
      const one = { id: 1, title: 'Title a', url: 'https://news.example.com/a', lang: 'en', items: 3, first_seen_at: T0.toISOString(), updated_at: at(120).toISOString() };
      expect(await stories.find(1)).toEqual(one);
      expect(await stories.find(99)).toBeUndefined();
      const two = { id: 2, title: 'Title x', url: 'https://news.example.com/x', lang: 'en', items: 1, first_seen_at: T0.toISOString(), updated_at: T0.toISOString() };
      expect(await stories.recent({ since: T0, limit: 10 })).toEqual([one, two]);
      expect(await stories.recent({ since: at(1), limit: 10 })).toEqual([one]);
      expect(await stories.recent({ since: T0, limit: 1 })).toEqual([one]);
      await store.sql.run('UPDATE items SET first_seen_at = ? WHERE id = 2', [at(120).toISOString()]);
      // A tie on the latest item: the later story first.
      expect((await stories.recent({ since: T0, limit: 10 })).map((story) => story.id)).toEqual([2, 1]);
    });

    it('counts a story’s outlets, and keeps the watches it matched below their threshold until pruned', async () => {
      await items.store(1, [entry('a'), entry('b')], { backlog: false, now: T0 });
      await items.store(2, [entry('c'), entry('a', { guid: 'a-in-beta' })], { backlog: false, now: T0 });
      await stories.assign(1, 1, null, null);
      await stories.assign(2, 1, 1, 'same');
      const matches = new StoryMatches(store.sql);
      expect(await matches.outlets(1)).toBe(2);
      expect(await matches.outlets(3)).toBe(1);
      expect(await matches.outlets(99)).toBe(0);

      await store.sql.run("INSERT INTO channels (id, platform, created_at) VALUES ('console:team', 'console', ?)", [T0.toISOString()]);
      for (const query of ['gpt', 'claude']) {
        await store.sql.run("INSERT INTO watches (channel, query, canonical, created_at) VALUES ('console:team', ?, ?, ?)", [query, query, T0.toISOString()]);
      }
      await matches.record({ story_id: 1, watch_id: 2, channel: 'console:team', item_id: 2 }, at(60));
      await matches.record({ story_id: 1, watch_id: 1, channel: 'console:team', item_id: 1 }, T0);
      await matches.record({ story_id: 1, watch_id: 1, channel: 'console:team', item_id: 2 }, at(120));
      expect(await matches.of(1)).toEqual([
        { story_id: 1, watch_id: 1, channel: 'console:team', item_id: 1 },
        { story_id: 1, watch_id: 2, channel: 'console:team', item_id: 2 },
      ]);
      expect(await matches.of(2)).toEqual([]);
      expect(await matches.prune(at(60))).toBe(1);
      expect((await matches.of(1)).map((match) => match.watch_id)).toEqual([2]);
    });

    it('reads the items published in a period with their story and first feed', async () => {
      await items.store(2, [entry('a', { publishedAt: at(-86_400).toISOString() }), entry('b'), entry('c', { publishedAt: at(3600).toISOString() })], { backlog: false, now: T0 });
      await items.store(3, [entry('d', { publishedAt: at(-1).toISOString() })], { backlog: false, now: T0 });
      await items.store(1, [entry('b', { guid: 'b-in-alpha' })], { backlog: false, now: at(60) });
      await stories.assign(4, 2, 2, 'same');
      const trend = await new TrendItems(store.sql).between(at(-3600), at(3600));
      expect(trend.sort((a, b) => a.id - b.id)).toEqual([
        { id: 2, title: 'Title b', body: entry('b').body, story_id: 2, published_at: T0.toISOString(), source_name: 'Beta', source_url: 'https://b.example/feed.xml' },
        { id: 4, title: 'Title d', body: entry('d').body, story_id: 2, published_at: at(-1).toISOString(), source_name: null, source_url: 'https://c.example/feed.xml' },
      ]);
    });
  });
}

storiesSuite(describe, sqliteStore);
storiesSuite(describePostgres, postgresStore);
