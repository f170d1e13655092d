export type Lang = 'zh' | 'en' | 'other';

/** Words frequent in English prose and rare in other Latin-script languages (so no "in", "an", "die"). */
const ENGLISH_WORDS = [
  'the', 'and', 'of', 'to', 'is', 'for', 'on', 'with', 'that', 'this', 'are', 'by', 'from', 'as', 'at', 'its', 'was',
  'has', 'have', 'how', 'we', 'you', 'our', 'will', 'new', 'be', 'it', 'or', 'not', 'can', 'their', 'which', 'about',
];
const LONGEST_WORD = Math.max(...ENGLISH_WORDS.map((word) => word.length));
/** The words above as numbers, five bits a letter, so that a word is looked up without building a string. */
const ENGLISH_KEYS = new Set(ENGLISH_WORDS.map((word) => [...word].reduce((key, letter) => key * 32 + letterKey(letter.charCodeAt(0)), 0)));
/** Enough text to judge by; language detection runs on every item, so it reads no more than this. */
const SAMPLE_CHARS = 240;

/**
 * The language of an item: `zh` when Han characters carry the text, `en` when English words do, otherwise
 * `other` (kana or Hangul, Cyrillic, other Latin-script languages). The feed's `<language>` decides only
 * when the text is too short to tell. A Japanese headline written only in kanji reads as `zh`.
 */
export function detectLanguage(title: string, body: string, declared: string | null): Lang {
  const counts = { han: 0, kanaHangul: 0, cyrillic: 0, words: 0, english: 0 };
  // One pass over the title, a line break, then the body's first SAMPLE_CHARS: no sample string is built.
  countScripts(title, title.length, counts);
  countScripts(body, Math.min(body.length, SAMPLE_CHARS), counts);
  const { han, kanaHangul, cyrillic, words, english } = counts;

  if (kanaHangul > Math.max(3, han / 4)) return 'other';
  if (han >= 4 && han * 2 >= words) return 'zh';
  if (cyrillic > words * 3) return 'other';
  if (words >= 6) return english / words >= 0.1 ? 'en' : han > 0 ? 'zh' : 'other';
  const fromFeed = declaredLanguage(declared);
  if (fromFeed) return fromFeed;
  if (han > 0) return 'zh';
  return words > 0 ? 'en' : 'other';
}

interface ScriptCounts {
  han: number;
  kanaHangul: number;
  cyrillic: number;
  /** Runs of two or more ASCII letters. */
  words: number;
  /** Those that are frequent English words. */
  english: number;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/** 1–26 for a–z in either case. */
function letterKey(code: number): number {
  return (code | 0x20) - 0x60;
}

function countScripts(text: string, length: number, counts: ScriptCounts): void {
  let wordLength = 0;
  let key = 0;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? text.charCodeAt(i) : 0;
    if (isAsciiLetter(code)) {
      if (++wordLength <= LONGEST_WORD) key = key * 32 + letterKey(code);
      continue;
    }
    if (wordLength >= 2) {
      counts.words++;
      if (wordLength <= LONGEST_WORD && ENGLISH_KEYS.has(key)) counts.english++;
    }
    wordLength = 0;
    key = 0;
    if (code < 0x0400) continue;
    // CJK unified ideographs, extension A, compatibility ideographs; high surrogates of extensions B–F.
    if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xd840 && code <= 0xd87f)) counts.han++;
    else if ((code >= 0x3040 && code <= 0x30ff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0x1100 && code <= 0x11ff)) counts.kanaHangul++;
    else if (code <= 0x052f) counts.cyrillic++;
  }
}

function declaredLanguage(declared: string | null): Lang | null {
  const primary = declared?.trim().toLowerCase().split(/[-_]/)[0];
  if (!primary) return null;
  return primary === 'zh' ? 'zh' : primary === 'en' ? 'en' : 'other';
}
