import { ANCHOR_DATA } from '../src/cluster/anchors.ts';

/** A watch term: what channels watch, and what titles name. */
export interface Term {
  text: string;
  lang: 'en' | 'zh';
  /** A name so common in AI news that the story clusterer never takes it for a story's own (see below). */
  common: boolean;
}

/** How many terms there are in all: the real ones below, then made-up product, company and topic names. */
const TERMS = 5_000;
/** A tail term is English this often. */
const TAIL_EN_SHARE = 0.7;

// Watched the most, most watched first: the names of src/cluster's `common` list, then topics.
const COMMON = ['openai', 'nvidia', 'anthropic', 'google', 'microsoft', 'chatgpt', 'meta', 'apple', 'huawei', 'baidu', 'alibaba', 'tencent', 'bytedance', 'amazon'];
const HEAD_EN = [
  'robotics', 'inference', 'benchmark', 'alignment', 'multimodal', 'reasoning', 'chip', 'datacenter', 'semiconductor', 'quantization',
  'copyright', 'regulation', 'startup', 'humanoid', 'hallucination', 'embedding', 'transformer', 'finetuning', 'dataset', 'compute',
  'privacy', 'autonomous', 'coding', 'safety',
];
const HEAD_ZH = [
  '大模型', '智能体', '算力', '芯片', '机器人', '自动驾驶', '多模态', '数据中心', '人工智能', '推理', '训练', '监管', '具身智能', '语音',
  '编程', '视觉', '量化', '幻觉', '对齐', '蒸馏', '微调', '向量', '隐私', '版权', '半导体', '云计算', '搜索', '基准测试',
];

/** The story clusterer's names and event words: filler must never form one. */
const anchors = ANCHOR_DATA;
const ANCHOR_WORDS = [
  ...Object.keys(anchors.aliases),
  ...Object.values(anchors.aliases),
  ...anchors.common,
  ...anchors.generic,
  ...anchors.families,
  ...Object.values(anchors.events).flat(),
];

const CJK_FIRST = 0x4e00;
const CJK_LAST = 0x9fa5;
const isCjk = (text: string) => /^[\u4e00-\u9fff]/.test(text);

/**
 * The terms, by popularity rank: the real ones interleaved (English and Chinese), then made-up ones.
 * English terms are single lowercase words, and Chinese ones never hold one another, so that a title
 * matches exactly the terms put in it. Terms that are the clusterer's event words or model families
 * would make unrelated items one story: there are none.
 */
export function buildTerms(random: () => number): Term[] {
  const forbidden = new Set([...Object.values(anchors.events).flat(), ...anchors.families, ...Object.keys(anchors.aliases)]);
  for (const text of [...HEAD_EN, ...HEAD_ZH]) if (forbidden.has(text)) throw new Error(`capacity: "${text}" is a clusterer anchor and cannot be a watch term`);
  const terms: Term[] = COMMON.map((text) => ({ text, lang: 'en', common: true }));
  for (let i = 0; i < Math.max(HEAD_EN.length, HEAD_ZH.length); i++) {
    const [en, zh] = [HEAD_EN[i], HEAD_ZH[i]];
    if (en) terms.push({ text: en, lang: 'en', common: false });
    if (zh) terms.push({ text: zh, lang: 'zh', common: false });
  }
  const taken = new Set([...terms.map((t) => t.text), ...ANCHOR_WORDS]);
  const chinese = () => terms.filter((t) => t.lang === 'zh').map((t) => t.text);
  let zh = chinese();
  while (terms.length < TERMS) {
    const en = random() < TAIL_EN_SHARE;
    const text = en ? madeUpName(random) : cjkChar(random) + cjkChar(random);
    if (taken.has(text)) continue;
    if (!en && zh.some((other) => other.includes(text) || text.includes(other))) continue;
    taken.add(text);
    terms.push({ text, lang: en ? 'en' : 'zh', common: false });
    if (!en) zh = chinese();
  }
  return terms;
}

/** A pronounceable made-up name (`vorlexa`): consonant and vowel syllables, as product names go. */
function madeUpName(random: () => number): string {
  const consonants = 'bcdfghjklmnprstvwz';
  const vowels = 'aeiou';
  let name = '';
  for (let syllables = 2 + Math.floor(random() * 3); syllables > 0; syllables--) {
    name += consonants[Math.floor(random() * consonants.length)]! + vowels[Math.floor(random() * vowels.length)]!;
  }
  return name + consonants[Math.floor(random() * consonants.length)]!;
}

function cjkChar(random: () => number): string {
  return String.fromCodePoint(CJK_FIRST + Math.floor(random() * (CJK_LAST - CJK_FIRST + 1)));
}

/**
 * Filler words and characters for titles and bodies: English words of random letters that are no term
 * and no word the clusterer reads as a name or an event, and Chinese characters that occur in no term
 * and in no Chinese name or event word. Filler next to a term never extends or forms one.
 */
export class Fillers {
  private readonly english: string[] = [];
  private readonly chinese: string[] = [];

  constructor(
    terms: Term[],
    private readonly random: () => number,
  ) {
    const taken = new Set([...terms.map((t) => t.text), ...ANCHOR_WORDS]);
    const seen = new Set<string>();
    while (this.english.length < 20_000) {
      let word = '';
      for (let length = 4 + Math.floor(random() * 6); word.length < length; ) word += String.fromCharCode(97 + Math.floor(random() * 26));
      if (taken.has(word) || seen.has(word)) continue;
      seen.add(word);
      this.english.push(word);
    }
    const reserved = new Set([...terms, ...ANCHOR_WORDS.map((text) => ({ text }))].flatMap(({ text }) => (isCjk(text) ? [...text] : [])));
    for (let code = CJK_FIRST; code <= CJK_LAST; code++) {
      const char = String.fromCodePoint(code);
      if (!reserved.has(char)) this.chinese.push(char);
    }
  }

  /** A title with the terms at random places among filler, never two terms side by side. */
  title(zh: boolean, terms: string[]): string {
    const parts = zh ? Array.from({ length: 6 }, () => this.chars(2 + Math.floor(this.random() * 2))) : this.words(9);
    for (const term of terms) parts.splice(1 + Math.floor(this.random() * (parts.length - 1)), 0, term);
    // Terms went in between filler parts, and two never meet: each goes after a filler part.
    const joined = zh ? this.joinChinese(parts, terms) : parts.join(' ');
    return joined;
  }

  body(zh: boolean): string {
    return zh ? `${this.chars(40)}。` : `${this.words(24).join(' ')}.`;
  }

  /** Chinese parts run together; an English term keeps spaces round it, as Chinese sites write them. */
  private joinChinese(parts: string[], terms: string[]): string {
    const latin = new Set(terms.filter((t) => !isCjk(t)));
    let text = '';
    let afterTerm = false;
    for (const part of parts) {
      const term = terms.includes(part);
      if (term && afterTerm) text += this.chars(1);
      text += latin.has(part) ? ` ${part} ` : part;
      afterTerm = term;
    }
    return text.trim();
  }

  private words(n: number): string[] {
    return Array.from({ length: n }, () => this.english[Math.floor(this.random() * this.english.length)]!);
  }

  private chars(n: number): string {
    let text = '';
    for (let i = 0; i < n; i++) text += this.chinese[Math.floor(this.random() * this.chinese.length)]!;
    return text;
  }
}
