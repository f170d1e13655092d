import type { types } from '@slack/bolt';
import type { Answer, ResultItem } from '../../../commands/index.ts';
import { relativeTime, sourceCount } from '../../format.ts';
import type { Marked } from '../../search/snippet.ts';
import { emphasize, joinWithin, resultBody } from '../message-text.ts';
import { fitMrkdwn, MRKDWN_BOLD, mrkdwnHost, mrkdwnLink } from './mrkdwn.ts';
import type { SlackMessage } from './render-alert.ts';

/** The action id of the "More" button; its value is the command that fetches the next page. */
export const MORE_ACTION = 'ainews_more';

// Block Kit takes 3,000 characters in a section and 2,000 in a button's value, and Slack refuses a
// message whose blocks hold more than about 12,000 characters of text in all; a little is kept back
// for what the slash command adds (the invitation hint). The fallback text stays under 4,000.
const SECTION_MAX = 2900;
const BUTTON_VALUE_MAX = 2000;
const BLOCKS_TEXT_MAX = 11_000;
const TEXT_MAX = 3000;

/** Each part of a result, at most: a result stays within a section, five of them within a message. */
const RESULT_PARTS = { title: 300, link: 1000, source: 100, host: 100, body: 1500 };

const section = (text: string): types.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): types.KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const more = (left: number) => `_…and ${left} more_`;

/** A command's answer as Block Kit. Results come with a "More" button when there is a next page. */
export function answerMessage(answer: Answer, now = new Date()): SlackMessage {
  switch (answer.kind) {
    case 'error':
      return {
        text: `Error: ${fitMrkdwn(answer.message, TEXT_MAX - 7)}`,
        blocks: [section(`:warning: ${fitMrkdwn(answer.message, SECTION_MAX)}`), ...(answer.usage ? [context(`Usage: \`${fitMrkdwn(answer.usage, SECTION_MAX)}\``)] : [])],
      };
    case 'notice': {
      const heading = answer.heading ? [`*${fitMrkdwn(answer.heading, SECTION_MAX - 2)}*`] : [];
      const render = (line: string, index: number) => (index < heading.length ? line : fitMrkdwn(line, SECTION_MAX));
      const lines = [...heading, ...answer.lines, ...(answer.warnings ?? []).map((warning) => `:warning: ${warning}`)];
      return { text: joinWithin(lines, TEXT_MAX, more, render), blocks: sections(lines, BLOCKS_TEXT_MAX, render).map(section) };
    }
    case 'chart': {
      // The picture is uploaded on its own (slash-command.ts); this is what shows where it cannot be.
      const heading = `*${fitMrkdwn(answer.heading, SECTION_MAX - 2)}*`;
      const lines = answer.lines.map((line) => fitMrkdwn(line, 300)).join('\n');
      return { text: fitMrkdwn(answer.heading, TEXT_MAX), blocks: [section(heading), section(`\`\`\`${lines.slice(0, SECTION_MAX - 6)}\`\`\``)] };
    }
    case 'list': {
      const heading = `*${fitMrkdwn(answer.heading, SECTION_MAX - 2)}*`;
      const rows = answer.rows.length ? answer.rows : [`_${fitMrkdwn(answer.empty, SECTION_MAX - 2)}_`];
      const render = answer.rows.length ? (row: string) => fitMrkdwn(row, SECTION_MAX) : undefined;
      return { text: fitMrkdwn(answer.heading, TEXT_MAX), blocks: [section(heading), ...sections(rows, BLOCKS_TEXT_MAX - heading.length, render).map(section)] };
    }
    case 'results': {
      const heading = `*${fitMrkdwn(answer.heading, SECTION_MAX - 2)}*`;
      const blocks: types.KnownBlock[] = [section(heading), ...resultBlocks(answer.results, BLOCKS_TEXT_MAX - heading.length, now).map(section)];
      if (answer.more && answer.more.length <= BUTTON_VALUE_MAX) {
        blocks.push({
          type: 'actions',
          elements: [{ type: 'button', action_id: MORE_ACTION, text: { type: 'plain_text', text: 'More' }, value: answer.more }],
        });
      }
      return { text: fitMrkdwn(answer.heading, TEXT_MAX), blocks };
    }
  }
}

/**
 * The results' sections within `budget` characters together. Each part of a result has its own
 * budget; when a long page of long results would not fit (`latest 20` of hostile feeds), every part
 * is given a smaller share, as often as needed, so that every result still shows.
 */
function resultBlocks(results: ResultItem[], budget: number, now: Date): string[] {
  for (let share = 1; ; share *= 0.7) {
    const parts = Object.fromEntries(Object.entries(RESULT_PARTS).map(([part, max]) => [part, Math.floor(max * share)])) as typeof RESULT_PARTS;
    const texts = results.map((result) => resultText(result, parts, now));
    const total = texts.reduce((sum, text) => sum + text.length, 0);
    if (total <= budget) return texts;
    // Below a tenth of each part, whatever is left over is the results' fixed text: keep those that fit.
    if (share < 0.1) return texts.filter((text) => (budget -= text.length) >= 0);
  }
}

/**
 * One result: the linked title; source, age, id and the link's host; then the matched words in context,
 * else the summary.
 */
function resultText(result: ResultItem, parts: typeof RESULT_PARTS, now: Date): string {
  const title = fitMrkdwn(plain(result.title), Math.max(parts.title, 20));
  const meta = [result.source ? fitMrkdwn(result.source, Math.max(parts.source, 10)) : null, sourceCount(result.sourceCount), relativeTime(result.publishedAt, now), `#${result.id}`, mrkdwnHost(result.url, Math.max(parts.host, 20))]
    .filter(Boolean)
    .join(' · ');
  const shown = resultBody(result);
  const body = 'marked' in shown ? emphasize(shown.marked, parts.body, MRKDWN_BOLD) : fitMrkdwn(shown.summary, parts.body);
  return [`*${mrkdwnLink(result.url, title, parts.link)}*`, meta, ...(body ? [body] : [])].join('\n');
}

function plain(parts: Marked): string {
  return parts.map((p) => p.text).join('');
}

/**
 * Lines (each rendered within a section) in as few sections as Block Kit allows, within `budget`
 * characters in all; the lines past it are counted in a last line.
 */
function sections(lines: string[], budget: number, render?: (line: string, index: number) => string): string[] {
  const shown = joinWithin(lines, budget, more, render).split('\n');
  const out: string[] = [];
  for (const line of shown) {
    const last = out.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= SECTION_MAX) out[out.length - 1] = `${last}\n${line}`;
    else out.push(line);
  }
  return out;
}
