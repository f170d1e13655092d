import { describe, expect, it } from 'vitest';
import { UnitAutomaton } from '../../src/match/aho-corasick.ts';
import { WatchMatcher, type WatchDefinition } from '../../src/match/matcher.ts';
import { parseWatch, WatchSyntaxError } from '../../src/match/watch-query.ts';

let nextId = 1;
const watch = (query: string, channel = 'console:team'): WatchDefinition => ({ id: nextId++, channel, query });
const fires = (query: string, title: string, body = '', sources = ['Example News']) =>
  new WatchMatcher([watch(query)]).match({ title, body, sources }).length === 1;

describe('watch semantics', () => {
  it('matches Latin keywords at token boundaries: AI', () => {
    for (const text of ['AI', 'AI-powered search', "AI's future", 'New ai tools', 'ＡＩ 芯片']) expect(fires('AI', text), text).toBe(true);
    for (const text of ['He said so', 'Taiwan chips', 'maintain it', 'OpenAI ships']) expect(fires('AI', text), text).toBe(false);
  });

  it('keeps o3 from firing on o30', () => {
    expect(fires('o3', 'OpenAI o3 is out')).toBe(true);
    expect(fires('o3', 'o3-mini benchmarks')).toBe(true);
    expect(fires('o3', 'The o30 rumour')).toBe(false);
  });

  it('fires GPT-5 on GPT-5, GPT5, gpt 5, GPT‑5 and GPT-5’s, but not GPT-50', () => {
    for (const text of ['GPT-5', 'GPT5 launch', 'gpt 5 review', 'GPT\u20115 is here', "GPT-5's pricing", 'ＧＰＴ－５ 发布']) expect(fires('GPT-5', text), text).toBe(true);
    expect(fires('GPT-5', 'GPT-50 is not real')).toBe(false);
    expect(fires('gpt 5', 'GPT-5 is here')).toBe(true);
  });

  it('matches CJK keywords as substrings, but not across punctuation', () => {
    expect(fires('华为', '振兴中华，为实现目标')).toBe(false);
    expect(fires('推理', '推。理')).toBe(false);
    expect(fires('华为', '华为发布新手机')).toBe(true);
    expect(fires('推理', '字节跳动开源推理模型')).toBe(true);
    expect(fires('大模型', '国产大模型发布新版本')).toBe(true);
    expect(fires('融资', '公司完成 83 亿美元融资')).toBe(true);
    expect(fires('融资', '公司发布新芯片')).toBe(false);
  });

  it('matches phrases in order, lets exclusions veto, and looks in the body too', () => {
    expect(fires('"open source model"', 'An open source model tops the chart')).toBe(true);
    expect(fires('"open source model"', 'A model that is open source')).toBe(false);
    expect(fires('gpt-5 -mini', 'GPT-5 mini is here')).toBe(false);
    expect(fires('gpt-5 -"gpt 5 mini"', 'GPT-5 mini is here')).toBe(false);
    expect(fires('gpt-5 -mini', 'GPT-5 is here')).toBe(true);
    expect(fires('anthropic', 'A new model', 'Anthropic released Claude today.')).toBe(true);
    expect(fires('anthropic in:title', 'A new model', 'Anthropic released Claude today.')).toBe(false);
  });

  it('limits a watch to one source, and * to everything', () => {
    expect(fires('gpt-5 source:ithome', 'GPT-5 发布', '', ['IT之家', 'https://www.ithome.com/rss/'])).toBe(true);
    expect(fires('gpt-5 source:ithome', 'GPT-5 发布', '', ['量子位', 'https://www.qbitai.com/feed'])).toBe(false);
    expect(fires('*', 'Anything at all')).toBe(true);
    expect(fires('ai source:it', 'AI news', '', ['Wait But Why', 'https://waitbutwhy.com/feed'])).toBe(false);
  });

  it('gives one match per channel however many of its watches fire, and keeps channels independent', () => {
    const matcher = new WatchMatcher([watch('gpt-5', 'console:a'), watch('openai', 'console:a'), watch('gpt-5', 'console:b'), watch('claude', 'console:c')]);
    const matches = matcher.match({ title: 'OpenAI ships GPT-5', body: '', sources: [] });
    expect(matches.map((m) => m.channel).sort()).toEqual(['console:a', 'console:b']);
    expect(matches.find((m) => m.channel === 'console:a')!.query).toBe('gpt-5');
  });

  it('explains each watch verdict for why', () => {
    const matcher = new WatchMatcher([watch('gpt-5 -mini'), watch('claude'), watch('gpt-5 source:ithome')]);
    const verdicts = matcher.explain({ title: 'GPT-5 mini is here', body: '', sources: ['Example News'] }).map((v) => v.verdict);
    expect(verdicts).toEqual([
      { kind: 'excluded', terms: ['mini'] },
      { kind: 'missing', terms: ['claude'], titleOnly: false },
      { kind: 'other-source', source: 'ithome' },
    ]);
  });
});

describe('parseWatch', () => {
  it('gives the same canonical form to spellings of one watch', () => {
    expect(parseWatch('GPT-5').canonical).toBe(parseWatch('gpt 5').canonical);
    expect(parseWatch('ＧＰＴ－５ -Mini').canonical).toBe(parseWatch('gpt5 -mini').canonical);
    expect(parseWatch('gpt-5').canonical).not.toBe(parseWatch('gpt-50').canonical);
  });

  it('explains watches it cannot use', () => {
    expect(() => parseWatch('')).toThrow(WatchSyntaxError);
    expect(() => parseWatch('-mini')).toThrow(/no letters, digits or CJK characters/);
    expect(() => parseWatch('!!!')).toThrow(/no letters/);
    expect(() => parseWatch('x'.repeat(101))).toThrow(/at most 100 characters/);
    expect(() => parseWatch('* gpt')).toThrow(/either \* or keywords/);
  });
});

describe('UnitAutomaton', () => {
  it('finds overlapping patterns and patterns that are suffixes of others in one pass', () => {
    const automaton = new UnitAutomaton();
    automaton.add(['a', 'b', 'c'], 1);
    automaton.add(['b', 'c'], 2);
    automaton.add(['c'], 3);
    automaton.add(['b', 'd'], 4);
    automaton.build();
    const found = new Set<number>();
    automaton.scan(['x', 'a', 'b', 'c', 'a', 'b', 'd'], found);
    expect([...found].sort()).toEqual([1, 2, 3, 4]);
  });
});
