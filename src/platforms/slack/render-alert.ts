import type { types } from '@slack/bolt';
import type { Alert, StoryUpdate } from '../../delivery/port.ts';
import type { MentionTarget } from '../../mention.ts';
import { shortTime } from '../../format.ts';
import { joinWithin } from '../message-text.ts';
import { fitMrkdwn, mrkdwnHost, mrkdwnLink, slackDate } from './mrkdwn.ts';

/** A message as chat.postMessage and response_url take it: Block Kit, and plain text for notifications. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

// Block Kit caps a section's text at 3000 characters; titles are kept to what reads as a headline. The
// parts together stay well within the 12,000 characters of text Slack takes in a message's blocks.
const SECTION_MAX = 3000;
const TITLE_MAX = 300;
const ORIGINAL_MAX = 320;
const SUMMARY_MAX = 2900;

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });

/**
 * An alert as Block Kit: the linked title (under it, the original title when it is shown translated),
 * the source, time and link host, the summary, and the watch that matched (with the other sources of the
 * story when there are any). Every piece of feed text is escaped, and so is the LLM's translation of it;
 * the fallback text is too, as Slack reads it as mrkdwn as well.
 */
export function alertMessage(alert: Alert): SlackMessage {
  const title = fitMrkdwn(alert.title, TITLE_MAX);
  const meta = [
    alert.source ? fitMrkdwn(alert.source, 100) : null,
    slackDate(alert.publishedAt, '{date_short_pretty} {time}', shortTime(alert.publishedAt)),
    mrkdwnHost(alert.url),
  ].filter(Boolean);
  const footer = [`Watch “${fitMrkdwn(alert.watch, 200)}”`];
  if (alert.alsoCoveredBy.length) footer.push(`Also covered by ${fitMrkdwn(alert.alsoCoveredBy.join(', '), 500)}`);
  const ping = alert.mention ? slackMention(alert.mention) : null;
  const blocks: types.KnownBlock[] = [
    ...(ping ? [{ type: 'section' as const, text: mrkdwn(ping) }] : []),
    { type: 'section', text: mrkdwn(`*${mrkdwnLink(alert.url, title, SECTION_MAX - 2)}*`) },
    ...(alert.originalLine ? [{ type: 'context' as const, elements: [mrkdwn(fitMrkdwn(alert.originalLine, ORIGINAL_MAX))] }] : []),
    { type: 'context', elements: [mrkdwn(meta.join(' · '))] },
    ...(alert.summary ? [{ type: 'section' as const, text: mrkdwn(fitMrkdwn(alert.summary, SUMMARY_MAX)) }] : []),
    { type: 'context', elements: footer.map(mrkdwn) },
  ];
  const text = `${ping ? `${ping} ` : ''}${title}${alert.source ? ` (${fitMrkdwn(alert.source, 100)})` : ''}`;
  return { text, blocks };
}

/**
 * The ping of a watch's mention: a user group as `<!subteam^ID>`, a user as `<@ID>`. The id was
 * resolved by Slack when the watch was added; it is checked again here, so that nothing but an id can
 * ever reach the message as markup.
 */
export function slackMention(target: MentionTarget): string | null {
  if (!/^[A-Z0-9]{2,20}$/.test(target.id)) return null;
  if (target.kind === 'group') return `<!subteam^${target.id}>`;
  return target.kind === 'user' ? `<@${target.id}>` : null;
}

/**
 * A story's later sources, as a reply in its alert's thread: each source linked to its report (the
 * first ten, as many as the section holds), and how many more there are.
 */
export function updateMessage(update: StoryUpdate): SlackMessage {
  const text = `Also covered by ${fitMrkdwn(update.newSources.map((source) => source.name).join(', '), 500)}`;
  const lines = update.newSources.slice(0, 10).map((source) => `• ${fitMrkdwn(source.name, 100)}: ${mrkdwnLink(source.url, fitMrkdwn(source.title, TITLE_MAX), 600)}`);
  const hidden = update.newSources.length - lines.length;
  // A cut below the tenth source counts the sources left out, beyond the ten too (not the note line).
  const more = (left: number) => `…and ${hidden ? left - 1 + hidden : left} more`;
  const body = joinWithin([`*${text}*`, ...lines, ...(hidden ? [`…and ${hidden} more`] : [])], SECTION_MAX, more);
  return { text, blocks: [{ type: 'section', text: mrkdwn(body) }] };
}
