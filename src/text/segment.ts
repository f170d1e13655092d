import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { foldText, HAS_CJK, LETTERS_OR_DIGITS } from './fold.ts';

let jieba: Jieba | null = null;

/** The dictionary takes a moment to load, so it is loaded on first use, not at start-up. */
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/**
 * Words for the search index or a query. Text with Chinese (or Japanese) goes through jieba; letters and
 * digits are then split as in `textUnits`, so `GPT-5` is `gpt 5` everywhere. With `forIndex`, jieba's
 * search mode also emits the shorter words inside long ones (推理模型 gives 推理, 模型 and 推理模型),
 * so that a two-character word is found inside a longer one.
 */
export function segmentWords(text: string, forIndex = false): string[] {
  const folded = foldText(text);
  if (!HAS_CJK.test(folded)) return folded.match(LETTERS_OR_DIGITS) ?? [];
  const words: string[] = [];
  const tokens = forIndex ? segmenter().cutForSearch(folded, false) : segmenter().cut(folded, false);
  for (const token of tokens) {
    if (HAS_CJK.test(token)) words.push(token);
    else for (const part of token.match(LETTERS_OR_DIGITS) ?? []) words.push(part);
  }
  return words;
}
