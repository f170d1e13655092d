export type Lang = 'zh' | 'en' | 'other';

/** Words frequent in English prose and rare in other Latin-script languages (so no "in", "an", "die"). */
const ENGLISH_WORDS = new Set([
  'the', 'and', 'of', 'to', 'is', 'for', 'on', 'with', 'that', 'this', 'are', 'by', 'from', 'as', 'at', 'its', 'was',
  'has', 'have', 'how', 'we', 'you', 'our', 'will', 'new', 'be', 'it', 'or', 'not', 'can', 'their', 'which', 'about',
]);
/** Enough text to judge by; language detection runs on every item, so it reads no more than this. */
const SAMPLE_CHARS = 240;

/**
 * The language of an item: `zh` when Han characters carry the text, `en` when English words do, otherwise
 * `other` (kana or Hangul, Cyrillic, other Latin-script languages). The feed's `<language>` decides only
 * when the text is too short to tell. A Japanese headline written only in kanji reads as `zh`.
 */
export function detectLanguage(title: string, body: string, declared: string | null): Lang {
  const sample = body.length > SAMPLE_CHARS ? `${title}\n${body.slice(0, SAMPLE_CHARS)}` : `${title}\n${body}`;
  let han = 0;
  let kanaHangul = 0;
  let cyrillic = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code < 0x0400) continue;
    // CJK unified ideographs, extension A, compatibility ideographs; high surrogates of extensions B–F.
    if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xd840 && code <= 0xd87f)) han++;
    else if ((code >= 0x3040 && code <= 0x30ff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0x1100 && code <= 0x11ff)) kanaHangul++;
    else if (code <= 0x052f) cyrillic++;
  }
  const words = sample.match(/[a-z]{2,}/gi) ?? [];
  let english = 0;
  for (const word of words) if (ENGLISH_WORDS.has(word.toLowerCase())) english++;

  if (kanaHangul > Math.max(3, han / 4)) return 'other';
  if (han >= 4 && han * 2 >= words.length) return 'zh';
  if (cyrillic > words.length * 3) return 'other';
  if (words.length >= 6) return english / words.length >= 0.1 ? 'en' : han > 0 ? 'zh' : 'other';
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
