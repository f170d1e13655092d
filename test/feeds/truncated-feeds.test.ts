import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFeed } from '../../src/feeds/charset.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import type { RawEntry } from '../../src/feeds/parsed-feed.ts';
import { fixture, testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer } from '../helpers/feed-server.ts';

const FORMATS = [
  { format: 'RSS 2.0', file: 'truncation-rss2.xml', itemStart: '<item>', itemEnd: '</item>' },
  { format: 'Atom', file: 'truncation-atom.xml', itemStart: '<entry>', itemEnd: '</entry>' },
  { format: 'RSS 1.0/RDF', file: 'truncation-rdf.xml', itemStart: '<item ', itemEnd: '</item>' },
];

async function entriesOf(bytes: Buffer): Promise<RawEntry[]> {
  return (await parseFeed(decodeFeed(bytes, 'application/xml; charset=utf-8').text)).entries;
}

/** Byte offsets just after each item's end tag. */
function itemEnds(bytes: Buffer, itemEnd: string): number[] {
  const ends: number[] = [];
  for (let at = bytes.indexOf(itemEnd); at >= 0; at = bytes.indexOf(itemEnd, at + 1)) ends.push(at + itemEnd.length);
  return ends;
}

describe.each(FORMATS)('a $format feed cut short', ({ file, itemStart, itemEnd }) => {
  const bytes = fixture(file);
  const ends = itemEnds(bytes, itemEnd);

  it('keeps exactly its complete items wherever it is cut after the first: in an item, a character, the closing tags, the final ">"', async () => {
    const whole = await entriesOf(bytes);
    expect(whole).toHaveLength(3);
    const actual: string[] = [];
    const expected: string[] = [];
    for (let cut = ends[0]!; cut < bytes.length; cut++) {
      const complete = ends.filter((end) => end <= cut).length;
      expected.push(`cut at ${cut}: ${JSON.stringify(whole.slice(0, complete))}`);
      actual.push(`cut at ${cut}: ${JSON.stringify(await entriesOf(bytes.subarray(0, cut)))}`);
    }
    expect(actual).toEqual(expected);
  });

  it('is refused with a clear error when cut before the end of its first item', async () => {
    const rootEnd = bytes.indexOf('>', bytes.indexOf('<', bytes.indexOf('?>'))) + 1;
    for (let cut = bytes.indexOf(itemStart); cut < ends[0]!; cut++) {
      await expect(entriesOf(bytes.subarray(0, cut)), `cut at ${cut}`).rejects.toThrow(/not a readable RSS, Atom or RDF feed: it breaks off before its first item is complete/);
    }
    await expect(entriesOf(bytes.subarray(0, rootEnd))).rejects.toThrow(/breaks off before its first item is complete/);
  });
});

describe('a truncated feed, polled', () => {
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

  it('stores the items that arrived whole, and the feed stays healthy', async () => {
    const bytes = fixture('truncation-rss2.xml');
    server.route('/cut', { body: bytes.subarray(0, bytes.indexOf('Third, the last')) });
    const { feed } = await app.admin.add({ url: server.url('/cut') });
    expect(await app.poller.poll((await app.feeds.find(feed.id))!)).toMatchObject({ result: 'updated', backlog: 2 });
    expect((await app.items.recent(10)).map((item) => item.title).sort()).toEqual(['First & complete', '第二条：大模型发布']);
    expect((await app.feeds.find(feed.id))!.status).toBe('ok');
  });

  it('keeps no validators of a document that broke off, so the next poll fetches it whole and stores the rest', async () => {
    const bytes = fixture('truncation-rss2.xml');
    server.route('/cut', { body: bytes.subarray(0, bytes.indexOf('Third, the last')), etag: '"v1"', headers: { 'last-modified': 'Wed, 02 Dec 2026 10:00:00 GMT' } });
    const { feed } = await app.admin.add({ url: server.url('/cut') });
    await app.poller.poll((await app.feeds.find(feed.id))!);
    expect(await app.feeds.find(feed.id)).toMatchObject({ etag: null, last_modified: null });
    // The same version, whole this time: were "v1" kept, the server would answer 304 and the third item wait.
    server.route('/cut', { body: bytes, etag: '"v1"' });
    expect(await app.poller.poll((await app.feeds.find(feed.id))!)).toMatchObject({ result: 'updated' });
    expect(server.requests.at(-1)!.headers['if-none-match']).toBeUndefined();
    expect(await app.items.count()).toBe(3);
    expect((await app.feeds.find(feed.id))!.etag).toBe('"v1"');
  });

  it('records the error when not even the first item arrived whole', async () => {
    const bytes = fixture('truncation-atom.xml');
    server.route('/cut', { body: bytes.subarray(0, bytes.indexOf('First.')) });
    const { feed } = await app.admin.add({ url: server.url('/cut') });
    expect(await app.poller.poll((await app.feeds.find(feed.id))!)).toMatchObject({ result: 'failed' });
    expect((await app.feeds.find(feed.id))!.last_error).toMatch(/breaks off before its first item is complete/);
    expect(await app.items.count()).toBe(0);
  });
});
