import { foldText, startsCjk, WORD_LETTER } from '../text/fold.ts';

// CJK runs, runs of letters (with an inner apostrophe), runs of digits (with a decimal point).
const TOKEN = new RegExp(`[\\u3040-\\u30FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF]+|${WORD_LETTER}+(?:'${WORD_LETTER}+)?|\\d+(?:\\.\\d+)?`, 'gu');

/** Words too common in English headlines to say anything about which story a headline tells. */
const ENGLISH_STOPWORDS = new Set(
  (
    'a an the of to in on for with and or but is are was were be been its it this that these those as at by from into over ' +
    'new says said will can could would after than more about how what why who now just up out off not no has have had ' +
    'report reports update here via first latest today week you your our we they their his her he she'
  ).split(' '),
);

/** Crude English suffix stripping, the same on both sides of a comparison: launches, launched → launch. */
export function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(?:sh|ch|x|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  return word;
}

/** The text's tokens after folding: CJK runs whole, words (possessives dropped), numbers. */
export function tokens(text: string): string[] {
  return (foldText(text).match(TOKEN) ?? []).map((token) => token.replace(/'s$/, ''));
}

/**
 * What two reports of one story share: character bigrams of the CJK runs (a lone character counts
 * alone), and the stemmed words of everything else, English stopwords left out. Chinese is written
 * without spaces and segmenters split names differently; bigrams need no segmenter.
 */
export function shingles(text: string): Set<string> {
  const set = new Set<string>();
  for (const token of tokens(text)) {
    if (startsCjk(token)) {
      if (token.length === 1) set.add(token);
      for (let i = 0; i + 1 < token.length; i++) set.add(token.slice(i, i + 2));
    } else if (!ENGLISH_STOPWORDS.has(token) && (token.length > 1 || /\d/.test(token))) {
      set.add(stem(token));
    }
  }
  return set;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const shingle of small) if (large.has(shingle)) shared++;
  return shared / (a.size + b.size - shared);
}
