import type { APIEmbed } from 'discord.js';
import { sourcesLine } from '../../delivery/compose-roundup.ts';
import type { Roundup, RoundupEntry } from '../../delivery/port.ts';
import { embedUrl, fitDiscord, fitPlain } from './markdown.ts';
import { sourceColor } from './render-alert.ts';

// A roundup holds at most ten stories (src/rhythm/gatherer.ts), one embed each: Discord's ten embeds.
// Each embed is kept under 560 characters, so that the ten stay inside the 6,000 characters Discord
// allows for all of a message's embeds together.
const TITLE_MAX = 200;
const SUMMARY_MAX = 240;
/** The original title of a story shown translated, at the top of its description: it takes its room from the summary's. */
const ORIGINAL_MAX = 120;
const FOOTER_MAX = 110;
const CONTENT_MAX = 2000;

/** The chart's attachment name, as an embed or the message refers to it. */
export const CHART_FILENAME = 'trends.png';

function alertedNote(entry: RoundupEntry): string {
  if (entry.alerted === null) return '';
  return entry.alerted ? ' · already alerted here' : ' · new to this channel';
}

function entryEmbed(entry: RoundupEntry): APIEmbed {
  const footer = fitPlain(`${sourcesLine(entry.sources)}${alertedNote(entry)}`, FOOTER_MAX);
  const original = entry.originalLine ? fitDiscord(entry.originalLine, ORIGINAL_MAX) : '';
  const summary = entry.summary ? fitDiscord(entry.summary, SUMMARY_MAX - (original ? original.length + 1 : 0)) : '';
  const description = [original, summary].filter(Boolean).join('\n');
  return {
    title: fitDiscord(entry.title, TITLE_MAX),
    url: embedUrl(entry.url),
    color: sourceColor(entry.sources[0] ?? null),
    ...(description ? { description } : {}),
    footer: { text: footer },
  };
}

/**
 * A fold or digest as a message: the heading (and footer) as its content, an embed per story. A weekly
 * digest's chart goes as an attachment, shown under the embeds. Feed text is escaped as in alerts.
 */
export function roundupBody(roundup: Roundup): { content: string; embeds: APIEmbed[] } {
  const content = [`**${fitDiscord(roundup.heading, 300)}**`, ...(roundup.footer ? [fitDiscord(roundup.footer, 300)] : [])].join('\n').slice(0, CONTENT_MAX);
  return { content, embeds: roundup.entries.map(entryEmbed) };
}
