import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { Answer, ResultItem } from '../../../commands/index.ts';
import type { Marked } from '../../search/snippet.ts';
import { embedUrl, escapeDiscord, fitDiscord, linkHost } from './markdown.ts';
import { sourceColor } from './render-alert.ts';

/** A reply as discord.js takes it (content, embeds, buttons); mentions are never parsed. */
export interface DiscordReply {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

// Discord caps a message's content at 2000 characters and all its embeds together at 6000.
const CONTENT_MAX = 2000;
const RESULT_TEXT_MAX = 700;

/** A command's answer for Discord. Results come with a "More" button whose id `moreId` gives. */
export function answerReply(answer: Answer, moreId: (next: string) => string): DiscordReply {
  switch (answer.kind) {
    case 'error':
      return { content: fit(`⚠️ ${escapeDiscord(answer.message)}${answer.usage ? `\nUsage: \`${answer.usage.replace(/`/g, "'")}\`` : ''}`), embeds: [], components: [] };
    case 'notice':
      return { content: fit([...(answer.heading ? [`**${escapeDiscord(answer.heading)}**`] : []), ...answer.lines.map(escapeDiscord)].join('\n')), embeds: [], components: [] };
    case 'list': {
      const rows = answer.rows.length ? answer.rows.map(escapeDiscord) : [`*${escapeDiscord(answer.empty)}*`];
      return { embeds: [{ title: fitDiscord(answer.heading, 256), description: joinWithin(rows, 4000) }], components: [] };
    }
    case 'results':
      return {
        content: `**${fitDiscord(answer.heading, 300)}**`,
        embeds: answer.results.slice(0, 10).map(resultEmbed),
        components: answer.more
          ? [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'More', custom_id: moreId(answer.more) }] }]
          : [],
      };
  }
}

/** One result: the linked title, the matched words in context (else the summary), source, id and host. */
function resultEmbed(result: ResultItem): APIEmbed {
  const hasMatch = result.snippet.some((part) => part.match);
  const text = hasMatch || !result.summary ? bold(result.snippet, RESULT_TEXT_MAX) : fitDiscord(result.summary, RESULT_TEXT_MAX);
  const footer = [result.source, `#${result.id}`, linkHost(result.url)].filter(Boolean).join(' · ');
  return {
    title: fitDiscord(result.title.map((p) => p.text).join(''), 200),
    url: embedUrl(result.url),
    ...(text ? { description: text } : {}),
    footer: { text: footer.slice(0, 200) },
    timestamp: new Date(result.publishedAt).toISOString(),
    color: sourceColor(result.source),
  };
}

/** Matched words in bold, within `max` characters. */
function bold(parts: Marked, max: number): string {
  let out = '';
  for (const part of parts) {
    const room = max - out.length - (part.match ? 4 : 0);
    const escaped = escapeDiscord(part.text);
    if (escaped.length > room) {
      if (room < 2) return `${out}…`;
      const cut = fitDiscord(part.text, room);
      return out + (part.match ? `**${cut}**` : cut);
    }
    out += part.match ? `**${escaped}**` : escaped;
  }
  return out;
}

/** Lines joined, as many as fit, and a count of the rest. */
function joinWithin(lines: string[], max: number): string {
  let out = '';
  for (const [index, line] of lines.entries()) {
    const next = out ? `${out}\n${line}` : line;
    if (next.length > max - 20) return `${out}\n…and ${lines.length - index} more`;
    out = next;
  }
  return out;
}

function fit(text: string): string {
  return text.length <= CONTENT_MAX ? text : `${text.slice(0, CONTENT_MAX - 1)}…`;
}
