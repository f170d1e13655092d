import {
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { suggest } from '../../../commands/autocomplete.ts';
import type { Asker, Dispatcher } from '../../../commands/dispatch.ts';
import type { CommandServices } from '../../../commands/index.ts';
import { searchCommand } from '../../../commands/search.ts';
import type { Logger } from '../../log.ts';
import type { MorePages } from './more-pages.ts';
import { fitPlain } from './markdown.ts';
import { resolveDiscordMention } from './discord-mentions.ts';
import { answerReply } from './render-answer.ts';
import { findCommand } from './slash-commands.ts';

export type WatchPermission = 'ManageChannels' | 'ManageGuild' | 'ManageMessages' | 'none';

export interface InteractionDeps {
  dispatcher: Dispatcher;
  /** For autocompletion: this channel's watches, the feeds. */
  services: Pick<CommandServices, 'watches' | 'feeds'>;
  /** AINEWS_ADMINS: `discord:<user id>` entries are admins besides members with Manage Server. */
  admins: readonly string[];
  /** The permission a member needs in a channel to manage it, e.g. change its watches (DISCORD_WATCH_PERMISSION). */
  watchPermission: WatchPermission;
  pages: MorePages;
  log: Logger;
}

const NO_MENTIONS = { parse: [] };
// What the bot needs to post alerts in a channel, and in a thread or forum post.
const POSTING = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks];
const POSTING_IN_THREADS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessagesInThreads, PermissionFlagsBits.EmbedLinks];

/**
 * Every interaction ainews answers: the generated slash commands, their autocompletes and the "More"
 * button. The Discord side only translates: options go to the dispatcher with a port that answers who
 * the member is, and the answer becomes embeds.
 */
export async function handleInteraction(interaction: Interaction, deps: InteractionDeps): Promise<void> {
  try {
    if (interaction.isChatInputCommand()) await slashCommand(interaction, deps);
    else if (interaction.isAutocomplete()) await autocomplete(interaction, deps);
    else if (interaction.isButton() && deps.pages.isMore(interaction.customId)) await morePage(interaction, deps);
  } catch (error) {
    deps.log.error({ err: error, interaction: interaction.id }, 'a Discord interaction could not be answered');
  }
}

function commandOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction, deps: InteractionDeps) {
  return findCommand(deps.dispatcher.commands, interaction.commandName, interaction.options.getSubcommandGroup(false), interaction.options.getSubcommand(false) ?? '');
}

async function slashCommand(interaction: ChatInputCommandInteraction, deps: InteractionDeps): Promise<void> {
  const command = commandOf(interaction, deps);
  if (!command) return;
  const flags = interaction.options.getBoolean('share') === true ? undefined : MessageFlags.Ephemeral;
  let deferred = false;
  const asker = discordAsker(interaction, deps, async () => {
    await interaction.deferReply({ flags });
    deferred = true;
  });
  const values = Object.fromEntries(command.options.map((option) => [option.name, interaction.options.get(option.name)?.value]));
  const answer = await deps.dispatcher.dispatch({ command, values }, asker);
  const reply = answerReply(answer, (next) => deps.pages.idFor(next));
  if (deferred) await interaction.editReply({ ...reply, allowedMentions: NO_MENTIONS });
  else await interaction.reply({ ...reply, flags: answer.kind === 'error' ? MessageFlags.Ephemeral : flags, allowedMentions: NO_MENTIONS });
}

/** The member asking, as the dispatcher needs to know them; `defer` acknowledges the interaction first. */
function discordAsker(interaction: ChatInputCommandInteraction | ButtonInteraction, deps: InteractionDeps, defer?: () => Promise<void>): Asker {
  const listed = deps.admins.includes(`discord:${interaction.user.id}`);
  const permission = deps.watchPermission;
  return {
    id: `discord:${interaction.user.id}`,
    name: `@${interaction.user.username}`,
    channel: `discord:${interaction.channelId}`,
    // Feeds change what every channel gets: Manage Server (declared on /ainews-admin, checked again here).
    isAdmin: async () => listed || interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true,
    // In a direct message with the bot, the channel is the user's own.
    isChannelManager: async () => permission === 'none' || !interaction.inGuild() || interaction.memberPermissions?.has(PermissionFlagsBits[permission]) === true,
    whoMay: (access) =>
      access === 'admin'
        ? 'members with Manage Server, and the users in AINEWS_ADMINS'
        : `members with the ${spaced(permission)} permission here (the server's choice, through DISCORD_WATCH_PERMISSION), and the users in AINEWS_ADMINS`,
    cannotPost: async () => postingProblem(interaction),
    defer,
    resolveMention: (target) => resolveDiscordMention(interaction, target),
  };
}

/** What the bot lacks to post alerts in this channel (Send Messages in a channel, Send Messages in Threads in a thread). */
function postingProblem(interaction: ChatInputCommandInteraction | ButtonInteraction): string | null {
  const permissions = interaction.appPermissions;
  const needed = interaction.channel?.isThread() ? POSTING_IN_THREADS : POSTING;
  if (!interaction.inGuild() || permissions.has(needed)) return null;
  return `I cannot post alerts here yet: I need ${permissions.missing(needed).map(spaced).join(', ')} in this channel.`;
}

async function autocomplete(interaction: AutocompleteInteraction, deps: InteractionDeps): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const source = commandOf(interaction, deps)?.options.find((o) => o.name === focused.name)?.autocomplete;
  const choices = source ? await suggest(source, String(focused.value), { channel: `discord:${interaction.channelId}`, services: deps.services }) : [];
  // Discord takes at most 25 choices, each name and value at most 100 characters.
  await interaction.respond(
    choices
      .filter((c) => c.value.length <= 100)
      .slice(0, 25)
      .map((c) => ({ name: fitPlain(c.name, 100), value: c.value })),
  );
}

/** The "More" button: the next page takes the place of the one whose button was pressed; a refusal leaves it. */
async function morePage(interaction: ButtonInteraction, deps: InteractionDeps): Promise<void> {
  const next = deps.pages.resolve(interaction.customId);
  if (next === null) {
    await interaction.update({ content: 'These results have expired: search again.', embeds: [], components: [], allowedMentions: NO_MENTIONS });
    return;
  }
  const answer = await deps.dispatcher.dispatch({ command: searchCommand, text: next }, discordAsker(interaction, deps));
  const reply = answerReply(answer, (more) => deps.pages.idFor(more));
  if (answer.kind === 'error') await interaction.reply({ ...reply, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  else await interaction.update({ ...reply, allowedMentions: NO_MENTIONS });
}

function spaced(name: string): string {
  return name.replace(/(?<=[a-z])(?=[A-Z])/g, ' ');
}
