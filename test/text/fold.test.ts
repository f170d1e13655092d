import { describe, expect, it } from 'vitest';
import { foldText, textUnits } from '../../src/text/fold.ts';
import { segmentWords } from '../../src/text/segment.ts';

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

describe('segmentWords', () => {
  it('segments Chinese with jieba and splits letters from digits as textUnits does', () => {
    expect(segmentWords('OpenAI 发布 GPT-5')).toEqual(['openai', '发布', 'gpt', '5']);
    expect(segmentWords('完成 83 亿美元融资')).toContain('融资');
  });

  it('in index mode, also emits the short words inside long ones', () => {
    const words = segmentWords('推理模型', true);
    expect(words).toEqual(expect.arrayContaining(['推理', '模型', '推理模型']));
    expect(segmentWords('字节跳动发布大模型', true)).toContain('模型');
  });

  it('leaves Latin-only text to the fast path', () => {
    expect(segmentWords('The GPT-5 launch, explained.')).toEqual(['the', 'gpt', '5', 'launch', 'explained']);
  });
});
