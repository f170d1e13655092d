import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleSender } from '../../src/platforms/console/console-sender.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { NewsFeed } from '../helpers/news-feed.ts';

const DAY = 86_400_000;
const later = (days: number) => new Date(Date.now() + days * DAY);

let app: TestApp;
let server: FeedServer;
beforeEach(async () => {
  app = await testApp();
  server = await new FeedServer().listen();
});
afterEach(async () => {
  await app.dispose();
  await server.close();
});

const titles = () => app.db.prepare('SELECT title FROM items ORDER BY id').pluck().all() as string[];
const tombstones = () =>
  (app.db.prepare('SELECT feed_id, guid FROM item_tombstones ORDER BY feed_id, guid').all() as { feed_id: number; guid: string }[]).map(
    (row) => `${row.feed_id}:${row.guid}`,
  );

describe('tombstones of pruned items', () => {
  it('keeps a pruned item from coming back while its feed lists it, and lets the tombstone go once the feed drops it', async () => {
    await app.watches.add('console:team', 'GPT-6', 'u1');
    const news = new NewsFeed(server);
    await news.subscribe(app);
    const first = await news.publish(app, ['OpenAI ships GPT-6', 'GPT-6 benchmarks leak']);
    expect(first.fresh).toHaveLength(2);
    expect(first.alerts).toBe(2);
    await app.deliveryWorker([new ConsoleSender(() => {})]).drain();

    expect(await app.retention.prune({ now: later(400) })).toMatchObject({ items: 2, tombstones_added: 2, tombstones: 2 });
    expect(tombstones()).toEqual(['1:g1', '1:g2']);

    // The feed still lists both, with a newer article on top: only that one is new.
    const again = await news.publish(app, 'GPT-6 reaches the API');
    expect(again.fresh.map((item) => item.title)).toEqual(['GPT-6 reaches the API']);
    expect(again.alerts).toBe(1);
    expect(titles()).toEqual(['GPT-6 reaches the API']);

    // Another outlet carrying one of the pruned articles (same link) does not bring it back either, and
    // holds it buried for as long as it lists it.
    server.route('/other', { body: rss([{ title: 'OpenAI ships GPT-6', link: 'https://news.example.com/1', guid: 'other-1' }], 'Other') });
    await app.admin.add({ url: server.url('/other'), name: 'Other' });
    await app.poller.poll((await app.feeds.find(server.url('/other')))!);
    expect(titles()).toEqual(['GPT-6 reaches the API']);
    expect(tombstones()).toEqual(['1:g1', '1:g2', '2:other-1']);

    // The feed drops the oldest article: its tombstone goes; the one it still lists stays.
    news.entries.splice(news.entries.findIndex((entry) => entry.guid === 'g1'), 1);
    await news.publish(app, []);
    expect(tombstones()).toEqual(['1:g2', '2:other-1']);
    expect(titles()).toEqual(['GPT-6 reaches the API']);
  });

  it('keeps the tombstones of entries a feed that broke off did not get to', async () => {
    const entries = [
      { title: 'Second report', link: 'https://news.example.com/2', guid: 'g2' },
      { title: 'First report', link: 'https://news.example.com/1', guid: 'g1' },
    ];
    server.route('/feed', { body: rss([]) });
    const { feed } = await app.admin.add({ url: server.url('/feed'), name: 'News' });
    await app.poller.poll((await app.feeds.find(feed.id))!);
    server.route('/feed', { body: rss(entries) });
    await app.poller.poll((await app.feeds.find(feed.id))!);
    await app.retention.prune({ now: later(400) });
    expect(tombstones()).toEqual(['1:g1', '1:g2']);

    // A download cut inside the second entry: the first arrives whole, the second not at all.
    const whole = rss(entries);
    server.route('/feed', { body: whole.slice(0, whole.indexOf('First report') + 5) });
    const cut = await app.poller.poll((await app.feeds.find(feed.id))!);
    expect(cut.result).toBe('updated');
    expect(tombstones()).toEqual(['1:g1', '1:g2']);
    expect(titles()).toEqual([]);
  });
});
