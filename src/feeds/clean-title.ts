import { decodeHTMLStrict } from 'entities';
import { c1AsWindows1252 } from './c1-controls.ts';

// Zero-width characters, bidirectional controls and soft hyphens: invisible, and a way to disguise text.
// ZWJ and ZWNJ (U+200C, U+200D) stay: emoji sequences and several scripts need them.
const INVISIBLE = /[\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/g;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
// Only the inline markup feeds really put in titles; anything else that looks like a tag ("Vec<String>",
// "<script> tags explained") is the title's own text and is kept, to be escaped when it is shown.
// An opening tag counts only when its closing tag is there too: "if a<b and b>c" is a comparison.
const MARKUP = /<(\/?)(a|b|i|u|s|em|strong|span|font|small|big|sup|sub|code|mark|abbr|cite|q|del|ins|br|wbr|p|div)(?:\s[^<>]*)?\/?>/gi;

function stripMarkup(text: string): string {
  const lower = text.toLowerCase();
  return text.replace(MARKUP, (tag, slash: string, name: string) => {
    const n = name.toLowerCase();
    return slash || n === 'br' || n === 'wbr' || tag.endsWith('/>') || lower.includes(`</${n}>`) ? '' : tag;
  });
}

/**
 * A title fit to show: inline markup removed, entities decoded (twice-escaped ones too, as `&amp;amp;`
 * is common in feeds), C1 controls read as windows-1252, invisible characters stripped and whitespace
 * collapsed.
 */
export function cleanTitle(raw: string): string {
  let text = stripMarkup(raw);
  for (let pass = 0; pass < 2 && text.includes('&'); pass++) text = stripMarkup(decodeHTMLStrict(text));
  return c1AsWindows1252(text).replace(INVISIBLE, '').replace(CONTROL, ' ').replace(/\s{2,}|[^\S ]/g, ' ').trim();
}
