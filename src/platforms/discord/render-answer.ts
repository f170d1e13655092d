import { sourceCount } from '../../format.ts';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { Answer, ResultItem } from '../../../commands/index.ts';
import { emphasize, fitEscaped, joinWithin, linkHost, resultBody, type Emphasis } from '../message-text.ts';
import { embedUrl, escapeDiscord, fitDiscord, fitPlain } from './markdown.ts';
import { sourceColor } from './render-alert.ts';
import { CHART_FILENAME } from './render-roundup.ts';
import { trendPng } from '../../charts/render-png.ts';

/** A reply as discord.js takes it (content, embeds, buttons); mentions are never parsed. */
export interface DiscordReply {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  /** Pictures sent as attachments (a chart). */
  files?: { attachment: Buffer; name: string; description?: string }[];
}

// Discord caps a message's content at 2000 characters, its embeds at 10, and their text together at 6000.
const CONTENT_MAX = 2000;
const EMBEDS_MAX = 10;
const EMBED_TEXT_TOTAL = 5800;
const DESCRIPTION_MAX = 4000;

const andMore = (left: number) => `…and ${left} more`;

/** A command's answer for Discord. Results come with a "More" button whose id `moreId` gives. */
export function answerReply(answer: Answer, moreId: (next: string) => string): DiscordReply {
  switch (answer.kind) {
    case 'error': {
      // A code span shows its text as typed: only a backquote could end it early.
      const usage = answer.usage ? `\nUsage: \`${fitEscaped(answer.usage, 300, (text) => text.replace(/`/g, "'"))}\`` : '';
      return { content: `⚠️ ${fitDiscord(answer.message, CONTENT_MAX - 3 - usage.length)}${usage}`, embeds: [], components: [] };
    }
    case 'notice': {
      const heading = answer.heading ? [`**${fitDiscord(answer.heading, CONTENT_MAX - 4)}**`] : [];
      const render = (line: string, index: number) => (index < heading.length ? line : fitDiscord(line, CONTENT_MAX));
      const warnings = (answer.warnings ?? []).map((warning) => `⚠️ ${warning}`);
      return { content: joinWithin([...heading, ...answer.lines, ...warnings], CONTENT_MAX, andMore, render), embeds: [], components: [] };
    }
    case 'chart': {
      // A code block shows the sparklines aligned; a backquote in a watch could end it early.
      const lines = answer.lines.map((line) => fitPlain(line.replace(/`/g, "'"), 200)).join('\n');
      const content = `**${fitDiscord(answer.heading, 300)}**\n\`\`\`\n${lines.slice(0, CONTENT_MAX - 320)}\n\`\`\``;
      return { content, embeds: [], components: [], files: [{ attachment: trendPng(answer.chart), name: CHART_FILENAME, description: answer.heading.slice(0, 1000) }] };
    }
    case 'list': {
      const rows = answer.rows.length ? answer.rows : [`*${fitDiscord(answer.empty, DESCRIPTION_MAX - 2)}*`];
      const render = answer.rows.length ? (row: string) => fitDiscord(row, DESCRIPTION_MAX) : undefined;
      return { embeds: [{ title: fitDiscord(answer.heading, 256), description: joinWithin(rows, DESCRIPTION_MAX, andMore, render) }], components: [] };
    }
    case 'results': {
      const shown = answer.results.slice(0, EMBEDS_MAX);
      const more = answer.results.length > shown.length ? ` (the first ${shown.length} of ${answer.results.length})` : '';
      // Each result's text gets an even share of what the message may hold.
      const share = Math.min(700, Math.floor(EMBED_TEXT_TOTAL / Math.max(shown.length, 1)) - 300);
      return {
        content: `**${fitDiscord(answer.heading, 300)}**${more}`,
        embeds: shown.map((result) => resultEmbed(result, share)),
        components: answer.more
          ? [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'More', custom_id: moreId(answer.more) }] }]
          : [],
      };
    }
  }
}

/**
 * One result within `textMax` characters of description: the linked title, the matched words in
 * context (else the summary), source, id and host. Title and footer stay under 300 together. A link
 * too long for Discord to take is not linked; the footer still shows its host.
 */
function resultEmbed(result: ResultItem, textMax: number): APIEmbed {
  const shown = resultBody(result);
  const text = 'marked' in shown ? emphasize(shown.marked, textMax, BOLD) : fitDiscord(shown.summary, textMax);
  const footer = [result.source, sourceCount(result.sourceCount), `#${result.id}`, linkHost(result.url)].filter(Boolean).join(' · ');
  return {
    title: fitDiscord(result.title.map((p) => p.text).join(''), 180),
    url: embedUrl(result.url),
    ...(text ? { description: text } : {}),
    footer: { text: fitPlain(footer, 110) },
    timestamp: new Date(result.publishedAt).toISOString(),
    color: sourceColor(result.source),
  };
}

/** Matched words in bold. */
const BOLD: Emphasis = { escape: escapeDiscord, strong: (escaped) => `**${escaped}**`, extra: 4 };
