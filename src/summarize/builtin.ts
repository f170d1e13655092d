import type { Lang } from '../feeds/language.ts';
import { cleanArticle } from './clean-article.ts';
import { splitSentences } from './sentences.ts';
import { rankSentences } from './textrank.ts';

export interface SummaryLimits {
  /** Most characters for a Chinese (or other CJK) summary. */
  zhChars: number;
  /** Most words for a summary in a language written with spaces. */
  enWords: number;
}

/** A summary is at most this many sentences. */
const MAX_SENTENCES = 3;
/** Articles longer than this are ranked on their first part: the ranking is quadratic in sentences. */
const MAX_SENTENCES_RANKED = 60;

/**
 * The built-in extractive summary: the article cleaned of boilerplate, split into sentences, ranked
 * (TextRank with a lead and title bias), and the best 1–3 sentences given back in their original order
 * within the length limit. A short article gives its cleaned lead. Never cuts a character or a word;
 * an ellipsis marks any cut.
 */
export function summarizeBuiltin(item: { title: string; body: string; lang: Lang }, limits: SummaryLimits): string {
  const text = cleanArticle(item.body);
  const sentences = splitSentences(text, MAX_SENTENCES_RANKED);
  const byChars = countsCharacters(item.lang, text);
  const measure = byChars ? (s: string) => [...s].length : (s: string) => s.split(/\s+/).filter(Boolean).length;
  const limit = byChars ? limits.zhChars : limits.enWords;
  const unit = byChars ? 'zh' : 'en';
  if (sentences.length <= 1 || measure(text) <= limit) return fit(text.split('\n\n')[0] ?? '', unit, limit);

  const scores = rankSentences(sentences, item.title);
  const byScore = sentences.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const chosen: number[] = [];
  let used = 0;
  for (const index of byScore) {
    if (chosen.length === MAX_SENTENCES) break;
    const length = measure(sentences[index]!);
    if (chosen.length > 0 && used + length > limit) continue;
    chosen.push(index);
    used += length;
  }
  const summary = chosen
    .sort((a, b) => a - b)
    .map((i) => sentences[i]!)
    .join(byChars ? '' : ' ');
  return fit(summary, unit, limit);
}

/**
 * Whether length is counted in characters: for Chinese, and for any text written without spaces between
 * words (Japanese, Thai), where counting "words" would not bound anything.
 */
export function countsCharacters(lang: Lang, text: string): boolean {
  if (lang === 'zh') return true;
  if (lang === 'en') return false;
  const spaces = text.match(/\s/g)?.length ?? 0;
  return spaces * 20 < [...text].length;
}

/** At most `limit` characters (Chinese) or words, cut at a character or word boundary with an ellipsis. */
export function fit(text: string, lang: 'zh' | 'en', limit: number): string {
  if (lang === 'zh') {
    const chars = [...text];
    if (chars.length <= limit) return text;
    let cut = limit - 1;
    // Never inside a Latin word or number that stands in Chinese text ("通过 OpenAI"): back off to its start.
    while (cut > 0 && /[A-Za-z0-9._-]/.test(chars[cut - 1]!) && /[A-Za-z0-9._-]/.test(chars[cut]!)) cut--;
    return `${chars.slice(0, cut > 0 ? cut : limit - 1).join('').trimEnd()}…`;
  }
  const words = text.split(/\s+/).filter(Boolean);
  return words.length <= limit ? words.join(' ') : `${words.slice(0, limit).join(' ').replace(/[,;:.]$/, '')}…`;
}
