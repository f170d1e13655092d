import { WORD_LETTER } from '../text/fold.ts';
import type { Term } from './query.ts';

/** Text split into plain and matched parts, for each platform to mark in its own way. */
export type Marked = { text: string; match: boolean }[];

const SNIPPET_CHARS = 160;
// Between the units of a term, the source text may have spaces, hyphens or dashes ("GPT-5", "GPT 5", "gpt5").
const JOINER = '[\\s\\-\\u2010-\\u2015\\u2212\\uFF0D]*';

/**
 * A regex that finds any of the terms in original (unfolded) text, with the word boundaries of
 * textUnits: a word of letters is not part of a longer word ("ai" is not in "said"), a number is not
 * part of a longer number, and CJK words match anywhere.
 */
export function termPattern(terms: Term[]): RegExp | null {
  const alternatives = terms
    .filter((words) => words.length > 0)
    .map((words) => `${boundary(words[0]!, '?<!')}${words.map(escape).join(JOINER)}${boundary(words.at(-1)!, '?!')}`)
    .sort((a, b) => b.length - a.length);
  return alternatives.length ? new RegExp(alternatives.join('|'), 'giu') : null;
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function boundary(word: string, look: '?<!' | '?!'): string {
  if (/^\p{N}/u.test(word)) return `(${look}\\p{N})`;
  if (new RegExp(`^${WORD_LETTER}`, 'u').test(word)) return `(${look}${WORD_LETTER})`;
  return '';
}

/** Marks every match of `pattern` in `text`. */
export function mark(text: string, pattern: RegExp | null): Marked {
  if (!pattern) return [{ text, match: false }];
  const parts: Marked = [];
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    if (found[0].length === 0) continue;
    if (found.index > last) parts.push({ text: text.slice(last, found.index), match: false });
    parts.push({ text: found[0], match: true });
    last = found.index + found[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}

/** About 160 characters of the body around the first match, with the matches marked. */
export function snippet(body: string, pattern: RegExp | null): Marked {
  const flat = body.replace(/\s+/g, ' ').trim();
  pattern && (pattern.lastIndex = 0);
  const first = pattern ? flat.search(pattern) : -1;
  const start = first < 0 ? 0 : Math.max(0, first - 40);
  const chars = [...flat.slice(start)];
  let text = chars.slice(0, SNIPPET_CHARS).join('');
  if (chars.length > SNIPPET_CHARS) text += '…';
  if (start > 0) text = `…${text}`;
  return mark(text, pattern);
}
