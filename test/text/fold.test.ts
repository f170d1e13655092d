import { describe, expect, it } from 'vitest';
import { BREAK, containsUnits, foldText, keywordUnits, sourceMatches, textUnits } from '../../src/text/fold.ts';
import { segmentForIndex, segmentWords } from '../../src/text/segment.ts';

describe('foldText', () => {
  it('applies NFKC, case folding and one hyphen for every dash', () => {
    expect(foldText('ＧＰＴ－５')).toBe('gpt-5');
    expect(foldText('GPT\u20115 GPT\u20105 GPT\u20135 GPT\u22125')).toBe('gpt-5 gpt-5 gpt-5 gpt-5');
    expect(foldText('Ｏｐｅｎ ＡＩ　ｉｓ')).toBe('open ai is');
  });
});

describe('textUnits', () => {
  it('makes GPT-5, GPT 5, gpt5, GPT‑5 and ＧＰＴ－５ the same units, and GPT-50 different', () => {
    for (const spelling of ['GPT-5', 'GPT 5', 'gpt5', 'GPT\u20115', 'ＧＰＴ－５', 'GPT—5']) expect(textUnits(spelling)).toEqual(['gpt', '5']);
    expect(textUnits('GPT-50')).toEqual(['gpt', '50']);
  });

  it('splits apostrophes and hyphens, keeps accented words whole, and gives one unit per CJK character', () => {
    expect(textUnits("AI's AI-powered café")).toEqual(['ai', 's', 'ai', 'powered', 'café']);
    expect(textUnits('推理模型 o3')).toEqual(['推', '理', '模', '型', 'o', '3']);
    expect(textUnits('ソフトバンク')).toHaveLength(6);
  });
});

describe('units of CJK text', () => {
  it('breaks between CJK characters that punctuation or space separates, and keywords never hold a break', () => {
    expect(textUnits('中华，为')).toEqual(['中', '华', BREAK, '为']);
    expect(textUnits('华为')).toEqual(['华', '为']);
    expect(keywordUnits('华 为')).toEqual(['华', '为']);
    expect(textUnits('GPT-5发布')).toEqual(['gpt', '5', '发', '布']);
  });

  it('finds a run of units, and reads source: filters at word boundaries', () => {
    expect(containsUnits(['a', 'b', 'c'], ['b', 'c'])).toBe(true);
    expect(containsUnits(['a', 'b', 'c'], ['a', 'c'])).toBe(false);
    expect(sourceMatches('ithome', ['IT之家', 'https://www.ithome.com/rss/'])).toBe(true);
    expect(sourceMatches('it', ['Wait But Why', 'https://waitbutwhy.com/feed'])).toBe(false);
    expect(sourceMatches('ai', ['Mail Daily', 'https://maildaily.com/rss'])).toBe(false);
    expect(sourceMatches('IT之家', ['IT之家', 'https://www.ithome.com/rss/'])).toBe(true);
  });
});

describe('segmentWords', () => {
  it('segments Chinese with jieba and splits letters from digits as textUnits does', () => {
    expect(segmentWords('OpenAI 发布 GPT-5')).toEqual(['openai', '发布', 'gpt', '5']);
    expect(segmentWords('完成 83 亿美元融资')).toContain('融资');
  });

  it('for the index, keeps the words in order and the short words inside long ones apart', () => {
    expect(segmentForIndex('谷歌发布推理模型')).toEqual({ words: segmentWords('谷歌发布推理模型'), subwords: ['推理', '模型'] });
    expect(segmentForIndex('中国大力发展人工智能产业').subwords).toEqual(expect.arrayContaining(['发展', '人工', '智能']));
    expect(segmentForIndex('GPT-5 launch')).toEqual({ words: ['gpt', '5', 'launch'], subwords: [] });
  });

  it('leaves Latin-only text to the fast path', () => {
    expect(segmentWords('The GPT-5 launch, explained.')).toEqual(['the', 'gpt', '5', 'launch', 'explained']);
  });
});
