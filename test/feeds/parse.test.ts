import { describe, expect, it } from 'vitest';
import { decodeFeed } from '../../src/feeds/charset.ts';
import { htmlToText } from '../../src/feeds/html-text.ts';
import { FeedParseError } from '../../src/feeds/errors.ts';
import { normalizeEntry, type NormalizedItem } from '../../src/feeds/normalize.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { fixture } from '../helpers/app.ts';

const now = new Date('2026-11-28T12:00:00Z');

async function items(name: string, feedUrl = 'https://feeds.example.com/feed.xml'): Promise<NormalizedItem[]> {
  const feed = await parseFeed(decodeFeed(fixture(name), null).text);
  return feed.entries.map((e) => normalizeEntry(e, { feedId: 1, feedUrl, feedLanguage: feed.language, now })!);
}

describe('parsing real-world feed shapes', () => {
  it('reads an IT之家-style feed: CDATA HTML, a CDATA split mid-word, /0/872/590.htm links', async () => {
    const [first, second, third] = await items('ithome-style.xml');
    expect(first!.url).toBe('https://www.ithome.com/0/872/590.htm');
    expect(first!.title).toBe('OpenAI 发布 GPT‑5：推理能力大幅提升');
    expect(first!.body).toContain('全面领先——价格与上一代持平');
    expect(first!.body).not.toMatch(/img|track\(\)|<p>/);
    expect(first!.body.split('\n\n').length).toBeGreaterThanOrEqual(3);
    expect(first!.lang).toBe('zh');
    expect(first!.publishedAt).toBe('2025-08-02T08:30:00.000Z');
    expect(second!.body).toContain('《工业和信息化部关于');
    expect(third!.title).toBe('字节跳动开源 Seed 系列大模型 & 工具链');
    expect(third!.url).toBe('https://www.ithome.com/0/872/592.htm');
  });

  it('reads the same feed as GBK bytes with a gb2312 prolog to the same items', async () => {
    const utf8 = await items('ithome-style.xml');
    const gbk = await items('ithome-style-gbk.xml');
    expect(gbk.map((i) => i.url)).toEqual(utf8.map((i) => i.url));
    expect(gbk.map((i) => i.body)).toEqual(utf8.map((i) => i.body));
    expect(gbk[1]!.title).toBe('工信部约谈三家虚拟运营商');
  });

  it('reads Atom: html titles, xhtml content, relative links, and bad or future dates', async () => {
    const [aurora, badDate, future] = await items('atom.xml', 'https://lab.example.com/feed.atom');
    expect(aurora!.title).toBe('Introducing Aurora & friends');
    expect(aurora!.url).toBe('https://lab.example.com/blog/2025/08/02/aurora');
    expect(aurora!.body).toBe('We trained Aurora on 15T tokens.\n\nIt is open weights.');
    expect(aurora!.author).toBe('Ada Example');
    expect(aurora!.publishedAt).toBe('2025-08-02T16:00:00.000Z');
    expect(aurora!.guid).toBe('tag:lab.example.com,2025:aurora');
    expect((await parseFeed(fixture('atom.xml').toString())).language).toBe('en');
    expect(badDate!.publishedAtSource).toBe('first_seen');
    expect(badDate!.publishedAt).toBe(now.toISOString());
    expect(future!.publishedAtSource).toBe('first_seen');
  });

  it('takes the full text from content:encoded over the description, whether CDATA or escaped HTML', async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>
      <item><title>Full</title><guid>a</guid><description>Teaser only.</description>
        <content:encoded><![CDATA[<p>Full <b>text</b>.</p><p>Second.</p>]]></content:encoded></item>
      <item><title>Escaped</title><guid>b</guid><description>&lt;p&gt;Escaped &amp;amp; kept.&lt;/p&gt;</description></item>
      <item><title>Empty</title><guid>c</guid></item>
    </channel></rss>`;
    const { entries } = await parseFeed(xml);
    expect(entries.map((e) => e.html)).toEqual(['<p>Full <b>text</b>.</p><p>Second.</p>', '<p>Escaped &amp; kept.</p>', null]);
    expect(htmlToText(entries[1]!.html!)).toBe('Escaped & kept.');
  });

  it('reads RSS 1.0/RDF in ISO-8859-1 with dc:date and drops tracking parameters', async () => {
    const [first] = await items('rdf-iso-8859-1.xml');
    expect(first!.title).toBe('Café robots naïvely über-optimise Français grammar');
    expect(first!.url).toBe('https://tech.example.org/story/23/08/23/1');
    expect(first!.publishedAt).toBe('2023-08-24T07:00:00.000Z');
    expect(first!.author).toBe('BeauHD');
  });

  it('reads JSON Feed, including content_text, numeric ids and a zoneless date', async () => {
    const [notes, untitled] = await items('feed.json');
    expect(notes!.url).toBe('https://journal.example.com/2025/08/02/notes');
    expect(notes!.publishedAt).toBe('2025-08-02T12:01:01.000Z');
    expect(notes!.author).toBe('Jeremy Example');
    expect(untitled!.guid).toBe('12345');
    expect(untitled!.title).toBe('A note with no title and a date without a time zone.');
    expect(untitled!.body).toContain('Second paragraph.');
    expect(untitled!.publishedAtSource).toBe('first_seen');
  });

  it("refuses ithome.com.tw's zoneless `2026-09-21  05:09:38` and uses first-seen time", async () => {
    const [item] = await items('tw-zoneless-date.xml');
    expect(item!.publishedAtSource).toBe('first_seen');
    expect(item!.lang).toBe('zh');
  });

  it('recovers a raw & in a link, HTML entities and an <item/> nested in an item', async () => {
    const all = await items('malformed-recoverable.xml');
    expect(all.map((i) => i.title)).toEqual(['Good Item', 'Bad Item: R&D spending', 'Item After Error']);
    expect(all[1]!.url).toBe('http://news.example.com/bad?foo=1&bar=2');
    expect(all[0]!.publishedAt).toBe('2018-01-17T20:50:00.000Z');
  });

  it('gives a clear error for a feed that cannot be recovered', async () => {
    await expect(parseFeed(fixture('unrecoverable.xml').toString())).rejects.toThrow(FeedParseError);
    await expect(parseFeed('<html><body>Not a feed</body></html>')).rejects.toThrow(/not a readable RSS, Atom or RDF feed/);
    await expect(parseFeed('{"version": "nope", "items": []}')).rejects.toThrow(/not a JSON Feed/);
  });

  it('answers every malformed feed in a row with an error, never by hanging (found by fuzzing)', async () => {
    // One parser shared across feeds stayed failed after "<a></a><b></b>" and never called back again.
    const malformed = ['<a></a><b></b>', '<?xml \u00e2ersion=Z1.0?>\n', '\u0000<rss/>', '<rss><channel><title>&bogus;</title></channel></rss>', '<?xml \u00e2ersion=Z1.0?>\n'];
    for (const text of malformed) {
      const outcome = await Promise.race([parseFeed(text).then(() => 'parsed', () => 'refused'), new Promise((resolve) => setTimeout(() => resolve('hung'), 3000))]);
      expect(outcome, JSON.stringify(text)).not.toBe('hung');
    }
  });

  it('refuses entity declarations instead of expanding them', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><rss version="2.0"><channel><title>&b;</title></channel></rss>`;
    await expect(parseFeed(laughs)).rejects.toThrow(/refuses to expand/);
  });
});
