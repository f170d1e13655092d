import { fitEscaped, linkableUrl } from '../message-text.ts';

const URL_PATTERN = /https?:\/\/[^\s<>]+/g;

/**
 * Feed text made inert for Discord: markdown escaped (bold, italics, code, spoilers, headings, lists,
 * quotes, and masked links, which would show one address and open another), and mention syntax broken
 * with a zero-width space so that `@everyone`, `<@id>`, `<@&role>` and `<#channel>` show as text.
 * URLs are left whole, so that they still link (Discord reads no markdown inside them). Messages also
 * go out with `allowed_mentions: { parse: [] }`, so nothing pings even if something slipped by.
 */
export function escapeDiscord(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    out += escapePlain(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return breakMentions(out + escapePlain(text.slice(last)));
}

/** Mention syntax made text with an invisible zero-width space: `@everyone`, `<@id>`, `<#id>`, `</cmd:id>`. */
function breakMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<(?=[@#/]|a?:)/g, '<\u200b');
}

function escapePlain(text: string): string {
  return text
    .replace(/[\\*_~`|[\]()]/g, '\\$&')
    .replace(/^(\s*)(>|#|-#|-(?=\s)|\+(?=\s))/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.');
}

/** Escaped text of at most `max` characters, cut on a whole character and ended with an ellipsis when cut. */
export function fitDiscord(text: string, max: number): string {
  return fitEscaped(text, max, escapeDiscord);
}

/**
 * Text for the places Discord shows as typed, without markdown (an embed's author and footer, a
 * choice's name): mention syntax broken invisibly, and cut to `max` characters on a whole character.
 */
export function fitPlain(text: string, max: number): string {
  return fitEscaped(text, max, breakMentions);
}

/** Discord refuses an embed whose url is longer than this. */
export const EMBED_URL_MAX = 2048;

/** A URL Discord may link an embed title to: http(s) only, and no longer than it takes. */
export function embedUrl(url: string | null): string | undefined {
  const safe = linkableUrl(url);
  return safe && safe.length <= EMBED_URL_MAX ? safe : undefined;
}
