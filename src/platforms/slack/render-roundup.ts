import type { types } from '@slack/bolt';
import { sourcesLine } from '../../delivery/compose-roundup.ts';
import type { Roundup, RoundupEntry } from '../../delivery/port.ts';
import type { SlackMessage } from './render-alert.ts';
import { fitMrkdwn, mrkdwnLink } from './mrkdwn.ts';

// A roundup holds at most ten stories (src/rhythm/gatherer.ts): a heading, two blocks a story, a footer
// and a chart make 24 of the 50 blocks Slack allows. Each story's text is kept short, so that the whole
// stays far inside the 3,000 characters of a section and the 12,000 of a message.
const TITLE_MAX = 250;
const SUMMARY_MAX = 500;
/** The original title of a story shown translated: it takes its room from the summary's. */
const ORIGINAL_MAX = 200;
const SOURCES_MAX = 300;

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });

function alertedNote(entry: RoundupEntry): string {
  if (entry.alerted === null) return '';
  return entry.alerted ? ' · already alerted here' : ' · new to this channel';
}

/** The two blocks of one story: its linked title (and original title, when translated) and summary, then its sources. */
function entryBlocks(entry: RoundupEntry): types.KnownBlock[] {
  const title = `*${mrkdwnLink(entry.url, fitMrkdwn(entry.title, TITLE_MAX), 1000)}*`;
  const original = entry.originalLine ? `\n${fitMrkdwn(entry.originalLine, ORIGINAL_MAX)}` : '';
  const summary = entry.summary ? `\n${fitMrkdwn(entry.summary, SUMMARY_MAX - original.length)}` : '';
  return [
    { type: 'section', text: mrkdwn(`${title}${original}${summary}`) },
    { type: 'context', elements: [mrkdwn(`${fitMrkdwn(sourcesLine(entry.sources), SOURCES_MAX)}${alertedNote(entry)}`)] },
  ];
}

/**
 * A fold or digest as Block Kit: the heading, each story with its sources, the footer, and a weekly
 * digest's chart (an uploaded file, by its id). Feed text is escaped as in alerts.
 */
export function roundupMessage(roundup: Roundup, chartFileId: string | null = null): SlackMessage {
  const heading = fitMrkdwn(roundup.heading, 300);
  const blocks: types.KnownBlock[] = [{ type: 'section', text: mrkdwn(`*${heading}*`) }, ...roundup.entries.flatMap(entryBlocks)];
  if (roundup.footer) blocks.push({ type: 'context', elements: [mrkdwn(fitMrkdwn(roundup.footer, 300))] });
  if (chartFileId && roundup.chart) blocks.push({ type: 'image', slack_file: { id: chartFileId }, alt_text: roundup.chart.alt });
  return { text: heading, blocks };
}
