import type { ResultItem } from '../../commands/index.ts';
import type { Marked } from '../search/snippet.ts';

// Text helpers every platform's renderer shares; the markup itself (mrkdwn, Discord markdown) is each
// platform's own, passed in as an escape function. Lengths are UTF-16 code units, JavaScript's own
// `length`: never fewer than the characters Slack or Discord count, so what fits here fits there.

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` escaped, within `max` characters: whole when it fits, else the longest run of whole characters
 * from its start whose escaped form fits with an ellipsis after it. The text is cut before it is
 * escaped, so that neither a character (a grapheme cluster: an emoji with its modifiers, a letter with
 * its accents) nor an escape sequence (`&amp;`, `\*`) is ever cut in two.
 */
export function fitEscaped(text: string, max: number, escape: (text: string) => string): string {
  const whole = escape(text);
  if (whole.length <= max) return whole;
  if (max < 1) return '';
  // Escaping never shortens text, so the cut is within the first `max - 1` units. The segmenter is given
  // a little more, so that the character boundaries up to there are certain, and no more: iterating
  // the segments of a long text is slow, looking one up is not.
  const segments = graphemes.segment(text.slice(0, max + 64));
  const boundary = (at: number) => (at >= text.length ? text.length : segments.containing(at)!.index);
  const fits = (at: number) => escape(text.slice(0, boundary(at))).length + 1 <= max;
  let low = 0;
  let high = max - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return `${escape(text.slice(0, boundary(low)))}…`;
}

/**
 * Lines joined by newlines within `max` characters: as many whole lines as fit, then `more(n)` for the
 * n left out. `render` makes a line what is shown (escaped, and short enough): only the lines looked at
 * are rendered, and a rendered line is never cut, so neither a link nor an escape in it is broken.
 */
export function joinWithin(lines: string[], max: number, more: (left: number) => string, render: (line: string, index: number) => string = (line) => line): string {
  let out = '';
  for (const [index, raw] of lines.entries()) {
    const line = render(raw, index);
    const next = out ? `${out}\n${line}` : line;
    const left = lines.length - index - 1;
    // Room is kept for the note, unless this is the last line.
    if (next.length + (left ? more(left).length + 1 : 0) > max) {
      const note = more(lines.length - index);
      return out ? `${out}\n${note}` : note;
    }
    out = next;
  }
  return out;
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
