import type { types } from '@slack/bolt';
import type { Answer, ResultItem } from '../../../commands/index.ts';
import { relativeTime, sourceCount } from '../../format.ts';
import type { Marked } from '../../search/snippet.ts';
import { emphasize, resultBody } from '../shared-text.ts';
import { escapeMrkdwn, fitMrkdwn, MRKDWN_BOLD, mrkdwnHost, mrkdwnLink } from './mrkdwn.ts';
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
      const lines = [...(answer.heading ? [`*${escapeMrkdwn(answer.heading)}*`] : []), ...answer.lines.map(escapeMrkdwn)];
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
  const meta = [result.source ? fitMrkdwn(result.source, 100) : null, sourceCount(result.sourceCount), relativeTime(result.publishedAt, now), `#${result.id}`, mrkdwnHost(result.url)]
    .filter(Boolean)
    .join(' · ');
  const shown = resultBody(result);
  const body = 'marked' in shown ? emphasize(shown.marked, 1500, MRKDWN_BOLD) : fitMrkdwn(shown.summary, 1500);
  return section([`*${mrkdwnLink(result.url, title, 1000)}*`, meta, ...(body ? [body] : [])].join('\n'));
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
