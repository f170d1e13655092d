import type { App, webApi } from '@slack/bolt';
import type { Asker, Dispatcher } from '../../../commands/dispatch.ts';
import type { Answer } from '../../../commands/index.ts';
import { trendPng } from '../../charts/render-png.ts';
import { searchCommand } from '../../../commands/search.ts';
import type { Logger } from '../../log.ts';
import { escapeMrkdwn } from './mrkdwn.ts';
import { resolveSlackMention } from './slack-mentions.ts';
import { answerMessage, MORE_ACTION } from './render-answer.ts';
import { slackChannelName } from './slack-channel.ts';

export const SLASH_COMMAND = '/ainews';

export interface SlashCommandDeps {
  dispatcher: Dispatcher;
  /** AINEWS_ADMINS: `slack:<user id>` entries are admins besides workspace admins and owners. */
  admins: readonly string[];
  log: Logger;
  /** The bot's name, for the invitation hint (from auth.test). */
  botName(): Promise<string>;
}

interface Who {
  team: string;
  channel: string;
  user: string;
  userName?: string;
}

/**
 * `/ainews …` and its "More" button. The Slack side only translates: the typed text goes to the
 * dispatcher with a port that answers who the user is, and the answer becomes Block Kit. Acked at once;
 * answered through response_url, privately unless the answer is for the whole channel.
 */
export function registerSlashCommand(app: App, deps: SlashCommandDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    const asker = slackAsker({ team: command.team_id, channel: command.channel_id, user: command.user_id, userName: command.user_name }, client, deps);
    const answer = await deps.dispatcher.dispatch({ text: unescapeCommandText(command.text) }, asker);
    if (answer.kind === 'chart') {
      const failed = await postChart(client, command.channel_id, answer, deps);
      const said = failed === null ? { kind: 'notice' as const, lines: ['Posted the chart to this channel.'] } : { ...answer, lines: [...answer.lines, `(${failed})`] };
      await respond({ ...answerMessage(said), response_type: 'ephemeral' });
      return;
    }
    const announce = answer.kind === 'notice' && answer.announce === true;
    await respond({ ...answerMessage(answer), response_type: announce ? 'in_channel' : 'ephemeral' });
  });

  app.action(MORE_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    if (action.type !== 'button' || body.type !== 'block_actions' || !body.channel || !action.value) return;
    const who = { team: body.team?.id ?? body.user.team_id ?? '', channel: body.channel.id, user: body.user.id, userName: body.user.name };
    const answer = await deps.dispatcher.dispatch({ command: searchCommand, text: action.value }, slackAsker(who, client, deps));
    // The next page takes the place of the one whose button was pressed; a refusal leaves it in place.
    const replace = answer.kind !== 'error';
    await respond({ ...answerMessage(answer), response_type: 'ephemeral', replace_original: replace });
  });
}

function slackAsker(who: Who, client: webApi.WebClient, deps: SlashCommandDeps): Asker {
  return {
    id: `slack:${who.team}/${who.user}`,
    name: who.userName ? `@${who.userName}` : `slack:${who.user}`,
    channel: slackChannelName(who.team, who.channel),
    isAdmin: () => isAdminUser(client, who.user, deps),
    // Slack has no notion of who manages a channel: anyone in it may change its watches.
    isChannelManager: async () => true,
    whoMay: () => 'workspace admins and owners, and the users in AINEWS_ADMINS',
    cannotPost: async () =>
      (await isMember(client, who.channel, deps)) ? null : `I am not in this channel, so I cannot post alerts here yet. Invite me with /invite @${await deps.botName()}`,
    resolveMention: (target) => resolveSlackMention(client, target),
  };
}

/**
 * Posts a chart to the channel as a picture, through the files upload API (files:write); returns null
 * when it was posted, or why it could not be (the text answer is shown instead, to the user alone).
 */
async function postChart(client: webApi.WebClient, channel: string, answer: Extract<Answer, { kind: 'chart' }>, deps: SlashCommandDeps): Promise<string | null> {
  try {
    await client.files.uploadV2({
      channel_id: channel,
      file: trendPng(answer.chart),
      filename: 'trends.png',
      title: answer.chart.title,
      alt_text: answer.heading,
      initial_comment: escapeMrkdwn(answer.heading),
    });
    return null;
  } catch (error) {
    deps.log.warn({ err: (error as Error).message, channel }, 'could not post a chart to the channel');
    const reason = (error as { data?: { error?: string } }).data?.error;
    return reason === 'not_in_channel' || reason === 'channel_not_found'
      ? `I am not in this channel, so I could not post the picture; invite me with /invite @${await deps.botName()}`
      : `the picture could not be posted: ${reason ?? (error as Error).message}`;
  }
}

/**
 * What the user typed: Slack sends a slash command's text with `&`, `<` and `>` escaped as in mrkdwn
 * (`AT&amp;T`, a regex's `(?P&lt;name&gt;…)`), which would otherwise be watched and searched as typed.
 */
export function unescapeCommandText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Workspace admins and owners, and the users AINEWS_ADMINS names. */
async function isAdminUser(client: webApi.WebClient, user: string, deps: SlashCommandDeps): Promise<boolean> {
  if (deps.admins.includes(`slack:${user}`)) return true;
  try {
    const info = await client.users.info({ user });
    return Boolean(info.user?.is_admin || info.user?.is_owner || info.user?.is_primary_owner);
  } catch (error) {
    deps.log.warn({ err: (error as Error).message, user }, 'could not look up whether the user is a workspace admin (users:read scope?)');
    return false;
  }
}

/** Whether the bot can post in the channel; true when Slack would not say (so no false alarm is raised). */
async function isMember(client: webApi.WebClient, channel: string, deps: SlashCommandDeps): Promise<boolean> {
  try {
    const info = await client.conversations.info({ channel });
    return info.channel?.is_member !== false;
  } catch (error) {
    const reason = (error as { data?: { error?: string } }).data?.error;
    // A private channel the bot is not in is "not found" to it.
    if (reason === 'channel_not_found') return false;
    deps.log.warn({ err: (error as Error).message, channel }, 'could not check whether the bot is in the channel');
    return true;
  }
}
