import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { htmlToText } from '../../src/feeds/html-text.ts';
import { summarizeBuiltin } from '../../src/summarize/builtin.ts';
import { cleanArticle } from '../../src/summarize/clean-article.ts';
import { splitSentences } from '../../src/summarize/sentences.ts';

const article = (name: string) => htmlToText(readFileSync(new URL(`../fixtures/articles/${name}`, import.meta.url), 'utf8'));
const zh = { title: 'OpenAI 发布 GPT-5：推理能力大幅提升，价格与上一代持平', body: article('ithome-gpt5.html'), lang: 'zh' as const };
const en = { title: 'Introducing Aurora-2, our open multilingual model', body: article('lab-blog-aurora.html'), lang: 'en' as const };
const defaults = loadConfig({});
const limits = { zhChars: defaults.SUMMARY_MAX_CHARS_ZH, enWords: defaults.SUMMARY_MAX_WORDS_EN };
const BOILERPLATE = /IT之家\s*8 月|感谢IT之家网友|本文来自微信公众号|参考资料|分享到|图片来源|window\.track|Read more|appeared first on|newsletter|Figure 1/;

describe('the built-in summarizer', () => {
  it('summarizes a long Chinese IT之家-style article within 120 characters, in Chinese, with the key entity', () => {
    const summary = summarizeBuiltin(zh, limits);
    expect([...summary].length).toBeLessThanOrEqual(120);
    expect(summary).toContain('GPT-5');
    expect(summary).toMatch(/\p{Script=Han}{10}/u);
    expect(summary).not.toMatch(BOILERPLATE);
    expect(splitSentences(summary).length).toBeGreaterThanOrEqual(1);
    expect(splitSentences(summary).length).toBeLessThanOrEqual(3);
  });

  it('summarizes an English lab-blog post within 60 words, in English, with the key entity', () => {
    const summary = summarizeBuiltin(en, limits);
    expect(summary.split(/\s+/).length).toBeLessThanOrEqual(60);
    expect(summary).toContain('Aurora-2');
    expect(summary).toMatch(/\b(the|we|is|and)\b/);
    expect(summary).not.toMatch(BOILERPLATE);
  });

  it('keeps chosen sentences in their original order', () => {
    const summary = summarizeBuiltin(en, { zhChars: 120, enWords: 200 });
    const sentences = splitSentences(en.body);
    const positions = splitSentences(summary).map((s) => sentences.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('cuts at a character or word boundary with an ellipsis, never in the middle of one', () => {
    const oneLongZh = { title: 'x', body: '这是一个非常长的句子'.repeat(30), lang: 'zh' as const };
    const zhSummary = summarizeBuiltin(oneLongZh, { zhChars: 40, enWords: 60 });
    expect([...zhSummary]).toHaveLength(40);
    expect(zhSummary.endsWith('…')).toBe(true);
    const oneLongEn = { title: 'x', body: Array.from({ length: 100 }, (_, i) => `word${i}`).join(' '), lang: 'en' as const };
    const enSummary = summarizeBuiltin(oneLongEn, { zhChars: 120, enWords: 10 });
    expect(enSummary).toBe('word0 word1 word2 word3 word4 word5 word6 word7 word8 word9…');
    const emoji = summarizeBuiltin({ title: 'x', body: '🚀'.repeat(200), lang: 'zh' }, { zhChars: 10, enWords: 60 });
    expect(emoji).toBe(`${'🚀'.repeat(9)}…`);
  });

  it('counts characters for text written without spaces, and never cuts a Latin word inside Chinese', () => {
    const japanese = { title: 'x', body: 'ソフトバンクは新しい人工知能モデルを発表しました。'.repeat(30), lang: 'other' as const };
    expect([...summarizeBuiltin(japanese, limits)].length).toBeLessThanOrEqual(120);
    const mixed = { title: 'x', body: `${'开发者可以通过'.repeat(5)} OpenAI 的接口调用`, lang: 'zh' as const };
    const cut = summarizeBuiltin(mixed, { zhChars: 38, enWords: 60 });
    expect(cut).toMatch(/通过…$/);
  });

  it('gives a very short item its cleaned lead', () => {
    expect(summarizeBuiltin({ title: 'x', body: 'IT之家 8 月 2 日消息，苹果发布新品。', lang: 'zh' }, limits)).toBe('苹果发布新品。');
    expect(summarizeBuiltin({ title: 'x', body: '', lang: 'en' }, limits)).toBe('');
  });
});

describe('splitSentences', () => {
  it('splits Chinese at 。！？；, …… and closing quotes', () => {
    expect(splitSentences('官方表示“推理能力大幅提升！”价格不变；开发者可用……下一句。最后')).toEqual([
      '官方表示“推理能力大幅提升！”',
      '价格不变；',
      '开发者可用……',
      '下一句。',
      '最后',
    ]);
  });

  it('leaves abbreviations, decimals and version numbers inside English sentences', () => {
    expect(splitSentences('GPT-4.5 costs $2.5 in the U.S. and e.g. Europe. Dr. Smith agreed. J. K. Rowling wrote it. Done? Yes!')).toEqual([
      'GPT-4.5 costs $2.5 in the U.S. and e.g. Europe.',
      'Dr. Smith agreed.',
      'J. K. Rowling wrote it.',
      'Done?',
      'Yes!',
    ]);
  });

  it('ends a sentence at a paragraph break', () => {
    expect(splitSentences('No full stop here\n\nNext paragraph')).toEqual(['No full stop here', 'Next paragraph']);
  });
});

describe('cleanArticle', () => {
  it('strips leads, thank-you lines and everything from a trailer on, by the rules in data', () => {
    const cleaned = cleanArticle(zh.body);
    expect(cleaned.startsWith('OpenAI 今日正式发布 GPT-5')).toBe(true);
    expect(cleaned).not.toMatch(BOILERPLATE);
    expect(cleaned).toContain('推理成本的下降');
    expect(cleanArticle(en.body)).not.toMatch(/Read more|appeared first on|newsletter/);
    expect(cleanArticle('Intro.\n\nThe post X appeared first on Y.\n\nMore text')).toBe('Intro.');
    expect(cleanArticle('原标题：GPT-5 来了\n\n正文第一段。\n\n正文第二段。')).toBe('正文第一段。\n\n正文第二段。');
    expect(cleanArticle('原标题党的危害\n\n正文')).toBe('原标题党的危害\n\n正文');
  });
});
