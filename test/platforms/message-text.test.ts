import { describe, expect, it } from 'vitest';
import { emphasize, fitEscaped, joinWithin, linkableUrl, linkHost, resultBody, type Emphasis } from '../../src/platforms/message-text.ts';

const entities = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const same = (text: string) => text;

describe('fitEscaped', () => {
  it('keeps text that fits whole, escaped', () => {
    expect(fitEscaped('a & b', 9, entities)).toBe('a &amp; b');
  });

  it('cuts on whole characters: never a surrogate pair, an emoji sequence, a flag or an accent in two', () => {
    for (const [text, max, expected] of [
      ['😀😀😀', 4, '😀…'],
      ['👨‍👩‍👧👨‍👩‍👧', 10, '👨‍👩‍👧…'],
      ['🇨🇳🇺🇸', 6, '🇨🇳…'],
      ['e\u0301e\u0301e\u0301', 4, 'e\u0301…'],
      ['人工智能大模型', 4, '人工智…'],
    ] as const) {
      const fitted = fitEscaped(text, max, same);
      expect(fitted).toBe(expected);
      expect(fitted.length).toBeLessThanOrEqual(max);
    }
  });

  it('never cuts an escape sequence, and stays within the limit once escaped', () => {
    expect(fitEscaped('ab&&&&', 8, entities)).toBe('ab&amp;…');
    expect(fitEscaped('<<<<', 5, entities)).toBe('&lt;…');
    expect(fitEscaped('<<<<', 4, entities)).toBe('…');
    expect(fitEscaped('abc', 0, same)).toBe('');
  });

  it('stays within the limit for any length of a long body', () => {
    const body = `${'中文 English & <tags> 😀 '.repeat(3000)}`;
    for (const max of [1, 2, 7, 100, 1500, 4096]) expect(fitEscaped(body, max, entities).length).toBeLessThanOrEqual(max);
  });
});

describe('joinWithin', () => {
  const more = (n: number) => `…and ${n} more`;

  it('joins whole lines while they fit with room for the note, then says how many are left', () => {
    expect(joinWithin(['one', 'two'], 20, more)).toBe('one\ntwo');
    expect(joinWithin(['alpha', 'beta', 'gamma', 'delta'], 26, more)).toBe('alpha\nbeta\n…and 2 more');
    expect(joinWithin(['a'.repeat(30), 'b'], 20, more)).toBe('…and 2 more');
    for (let max = 11; max < 40; max++) expect(joinWithin(['alpha', 'beta', 'gamma', 'delta'], max, more).length).toBeLessThanOrEqual(max);
  });
});

describe('links', () => {
  it('links http(s) only, in normal form, and shows its host without www.', () => {
    expect(linkableUrl('https://www.Example.com/a b')).toBe('https://www.example.com/a%20b');
    expect(linkableUrl('javascript:alert(1)')).toBeNull();
    expect(linkableUrl('not a url')).toBeNull();
    expect(linkHost('https://www.example.com/a')).toBe('example.com');
    expect(linkHost('ftp://example.com/a')).toBeNull();
    expect(linkHost(null)).toBeNull();
  });
});

describe('results', () => {
  it('show the matched words in context when the text has them, else the summary', () => {
    const snippet = [{ text: 'some ', match: false }, { text: 'gpt-5', match: true }];
    expect(resultBody({ snippet, summary: 'A summary.' })).toEqual({ marked: snippet });
    expect(resultBody({ snippet: [{ text: 'no match', match: false }], summary: 'A summary.' })).toEqual({ summary: 'A summary.' });
    expect(resultBody({ snippet: [{ text: 'no match', match: false }], summary: null })).toEqual({ marked: [{ text: 'no match', match: false }] });
  });

  it('emphasise matches within the limit, their markup included', () => {
    const style: Emphasis = { escape: entities, strong: (e) => `[${e}]`, extra: 2 };
    const parts = [{ text: 'a<b ', match: false }, { text: 'GPT-5', match: true }, { text: ' tail', match: false }];
    expect(emphasize(parts, 100, style)).toBe('a&lt;b [GPT-5] tail');
    expect(emphasize(parts, 12, style)).toBe('a&lt;b [GP…]');
    for (let max = 0; max < 25; max++) expect(emphasize(parts, max, style).length).toBeLessThanOrEqual(max);
  });
});
