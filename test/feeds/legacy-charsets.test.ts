import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeFeed } from '../../src/feeds/charset.ts';
import { normalizeEntry } from '../../src/feeds/normalize.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { fixture } from '../helpers/app.ts';

/** WHATWG index-windows-1252, bytes 0x80–0x9F; 0xA0–0xFF are U+00A0–U+00FF. The five undefined bytes are C1 controls. */
const WINDOWS_1252_80_9F = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];
/** WHATWG index-windows-1251, bytes 0x80–0xBF; 0xC0–0xFF are А–я, U+0410–U+044F. 0x98 is undefined: U+0098. */
const WINDOWS_1251_80_BF = [
  0x0402, 0x0403, 0x201a, 0x0453, 0x201e, 0x2026, 0x2020, 0x2021, 0x20ac, 0x2030, 0x0409, 0x2039, 0x040a, 0x040c, 0x040b, 0x040f,
  0x0452, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x0098, 0x2122, 0x0459, 0x203a, 0x045a, 0x045c, 0x045b, 0x045f,
  0x00a0, 0x040e, 0x045e, 0x0408, 0x00a4, 0x0490, 0x00a6, 0x00a7, 0x0401, 0x00a9, 0x0404, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x0407,
  0x00b0, 0x00b1, 0x0406, 0x0456, 0x0491, 0x00b5, 0x00b6, 0x00b7, 0x0451, 0x2116, 0x0454, 0x00bb, 0x0458, 0x0405, 0x0455, 0x0457,
];

const HIGH_BYTES = Array.from({ length: 0x80 }, (_, i) => 0x80 + i);
const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
const codePoints = (text: string) => [...text].map((c) => `U+${hex(c.codePointAt(0)!, 4)}`).join(' ');
const decoded = (bytes: number[], charset: string) => codePoints(decodeFeed(Buffer.from(bytes), `text/xml; charset=${charset}`).text);

/** What each byte 0x80–0xFF decodes to, one line per byte, so that a failure names the byte. */
function singleByteTable(charset: string): string[] {
  return HIGH_BYTES.map((byte) => `0x${hex(byte, 2)} → ${decoded([byte], charset)}`);
}

function expectedTable(codePointOf: (byte: number) => number): string[] {
  return HIGH_BYTES.map((byte) => `0x${hex(byte, 2)} → U+${hex(codePointOf(byte), 4)}`);
}

describe('legacy charsets, byte by byte against their published tables', () => {
  const windows1252 = expectedTable((byte) => (byte < 0xa0 ? WINDOWS_1252_80_9F[byte - 0x80]! : byte));

  it.each(['windows-1252', 'iso-8859-1', 'ISO_8859-1', 'latin1', 'us-ascii'])('reads %s as windows-1252, the WHATWG way', (label) => {
    expect(singleByteTable(label)).toEqual(windows1252);
  });

  it('reads windows-1251', () => {
    expect(singleByteTable('windows-1251')).toEqual(expectedTable((byte) => (byte < 0xc0 ? WINDOWS_1251_80_BF[byte - 0x80]! : 0x0410 + byte - 0xc0)));
  });

  it('reads GB2312, GBK and GB18030 as GB18030: every two-byte code, against iconv-lite and by hand', () => {
    // GB18030-2022 (which the WHATWG standard follows) gave these codes real characters where the 2005
    // edition, iconv-lite's, had private-use ones: vertical punctuation, and eight CJK ideographs.
    const moved: Record<string, number> = {
      A6D9: 0xfe10, A6DA: 0xfe12, A6DB: 0xfe11, A6DC: 0xfe13, A6DD: 0xfe14, A6DE: 0xfe15, A6DF: 0xfe16, A6EC: 0xfe17, A6ED: 0xfe18,
      A6F3: 0xfe19, FE59: 0x9fb4, FE61: 0x9fb5, FE66: 0x9fb6, FE67: 0x9fb7, FE6D: 0x9fb8, FE7E: 0x9fb9, FE90: 0x9fba, FEA0: 0x9fbb,
    };
    const actual: string[] = [];
    const expected: string[] = [];
    for (const lead of HIGH_BYTES.filter((byte) => byte >= 0x81 && byte <= 0xfe)) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const code = hex((lead << 8) | trail, 4);
        const bytes = Buffer.from([lead, trail]);
        actual.push(`${code} → ${decoded([lead, trail], 'gbk')}`);
        expected.push(`${code} → ${moved[code] === undefined ? codePoints(iconv.decode(bytes, 'gb18030')) : `U+${hex(moved[code], 4)}`}`);
      }
    }
    expect(actual).toEqual(expected);
    for (const label of ['gb2312', 'gbk', 'gb18030']) {
      expect(decoded([0xa1, 0xa1, 0xd6, 0xd0, 0xce, 0xc4, 0xa1, 0xaa, 0xa8, 0xbc], label)).toBe('U+3000 U+4E2D U+6587 U+2014 U+1E3F'); // 　中文—ḿ
      expect(decoded([0x80, 0x81, 0x30, 0x81, 0x30, 0x94, 0x39, 0xfc, 0x36], label)).toBe('U+20AC U+0080 U+1F600'); // €, and four-byte codes
    }
  });

  it('reads Big5: every two-byte code iconv-lite defines, and a few by hand', () => {
    const actual: string[] = [];
    const expected: string[] = [];
    for (const lead of HIGH_BYTES.filter((byte) => byte >= 0xa1 && byte <= 0xf9)) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        const reference = iconv.decode(Buffer.from([lead, trail]), 'cp950');
        if ((trail > 0x7e && trail < 0xa1) || reference.includes('\uFFFD')) continue;
        const code = hex((lead << 8) | trail, 4);
        actual.push(`${code} → ${decoded([lead, trail], 'big5')}`);
        expected.push(`${code} → ${codePoints(reference)}`);
      }
    }
    expect(actual.length).toBeGreaterThan(13_000);
    expect(actual).toEqual(expected);
    expect(decoded([0xa1, 0x40, 0xa4, 0xa4, 0xa4, 0xe5, 0xa3, 0xe1, 0xf9, 0xd5], 'big5')).toBe('U+3000 U+4E2D U+6587 U+20AC U+9F98'); // 　中文€龘
  });
});

describe('a feed in windows-1252 that calls itself ISO-8859-1', () => {
  it('keeps its curly quotes, dashes, euro signs and ellipses in titles, authors and bodies', async () => {
    const feed = await parseFeed(decodeFeed(fixture('rss-windows-1252-as-iso-8859-1.xml'), 'application/rss+xml; charset=ISO-8859-1').text);
    const now = new Date('2026-11-28T12:00:00Z');
    const [item] = feed.entries.map((entry) => normalizeEntry(entry, { feedId: 1, feedUrl: 'https://cafe.example.com/feed', feedLanguage: feed.language, now }));
    expect(feed.title).toBe('Café Tech');
    expect(item!.title).toBe('It’s a “test” – 5 €');
    expect(item!.author).toBe('Renée François — Škoda');
    // 0x81 is one of the five bytes windows-1252 leaves undefined: a control character, dropped.
    expect(item!.body).toBe('Prices rose 5€… naïve „quotes“, an undefined byte.');
  });
});
