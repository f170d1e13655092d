import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../src/search/query.ts';
import { SearchService } from '../../src/search/search.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresCopyOf } from '../helpers/postgres-copy.ts';
import { PostgresSearchReads } from '../../src/db/postgres/search-reads.ts';
import { PostgresSql } from '../../src/db/postgres/postgres-sql.ts';

/**
 * The search tests, the same on each backend: items go in through the real app on SQLite, and `searchOn`
 * gives the search that reads them (SQLite's own, or PostgreSQL's over a copy of the database).
 */
function searchSuite(describeOn: (name: string, suite: () => void) => void, searchOn: (app: TestApp) => Promise<SearchService>): void {
  describeOn('SearchService', () => {
    let app: TestApp;
    let search: (text: string, pageSize?: number) => ReturnType<SearchService['search']>;
    const now = new Date('2026-11-28T12:00:00Z');
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toUTCString();

    beforeEach(async () => {
      app = await testApp();
      search = async (text, pageSize = 5) => (await searchOn(app)).search(parseSearchQuery(text, now), { now, pageSize });
      await storeItems(app, [
        { title: 'OpenAI 发布 GPT-5：推理能力大幅提升', body: '<p>新模型在数学、代码上全面领先。</p>', date: hoursAgo(2) },
        { title: 'AI 芯片初创公司完成 83 亿美元融资', body: '<p>本轮融资将用于扩大产能。</p>', date: hoursAgo(5) },
        { title: '字节跳动开源推理模型', body: '<p>开源社区反响热烈。</p>', date: hoursAgo(30) },
      ], { feedUrl: 'https://www.ithome.com/rss/', feedName: 'IT之家', now });
      await storeItems(app, [
        { title: 'GPT-5 mini is here', body: '<p>A smaller GPT‑5 for cheap tasks.</p>', date: hoursAgo(1) },
        { title: 'Review: gpt5 writes better code', body: '<p>We tried it for a week.</p>', date: hoursAgo(200) },
        { title: 'GPT-50 is not a thing', body: '<p>Rumours about GPT-50 are false.</p>', date: hoursAgo(3) },
        { title: 'Open source model tops the leaderboard', body: '<p>The open source community celebrates.</p>', date: hoursAgo(4) },
      ], { feedUrl: 'https://news.example.com/feed', feedName: 'Example News', now });
    });
    afterEach(() => app.dispose());

    const titles = (result: Awaited<ReturnType<typeof search>>) => result.hits.map((h) => h.title);

    it('finds GPT-5 however it is written, and not GPT-50', async () => {
      const found = titles(await search('GPT-5', 10));
      expect(found.sort()).toEqual(['GPT-5 mini is here', 'OpenAI 发布 GPT-5：推理能力大幅提升', 'Review: gpt5 writes better code']);
      expect(found).not.toContain('GPT-50 is not a thing');
      expect(titles(await search('gpt5', 10)).sort()).toEqual([...found].sort());
      expect(titles(await search('ＧＰＴ－５', 10)).sort()).toEqual([...found].sort());
    });

    it('finds two-character Chinese words inside longer ones', async () => {
      expect(titles(await search('模型'))).toEqual(expect.arrayContaining(['字节跳动开源推理模型']));
      expect(titles(await search('融资'))).toEqual(['AI 芯片初创公司完成 83 亿美元融资']);
      expect(titles(await search('推理')).sort()).toEqual(['OpenAI 发布 GPT-5：推理能力大幅提升', '字节跳动开源推理模型'].sort());
    });

    it('finds Chinese searches of several words, however jieba cuts them', async () => {
      await storeItems(app, [
        { title: '中国大力发展人工智能产业', date: hoursAgo(1) },
        { title: '谷歌发布推理模型', date: hoursAgo(1) },
        { title: '中华人民共和国成立纪念日', date: hoursAgo(1) },
      ], { now });
      expect(titles(await search('发展人工智能'))).toEqual(['中国大力发展人工智能产业']);
      expect(titles(await search('"发展 人工智能"'))).toEqual(['中国大力发展人工智能产业']);
      expect(titles(await search('中国大力发展人工智能产业'))).toEqual(['中国大力发展人工智能产业']);
      expect(titles(await search('发布推理模型'))).toEqual(['谷歌发布推理模型']);
      expect(titles(await search('人民共和国'))).toEqual(['中华人民共和国成立纪念日']);
      expect(titles(await search('"人工智能发展"'))).toEqual([]);
    });

    it('matches Latin words whole when ranking and marking', async () => {
      await storeItems(app, [
        { title: 'Island politics', body: '<p>He said Taiwan will maintain its lead in AI chips.</p>', date: hoursAgo(1) },
        { title: 'AI news today', body: '<p>Nothing else.</p>', date: hoursAgo(1) },
      ], { now });
      const hits = (await search('ai', 10)).hits.filter((h) => !/芯片/.test(h.title));
      expect(hits.map((h) => h.title)).toEqual(['AI news today', 'Island politics']);
      expect(hits[1]!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['AI']);
    });

    it('honours phrases, exclusions and OR', async () => {
      expect(titles(await search('"open source"'))).toEqual(['Open source model tops the leaderboard']);
      expect(titles(await search('"source open"'))).toEqual([]);
      expect(titles(await search('gpt-5 -mini', 10))).not.toContain('GPT-5 mini is here');
      expect(titles(await search('融资 OR leaderboard')).length).toBe(2);
    });

    it('filters by source, language and age', async () => {
      expect(titles(await search('gpt-5 source:ithome'))).toEqual(['OpenAI 发布 GPT-5：推理能力大幅提升']);
      expect(titles(await search('gpt-5 lang:en', 10)).every((t) => !/发布/.test(t))).toBe(true);
      expect(titles(await search('gpt-5 since:24h', 10))).not.toContain('Review: gpt5 writes better code');
      expect(titles(await search('source:IT之家', 10))).toHaveLength(3);
    });

    it('ranks by relevance as well as recency', async () => {
      await storeItems(app, [
        { title: 'Claude mentioned in passing', body: '<p>Other news.</p>', date: hoursAgo(1) },
        { title: 'Claude 5: Claude gets a Claude upgrade', body: '<p>Claude, Claude and Claude.</p>', date: hoursAgo(3) },
      ], { now });
      expect(titles(await search('claude', 10))).toEqual(['Claude 5: Claude gets a Claude upgrade', 'Claude mentioned in passing']);
    });

    it('ranks recent relevant items first and pages', async () => {
      const first = await search('gpt-5', 2);
      expect(first.hits[0]!.title).toBe('GPT-5 mini is here');
      expect(first.hasMore).toBe(true);
      const second = await search('gpt-5 page:2', 2);
      expect(second.page).toBe(2);
      expect(second.hits.map((h) => h.id)).not.toEqual(expect.arrayContaining(first.hits.map((h) => h.id)));
      expect(titles(await search('gpt-5', 10)).at(-1)).toBe('Review: gpt5 writes better code');
    });

    it('returns the contract fields and marks the matched terms', async () => {
      const [hit] = (await search('融资')).hits;
      expect(hit).toMatchObject({ source: 'IT之家', lang: 'zh', url: expect.stringMatching(/^https:\/\//), published_at: expect.any(String) });
      expect(hit!.score).toBeGreaterThan(0);
      expect(hit!.titleMarked.filter((p) => p.match).map((p) => p.text)).toEqual(['融资']);
      expect(hit!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['融资']);
      const [english] = (await search('gpt-5 mini')).hits;
      expect(english!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['GPT‑5']);
    });

    it('finds an edited item by its new words only', async () => {
      const feed = (await app.feeds.find('https://news.example.com/feed'))!;
      const stored = (await app.items.recent(10)).find((i) => i.title === 'GPT-50 is not a thing')!;
      const guid = (app.db.prepare('SELECT guid FROM item_sources WHERE item_id = ?').get(stored.id) as { guid: string }).guid;
      await app.items.store(feed.id, [{ guid, dedupeKey: 'x', url: stored.url, title: 'Quantum widgets announced', author: null, body: '', lang: 'en', publishedAt: stored.published_at, publishedAtSource: 'feed', contentHash: 'new' }], { backlog: false, now });
      expect(titles(await search('widgets'))).toEqual([]);
      await app.processor.processNext();
      expect(titles(await search('widgets'))).toEqual(['Quantum widgets announced']);
      expect(titles(await search('gpt-50'))).toEqual([]);
    });
  });
}

searchSuite(describe, async (app) => app.search);
searchSuite(describePostgres, async (app) => new SearchService(new PostgresSearchReads(new PostgresSql(await postgresCopyOf(app)))));
