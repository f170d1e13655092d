import type { TestApp } from './app.ts';
import { rss, type FeedServer } from './feed-server.ts';

export type FeedEntry = { title: string; link: string; guid: string; description?: string };

export const item = (n: number, title: string): FeedEntry => ({ title, link: `https://news.example.com/${n}`, guid: `g${n}` });

/** A feed polled once (its backlog), then again with `fresh` new items on top; resolves with the second poll's outcome. */
export async function pollWithFresh(app: TestApp, server: FeedServer, fresh: FeedEntry[], backlog = [item(0, 'Old GPT-5 story')]) {
  server.route('/feed', { body: rss(backlog, 'Example News') });
  const { feed } = await app.admin.add({ url: server.url('/feed'), name: 'Example News' });
  await app.poller.poll((await app.feeds.find(feed.id))!);
  server.route('/feed', { body: rss([...fresh, ...backlog], 'Example News') });
  return app.poller.poll((await app.feeds.find(feed.id))!);
}
