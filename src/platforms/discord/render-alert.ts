import { embedLength, type APIEmbed } from 'discord.js';
import type { Alert } from '../../delivery/port.ts';
import { linkableUrl, linkHost } from '../message-text.ts';
import { embedUrl, fitDiscord, fitPlain } from './markdown.ts';

// Discord's embed limits: title 256, description 4096, author name 256, field value 1024, footer 2048,
// and 6000 for all of an embed's text.
const SUMMARY_MAX = 1500;
const ORIGINAL_MAX = 300;
const DESCRIPTION_MAX = 4096;
const EMBED_TEXT_MAX = 6000;

/** Distinct, readable colours on both themes; each source keeps one. */
const PALETTE = [0x5865f2, 0x57f287, 0xfee75c, 0xeb459e, 0xed4245, 0x3ba55c, 0xfaa61a, 0x00a8fc, 0x9b59b6, 0x1abc9c, 0xe67e22, 0x95a5a6];

export function sourceColor(source: string | null): number {
  let hash = 0x811c9dc5;
  for (const char of source ?? '') hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

/**
 * An alert as an embed: the title linked to the item, the summary as the description, the source as
 * author (in its own colour), the published time, the watch that matched, and the other sources of the
 * story when there are any. The link's host is the footer, so that readers see where it goes. When the
 * title and summary are shown translated, the description starts with the original title. Translations
 * are the LLM's text, escaped as feed text is.
 *
 * A link too long for the title (Discord refuses an embed url over 2,048 characters) is shown under the
 * summary instead, where Discord links it as it is, when the embed has room for it; otherwise it is left
 * out, and the host still says where the item is.
 */
export function alertEmbed(alert: Alert): APIEmbed {
  const host = linkHost(alert.url);
  const url = embedUrl(alert.url);
  const embed: APIEmbed = {
    title: fitDiscord(alert.title, 256),
    url,
    ...(alert.source ? { author: { name: fitPlain(alert.source, 256) } } : {}),
    timestamp: new Date(alert.publishedAt).toISOString(),
    color: sourceColor(alert.source),
    fields: [
      { name: 'Watch', value: fitDiscord(alert.watch, 1024), inline: true },
      ...(alert.alsoCoveredBy.length ? [{ name: 'Also covered by', value: fitDiscord(alert.alsoCoveredBy.join(', '), 1024), inline: true }] : []),
    ],
    ...(host ? { footer: { text: fitPlain(host, 256) } } : {}),
  };
  const room = Math.min(DESCRIPTION_MAX, EMBED_TEXT_MAX - embedLength(embed));
  const original = alert.originalLine ? fitDiscord(alert.originalLine, Math.min(ORIGINAL_MAX, room)) : '';
  const left = room - (original ? original.length + 1 : 0);
  const link = url ? null : linkableUrl(alert.url);
  const shownLink = link && link.length <= left ? link : null;
  const summary = alert.summary ? fitDiscord(alert.summary, Math.min(SUMMARY_MAX, left - (shownLink ? shownLink.length + 1 : 0))) : '';
  const description = [original, summary, shownLink].filter(Boolean).join('\n');
  return description ? { ...embed, description } : embed;
}
