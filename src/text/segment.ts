import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { foldText, HAS_CJK, LETTERS_OR_DIGITS, startsCjk } from './fold.ts';

let jieba: Jieba | null = null;

/** The dictionary takes a moment to load, so it is loaded on first use, not at start-up. */
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/**
 * Words for a query. Text with Chinese (or Japanese) goes through jieba; letters and digits are then
 * split as in `textUnits`, so `GPT-5` is `gpt 5` everywhere.
 */
export function segmentWords(text: string): string[] {
  const folded = foldText(text);
  if (!HAS_CJK.test(folded)) return folded.match(LETTERS_OR_DIGITS) ?? [];
  return splitLatin(segmenter().cut(folded, false));
}

/**
 * Words for the index: the text's words in order (as `segmentWords` gives them, so that phrases match),
 * and apart from them the shorter words jieba's search mode finds inside long ones (推理模型 holds 推理 and
 * 模型), so that a two-character word is found inside a longer one. One jieba call gives both: search mode
 * emits a long word's sub-words just before the word itself.
 */
export function segmentForIndex(text: string): { words: string[]; subwords: string[] } {
  const folded = foldText(text);
  if (!HAS_CJK.test(folded)) return { words: folded.match(LETTERS_OR_DIGITS) ?? [], subwords: [] };
  const tokens = segmenter().cutForSearch(folded, false);
  const words: string[] = [];
  const subwords: string[] = [];
  let container = '';
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!;
    if (container.length > token.length && startsCjk(token) && container.includes(token)) subwords.push(token);
    else {
      words.push(token);
      container = token;
    }
  }
  return { words: splitLatin(words.reverse()), subwords: subwords.reverse() };
}

/** Jieba's tokens with punctuation and spaces dropped and letters split from digits (`gpt-5` → gpt, 5). */
function splitLatin(tokens: string[]): string[] {
  const words: string[] = [];
  for (const token of tokens) {
    if (startsCjk(token)) words.push(token);
    else if (SIMPLE_WORD.test(token) || HAS_CJK.test(token)) words.push(token);
    else for (const part of token.match(LETTERS_OR_DIGITS) ?? []) words.push(part);
  }
  return words;
}

/** Most tokens are a plain ASCII word or number and need no splitting. */
const SIMPLE_WORD = /^(?:[a-z]+|[0-9]+)$/;
