import type { types } from '@slack/bolt';
import type { Answer, ResultItem } from '../../../commands/index.ts';
import { relativeTime, sourceCount } from '../../format.ts';
import type { Marked } from '../../search/snippet.ts';
import { escapeMrkdwn, fitMrkdwn, linkHost, mrkdwnLink } from './mrkdwn.ts';
import type { SlackMessage } from './render-alert.ts';

/** The action id of the "More" button; its value is the command that fetches the next page. */
export const MORE_ACTION = 'ainews_more';

const SECTION_MAX = 2900;
const BUTTON_VALUE_MAX = 2000;

const section = (text: string): types.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): types.KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/** A command's answer as Block Kit. Results come with a "More" button when there is a next page. */
export function answerMessage(answer: Answer, now = new Date()): SlackMessage {
  switch (answer.kind) {
    case 'error':
      return {
        text: `Error: ${escapeMrkdwn(answer.message)}`,
        blocks: [section(`:warning: ${fitMrkdwn(answer.message, SECTION_MAX)}`), ...(answer.usage ? [context(`Usage: \`${escapeMrkdwn(answer.usage)}\``)] : [])],
      };
    case 'notice': {
      const warnings = (answer.warnings ?? []).map((warning) => `:warning: ${escapeMrkdwn(warning)}`);
      const lines = [...(answer.heading ? [`*${escapeMrkdwn(answer.heading)}*`] : []), ...answer.lines.map(escapeMrkdwn), ...warnings];
      return { text: lines.join('\n'), blocks: chunk(lines).map(section) };
    }
    case 'list': {
      const rows = answer.rows.length ? answer.rows.map(escapeMrkdwn) : [`_${escapeMrkdwn(answer.empty)}_`];
      return { text: escapeMrkdwn(answer.heading), blocks: [section(`*${escapeMrkdwn(answer.heading)}*`), ...chunk(rows).map(section)] };
    }
    case 'results': {
      const blocks: types.KnownBlock[] = [section(`*${escapeMrkdwn(answer.heading)}*`)];
      for (const result of answer.results) blocks.push(resultBlock(result, now));
      if (answer.more && answer.more.length <= BUTTON_VALUE_MAX) {
        blocks.push({
          type: 'actions',
          elements: [{ type: 'button', action_id: MORE_ACTION, text: { type: 'plain_text', text: 'More' }, value: answer.more }],
        });
      }
      return { text: escapeMrkdwn(answer.heading), blocks };
    }
  }
}

/**
 * One result: the linked title; source, age, id and the link's host; then the matched words in context,
 * else the summary. Each part has its own budget, so the section stays under Block Kit's limit.
 */
function resultBlock(result: ResultItem, now: Date): types.KnownBlock {
  const title = fitMrkdwn(plain(result.title), 300);
  const meta = [result.source ? fitMrkdwn(result.source, 100) : null, sourceCount(result.sourceCount), relativeTime(result.publishedAt, now), `#${result.id}`, linkHost(result.url)]
    .filter(Boolean)
    .join(' · ');
  const hasMatch = result.snippet.some((part) => part.match);
  const body = hasMatch || !result.summary ? bold(result.snippet, 1500) : fitMrkdwn(result.summary, 1500);
  return section([`*${mrkdwnLink(result.url, title, 1000)}*`, meta, ...(body ? [body] : [])].join('\n'));
}

/**
 * Matched words in bold, within `max` characters. Slack only sees `*…*` as bold at a word boundary,
 * which Chinese text has none of: zero-width spaces make one without showing.
 */
function bold(parts: Marked, max: number): string {
  let out = '';
  for (const part of parts) {
    const text = part.match ? part.text.replace(/\*/g, '∗') : part.text;
    const room = max - out.length - (part.match ? 4 : 0);
    const escaped = escapeMrkdwn(text);
    if (escaped.length > room) {
      if (room < 2) return `${out}…`;
      const cut = fitMrkdwn(text, room);
      return out + (part.match ? `\u200b*${cut}*\u200b` : cut);
    }
    out += part.match ? `\u200b*${escaped}*\u200b` : escaped;
  }
  return out;
}

function plain(parts: Marked): string {
  return parts.map((p) => p.text).join('');
}

/** Lines joined into as few sections as Block Kit's length limit allows. */
function chunk(lines: string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    const fitted = line.length > SECTION_MAX ? `${line.slice(0, SECTION_MAX - 1)}…` : line;
    if (current && current.length + 1 + fitted.length > SECTION_MAX) {
      out.push(current);
      current = fitted;
    } else current = current ? `${current}\n${fitted}` : fitted;
  }
  if (current) out.push(current);
  return out.slice(0, 48);
}
