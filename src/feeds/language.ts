export type Lang = 'zh' | 'en' | 'other';

const HAN = /\p{Script=Han}/gu;
const KANA_HANGUL = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const LATIN_WORD = /\b[a-z]{2,}\b/gi;
const ENGLISH_WORDS = new Set(['the', 'and', 'of', 'to', 'in', 'is', 'for', 'on', 'with', 'that', 'this', 'are', 'by', 'from', 'as', 'at', 'it', 'an', 'be', 'its', 'new', 'has', 'was', 'how', 'we', 'you', 'our']);

/**
 * The language of an item: `zh` when Han characters carry the text, `en` when English words do, otherwise
 * `other`. The feed's `<language>` decides only when the text itself is too short to tell.
 */
export function detectLanguage(text: string, declared: string | null): Lang {
  const sample = text.slice(0, 2000);
  const han = sample.match(HAN)?.length ?? 0;
  const kanaHangul = sample.match(KANA_HANGUL)?.length ?? 0;
  const words = sample.match(LATIN_WORD) ?? [];
  const english = words.filter((word) => ENGLISH_WORDS.has(word.toLowerCase())).length;
  if (kanaHangul > Math.max(3, han / 4)) return 'other';
  if (han >= 4 && han * 2 >= words.length) return 'zh';
  if (words.length >= 6) return english / words.length >= 0.08 ? 'en' : han > 0 ? 'zh' : 'other';
  const fromFeed = declaredLanguage(declared);
  if (fromFeed) return fromFeed;
  if (han > 0) return 'zh';
  return words.length > 0 ? 'en' : 'other';
}

function declaredLanguage(declared: string | null): Lang | null {
  const primary = declared?.trim().toLowerCase().split(/[-_]/)[0];
  if (!primary) return null;
  return primary === 'zh' ? 'zh' : primary === 'en' ? 'en' : 'other';
}
