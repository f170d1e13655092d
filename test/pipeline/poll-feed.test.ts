import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { fixture, testApp, type TestApp } from '../helpers/app.ts';

let server: FeedServer;
let app: TestApp;

beforeEach(async () => {
  server = await new FeedServer().listen();
  app = await testApp();
});
afterEach(async () => {
  await app.dispose();
  await server.close();
});

const story = (n: number, extra = '') => ({ title: `Story ${n}`, link: `https://news.example.com/story/${n}${extra}`, guid: `story-${n}` });

async function addFeed(path: string, name = path): Promise<number> {
  const result = await app.admin.add({ url: server.url(path), name });
  return result.feed.id;
}

async function poll(id: number) {
  return app.poller.poll((await app.feeds.find(id))!);
}

describe('polling one feed', () => {
  it('stores the first poll as backlog, then reports only items that appear later', async () => {
    server.route('/feed', { body: rss([story(1), story(2)]) });
    const id = await addFeed('/feed');
    const first = await poll(id);
    expect(first).toMatchObject({ result: 'updated', backlog: 2, fresh: [] });
    expect((await app.items.recent(10)).every((i) => i.backlog === 1)).toBe(true);

    server.route('/feed', { body: rss([story(3), story(1), story(2)]) });
    const second = await poll(id);
    expect(second.backlog).toBe(0);
    expect(second.fresh.map((i) => i.title)).toEqual(['Story 3']);
    expect((await app.items.recent(10)).find((i) => i.title === 'Story 3')!.backlog).toBe(0);
  });

  it('inserts nothing when the same feed is polled again', async () => {
    server.route('/feed', { body: rss([story(1), story(2)]) });
    const id = await addFeed('/feed');
    await poll(id);
    const again = await poll(id);
    expect(again.fresh).toEqual([]);
    expect(await app.items.count()).toBe(2);
  });

  it('gets a 304 on the second poll and parses nothing', async () => {
    server.route('/feed', { body: rss([story(1)]), etag: '"abc"' });
    const id = await addFeed('/feed');
    await poll(id);
    server.route('/feed', { status: 200, etag: '"abc"', body: 'this is not XML and would fail to parse' });
    const second = await poll(id);
    expect(second.result).toBe('not-modified');
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"abc"');
    expect((await app.feeds.find(id))!.status).toBe('ok');
  });

  it('waits for Cache-Control max-age when it is longer than the interval, capped at one hour', async () => {
    server.route('/cached', { body: rss([story(1)]), headers: { 'cache-control': 'max-age=1800' } });
    server.route('/long', { body: rss([story(2)]), headers: { 'cache-control': 'public, max-age=999999' } });
    const cached = (await app.admin.add({ url: server.url('/cached'), every: '1m' })).feed.id;
    const long = (await app.admin.add({ url: server.url('/long'), every: '1m' })).feed.id;
    const before = Date.now();
    await poll(cached);
    await poll(long);
    const wait = async (id: number) => Date.parse((await app.feeds.find(id))!.next_poll_at) - before;
    expect(await wait(cached)).toBeGreaterThanOrEqual(1800_000 - 1000);
    expect(await wait(cached)).toBeLessThan(1800_000 + 5000);
    expect(await wait(long)).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(await wait(long)).toBeLessThan(3600_000 + 5000);
  });

  it('updates an edited item in place instead of storing it again', async () => {
    server.route('/feed', { body: rss([story(1)]) });
    const id = await addFeed('/feed');
    await poll(id);
    server.route('/feed', { body: rss([{ ...story(1), title: 'Story 1 (updated)' }]) });
    await poll(id);
    const items = await app.items.recent(10);
    expect(items).toHaveLength(1);
    expect(items[0]!.title).toBe('Story 1 (updated)');
  });

  it('stores one item for the same article in two feeds under decorated URLs, crediting both', async () => {
    server.route('/a', { body: rss([{ title: 'Launch', link: 'https://www.news.example.com/launch?utm_source=a&amp;ref_src=twsrc', guid: 'a-1' }], 'Feed A') });
    server.route('/b', { body: rss([{ title: 'Launch!', link: 'http://news.example.com/launch?fbclid=XYZ#top', guid: 'b-99' }], 'Feed B') });
    const a = await addFeed('/a', 'Feed A');
    const b = await addFeed('/b', 'Feed B');
    await poll(a);
    await poll(b);
    const items = await app.items.recent(10);
    expect(items).toHaveLength(1);
    expect(items[0]!.url).toBe('https://www.news.example.com/launch');
    expect(items[0]!.sources).toEqual(['Feed A', 'Feed B']);
  });

  it('leaves an article two feeds word differently alone on every later poll', async () => {
    server.route('/a', { body: rss([{ title: 'Launch', link: 'https://news.example.com/launch', guid: 'a-1', description: 'Short.' }], 'Feed A') });
    server.route('/b', { body: rss([{ title: 'Launch!', link: 'https://news.example.com/launch', guid: 'b-1', description: 'Longer text.' }], 'Feed B') });
    const a = await addFeed('/a', 'Feed A');
    const b = await addFeed('/b', 'Feed B');
    for (let round = 0; round < 3; round++) {
      await poll(a);
      await poll(b);
    }
    const [item] = await app.items.recent(10);
    expect(item!.title).toBe('Launch');
    expect(item!.updated_at).toBe(item!.first_seen_at);
  });

  it('keeps the first of two entries that share a guid, and gives both its source', async () => {
    server.route('/dup', { body: rss([{ ...story(1), guid: 'same' }, { ...story(2), guid: 'same' }]) });
    const id = await addFeed('/dup');
    await poll(id);
    server.route('/dup', { body: rss([story(3), { ...story(1), guid: 'same' }, { ...story(2), guid: 'same' }]) });
    const second = await poll(id);
    expect(second.fresh.map((i) => i.title)).toEqual(['Story 3']);
    expect((await app.items.recent(10)).map((i) => [i.title, i.sources.length])).toEqual([['Story 1', 1], ['Story 3', 1]].sort().reverse());
  });

  it('keeps entries that all link to the same home page apart', async () => {
    server.route('/home', { body: rss([{ title: 'Notice A', link: 'https://corp.example.com/', guid: 'n-1' }, { title: 'Notice B', link: 'https://corp.example.com/', guid: 'n-2' }]) });
    await poll(await addFeed('/home'));
    expect((await app.items.recent(10)).map((i) => i.title).sort()).toEqual(['Notice A', 'Notice B']);
  });

  it('moves the dedupe key with an edited link, so the article is still recognised elsewhere', async () => {
    server.route('/edit', { body: rss([{ title: 'Draft', link: 'https://news.example.com/draft', guid: 'e-1' }], 'Editor') });
    const id = await addFeed('/edit', 'Editor');
    await poll(id);
    server.route('/edit', { body: rss([{ title: 'Final', link: 'https://news.example.com/final', guid: 'e-1' }], 'Editor') });
    await poll(id);
    server.route('/other', { body: rss([{ title: 'Final (syndicated)', link: 'https://news.example.com/final?utm_source=x', guid: 'o-1' }], 'Other') });
    await poll(await addFeed('/other', 'Other'));
    const items = await app.items.recent(10);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ title: 'Final', url: 'https://news.example.com/final', sources: ['Editor', 'Other'] });
  });

  it('follows a permanent redirect and stores the new URL', async () => {
    server.route('/old', { status: 301, headers: { location: '/new' } }).route('/new', { body: rss([story(1)]) });
    const id = await addFeed('/old');
    await poll(id);
    expect((await app.feeds.find(id))!.url).toBe(server.url('/new'));
  });

  it('reads the GBK feed served with a wrong UTF-8 header', async () => {
    server.route('/gbk', { body: fixture('ithome-style-gbk.xml'), headers: { 'content-type': 'application/rss+xml; charset=utf-8' } });
    await poll(await addFeed('/gbk'));
    expect((await app.items.recent(10)).map((i) => i.title)).toContain('工信部约谈三家虚拟运营商');
  });
});

describe('failures', () => {
  it('records a malformed feed as that feed’s error and keeps polling the others', async () => {
    server.route('/broken', { body: fixture('unrecoverable.xml') }).route('/good', { body: rss([story(1)]) });
    const broken = await addFeed('/broken');
    const good = await addFeed('/good');
    const summary = await app.scheduler.tick();
    expect(summary).toMatchObject({ polled: 2, failed: 1, backlog: 1 });
    expect(await app.feeds.find(broken)).toMatchObject({ status: 'failing', consecutive_failures: 1 });
    expect((await app.feeds.find(broken))!.last_error).toMatch(/not a readable RSS/);
    expect((await app.feeds.find(good))!.status).toBe('ok');
  });

  it('records XML that is no feed with an error that says so, not a JavaScript one', async () => {
    server.route('/no-channel', { body: fixture('rss-no-channel.xml') });
    const id = await addFeed('/no-channel');
    await poll(id);
    expect(await app.feeds.find(id)).toMatchObject({ status: 'failing', last_error: 'not a feed: RSS with no channel' });
  });

  it('backs off exponentially, disables after FEED_MAX_FAILURES, and a success resets the count', async () => {
    await app.dispose();
    app = await testApp({ FEED_MAX_FAILURES: '3', FEED_BACKOFF_BASE: '5m' });
    server.route('/flaky', { status: 500 });
    const id = await addFeed('/flaky');
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      const before = Date.now();
      await poll(id);
      delays.push(Date.parse((await app.feeds.find(id))!.next_poll_at) - before);
    }
    expect(delays[0]).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
    expect(delays[0]).toBeLessThanOrEqual(5 * 60_000 + 1000);
    expect(delays[1]).toBeGreaterThanOrEqual(10 * 60_000 - 1000);
    expect(delays[1]).toBeLessThanOrEqual(10 * 60_000 + 1000);
    expect(await app.feeds.find(id)).toMatchObject({ status: 'failing', consecutive_failures: 2, last_error: 'HTTP 500 Internal Server Error' });

    server.route('/flaky', { body: rss([story(1)]) });
    await poll(id);
    expect(await app.feeds.find(id)).toMatchObject({ status: 'ok', consecutive_failures: 0, last_error: null });

    server.route('/flaky', { status: 500 });
    for (let i = 0; i < 3; i++) await poll(id);
    expect(await app.feeds.find(id)).toMatchObject({ status: 'disabled', consecutive_failures: 3 });
    expect(await app.feeds.due(new Date(Date.now() + 365 * 86_400_000))).toEqual([]);

    await app.admin.enable(String(id));
    expect(await app.feeds.find(id)).toMatchObject({ status: 'ok', consecutive_failures: 0 });
    expect((await app.feeds.due(new Date())).map((f) => f.id)).toEqual([id]);
  });

  it('waits at least as long as a 429 Retry-After asks', async () => {
    server.route('/busy', { status: 429, headers: { 'retry-after': '7200' } });
    const id = await addFeed('/busy');
    const before = Date.now();
    await poll(id);
    expect(Date.parse((await app.feeds.find(id))!.next_poll_at) - before).toBeGreaterThanOrEqual(7200_000 - 1000);
  });

  it('keeps only the newest FEED_MAX_ITEMS entries of a huge feed', async () => {
    await app.dispose();
    app = await testApp({ FEED_MAX_ITEMS: '5' });
    const entries = Array.from({ length: 50 }, (_, i) => ({ ...story(i), pubDate: new Date(Date.UTC(2025, 0, 1, 0, i)).toUTCString() }));
    server.route('/huge', { body: rss(entries) });
    await poll(await addFeed('/huge'));
    expect((await app.items.recent(100)).map((i) => i.title)).toEqual(['Story 49', 'Story 48', 'Story 47', 'Story 46', 'Story 45']);
  });
});
