import { describe, expect, it } from 'vitest';
import { decodeFeed } from '../../src/feeds/charset.ts';
import { normalizeEntry, type NormalizedItem } from '../../src/feeds/normalize.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { fixture } from '../helpers/app.ts';

// What is stored should be what the feed says: each fixture holds one shape that real feeds use and
// that used to be refused, cut or garbled.

const now = new Date('2026-11-28T12:00:00Z');

async function items(name: string, feedUrl = 'https://feeds.example.com/feed.xml'): Promise<NormalizedItem[]> {
  const feed = await parseFeed(decodeFeed(fixture(name), null).text);
  return feed.entries.map((e) => normalizeEntry(e, { feedId: 1, feedUrl, feedLanguage: feed.language, now })!);
}

describe('feeds other readers take', () => {
  it('reads an <rss> with no version attribute as RSS 2.0', async () => {
    const [item] = await items('rss-no-version.xml');
    expect(item).toMatchObject({
      title: 'An rss element with no version attribute',
      url: 'https://noversion.example.com/2025/08/no-version',
      publishedAt: '2025-08-02T08:30:00.000Z',
    });
    const { title } = await parseFeed('<rss version="3.7"><channel><title>From the future</title></channel></rss>');
    expect(title).toBe('From the future');
  });
});
