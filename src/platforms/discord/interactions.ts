import {
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { COMMANDS, runDefinition, type Answer, type CommandServices } from '../../../commands/index.ts';
import type { CommandRateLimiter } from '../../../commands/rate-limit.ts';
import { searchCommand } from '../../../commands/search.ts';
import type { Logger } from '../../log.ts';
import type { MorePages } from './more-pages.ts';
import { fitPlain } from './markdown.ts';
import { answerReply, type DiscordReply } from './render-answer.ts';
import { ADMIN_COMMAND, ADMIN_SUBCOMMANDS, COMMAND, SUBCOMMANDS } from './slash-commands.ts';

export interface InteractionDeps {
  services: CommandServices;
  /** AINEWS_ADMINS: `discord:<user id>` entries may add and remove feeds, and change watches. */
  admins: readonly string[];
  /** The permission a member needs in a channel to change its watches (DISCORD_WATCH_PERMISSION). */
  watchPermission: 'ManageChannels' | 'ManageGuild' | 'ManageMessages' | 'none';
  pages: MorePages;
  limiter: CommandRateLimiter;
  log: Logger;
}

// These write to the database, which may wait on another process's lock: the reply is deferred first.
const WRITES = new Set(['watch', 'unwatch']);
// What the bot needs to post alerts in a channel, and in a thread or forum post.
const POSTING = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks];
const POSTING_IN_THREADS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessagesInThreads, PermissionFlagsBits.EmbedLinks];

/**
 * Every interaction ainews answers: /ainews and /ainews-admin, their autocompletes and the "More" button.
 * The Discord side only translates: options into a command of commands/, the answer into embeds.
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

async function slashCommand(interaction: ChatInputCommandInteraction, deps: InteractionDeps): Promise<void> {
  const admin = interaction.commandName === ADMIN_COMMAND;
  if (!admin && interaction.commandName !== COMMAND) return;
  const sub = interaction.options.getSubcommand();
  const get = (name: string) => interaction.options.get(name)?.value ?? null;
  const mapped = admin ? ADMIN_SUBCOMMANDS[sub] && { command: 'feeds', args: ADMIN_SUBCOMMANDS[sub](get) } : SUBCOMMANDS[sub] && { command: SUBCOMMANDS[sub].command, args: SUBCOMMANDS[sub].args(get) };
  if (!mapped) return;
  if (await refusedForRate(interaction, deps)) return;
  const share = interaction.options.getBoolean('share') === true;
  const flags = share ? undefined : MessageFlags.Ephemeral;
  const refusal = admin ? refuseNonAdmin(interaction, deps) : WRITES.has(sub) ? refuseWatchChange(interaction, deps) : null;
  if (refusal) {
    await interaction.reply({ content: `⚠️ ${refusal}`, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    return;
  }
  const deferred = admin || WRITES.has(sub);
  if (deferred) await interaction.deferReply({ flags });
  const answer = run(mapped.command, mapped.args, interaction, deps, admin);
  const reply = answerReply(answer, (next) => deps.pages.idFor(next));
  if (sub === 'watch' && answer.kind === 'notice') addPostingHint(reply, interaction);
  if (deferred) await interaction.editReply({ ...reply, allowedMentions: { parse: [] } });
  else await interaction.reply({ ...reply, flags: answer.kind === 'error' ? MessageFlags.Ephemeral : flags, allowedMentions: { parse: [] } });
}

function run(name: string, args: string, interaction: Interaction, deps: InteractionDeps, isAdmin: boolean): Answer {
  const definition = COMMANDS.find((c) => c.name === name)!;
  return runDefinition(
    definition,
    args,
    { channel: `discord:${interaction.channelId}`, user: `@${interaction.user.username}`, isAdmin, services: deps.services },
    (error) => deps.log.error({ err: error, command: name }, 'command failed'),
  );
}

/** Answers a user over COMMANDS_PER_MINUTE privately, and says so. */
async function refusedForRate(interaction: ChatInputCommandInteraction | ButtonInteraction, deps: InteractionDeps): Promise<boolean> {
  const wait = deps.limiter.take(`discord:${interaction.user.id}`);
  if (!wait) return false;
  await interaction.reply({ ...answerReply(deps.limiter.refusal(wait), String), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  return true;
}

function isListedAdmin(interaction: Interaction, deps: InteractionDeps): boolean {
  return deps.admins.includes(`discord:${interaction.user.id}`);
}

/** Feeds change what every channel gets: Manage Server (declared on the command, checked again here). */
function refuseNonAdmin(interaction: ChatInputCommandInteraction, deps: InteractionDeps): string | null {
  if (isListedAdmin(interaction, deps) || interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return null;
  return 'only members with Manage Server, and the users in AINEWS_ADMINS, can add and remove feeds';
}

/** Watches post to the whole channel: by default only members who manage it may change them. */
function refuseWatchChange(interaction: ChatInputCommandInteraction, deps: InteractionDeps): string | null {
  // In a direct message with the bot, the channel is the user's own.
  if (deps.watchPermission === 'none' || !interaction.inGuild() || isListedAdmin(interaction, deps)) return null;
  if (interaction.memberPermissions?.has(PermissionFlagsBits[deps.watchPermission])) return null;
  return `changing this channel's watches needs the ${deps.watchPermission.replace(/(?<=[a-z])(?=[A-Z])/g, ' ')} permission here (the server's choice, through DISCORD_WATCH_PERMISSION)`;
}

/** Watching where the bot cannot post works, and says what the bot is missing there. */
function addPostingHint(reply: DiscordReply, interaction: ChatInputCommandInteraction): void {
  const permissions = interaction.appPermissions;
  const needed = interaction.channel?.isThread() ? POSTING_IN_THREADS : POSTING;
  if (!interaction.inGuild() || permissions.has(needed)) return;
  const missing = permissions.missing(needed).map((name) => name.replace(/(?<=[a-z])(?=[A-Z])/g, ' '));
  reply.content = `${reply.content ?? ''}\n⚠️ I cannot post alerts here yet: I need ${missing.join(', ')} in this channel.`;
}

async function autocomplete(interaction: AutocompleteInteraction, deps: InteractionDeps): Promise<void> {
  const typed = String(interaction.options.getFocused()).toLowerCase();
  const choices =
    interaction.commandName === ADMIN_COMMAND
      ? deps.services.feeds.list().map((f) => ({ name: `#${f.id} ${f.name ?? f.url}`, value: String(f.id) }))
      : deps.services.watches.list(`discord:${interaction.channelId}`).map((w) => ({ name: `#${w.id} ${w.query}`, value: `#${w.id}` }));
  await interaction.respond(
    choices
      .filter((c) => c.name.toLowerCase().includes(typed))
      .slice(0, 25)
      .map((c) => ({ name: fitPlain(c.name, 100), value: c.value })),
  );
}

/** The "More" button: the next page takes the place of the one whose button was pressed. */
async function morePage(interaction: ButtonInteraction, deps: InteractionDeps): Promise<void> {
  if (await refusedForRate(interaction, deps)) return;
  const next = deps.pages.resolve(interaction.customId);
  if (next === null) {
    await interaction.update({ content: 'These results have expired: search again.', embeds: [], components: [], allowedMentions: { parse: [] } });
    return;
  }
  const answer = run(searchCommand.name, next, interaction, deps, false);
  await interaction.update({ ...answerReply(answer, (more) => deps.pages.idFor(more)), allowedMentions: { parse: [] } });
}
