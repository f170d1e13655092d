import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ItemStore, type NewItem } from '../../src/db/items.ts';
import { migratePostgres } from '../../src/db/postgres/migrate.ts';
import { PostgresSearchReads } from '../../src/db/postgres/search-reads.ts';
import { PostgresSql } from '../../src/db/postgres/postgres-sql.ts';
import { SearchIndex } from '../../src/db/search-index.ts';
import { SearchMatches, type MatchFilter, type SearchReads } from '../../src/db/search-matches.ts';
import { StoryStore } from '../../src/db/stories.ts';
import type { Sql } from '../../src/db/sql.ts';
import { parseSearchQuery, toFtsMatch, toTsQuery } from '../../src/search/query.ts';
import { describePostgres, freshPostgresUrl, testPool } from '../helpers/postgres.ts';
import { sqliteStore } from '../helpers/storage-backends.ts';
import { T0, at } from '../helpers/port-fixtures.ts';

interface SearchBackend {
  sql: Sql;
  /** The reads behind search on this backend. */
  reads: SearchReads;
  close(): Promise<void>;
}

const onSqlite = async (): Promise<SearchBackend> => {
  const store = await sqliteStore();
  return { sql: store.sql, reads: new SearchMatches(store.sql), close: () => store.close() };
};

const onPostgres = async (): Promise<SearchBackend> => {
  const pool = testPool(await freshPostgresUrl());
  await migratePostgres(pool);
  return { sql: new PostgresSql(pool), reads: new PostgresSearchReads(new PostgresSql(pool)), close: async () => {} };
};

/** A search as the search service asks it, from what a person typed. */
function filter(typed: string, fields: Partial<MatchFilter> = {}): MatchFilter {
  const query = typed ? parseSearchQuery(typed, T0) : null;
  const match = query && { fts5: toFtsMatch(query)!, tsquery: toTsQuery(query)! };
  return { match, lang: null, since: null, futureToleranceMs: 0, feedIds: null, ...fields };
}

function entry(key: string, title: string, body: string, fields: Partial<NewItem> = {}): NewItem {
  return {
    guid: key,
    dedupeKey: `news.example.com/${key}`,
    url: `https://news.example.com/${key}`,
    title,
    author: null,
    body,
    lang: 'en',
    publishedAt: T0.toISOString(),
    publishedAtSource: 'feed',
    contentHash: key,
    ...fields,
  };
}

/**
 * The search index written through SearchIndex, and read back through each backend's reads: FTS5 on
 * SQLite, the tsvector of items_search on PostgreSQL.
 */
function searchSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<SearchBackend>): void {
  describeOn('the search index over the storage port', () => {
    let backend: SearchBackend;
    let index: SearchIndex;
    const ids = async (typed: string, fields: Partial<MatchFilter> = {}) =>
      (await backend.reads.newest(filter(typed, fields), { limit: 10, leadChars: 20 })).map((row) => row.id);

    beforeEach(async () => {
      backend = await open();
      index = new SearchIndex(backend.sql);
      for (const [url, name] of [['https://a.example/feed.xml', 'Alpha'], ['https://b.example/feed.xml', 'Beta']]) {
        await backend.sql.run('INSERT INTO feeds (url, name, interval_seconds, next_poll_at, created_at) VALUES (?, ?, 900, ?, ?)', [url, name, T0.toISOString(), T0.toISOString()]);
      }
      const items = new ItemStore(backend.sql);
      const stored = [
        ...(await items.store(1, [entry('gpt', 'OpenAI releases GPT-5', 'The model reasons better than GPT-4.', { publishedAt: at(-7200).toISOString() })], { backlog: false, now: at(-7200) })).created,
        ...(await items.store(2, [entry('zh', '大模型推理速度提升十倍', '研究人员发布了新的推理引擎，延迟大幅下降。', { lang: 'zh', publishedAt: at(-60).toISOString() })], { backlog: false, now: at(-60) })).created,
        ...(await items.store(1, [entry('claude', 'Anthropic ships Claude', 'A model for agents, not GPT.')], { backlog: false, now: T0 })).created,
      ];
      for (const item of stored) await index.add(item.id, item.title, item.body);
    });
    afterEach(() => backend.close());

    it('finds an item by the words SearchIndex indexed, newest first, English and Chinese alike', async () => {
      expect(await ids('gpt')).toEqual([3, 1]);
      expect(await ids('"gpt 5"')).toEqual([1]);
      expect(await ids('推理')).toEqual([2]);
      expect(await ids('模型')).toEqual([2]);
      expect(await ids('agents -gpt')).toEqual([]);
      expect(await ids('model OR 推理')).toEqual([3, 2, 1]);
      expect(await ids('nothing')).toEqual([]);
      const [row] = await backend.reads.newest(filter('"gpt 5"'), { limit: 10, leadChars: 9 });
      expect(row).toEqual({ id: 1, story_id: 1, published_at: at(-7200).toISOString(), title: 'OpenAI releases GPT-5', lead: 'The model' });
    });

    it('indexes an edited item’s new words in place of its old ones', async () => {
      await index.replace(1, 'OpenAI releases o5', 'A reasoning model.');
      expect(await ids('gpt')).toEqual([3]);
      expect(await ids('o5 reasoning')).toEqual([1]);
      // An item not indexed yet is indexed by a replace.
      await backend.sql.run("INSERT INTO items (dedupe_key, title, lang, published_at, published_at_source, first_seen_at, updated_at) VALUES ('k', 'late', 'en', ?, 'feed', ?, ?)", [
        T0.toISOString(),
        T0.toISOString(),
        T0.toISOString(),
      ]);
      const late = (await backend.sql.get<{ id: number }>("SELECT id FROM items WHERE dedupe_key = 'k'"))!.id;
      await index.replace(late, 'Late GPT news', '');
      expect(await ids('gpt')).toEqual([late, 3]);
    });

    it('narrows a search by language, date and feed, and reads what results show', async () => {
      expect(await ids('model OR 推理', { lang: 'zh' })).toEqual([2]);
      expect(await ids('model OR 推理', { since: at(-3600) })).toEqual([3, 2]);
      expect(await ids('model OR 推理', { feedIds: [1] })).toEqual([3, 1]);
      expect(await ids('model OR 推理', { feedIds: [] })).toEqual([]);
      expect(await ids('', { feedIds: [2] })).toEqual([2]);
      expect(await ids('', { lang: 'en', since: at(-3600) })).toEqual([3]);

      const stories = new StoryStore(backend.sql);
      await stories.assign(1, 1, null, null);
      await stories.assign(3, 1, 1, 'same');
      const details = await backend.reads.details([3, 1]);
      expect(details.sort((a, b) => a.id - b.id).map(({ sources, ...row }) => ({ ...row, sources: JSON.parse(sources) as string[] }))).toEqual([
        { id: 1, title: 'OpenAI releases GPT-5', url: 'https://news.example.com/gpt', body: 'The model reasons better than GPT-4.', summary: null, lang: 'en', sources: ['Alpha'], story_items: 2 },
        { id: 3, title: 'Anthropic ships Claude', url: 'https://news.example.com/claude', body: 'A model for agents, not GPT.', summary: null, lang: 'en', sources: ['Alpha'], story_items: 2 },
      ]);
      expect(await backend.reads.details([])).toEqual([]);
      expect(await backend.reads.feeds()).toEqual([
        { id: 1, name: 'Alpha', url: 'https://a.example/feed.xml' },
        { id: 2, name: 'Beta', url: 'https://b.example/feed.xml' },
      ]);
      expect(await backend.reads.storySources(1)).toEqual(['Alpha']);
    });
  });
}

searchSuite(describe, onSqlite);
searchSuite(describePostgres, onPostgres);
