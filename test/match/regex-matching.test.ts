import { describe, expect, it } from 'vitest';
import { WatchMatcher, type WatchDefinition } from '../../src/match/matcher.ts';
import { requiredLiterals } from '../../src/match/regex-filter.ts';
import { parseWatch } from '../../src/match/watch-query.ts';

let nextId = 1;
const watch = (query: string, channel = 'console:team'): WatchDefinition => ({ id: nextId++, channel, query });
const fires = (query: string, title: string, body = '', sources = ['Example News']) =>
  new WatchMatcher([watch(query)]).match({ title, body, sources }).length === 1;

describe('regex watch matching', () => {
  it('ignores case only with the i flag', () => {
    expect(fires('/gpt-?5/i', 'OpenAI ships GPT-5')).toBe(true);
    expect(fires('/gpt-?5/', 'OpenAI ships GPT-5')).toBe(false);
    expect(fires('/GPT-?5/', 'OpenAI ships GPT5')).toBe(true);
    expect(fires('/gpt-?5(\\.\\d+)?/i', 'GPT-4o is here')).toBe(false);
  });

  it('finds GPT‑5 however the hyphen is written, and full-width text', () => {
    for (const title of ['GPT\u20115 is here', 'GPT\u20105', 'GPT\u20135', 'ＧＰＴ－５ 发布', 'gpt5']) expect(fires('/gpt-?5/i', title), title).toBe(true);
    expect(fires('/大模型（开源）/', '国产大模型（开源）发布')).toBe(true);
    expect(fires('/大模型（开源）/', '国产大模型开源发布')).toBe(false);
  });

  it('looks in the body unless in:title, and honours excludes and source: as keyword watches do', () => {
    expect(fires('/anthropic|claude/i', 'A new model', 'Anthropic released it today.')).toBe(true);
    expect(fires('/anthropic|claude/i in:title', 'A new model', 'Anthropic released it today.')).toBe(false);
    expect(fires('/^a new/i in:title', 'A new model')).toBe(true);
    expect(fires('/gpt-?5/i -mini', 'GPT-5 mini is here')).toBe(false);
    expect(fires('/gpt-?5/i -mini', 'GPT-5 is here', 'Smaller ones come later: GPT-5 mini.')).toBe(false);
    expect(fires('/gpt-?5/i -mini', 'GPT-5 is here')).toBe(true);
    expect(fires('/gpt-?5/i source:ithome', 'GPT-5 发布', '', ['IT之家', 'https://www.ithome.com/rss/'])).toBe(true);
    expect(fires('/gpt-?5/i source:ithome', 'GPT-5 发布', '', ['量子位', 'https://www.qbitai.com/feed'])).toBe(false);
  });

  it('gives one match per channel, the first watch by id, whichever kind it is', () => {
    const matcher = new WatchMatcher([watch('/openai/i', 'console:a'), watch('gpt-5', 'console:a'), watch('gpt-5', 'console:b'), watch('/gpt-?5/i', 'console:b')]);
    const matches = matcher.match({ title: 'OpenAI ships GPT-5', body: '', sources: [] });
    expect(matches.map((m) => m.query)).toEqual(['/openai/i', 'gpt-5']);
  });

  it('explains a regex watch that did not match in words why can use', () => {
    const matcher = new WatchMatcher([watch('/gpt-?5/i'), watch('/大模型/ in:title'), watch('/gpt/i -mini'), watch('/gpt/i source:ithome')]);
    expect(matcher.explain({ title: 'GPT-4 mini', body: '', sources: ['Example News'] }).map((v) => v.verdict)).toEqual([
      { kind: 'no-regex-match', regex: '/gpt-?5/i', titleOnly: false },
      { kind: 'no-regex-match', regex: '/大模型/', titleOnly: true },
      { kind: 'excluded', terms: ['mini'] },
      { kind: 'other-source', source: 'ithome' },
    ]);
  });

  it('leaves out a stored watch that no longer reads, says why, and still matches the others', () => {
    const old = watch('/r/LocalLLaMA');
    const matcher = new WatchMatcher([old, watch('llama')]);
    expect(matcher.match({ title: 'Llama 4 on /r/LocalLLaMA', body: '', sources: [] }).map((m) => m.query)).toEqual(['llama']);
    expect(matcher.explain({ title: 'Llama 4', body: '', sources: [] })[0]).toEqual({ watch: old, verdict: { kind: 'unreadable', reason: expect.stringContaining('put them in quotes') } });
  });

  it('finishes patterns that make backtracking engines hang, on 100 KB of text', () => {
    const matcher = new WatchMatcher([watch('/(a+)+$/', 'console:a'), watch('/(a|aa)+$/', 'console:b'), watch('/(.*a){20}/', 'console:c'), watch('/(a+)+b/', 'console:d')]);
    const body = `${'a'.repeat(100_000)}!`;
    expect(matcher.match({ title: 'Nothing here', body, sources: [] }).map((m) => m.channel)).toEqual(['console:c']);
    expect(matcher.explain({ title: 'Nothing here', body: body.replace('!', 'b'), sources: [] }).map((v) => v.verdict.kind)).toEqual(['no-regex-match', 'no-regex-match', 'match', 'match']);
  });
});

describe('the literals that decide which regex watches run', () => {
  it('are what every match must hold, lower-cased', () => {
    const literals = (query: string) => requiredLiterals(parseWatch(query).regex!);
    expect(literals('/gpt-?\\d(\\.\\d+)?/i')).toEqual(['gpt']);
    expect(literals('/Claude[- ]?\\d/')).toEqual(['claude']);
    expect(literals('/大模型|通义千问/')?.sort()).toEqual(['大模型', '通义千问']);
    expect(literals('/open(ai|router)/i')).toEqual(['open']);
    expect(literals('/café/i')).toEqual(['caf']);
    expect(literals('/\\d{4}/')).toBeNull();
    expect(literals('/gpt|\\d/')).toBeNull();
  });

  it('never hide a match: match() agrees with explain(), which runs every pattern', () => {
    const patterns = ['/gpt-?5/i', '/GPT/', '/claude[- ]?\\d/i', '/大模型|通义千问/', '/k\\d/i', '/Σ+/i', '/σς/', '/é/i', '/\\bai\\b/i', '/(?i)open(ai|router)/', '/\\d{2}b/i', '/a.{0,3}b/s', '/^GPT/', '/s5$/i'];
    const fragments = ['GPT', 'gpt', 'Gpt', '-', '\u2011', '5', '7', ' ', '\n', 'Claude', 'CLAUDE', '大模型', '通义千问', 'ＧＰＴ', '\u212A', 'K', 'ſ', 'é', 'É', 'Σ', 'σ', 'ς', 'AI', 'ai', 'OpenAI', 'OPENROUTER', 'b', 'a', '模型'];
    const matcher = new WatchMatcher(patterns.map((query, i) => watch(query, `console:${i}`)));
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const text = () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => fragments[Math.floor(random() * fragments.length)]).join('');
    let matched = 0;
    for (let n = 0; n < 2_000; n++) {
      const item = { title: text(), body: random() < 0.5 ? text() : '', sources: [] };
      const fired = matcher.match(item).map((w) => w.query);
      const explained = matcher.explain(item).flatMap(({ watch: w, verdict }) => (verdict.kind === 'match' ? [w.query] : []));
      expect(fired, JSON.stringify(item)).toEqual(explained);
      matched += fired.length;
    }
    expect(matched).toBeGreaterThan(500);
  });
});
