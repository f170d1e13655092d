import { readFileSync } from 'node:fs';
import { foldText } from '../text/fold.ts';
import { tokens } from './shingles.ts';

/** data/story-anchors.json: the names, their aliases and the event words stories are recognised by. */
export interface AnchorData {
  aliases: Record<string, string>;
  common: string[];
  generic: string[];
  families: string[];
  events: Record<string, string[]>;
}

const data = JSON.parse(readFileSync(new URL('../../data/story-anchors.json', import.meta.url), 'utf8')) as AnchorData;
/** The anchors as loaded, for what must know them without matching text (a benchmark's filler avoids them). */
export const ANCHOR_DATA: Readonly<AnchorData> = data;
/** Every Chinese alias in one pattern, the longest first (阿里巴巴 before 阿里): one pass over the text. */
const ALIAS_PATTERN = new RegExp(
  Object.keys(data.aliases)
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'g',
);
const COMMON = new Set(data.common);
const GENERIC = new Set(data.generic);
const FAMILIES = new Set(data.families);
const EVENTS = Object.entries(data.events).map(([kind, words]) => ({
  kind,
  latin: new Set(words.filter((word) => /^[a-z]/.test(word))),
  cjk: words.filter((word) => !/^[a-z]/.test(word)),
}));

/** Names known to be names wherever they stand: the common companies, model families and the aliases' Latin forms. */
const KNOWN = new Set([...COMMON, ...FAMILIES, ...Object.values(data.aliases)]);

/** Latin words that are not names: a Chinese report's Latin words are names, models and units, except these. */
const NOT_NAMES = new Set('a an the of to in on for with and or by is at as vs via pro mini max plus ultra beta'.split(' '));

/** Words that join a number without making a model name of it ("top10", "q3", "covid-19"). */
const NOT_MODEL_WORDS = new Set(
  'a an the of to in on for with and or by at as is are was over under top than up about around nearly almost only just since from series round no number rank ranks ranked day days year years hour hours minute minutes version vs q covid fy'.split(' '),
);
const VARIANTS = 'mini|pro|max|ultra|flash|nano|lite|turbo|plus|haiku|sonnet|opus|air|instant|thinking|high|low|fast|small|medium|large|codex|coder|omni|vl|vision|realtime';
/** A model or product with a number: gpt-5, gpt-5 mini, gpt-4o, qwen3.5, llama 5, o3, m5, h20, deepseek-v3.2, gpt-5-codex. */
const MODEL = new RegExp(`(?<![a-z0-9.])([a-z]+)([- ]?)(\\d+(?:\\.\\d+)?[a-z]?)(?![0-9])(?:[- ](${VARIANTS})\\b)?`, 'g');

const SCALE: Record<string, number> = {
  万亿: 1e12, 千亿: 1e11, 百亿: 1e10, 亿: 1e8, 千万: 1e7, 百万: 1e6, 万: 1e4,
  trillion: 1e12, tn: 1e12, billion: 1e9, bn: 1e9, b: 1e9, million: 1e6, mn: 1e6, m: 1e6, k: 1e3,
};
const CURRENCY: Record<string, string> = {
  美元: 'usd', 美金: 'usd', $: 'usd', 'us$': 'usd', usd: 'usd', dollars: 'usd', dollar: 'usd',
  元: 'cny', 人民币: 'cny', 元人民币: 'cny', rmb: 'cny', yuan: 'cny', cny: 'cny', '¥': 'cny', '￥': 'cny',
  欧元: 'eur', '€': 'eur', eur: 'eur', euros: 'eur', 英镑: 'gbp', '£': 'gbp', 港元: 'hkd', 日元: 'jpy',
};
const ZH_AMOUNT = /(\d+(?:\.\d+)?)\s*(万亿|千亿|百亿|亿|千万|百万|万)?\s*(元人民币|美元|美金|人民币|欧元|英镑|港元|日元|元)/g;
// An amount has a currency: "800 million users" is no amount.
const EN_AMOUNT = /(us\$|\$|€|£|¥|￥)\s?(\d+(?:\.\d+)?)\s*(trillion|billion|million|tn|bn|mn|b|m|k)?\b|(\d+(?:\.\d+)?)\s*(trillion|billion|million)\s*(dollars|dollar|yuan|euros|usd|rmb)\b/g;

export interface Anchors {
  /** Names, models and amounts, as one set (models as `m:gpt5`, amounts as `usd:8.3e9`). */
  all: Set<string>;
  /** Proper names: Latin words in Chinese text, capitalised words in English text, Chinese names with a Latin form. */
  names: Set<string>;
  /** The specific ones: models, amounts and names that are not common in AI news. */
  specific: Set<string>;
  models: Set<string>;
  amounts: Set<string>;
  /** The kinds of event the text names (funding, lawsuit, acquisition, people, launch, review). */
  events: Set<string>;
  /** Days of the month the text names (`3-20` for 3 月 20 日 and March 20): a daily digest's date. */
  dates: Set<string>;
}

/**
 * The parts of a report that read the same in Chinese and English: Latin names (OpenAI, Nvidia),
 * Chinese names with their Latin form (英伟达 → nvidia), models with their version, and amounts with their
 * currency (83 亿美元 and $8.3 billion are both usd:8.3e9).
 */
export function anchorsOf(text: string): Anchors {
  // Thousands separators go: $1,000 is 1000.
  const folded = foldText(text).replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
  const { models, modelNames } = modelsOf(folded);
  const amounts = amountsOf(folded);
  const words = new Set<string>();
  for (const token of tokens(folded)) {
    if (/^[a-z]/.test(token) && token.length > 1 && !NOT_NAMES.has(token) && !modelNames.has(token)) words.add(token);
  }
  const aliases = new Set((folded.match(ALIAS_PATTERN) ?? []).map((chinese) => data.aliases[chinese]!));
  for (const latin of aliases) words.add(latin);
  const names = new Set([...properNames(text, words), ...aliases].filter((name) => !GENERIC.has(name)));
  const modelAnchors = [...models].map((m) => `m:${m}`);
  const all = new Set([...[...words].filter((word) => !GENERIC.has(word)), ...modelAnchors, ...amounts]);
  const specific = new Set([...[...names].filter((name) => !COMMON.has(name)), ...modelAnchors, ...amounts]);
  return { all, names, specific, models, amounts, events: eventsOf(folded), dates: datesOf(folded) };
}

/** The shingles an anchor is made of (`m:gpt5-mini` → gpt, 5, mini), to tell its weight in a similarity apart. */
export function anchorShingles(anchor: string): string[] {
  return anchor.replace(/^m:/, '').match(/[a-z]+|\d+(?:\.\d+)?/g) ?? [];
}

/**
 * Which of the text's Latin words are names (the Chinese names' Latin forms are added by the caller). In
 * Chinese text every Latin word is; in English text, a word
 * written with a capital inside (OpenAI, xAI, NVIDIA), or with a capital anywhere in a sentence not in
 * Title Case (where every word has one).
 */
function properNames(text: string, words: Set<string>): Set<string> {
  const names = new Set<string>();
  for (const sentence of text.normalize('NFKC').split(/[.!?:;]+\s+|\n/)) {
    const latin = sentence.match(/[A-Za-z][A-Za-z0-9'’-]*/g) ?? [];
    const cjk = HAS_CJK_CHAR.test(sentence);
    const long = latin.filter((word) => word.length >= 4);
    const titleCase = long.length >= 3 && long.filter((word) => /^[A-Z]/.test(word)).length / long.length > 0.6;
    latin.forEach((word, i) => {
      const capitalInside = /^.[^A-Z]*[A-Z]/.test(word);
      // A sentence's first word has a capital whatever it is: it counts when it is a known name.
      const capitalised = /^[A-Z]/.test(word) && ((!titleCase && i > 0) || KNOWN.has(word.toLowerCase()));
      if (cjk || capitalInside || capitalised) for (const part of tokens(word)) if (words.has(part)) names.add(part);
    });
  }
  return names;
}

const HAS_CJK_CHAR = /[\u3400-\u9FFF]/;

function modelsOf(folded: string): { models: Set<string>; modelNames: Set<string> } {
  const models = new Set<string>();
  const modelNames = new Set<string>();
  for (const [, name, separator, version, variant] of folded.matchAll(MODEL)) {
    // A letter written onto a number is a code (A100, H20, M5); a quarter (Q3) is not.
    if (name === 'q' || (NOT_MODEL_WORDS.has(name!) && (separator !== '' || name!.length > 1))) continue;
    // Written apart ("Llama 5"), only a known family makes a model; years never do, except in a code (a2026).
    const family = FAMILIES.has(name!);
    if (separator === ' ' && !family) continue;
    if (/^\d{4}$/.test(version!) && !family && !(separator === '' && name!.length === 1)) continue;
    models.add(`${name}${version}${variant ? `-${variant}` : ''}`);
    modelNames.add(name!);
  }
  return { models, modelNames };
}

function amountsOf(folded: string): Set<string> {
  const amounts = new Set<string>();
  const add = (value: number, currency: string | undefined) => {
    if (!Number.isFinite(value) || value <= 0 || !currency) return;
    amounts.add(`${currency}:${value.toPrecision(2).replace(/\.?0+e/, 'e')}`);
  };
  for (const [, number, scale, currency] of folded.matchAll(ZH_AMOUNT)) {
    add(Number(number) * (scale ? SCALE[scale]! : 1), CURRENCY[currency!]);
  }
  for (const [, symbol, number, scale, number2, scale2, currency2] of folded.matchAll(EN_AMOUNT)) {
    if (symbol) add(Number(number) * (scale ? SCALE[scale]! : 1), CURRENCY[symbol]);
    else add(Number(number2) * SCALE[scale2!]!, CURRENCY[currency2!]);
  }
  return amounts;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ZH_DATE = /(\d{1,2})\s*月\s*(\d{1,2})\s*日/g;
const EN_DATE = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?!\d)/g;

function datesOf(folded: string): Set<string> {
  const dates = new Set<string>();
  for (const [, month, day] of folded.matchAll(ZH_DATE)) dates.add(`${Number(month)}-${Number(day)}`);
  for (const [, month, day] of folded.matchAll(EN_DATE)) dates.add(`${MONTHS.indexOf(month!) + 1}-${Number(day)}`);
  return dates;
}

function eventsOf(folded: string): Set<string> {
  const words = new Set(tokens(folded));
  const events = new Set<string>();
  for (const event of EVENTS) {
    if (event.cjk.some((word) => folded.includes(word)) || [...event.latin].some((word) => words.has(word))) events.add(event.kind);
  }
  return events;
}
