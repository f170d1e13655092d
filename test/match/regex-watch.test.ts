import { describe, expect, it } from 'vitest';
import { parseWatch, WatchSyntaxError } from '../../src/match/watch-query.ts';
import { UserError } from '../../src/user-error.ts';

const refusal = (query: string) => {
  try {
    parseWatch(query);
  } catch (error) {
    expect(error).toBeInstanceOf(WatchSyntaxError);
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error(`${query} was accepted`);
};

describe('regex watch syntax', () => {
  it('reads /pattern/flags followed by the usual modifiers, and gives it a canonical form', () => {
    const spec = parseWatch('/gpt-?5(\\.\\d+)?/i -mini source:ithome in:title min:3 mention:@Team');
    expect(spec).toMatchObject({
      all: false,
      includes: [],
      regex: { pattern: 'gpt-?5(\\.\\d+)?', flags: 'i' },
      excludes: [['mini']],
      source: 'ithome',
      titleOnly: true,
      minSources: 3,
      mention: '@Team',
    });
    expect(spec.canonical).toBe('/gpt-?5(\\.\\d+)?/i -mini source:ithome in:title min:3 mention:@team');
    expect(parseWatch('/x/si').canonical).toBe(parseWatch('  /x/is  ').canonical);
    expect(parseWatch('/gpt-5/').canonical).not.toBe(parseWatch('gpt-5').canonical);
  });

  it('ends the pattern at the slash that is followed by flags and modifiers only', () => {
    expect(parseWatch('/a/b/i').regex).toEqual({ pattern: 'a/b', flags: 'i' });
    expect(parseWatch('/a\\/ b/').regex).toEqual({ pattern: 'a\\/ b', flags: '' });
    expect(parseWatch('/and/ or/').regex).toEqual({ pattern: 'and/ or', flags: '' });
    expect(parseWatch('/gpt/i source:https://www.ithome.com/')).toMatchObject({ regex: { pattern: 'gpt', flags: 'i' }, source: 'https www ithome com' });
  });

  it('refuses keywords after the pattern, and flags other than i and s', () => {
    expect(refusal('/gpt-?5/i openai')).toMatch(/^"openai" after \/gpt-\?5\/i: a regex watch takes no keywords besides its pattern/);
    expect(refusal('/gpt/ "a phrase"')).toMatch(/no keywords besides its pattern/);
    expect(refusal('/gpt/ *')).toMatch(/no keywords besides its pattern/);
    expect(refusal('/gpt/g')).toMatch(/only the flags i \(ignore case\) and s .*, not g: a watch only asks whether an item matches/);
    expect(refusal('/gpt/im')).toMatch(/not m/);
    expect(refusal('/r/LocalLLaMA')).toMatch(/not "LocalLLaMA"; to watch words that start with \/, put them in quotes/);
    expect(parseWatch('"/r/LocalLLaMA"').includes).toEqual([['r', 'localllama']]);
  });

  it('refuses backreferences and lookaround, saying RE2 does not support them and what to write instead', () => {
    expect(refusal('/(ha)\\1/')).toMatch(/^\/\(ha\)\\1\/ cannot be used: backreferences such as \\1 are not supported .*RE2.*write the repeated text out instead/);
    expect(refusal('/(?<n>a)\\k<n>/')).toMatch(/backreferences such as \\k are not supported/);
    for (const look of ['/gpt-5(?!-mini)/i', '/gpt(?=-5)/', '/(?<=open)ai/', '/(?<!open)ai/']) {
      expect(refusal(look)).toMatch(/lookahead and lookbehind .* are not supported .*add an -exclude after the pattern \(\/gpt-5\/i -mini/);
    }
    expect(refusal('/a++/')).toMatch(/possessive quantifiers \(\+\+\) are not supported, nor needed/);
    expect(refusal('/(?>a)/')).toMatch(/atomic groups .* write \(\?:…\)/);
  });

  it("refuses other patterns RE2 cannot compile, with RE2's reason in plain words", () => {
    expect(refusal('/(gpt/')).toBe('/(gpt/ cannot be used: a ( is never closed: (gpt');
    expect(refusal('/*gpt/')).toMatch(/\* has nothing before it to repeat/);
    expect(refusal('/a{2,1}/')).toMatch(/the count \{2,1\} is not valid/);
    expect(refusal('/\\u2011/')).toMatch(/RE2 writes a character by its code as \\x\{2011\}/);
    expect(refusal('/x{1000}x{1000}x{1000}/')).toMatch(/too complex for a watch \(3002 RE2 instructions, at most 2000\)/);
    expect(refusal('//')).toMatch(/empty pattern/);
    expect(refusal('/gpt')).toMatch(/has no closing \//);
  });

  it('takes a pattern of up to 200 characters', () => {
    expect(parseWatch(`/${'a'.repeat(200)}/`).regex!.pattern).toHaveLength(200);
    expect(refusal(`/${'a'.repeat(201)}/`)).toBe("that pattern is 201 characters long; a regex watch's pattern can be at most 200");
    expect(refusal(`/a/ -${'b'.repeat(400)}`)).toMatch(/a regex watch can be at most 300 characters long/);
  });

  it('reads characters that normalisation changes literally, as what they become', () => {
    expect(parseWatch('/ＧＰＴ－５/').regex!.pattern).toBe('GPT-5');
    expect(parseWatch('/GPT\u20115/').regex!.pattern).toBe('GPT-5');
    expect(parseWatch('/大模型（开源）/').regex!.pattern).toBe('大模型\\(开源\\)');
    expect(parseWatch('/[Ａ－Ｚ]/').regex!.pattern).toBe('[A\\-Z]');
    expect(parseWatch('/\\（/').regex!.pattern).toBe('\\(');
    expect(parseWatch('/\\Q（a）\\E/').regex!.pattern).toBe('\\Q(a)\\E');
  });
});
