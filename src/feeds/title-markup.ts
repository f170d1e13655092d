import { decodeHTMLStrict } from 'entities';

/** Elements whose content is no part of a title's text: a script's code, a style's rules. */
const UNSEEN = /<(script|style)\b[^<>]*>[\s\S]*?<\/\1\s*>/gi;

/**
 * The HTML elements met in titles: inline markup, headings and blocks, obsolete ones (blink, marquee,
 * font, center) and embeds (iframe, object, img). Anything else that looks like a tag ("Vec<String>",
 * "Option<T>") is the title's own text, kept to be escaped when it is shown.
 */
const MARKUP =
  /<(\/?)(a|abbr|acronym|address|article|aside|audio|b|bdi|bdo|big|blink|blockquote|br|button|caption|center|cite|code|dd|del|dfn|div|dl|dt|em|embed|figcaption|figure|font|footer|form|h[1-6]|header|hr|i|iframe|img|input|ins|kbd|label|li|main|mark|marquee|nav|nobr|noscript|object|ol|p|picture|pre|q|rp|rt|ruby|s|samp|section|small|source|span|strike|strong|sub|sup|svg|table|tbody|td|th|thead|time|tr|tt|u|ul|var|video|wbr)(?:\s[^<>]*)?\/?>/gi;
/** Elements that are never closed: they count as markup alone when written with attributes or as `<img/>`. */
const EMPTY = new Set(['embed', 'hr', 'img', 'input', 'source']);

/**
 * An opening tag counts only when its closing tag is there too: "if a<b and b>c" is a comparison, and
 * "Use <script> tags safely" is about them. `<br>` and `<wbr>` always count.
 */
function stripMarkup(text: string): string {
  if (!text.includes('<')) return text;
  const lower = text.toLowerCase();
  return text.replace(UNSEEN, '').replace(MARKUP, (tag, slash: string, name: string) => {
    const n = name.toLowerCase();
    const markup = slash || n === 'br' || n === 'wbr' || tag.endsWith('/>') || lower.includes(`</${n}>`) || (EMPTY.has(n) && /\s/.test(tag));
    return markup ? '' : tag;
  });
}

/**
 * The text of a title given as HTML: markup removed (a script's or style's content with it) and entities
 * decoded, twice-escaped ones too, as `&amp;amp;` is common in feeds.
 */
export function htmlTitleText(html: string): string {
  let text = stripMarkup(html);
  for (let pass = 0; pass < 2 && text.includes('&'); pass++) text = stripMarkup(decodeHTMLStrict(text));
  return text;
}
