import type { App, RespondArguments, webApi } from '@slack/bolt';
import { resolveCommand, runDefinition, type CommandServices } from '../../../commands/index.ts';
import type { CommandRateLimiter } from '../../../commands/rate-limit.ts';
import type { Logger } from '../../log.ts';
import { escapeMrkdwn } from './mrkdwn.ts';
import { answerMessage, MORE_ACTION } from './render-answer.ts';
import { slackChannelName } from './slack-channel.ts';

export const SLASH_COMMAND = '/ainews';

export interface SlashCommandDeps {
  services: CommandServices;
  /** AINEWS_ADMINS: `slack:<user id>` entries may add and remove feeds besides workspace admins. */
  admins: readonly string[];
  log: Logger;
  limiter: CommandRateLimiter;
  /** The bot's name, for the invitation hint (from auth.test). */
  botName(): Promise<string>;
}

interface Asker {
  team: string;
  channel: string;
  user: string;
  userName?: string;
}

/**
 * `/ainews …` and its "More" button. The Slack side only translates: the payload into a command of
 * commands/, the answer into Block Kit. Acked at once; answered through response_url, privately unless
 * the answer is for the whole channel.
 */
export function registerSlashCommand(app: App, deps: SlashCommandDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    const asker = { team: command.team_id, channel: command.channel_id, user: command.user_id, userName: command.user_name };
    await respond(overLimit(asker, deps) ?? (await answer(command.text, asker, client, deps)));
  });

  app.action(MORE_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    if (action.type !== 'button' || body.type !== 'block_actions' || !body.channel || !action.value) return;
    const asker = { team: body.team?.id ?? body.user.team_id ?? '', channel: body.channel.id, user: body.user.id, userName: body.user.name };
    // The next page takes the place of the one whose button was pressed; a refusal leaves it in place.
    const refusal = overLimit(asker, deps);
    if (refusal) return void (await respond({ ...refusal, replace_original: false }));
    await respond({ ...(await answer(action.value, asker, client, deps)), response_type: 'ephemeral', replace_original: true });
  });
}

/** The private refusal for a user over COMMANDS_PER_MINUTE, or null when the command may run. */
function overLimit(asker: Asker, deps: SlashCommandDeps): RespondArguments | null {
  const wait = deps.limiter.take(`slack:${asker.team}/${asker.user}`);
  return wait ? { ...answerMessage(deps.limiter.refusal(wait)), response_type: 'ephemeral' } : null;
}

async function answer(text: string, asker: Asker, client: webApi.WebClient, deps: SlashCommandDeps): Promise<RespondArguments> {
  const { command, args } = resolveCommand(text);
  const isAdmin = command.needsAdmin?.(args) ? await isAdminUser(client, asker.user, deps) : false;
  const result = runDefinition(
    command,
    args,
    { channel: slackChannelName(asker.team, asker.channel), user: asker.userName ? `@${asker.userName}` : `slack:${asker.user}`, isAdmin, services: deps.services },
    (error) => deps.log.error({ err: error, command: command.name }, 'command failed'),
  );
  const message = answerMessage(result);
  const announce = result.kind === 'notice' && result.announce === true;
  if (command.name === 'watch' && result.kind === 'notice' && !(await isMember(client, asker.channel, deps))) {
    const hint = `:wave: I am not in this channel, so I cannot post alerts here yet. Invite me with \`/invite @${escapeMrkdwn(await deps.botName())}\`.`;
    message.blocks.push({ type: 'section', text: { type: 'mrkdwn', text: hint } });
    message.text += `\n${hint}`;
  }
  return { ...message, response_type: announce ? 'in_channel' : 'ephemeral' };
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
