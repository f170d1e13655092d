import { normalizeEntry, type NormalizedItem } from '../../src/feeds/normalize.ts';
import type { App } from '../../src/app.ts';

let counter = 0;

/**
 * Stores items as a poll of `feedUrl` would (adding the feed when needed), through the real normaliser and
 * store, then runs the follow-up pass over them: they are searchable, in stories and routed on return
 * (unless `process: false`, for a test that routes or summarizes them itself).
 */
export async function storeItems(
  app: Pick<App, 'feeds' | 'items' | 'processor'>,
  entries: { title: string; body?: string; link?: string; date?: string }[],
  options: { feedUrl?: string; feedName?: string; backlog?: boolean; now?: Date; process?: boolean } = {},
) {
  const feedUrl = options.feedUrl ?? 'https://feeds.example.com/test.xml';
  const feed = (await app.feeds.find(feedUrl)) ?? (await app.feeds.add({ url: feedUrl, name: options.feedName ?? 'Test Feed', intervalSeconds: 900 })).feed;
  const now = options.now ?? new Date();
  const items = entries.map(
    (entry) =>
      normalizeEntry(
        {
          guid: null,
          link: entry.link ?? `https://news.example.com/${++counter}`,
          title: entry.title,
          titleType: 'html',
          html: entry.body ?? '',
          author: null,
          date: entry.date ?? now.toUTCString(),
          language: null,
        },
        { feedId: feed.id, feedUrl, feedLanguage: null, now },
      ) as NormalizedItem,
  );
  const stored = await app.items.store(feed.id, items, { backlog: options.backlog ?? false, now });
  while (options.process !== false && (await app.processor.processNext())) {
    // one batch per call, until the queue is empty
  }
  return stored;
}
