import type { ResultItem } from '../../commands/index.ts';
import type { Marked } from '../search/snippet.ts';

// Text helpers every platform's renderer shares; the markup itself (mrkdwn, Discord markdown) is each
// platform's own, passed in as an escape function. Lengths are UTF-16 code units, JavaScript's own
// `length`: never fewer than the characters Slack or Discord count, so what fits here fits there.

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Where each whole character (grapheme cluster: an emoji with its modifiers, a letter with its accents) of `text` ends, up to `max`. */
function characterEnds(text: string, max: number): number[] {
  const ends: number[] = [];
  // The segmenter is lazy: a 60 KB body costs only the characters looked at.
  for (const { index, segment } of graphemes.segment(text)) {
    const end = index + segment.length;
    if (end > max) break;
    ends.push(end);
  }
  return ends;
}

/**
 * `text` escaped, within `max` characters: whole when it fits, else the longest run of whole characters
 * from its start whose escaped form fits with an ellipsis after it. The text is cut before it is
 * escaped, so that neither a character nor an escape sequence (`&amp;`, `\*`) is ever cut in two.
 */
export function fitEscaped(text: string, max: number, escape: (text: string) => string): string {
  const whole = escape(text);
  if (whole.length <= max) return whole;
  if (max < 1) return '';
  // Escaping never shortens text: nothing longer than `max` before escaping can fit after it.
  const ends = characterEnds(text, max - 1);
  let low = 0;
  let high = ends.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (escape(text.slice(0, ends[mid - 1])).length + 1 <= max) low = mid;
    else high = mid - 1;
  }
  return `${low ? escape(text.slice(0, ends[low - 1])) : ''}…`;
}

/** A URL that may be linked: http(s) only, in its normal form (spaces and quotes percent-encoded). */
export function linkableUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The host of a link (without `www.`), shown beside it so that readers see where it goes, whatever its label says. */
export function linkHost(url: string | null): string | null {
  const safe = linkableUrl(url);
  return safe ? new URL(safe).hostname.replace(/^www\./, '') || null : null;
}

/** What a result shows under its title: the matched words in context when its text has them, else its summary. */
export function resultBody(result: Pick<ResultItem, 'snippet' | 'summary'>): { marked: Marked } | { summary: string } {
  return result.snippet.some((part) => part.match) || !result.summary ? { marked: result.snippet } : { summary: result.summary };
}

/** How a platform marks matched words: its escape, its strong emphasis, and what that emphasis adds. */
export interface Emphasis {
  escape(text: string): string;
  /** `escaped` (a matched part, already escaped) made strong. */
  strong(escaped: string): string;
  /** The characters `strong` adds. */
  extra: number;
}

/** Marked text escaped, its matched words made strong, within `max` characters (cut on a whole character). */
export function emphasize(parts: Marked, max: number, style: Emphasis): string {
  let out = '';
  for (const part of parts) {
    const room = max - out.length - (part.match ? style.extra : 0);
    const escaped = style.escape(part.text);
    if (escaped.length <= room) {
      out += part.match ? style.strong(escaped) : escaped;
      continue;
    }
    if (room < 2) return out.length < max ? `${out}…` : out;
    const cut = fitEscaped(part.text, room, style.escape);
    return out + (part.match ? style.strong(cut) : cut);
  }
  return out;
}
