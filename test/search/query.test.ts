import { describe, expect, it } from 'vitest';
import { parseSearchQuery, QueryError, toFtsMatch } from '../../src/search/query.ts';

const now = new Date('2026-11-28T12:00:00Z');
const match = (text: string) => toFtsMatch(parseSearchQuery(text, now));

describe('parseSearchQuery', () => {
  it('ANDs words, keeps phrases together, and treats GPT-5 as one term', () => {
    expect(match('openai gpt-5')).toBe('("openai" AND "gpt 5")');
    expect(match('"open source model"')).toBe('("open source model")');
    expect(match('ＧＰＴ－５')).toBe('("gpt 5")');
  });

  it('supports OR and exclusions', () => {
    expect(match('gpt-5 OR claude -rumour')).toBe('(("gpt 5") OR ("claude")) NOT ("rumour")');
    // The words of a run of Chinese are separate terms: segmentation need not agree with the article's.
    expect(match('大模型 融资')).toBe('(("大") AND ("模型") AND ("融资"))');
  });

  it('reads "page 2" at the end as a page, and "page" elsewhere as a word', () => {
    expect(parseSearchQuery('gpt-5 page 2', now).page).toBe(2);
    expect(match('gpt-5 page 2')).toBe('("gpt 5")');
    expect(match('page 2 gpt')).toBe('("page" AND "2" AND "gpt")');
  });

  it('makes separate terms of the words jieba finds in an unquoted run of Chinese', () => {
    expect(match('发展人工智能')).toBe('(("发展") AND (("人工智能" OR ("人工" AND "智能"))))');
    expect(match('"发展人工智能"')).toBe('(("发展" AND ("人工智能" OR ("人工" AND "智能"))))');
    expect(match('GPT-5发布')).toBe('("gpt 5" AND ("发布"))');
  });

  it('reads source:, since:, lang: and page: filters', () => {
    const query = parseSearchQuery('gpt source:IT之家 since:7d lang:zh page:2', now);
    expect(query).toMatchObject({ source: 'it之家', lang: 'zh', page: 2 });
    expect(query.since!.toISOString()).toBe('2026-11-21T12:00:00.000Z');
    expect(parseSearchQuery('since:2025-08-01', now).since!.toISOString()).toBe('2025-08-01T00:00:00.000Z');
  });

  it.each([
    ['NEAR(a b)', '("near a" AND "b")'],
    ['"unbalanced quote', '("unbalanced quote")'],
    ['* ) ( ^', null],
    ['a" OR "b', '("a") OR ("b")'],
    ["'; DROP TABLE items; --", '("drop" AND "table" AND "items")'],
    ['OR OR gpt AND', '("gpt" AND "and")'],
    ['🚀 gpt', '("gpt")'],
    ['مرحبا gpt', '("مرحبا" AND "gpt")'],
  ])('never lets %j through as syntax', (text, expected) => {
    if (expected === null) expect(() => parseSearchQuery(text, now)).toThrow(QueryError);
    else expect(match(text)).toBe(expected);
  });

  it('explains what is wrong with a query it cannot run', () => {
    expect(() => parseSearchQuery('', now)).toThrow(/nothing to search for/);
    expect(() => parseSearchQuery('-spam', now)).toThrow(/at least one word/);
    expect(() => parseSearchQuery('x'.repeat(201), now)).toThrow(/at most 200 characters/);
    expect(() => parseSearchQuery('lang:fr', now)).toThrow(/lang: takes zh, en or other/);
    expect(() => parseSearchQuery('since:yesterday', now)).toThrow(/since: takes an age/);
    expect(() => parseSearchQuery('page:0', now)).toThrow(/page: takes a number/);
  });
});
