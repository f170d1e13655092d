import {
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  SlashCommandSubcommandBuilder,
  SlashCommandSubcommandGroupBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { COMMANDS, type CommandDefinition } from '../../../commands/index.ts';

export const COMMAND = 'ainews';
export const ADMIN_COMMAND = 'ainews-admin';
/** Discord shows at most 10 embeds in one message: an option that counts results goes no higher. */
const EMBEDS_MAX = 10;

/**
 * The application commands, generated from the command definitions. Each becomes a subcommand (a
 * command of two words, a subcommand of a group): of `/ainews`, for everyone (a channel manager's
 * commands are checked when they run, against DISCORD_WATCH_PERMISSION), or, for admins' commands, of
 * `/ainews-admin`, which Discord shows only to members with Manage Server (`default_member_permissions`);
 * that too is checked again when it runs.
 */
export function commandDefinitions(commands: readonly CommandDefinition[] = COMMANDS): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const ainews = new SlashCommandBuilder()
    .setName(COMMAND)
    .setDescription('AI news: search what was collected, and choose what this channel watches')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM);
  const admin = new SlashCommandBuilder()
    .setName(ADMIN_COMMAND)
    .setDescription('Add and remove the feeds ainews polls (Manage Server)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild);
  addCommands(ainews, commands.filter((c) => c.access !== 'admin'), commands, true);
  addCommands(admin, commands.filter((c) => c.access === 'admin'), commands, false);
  return [ainews.toJSON(), admin.toJSON()];
}

/**
 * Where a command's interaction comes from: the top-level command, and its group and subcommand. A
 * command of one word that also begins commands of two (`settings`, beside `settings min`) is its
 * group's `show`, as Discord allows no subcommand beside a group of the same name.
 */
export function commandPath(command: CommandDefinition, all: readonly CommandDefinition[] = COMMANDS): { top: string; group: string | null; sub: string } {
  const words = command.name.split(' ');
  const top = command.access === 'admin' ? ADMIN_COMMAND : COMMAND;
  if (words.length > 1) return { top, group: words[0]!, sub: words.at(-1)! };
  const heads = all.some((other) => other.name.startsWith(`${command.name} `) && (other.access === 'admin') === (command.access === 'admin'));
  return heads ? { top, group: command.name, sub: 'show' } : { top, group: null, sub: command.name };
}

/** The command an interaction names, among `commands`. */
export function findCommand(commands: readonly CommandDefinition[], top: string, group: string | null, sub: string): CommandDefinition | undefined {
  return commands.find((c) => {
    const path = commandPath(c, commands);
    return path.top === top && path.group === group && path.sub === sub;
  });
}

function addCommands(top: SlashCommandBuilder, commands: CommandDefinition[], all: readonly CommandDefinition[], shareable: boolean): void {
  const groups = new Map<string, SlashCommandSubcommandGroupBuilder>();
  for (const command of commands) {
    const { group, sub } = commandPath(command, all);
    const subcommand = subcommandOf(command, sub, shareable);
    if (!group) {
      top.addSubcommand(subcommand);
      continue;
    }
    let builder = groups.get(group);
    if (!builder) {
      builder = new SlashCommandSubcommandGroupBuilder().setName(group).setDescription(groupDescription(group, all));
      groups.set(group, builder);
      top.addSubcommandGroup(builder);
    }
    builder.addSubcommand(subcommand);
  }
}

function subcommandOf(command: CommandDefinition, name: string, shareable: boolean): SlashCommandSubcommandBuilder {
  const sub = new SlashCommandSubcommandBuilder().setName(name).setDescription(command.description);
  // Discord wants the required options first.
  const options = [...command.options].sort((a, b) => Number(Boolean(b.required)) - Number(Boolean(a.required)));
  for (const option of options) {
    if (option.type === 'integer') {
      sub.addIntegerOption((o) => {
        o.setName(option.name).setDescription(option.description).setRequired(Boolean(option.required));
        if (option.min !== undefined) o.setMinValue(option.min);
        const max = option.countsResults ? Math.min(option.max ?? EMBEDS_MAX, EMBEDS_MAX) : option.max;
        if (max !== undefined) o.setMaxValue(max);
        if (option.choices) o.addChoices(...option.choices.map((c) => ({ name: c.name, value: Number(c.value) })));
        return o;
      });
    } else {
      sub.addStringOption((o) => {
        o.setName(option.name).setDescription(option.description).setRequired(Boolean(option.required));
        if (option.maxLength !== undefined) o.setMaxLength(option.maxLength);
        if (option.autocomplete) o.setAutocomplete(true);
        if (option.choices) o.addChoices(...option.choices.map((c) => ({ name: c.name, value: String(c.value) })));
        return o;
      });
    }
  }
  if (shareable) sub.addBooleanOption((o) => o.setName('share').setDescription('Show the answer to the whole channel (by default only you see it)'));
  return sub;
}

/** A group is described as the command of its name (`feeds` for `feeds add`), else by its subcommands. */
function groupDescription(group: string, all: readonly CommandDefinition[]): string {
  const named = all.find((c) => c.name === group);
  const subs = all.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name.split(' ')[1]);
  return named?.description ?? `${group}: ${subs.join(', ')}`;
}
