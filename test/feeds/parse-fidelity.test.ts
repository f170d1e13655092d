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

describe('XML that is no feed', () => {
  it('says what is missing, never a JavaScript error', async () => {
    await expect(parseFeed(fixture('rss-no-channel.xml').toString())).rejects.toThrow(/^not a feed: RSS with no channel$/);
    const shapes: [string, RegExp][] = [
      ['<rss/>', /^not a feed: RSS with no channel$/],
      ['<rss version="2.0"><channel>text, not elements</channel></rss>', /^not a feed: the channel holds text, not elements$/],
      ['<feed/>', /^not a feed: an empty Atom <feed>$/],
      ['<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', /^not a feed: RDF with no channel$/],
      ['<?xml version="1.0"?>', /^not a feed: the document is empty$/],
      ['<html><body>Not a feed</body></html>', /^not a readable RSS, Atom or RDF feed: its root element is <html>$/],
    ];
    for (const [xml, message] of shapes) await expect(parseFeed(xml), xml).rejects.toThrow(message);
  });

  it('reads what rss-parser threw on: Atom links of text alone, entries of text, RDF items with no channel', async () => {
    const atom = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><link>https://lab.example.com/</link>
        <entry><id>a</id><title>Linked by text</title><link>https://lab.example.com/a</link></entry>
        <entry>text alone</entry>
        <entry><id>b</id><title>Replies first</title><link rel="replies" href="/b#comments"/><link href="/b"/></entry></feed>`,
    );
    expect(atom.entries.map((e) => [e.title, e.link])).toEqual([['Linked by text', 'https://lab.example.com/a'], [null, null], ['Replies first', '/b']]);
    const rdf = await parseFeed('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item><title>Orphan</title><link>https://e.example/1</link></item></rdf:RDF>');
    expect(rdf.entries.map((e) => e.link)).toEqual(['https://e.example/1']);
  });
});

describe('elements that hold elements', () => {
  it('takes the whole text of an Atom XHTML title, and its body in document order', async () => {
    const [item] = await items('atom-xhtml-title.xml');
    expect(item!.title).toBe('Hello world, and again');
    expect(item!.url).toBe('https://xhtml.example.com/2025/08/hello');
    expect(item!.body).toBe('The interface is low level, but workable.\n\nUse <b> for bold.');
  });

  it('takes the whole text of an RSS title with markup left unescaped, less any script', async () => {
    const [item] = await items('rss-markup-in-title.xml');
    expect(item!.title).toBe('Hello world again');
    expect(item!.body).toBe('Markup left unescaped in the XML.');
  });
});

describe('Atom text constructs', () => {
  it('reads text content and summaries as text, and only html and xhtml as markup', async () => {
    const [text, untyped, html] = await items('atom-text-content.xml');
    expect(text!.body).toBe('A Vec<String> owns its strings; a &str borrows one.\n\nUse <b> in HTML, not here.');
    expect(untyped!.body).toBe('Option<T> and Result<T, E>');
    expect(html!.body).toBe('Only html carries markup.');
  });
});

describe('links', () => {
  it("takes an RSS item's permalink guid as its link when it has no <link>", async () => {
    const all = await items('rss-guid-permalink.xml');
    expect(all.map((i) => i.url)).toEqual([
      'https://guids.example.com/2025/08/permalink',
      'https://guids.example.com/2025/08/address',
      null,
      null,
      'https://guids.example.com/2025/08/the-link',
    ]);
    expect(all[2]!.guid).toBe('https://guids.example.com/2025/08/not-a-link');
  });
});

describe('Media RSS', () => {
  it("reads a YouTube entry's media:group description as its body", async () => {
    const [video] = await items('youtube-media-group.xml');
    expect(video).toMatchObject({ title: 'Aurora 2, explained in ten minutes', url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' });
    expect(video!.body).toBe('We walk through the Aurora 2 paper & its Vec<Token> trick.\n\nChapters below.');
  });

  it("takes an item's own media:title and media:description when it has no other", async () => {
    const [clip] = await items('rss-media-description.xml');
    expect(clip).toMatchObject({ title: 'A clip titled only by Media RSS', body: 'Its body, as HTML.' });
  });
});

describe('dates', () => {
  it("reads Atom 0.3's issued, modified and created, and Dublin Core terms' dates", async () => {
    const atom = await items('atom03-dcterms-dates.xml');
    expect(atom.map((i) => i.publishedAt)).toEqual(['2005-07-01T09:00:00.000Z', '2005-07-03T09:00:00.000Z', '2005-07-04T09:00:00.000Z', '2005-07-05T09:00:00.000Z']);
    expect(atom.every((i) => i.publishedAtSource === 'feed')).toBe(true);
    const rss = await items('rss-dcterms-dates.xml');
    expect(rss.map((i) => i.publishedAt)).toEqual(['2025-08-01T09:00:00.000Z', '2025-08-02T09:00:00.000Z', '2025-08-03T09:00:00.000Z']);
  });
});

describe('titles declared as HTML', () => {
  it("drops a script's and a style's text and every tag, and keeps a text title as written", async () => {
    const [html, text] = await items('atom-title-markup.xml');
    expect(html!.title).toBe('New model out');
    expect(text!.title).toBe('Why <script>alert(1)</script> &amp; friends run');
    const [rss] = await items('rss-title-markup.xml');
    expect(rss!.title).toBe('Open weights for all');
  });
});

describe('XML a browser shrugs off', () => {
  it('reads a raw < in a title as text, where it cost the whole feed', async () => {
    const [compare, hearts] = await items('rss-raw-less-than.xml');
    expect(compare).toMatchObject({ title: 'a < b and c', url: 'https://lt.example.com/2025/08/compare', body: "CDATA's markup is left alone." });
    expect(hearts!.title).toBe('Models <3 context, and a <b and c');
  });
});
