// Hyphens and dashes as feeds write them: U+2010 hyphen, U+2011 non-breaking hyphen, figure dash, en and
// em dashes, minus sign, small and full-width hyphen-minus (NFKC already maps some of these).
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;

/**
 * The one text folding shared by search and watches: NFKC (full-width `ＧＰＴ－５` becomes `GPT-5`),
 * case folding, and every dash variant made a plain hyphen.
 */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(DASHES, '-');
}

// Written as code-point ranges rather than \p{Script=…}: these patterns run over every item's text.
// Kana, CJK extension A, unified and compatibility ideographs, and the supplementary ideographs.
const CJK_CHAR = '[\\u3040-\\u30FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF]|[\\uD840-\\uD87F][\\uDC00-\\uDFFF]';
const OTHER_LETTERS = '[^\\P{L}\\u3040-\\u30FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF\\uD800-\\uDFFF]+';

/** A CJK character, a run of other letters, or a run of digits. Everything else separates units. */
const UNIT = new RegExp(`${CJK_CHAR}|${OTHER_LETTERS}|\\p{N}+`, 'gu');
/** A run of other letters, or a run of digits. */
export const LETTERS_OR_DIGITS = new RegExp(`${OTHER_LETTERS}|\\p{N}+`, 'gu');
export const HAS_CJK = new RegExp(CJK_CHAR, 'u');

/**
 * The units text is matched in: each CJK character, each run of other letters, each run of digits.
 * So `GPT-5`, `GPT 5`, `gpt5` and `GPT‑5` are all [gpt, 5], `GPT-50` is [gpt, 50], `AI's` is [ai, s],
 * and a CJK word is found wherever its characters stand together (推理 in 推理模型).
 */
export function textUnits(text: string): string[] {
  return foldText(text).match(UNIT) ?? [];
}

/** Units back to readable text: spaces between words, none between CJK characters (`gpt 5`, `推理`). */
export function joinUnits(units: string[]): string {
  let text = '';
  units.forEach((unit, i) => {
    text += i > 0 && !(HAS_CJK.test(unit) && HAS_CJK.test(units[i - 1]!)) ? ` ${unit}` : unit;
  });
  return text;
}
