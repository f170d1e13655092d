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
const CJK_RANGES = '\\u3040-\\u30FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF';
const CJK_CHAR = `[${CJK_RANGES}]|[\\uD840-\\uD87F][\\uDC00-\\uDFFF]`;
/** One letter that is not CJK: the letters that form words. */
export const WORD_LETTER = `[^\\P{L}${CJK_RANGES}\\uD800-\\uDFFF]`;

/** A CJK character, a run of other letters, or a run of digits. Everything else separates units. */
const UNIT = new RegExp(`${CJK_CHAR}|${WORD_LETTER}+|\\p{N}+`, 'gu');
/** A run of other letters, or a run of digits. */
export const LETTERS_OR_DIGITS = new RegExp(`${WORD_LETTER}+|\\p{N}+`, 'gu');
export const HAS_CJK = new RegExp(CJK_CHAR, 'u');

/** Whether a unit or word starts with a CJK character: the same ranges as CJK_CHAR, without a regex. */
export function startsCjk(text: string): boolean {
  const code = text.charCodeAt(0);
  return (
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xd840 && code <= 0xd87f)
  );
}

/**
 * Stands between two CJK characters that were not adjacent in the text ("中华，为"), so that a CJK
 * keyword only matches characters that stand together. It never occurs in a keyword.
 */
export const BREAK = '\u2029';

/**
 * The units text is matched in: each CJK character, each run of other letters, each run of digits.
 * So `GPT-5`, `GPT 5`, `gpt5` and `GPT‑5` are all [gpt, 5], `GPT-50` is [gpt, 50], `AI's` is [ai, s],
 * and a CJK word is found wherever its characters stand together (推理 in 推理模型, not in 推。理).
 */
export function textUnits(text: string): string[] {
  const units: string[] = [];
  let previousEnd = -1;
  let previousCjk = false;
  for (const match of foldText(text).matchAll(UNIT)) {
    const unit = match[0];
    const cjk = startsCjk(unit);
    if (cjk && previousCjk && match.index !== previousEnd) units.push(BREAK);
    units.push(unit);
    previousEnd = match.index + unit.length;
    previousCjk = cjk;
  }
  return units;
}

/** Units of a keyword someone typed: breaks removed, as a keyword is one run of text. */
export function keywordUnits(text: string): string[] {
  return textUnits(text).filter((unit) => unit !== BREAK);
}

/** Units back to readable text: spaces between words, none between CJK characters (`gpt 5`, `推理`). */
export function joinUnits(units: string[]): string {
  let text = '';
  units.forEach((unit, i) => {
    text += i > 0 && !(startsCjk(unit) && startsCjk(units[i - 1]!)) ? ` ${unit}` : unit;
  });
  return text;
}

/** True when `needle` stands, unit for unit, somewhere in `haystack`. */
export function containsUnits(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) return true;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * `source:` as both search and watches read it: the filter's words stand, whole, in a feed's name or URL
 * (`source:ithome` is ithome.com, not "Wait But Why").
 */
export function sourceMatches(filter: string, feedNameOrUrl: string[]): boolean {
  const needle = keywordUnits(filter);
  return feedNameOrUrl.some((text) => containsUnits(textUnits(text), needle));
}
