import { decodeHTML } from 'entities';
import { htmlToText } from './html-text.ts';

// Control characters, zero-width characters and bidirectional overrides: invisible, and a way to disguise text.
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u00AD]/g;
const TAG = /<\/?[a-z][^>]*>/i;
const ENTITY = /&(#\d+|#x[\da-f]+|[a-z]+\d*);/i;

/**
 * A title fit to show: markup removed, entities decoded (twice-escaped ones too, as `&amp;amp;` is
 * common in feeds), invisible characters stripped and whitespace collapsed.
 */
export function cleanTitle(raw: string): string {
  let text = TAG.test(raw) ? htmlToText(raw) : decodeHTML(raw);
  if (ENTITY.test(text)) text = decodeHTML(text);
  return text.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
}
