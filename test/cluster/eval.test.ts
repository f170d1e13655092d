import { describe, expect, it } from 'vitest';
import { anchorsOf } from '../../src/cluster/anchors.ts';
import { fingerprint } from '../../src/cluster/fingerprint.ts';
import { sameStory } from '../../src/cluster/same-story.ts';
import { EVAL_PAIRS } from './eval-pairs.ts';
import { evaluate } from './evaluate.ts';

const at = (iso: string) => Date.parse(iso);
const report = (title: string, lang: 'zh' | 'en', publishedAt = '2026-03-20T08:00:00Z', lead = '') =>
  fingerprint({ title, lead, lang, publishedAt: at(publishedAt) });
const WINDOW = { windowMs: 48 * 3_600_000 };

describe('story clustering on the labelled pairs (npm run eval prints the figures)', () => {
  const result = evaluate(EVAL_PAIRS);

  it('has at least 80 pairs of each kind and hard negatives among them', () => {
    expect(EVAL_PAIRS.length).toBeGreaterThanOrEqual(80);
    for (const kind of ['zh-zh', 'en-en', 'zh-en'] as const) expect(EVAL_PAIRS.filter((p) => p.kind === kind).length).toBeGreaterThanOrEqual(30);
    expect(EVAL_PAIRS.filter((p) => !p.same && /hard negative/.test(p.note)).length).toBeGreaterThanOrEqual(20);
  });

  it('keeps precision at 0.95 or more with recall at 0.80 or more on same-language pairs', () => {
    expect(result.sameLanguage.precision).toBeGreaterThanOrEqual(0.95);
    expect(result.sameLanguage.recall).toBeGreaterThanOrEqual(0.8);
  });

  it('stays conservative across languages: no worse than measured when the thresholds were chosen', () => {
    expect(result.byKind['zh-en'].precision).toBeGreaterThanOrEqual(0.95);
    expect(result.byKind['zh-en'].recall).toBeGreaterThanOrEqual(0.5);
  });
});

describe('anchors', () => {
  it('reads amounts in Chinese and English as one value and currency', () => {
    expect(anchorsOf('英伟达斥资83 亿美元收购Arcadia').amounts).toEqual(new Set(['usd:8.3e+9']));
    expect(anchorsOf('Nvidia to buy Arcadia for $8.3 billion').amounts).toEqual(new Set(['usd:8.3e+9']));
    expect(anchorsOf('估值１００亿元，融资5000万美元').amounts).toEqual(new Set(['cny:1e+10', 'usd:5e+7']));
  });

  it('reads models with their version and variant, and Chinese names in their Latin form', () => {
    const zh = anchorsOf('刚刚，OpenAI发布ＧＰＴ－５ mini！英伟达H20芯片');
    expect(zh.models).toEqual(new Set(['gpt5-mini', 'h20']));
    expect(zh.names).toEqual(new Set(['openai', 'nvidia']));
    expect(anchorsOf('Qwen3.5 beats Qwen3 in 2026, top 10').models).toEqual(new Set(['qwen3.5', 'qwen3']));
    expect(anchorsOf('Llama 5, RTX 5090, A100 and GPT-5-Codex').models).toEqual(new Set(['llama5', 'rtx5090', 'a100', 'gpt5-codex']));
    // A word and a number apart are a model only for a known family: no dates, sections, quarters or counts.
    expect(anchorsOf('On March 20, Section 230 ruling hits 800 stars in Q3').models).toEqual(new Set());
  });

  it('takes an amount only with its currency, thousands separators and all', () => {
    expect(anchorsOf('800 million users, 3 亿用户').amounts).toEqual(new Set());
    expect(anchorsOf('a $1,000 device').amounts).toEqual(new Set(['usd:1e+3']));
  });
});

describe('sameStory', () => {
  it('joins a Chinese and an English report of one launch, and not of GPT-5 mini', () => {
    const zh = report('刚刚，OpenAI深夜发布GPT-5！奥特曼：迄今最聪明的模型', 'zh');
    expect(sameStory(zh, report('OpenAI launches GPT-5, its smartest model yet', 'en'), WINDOW)).toMatchObject({ same: true });
    expect(sameStory(zh, report('OpenAI launches GPT-5 mini for free ChatGPT users', 'en'), WINDOW)).toMatchObject({ same: false, reason: 'different models (gpt5 / gpt5-mini)' });
    // One shared model name, in headlines telling different kinds of news, is not enough across languages.
    expect(sameStory(report('ＧＰＴ－５ 中文能力实测：长文写作表现亮眼', 'zh'), report('GPT-5 support arrives in our inference server', 'en'), WINDOW)).toMatchObject({ same: false });
  });

  it('keeps apart headlines that share a model name and nothing else, or name different companies or days', () => {
    expect(sameStory(report('GPT-5 jailbreak found by researchers', 'en'), report('GPT-5 tops LMArena leaderboard', 'en'), WINDOW)).toMatchObject({ same: false });
    expect(sameStory(report('Anthropic raises $13 billion', 'en'), report('xAI raises $13 billion', 'en'), WINDOW)).toMatchObject({ same: false, reason: 'different names (anthropic / xai)' });
    expect(sameStory(report('AI 日报：3 月 20 日', 'zh'), report('AI 早报 3 月 21 日', 'zh'), WINDOW)).toMatchObject({ same: false, reason: 'different dates (3-20 / 3-21)' });
    expect(sameStory(report('On March 20, OpenAI releases GPT-5', 'en'), report('OpenAI releases GPT-5 to everyone', 'en'), WINDOW)).toMatchObject({ same: true });
    expect(sameStory(report('xAI launches Grok 5 with a new reasoning mode', 'en'), report('Grok 5 (x.ai)', 'en'), WINDOW)).toMatchObject({ same: true });
  });

  it('keeps a funding round and a lawsuit apart, and reports three days apart', () => {
    const funding = report('Anthropic raises $13 billion at a $183 billion valuation', 'en');
    expect(sameStory(funding, report('Authors sue Anthropic over pirated books', 'en'), WINDOW)).toMatchObject({ same: false, reason: 'different events (funding / lawsuit)' });
    const later = report('Anthropic raises $13 billion at a $183 billion valuation', 'en', '2026-03-23T09:00:00Z');
    expect(sameStory(funding, later, WINDOW)).toMatchObject({ same: false, reason: 'published 73 h apart' });
    expect(sameStory(funding, report('Anthropic raises $13B at a $183B valuation', 'en'), WINDOW)).toMatchObject({ same: true });
  });
});
