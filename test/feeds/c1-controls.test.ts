import { describe, expect, it } from 'vitest';
import { decodeFeed } from '../../src/feeds/charset.ts';
import { cleanTitle } from '../../src/feeds/clean-title.ts';
import { htmlToText } from '../../src/feeds/html-text.ts';
import { normalizeEntry } from '../../src/feeds/normalize.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { fixture } from '../helpers/app.ts';

describe('C1 control characters in UTF-8 text ("smart quotes" pasted from Word)', () => {
  it('are read as the windows-1252 characters they stand for, in titles, authors and bodies', async () => {
    const feed = await parseFeed(decodeFeed(fixture('rss-utf8-c1-controls.xml'), 'application/rss+xml; charset=utf-8').text);
    const now = new Date('2026-11-28T12:00:00Z');
    const [pasted, references] = feed.entries.map((entry) => normalizeEntry(entry, { feedId: 1, feedUrl: 'https://word.example.com/feed', feedLanguage: null, now }));
    expect(pasted!.title).toBe('OpenAI’s “o5” – now € 20 a month…');
    expect(pasted!.author).toBe('news@word.example.com (Zoë “Z” Example)');
    // The five that windows-1252 leaves undefined are control characters still, and dropped as before.
    expect(pasted!.body).toBe('It’s “faster” — and „cheaper“™.\n\nUndefined bytes go.');
    // An XML character reference to a C1 control means the same as the raw character.
    expect(references!.title).toBe('Numeric references: it’s “quoted”');
  });

  it('maps every one of U+0080–U+009F, in titles and in body text alike', () => {
    const c1 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i)).join('');
    const meant = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
    // In a title a control character becomes a space, as before: here the undefined five.
    expect(cleanTitle(`a${c1}b`)).toBe('a€ ‚ƒ„…†‡ˆ‰Š‹Œ Ž ‘’“”•–—˜™š›œ žŸb');
    expect(htmlToText(`<p>a${c1}b</p>`)).toBe(`a${meant}b`);
  });
});
