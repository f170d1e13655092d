import { c1AsWindows1252 } from './c1-controls.ts';
import { htmlTitleText } from './title-markup.ts';

// Zero-width characters, bidirectional controls and soft hyphens: invisible, and a way to disguise text.
// ZWJ and ZWNJ (U+200C, U+200D) stay: emoji sequences and several scripts need them.
const INVISIBLE = /[\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/g;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/**
 * A title fit to show: when it is HTML (RSS's, Atom's type="html"), its text (see htmlTitleText); when
 * it is text (Atom's text and XHTML titles), every character as written. Either way C1 controls are read
 * as the windows-1252 characters they stand for, invisible characters are stripped and whitespace
 * collapsed.
 */
export function cleanTitle(raw: string, type: 'html' | 'text' = 'html'): string {
  const text = type === 'html' ? htmlTitleText(raw) : raw;
  return c1AsWindows1252(text).replace(INVISIBLE, '').replace(CONTROL, ' ').replace(/\s{2,}|[^\S ]/g, ' ').trim();
}
