import { fitEscaped, linkableUrl, linkHost, type Emphasis } from '../message-text.ts';

/**
 * Text for Slack's mrkdwn. `&`, `<` and `>` are its only control characters: escaped, feed text can no
 * longer mention anyone (`<!channel>`, `<!here>`, `<@U…>`) or make a link that shows one address and
 * opens another (`<https://evil|https://good>`). Slack shows the entities as the characters they stand for.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escaped text of at most `max` characters once escaped, cut on a character (never inside an entity or a
 * surrogate pair) and ended with an ellipsis when cut.
 */
export function fitMrkdwn(text: string, max: number): string {
  return fitEscaped(text, max, escapeMrkdwn);
}

/**
 * A mrkdwn link to an http(s) URL, showing `label` (already escaped). The URL is percent-encoded where it
 * could end the link or start its label. Anything but http(s), or a link longer than `max` characters,
 * is shown as the label alone.
 */
export function mrkdwnLink(url: string | null, label: string, max = Infinity): string {
  const safe = linkableUrl(url);
  const link = safe ? `<${escapeMrkdwn(safe.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E'))}|${label}>` : label;
  return link.length <= max ? link : label;
}

/**
 * A time Slack shows in each reader's own time zone and format; `fallback` is what clients that cannot
 * show it display.
 */
export function slackDate(iso: string, format: string, fallback: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return escapeMrkdwn(fallback);
  return `<!date^${seconds}^${format}|${escapeMrkdwn(fallback)}>`;
}

/** The host of a link (escaped), shown beside it so that readers see where it goes whatever its label says. */
export function mrkdwnHost(url: string | null, max = 100): string | null {
  const host = linkHost(url);
  return host ? fitMrkdwn(host, max) : null;
}

/**
 * Matched words in bold. Slack only sees `*…*` as bold at a word boundary, which Chinese text has none
 * of: zero-width spaces make one without showing. An asterisk inside would end the bold early.
 */
export const MRKDWN_BOLD: Emphasis = {
  escape: escapeMrkdwn,
  strong: (escaped) => `\u200b*${escaped.replace(/\*/g, '∗')}*\u200b`,
  extra: 4,
};
